// 07_capture.js: capturing the call stack at yield points, and re-entering it.
//
// Instrumented code counts down a budget at every yield point (function
// entries and loop back-edges) and calls `lib.yield()` when it runs out. When
// a snapshot is wanted there, `yield` raises the program's capture flag;
// every instrumented frame then records itself (function body, call-site
// label, locals, this) and returns, down to the task dispatcher, which
// writes the snapshot.
// A restore re-enters the recorded frames bottom first through their resume
// bodies. Frames that cannot be re-entered (getters, running generator
// bodies, promise jobs, ...) raise `lib.nc` (00_boot.js) while they run; a
// capture waits until it is zero. A generator suspended at a yield is
// recorded by a look (`peek`) instead.
"use strict";
((lib) => {
  const { GeneratorPrototype, GeneratorPrototypeNext, ReflectApply, TypedArray, TypedArrayPrototype } = lib.primordials;
  const ops = lib.ops;
  // Yield-point hits between polls of the host (a poll is one cheap op call).
  const POLL_EVERY = 10000;

  // Thrown into a catch block to re-enter it.
  lib.RESUME = Object.freeze({ things: "resume" });

  // A suspended generator's frame cannot be read from outside; a look
  // resumes it with PEEK, on which its yield site records the frame and
  // yields again (an unstarted one, seeing `peeking`, records its start and
  // stays suspended there, which is the same to the program: the first
  // `next` argument is ignored either way). Otherwise it is left as it was.
  lib.PEEK = Object.freeze({ things: "peek" });
  lib.peeking = false;
  // The frame record of a suspended generator, or null if it has finished.
  lib.peek = (gen) => {
    const saved = lib.frames;
    lib.frames = [];
    lib.peeking = true;
    let r;
    try {
      r = GeneratorPrototypeNext(gen, lib.PEEK);
    } finally {
      lib.peeking = false;
    }
    const fr = lib.frames[0];
    lib.frames = saved;
    if (fr === undefined && !r.done) throw new Error("internal: a generator yielded to a look without recording its frame");
    return fr === undefined ? null : fr;
  };
  // Suspends a generator made from a resume body at its recorded site.
  lib.prime = (gen) => void GeneratorPrototypeNext(gen);
  // A capture was asked for while captures were held off.
  lib.captureWanted = false;
  // Whether frames are being recorded (also the program's `$$cap`).
  lib.capturing = false;
  lib.setCapturing = (on) => {
    lib.capturing = on;
    lib.setCapFlag(on);
  };
  lib.frames = null;
  lib.resumeStack = [];
  // Hits counted so far (at the last call of `yield`), and the budget then given.
  const count = (lib.yieldCount = { hits: 0, budget: 0 });
  const target = lib.config.snapshotAtYield;

  const nextBudget = () => {
    const left = target ? target - count.hits - 1 : Infinity;
    return left < 0 ? POLL_EVERY : Math.min(POLL_EVERY, left);
  };
  lib.budget0 = () => (count.budget = nextBudget());

  // Called by instrumented code when its budget runs out; returns the next budget.
  lib.yield = () => {
    count.hits += count.budget + 1;
    if (!lib.captureWanted) lib.captureWanted = (target && count.hits === target) || ops.op_things_poll() === 1;
    if (!lib.captureWanted) return (count.budget = nextBudget());
    if (lib.nc > 0) {
      // Held off: try again at the very next yield point (or the next idle point).
      return (count.budget = 0);
    }
    lib.captureWanted = false;
    lib.frames = [];
    lib.setCapturing(true);
    return (count.budget = nextBudget());
  };

  // Called by each instrumented frame's handler while a capture unwinds.
  lib.frame = (body, site, self, thisArg, locals, env, args) => {
    lib.frames.push({ k: body, s: site, f: self, t: thisArg, l: locals, e: env, a: args });
  };

  // Called at a call site of a resume body: re-enters the next recorded frame
  // (the one that was called there) and returns what it returns.
  lib.reenter = () => {
    const fr = lib.resumeStack.pop();
    const resume = lib.resumes[fr.k](fr.e, fr.f);
    return ReflectApply(resume, fr.t, [fr]);
  };
  // The same at a `new` site: the object the constructor was making, unless
  // it returns an object of its own.
  lib.reenterNew = () => {
    const made = lib.resumeStack[lib.resumeStack.length - 1].t;
    const result = lib.reenter();
    return lib.isObject(result) ? result : made;
  };

  // Total yield-point hits so far (tests use it to spread snapshot points);
  // an uninstrumented (`--raw`) program has none.
  lib.yieldHits = () => (lib.readCounter ? count.hits + (count.budget - lib.readCounter()) : 0);

  // Replaces a built-in method by one that holds captures off while it runs.
  const holdCapturesIn = (holder, name) => {
    const native = holder[name];
    if (typeof native !== "function") return;
    const guarded = {
      [name](...args) {
        return lib.guarded(native, this, args);
      },
    }[name];
    Object.defineProperty(guarded, "length", { value: native.length });
    Object.defineProperty(holder, name, { value: guarded, writable: true, enumerable: false, configurable: true });
  };

  if (lib.config.raw) return;
  // Generator bodies run inside the engine's generator machinery, which a
  // capture cannot unwind and rebuild; and built-ins that call program
  // functions back have frames no snapshot can hold. While either runs,
  // captures wait (DESIGN.md: "defers to the next point that can").
  const arrayLike = ["every", "filter", "find", "findIndex", "findLast", "findLastIndex", "forEach", "map", "reduce", "reduceRight", "some", "sort", "toSorted"];
  const callbackTakers = [
    [GeneratorPrototype, ["next", "return", "throw"]],
    [Array.prototype, [...arrayLike, "flatMap"]],
    [TypedArrayPrototype, arrayLike],
    [Array, ["from"]],
    [TypedArray, ["from"]],
    [String.prototype, ["replace", "replaceAll"]],
    [JSON, ["parse", "stringify"]],
    [Object, ["groupBy"]],
    [Map, ["groupBy"]],
    [Map.prototype, ["forEach"]],
    [Set.prototype, ["forEach"]],
    [Reflect, ["construct"]],
  ];
  for (const [holder, names] of callbackTakers) for (const name of names) holdCapturesIn(holder, name);

  // The program's prelude (instrumenter/src/prelude.js) writes Array
  // methods that call back in JavaScript, so a capture can stop inside their
  // callbacks. It installs each behind this dispatcher, which has no yield
  // point of its own: a callback that is not the program's (a built-in like
  // `Number`, or the engine's own code mapping an error's frames while it
  // builds the error) goes to the engine's method, holding captures off, so
  // that no frame is ever recorded under a caller that is native code and
  // would go on with what the frame returned. For a frame recorded in the
  // prelude's method the dispatcher only passes the result through, as a
  // call site expects.
  const arrayNatives = {};
  for (const name of [...arrayLike, "flatMap"]) arrayNatives[name] = Array.prototype[name];
  // (`state` is read at each call: a restore fills it in after making the function.)
  lib.libFactories.arrayMethod = (state) => {
    const { name } = state;
    return {
      [name](callback) {
        const own = typeof callback !== "function" || lib.isProgramFn(callback);
        return ReflectApply(own ? state.impl : arrayNatives[state.name], this, arguments);
      },
    }[name];
  };
  lib.arrayMethod = (name, impl) => lib.libFn("arrayMethod", { name, impl });
})(globalThis.__things);
