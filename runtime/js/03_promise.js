// 03_promise.js: the program-visible Promise, with its state and reactions kept as plain data (so a snapshot can capture pending promises).
//
// This follows ECMAScript 2024 section 27.2 step by step, so that the order in which
// reactions run is exactly what a native engine (node 20 / V8) produces. Where this file
// takes a shortcut, the shortcut is only taken when the spec steps it replaces could not
// be observed by the program.
//
// Snapshot-facing data layout:
//   promise[STATE]   {state, value, fulfillReactions, rejectReactions, handled}
//                    (the reaction arrays become null once the promise settles)
//   reaction         {capability, type: 'fulfill'|'reject', handler}
//   capability       {promise, resolve, reject}; resolve/reject are undefined for the
//                    internal capability `then` creates for a plain Promise: nobody else can
//                    see its resolving functions, so the job settles the promise directly
//   queueObject      {jobs, head, rejections}: jobs[head..] are still to run; rejections
//                    lists promises rejected with no handler, in rejection order
//   jobs             {kind:'reaction', reaction, argument}
//                    {kind:'thenable', promise, thenable, then}
//                    {kind:'callback', fn}
// Every function created after load comes from lib.libFn(kind, state) with all of its
// mutable state inside `state`, so a restore can rebuild it from (kind, state).
"use strict";
((lib) => {
  // Runtime functions come from factories (00_boot.js: lib.libFn).
  const factories = lib.libFactories;
  const makeFn = (kind, state) => lib.libFn(kind, state);

  // The one own property of every promise that holds its state.
  const STATE = Symbol("things.promiseState");
  lib.hiddenKeys.add(STATE);

  // The built-ins promises rely on, from the library's primordials (00_boot.js), so a
  // program that patches globals or prototypes later cannot change how promises work.
  const {
    AggregateError,
    ArrayIsArray,
    FunctionPrototypeCall, // FunctionPrototypeCall(f, this, ...args)
    FunctionPrototypeToString,
    ObjectAssign,
    ObjectCreate,
    ObjectDefineProperty,
    ObjectGetOwnPropertyDescriptor,
    ObjectGetPrototypeOf,
    ObjectPrototypeHasOwnProperty,
    Proxy,
    String,
    SymbolIterator,
    SymbolSpecies,
    SymbolToStringTag,
    TypeError,
  } = lib.primordials;

  // Jobs and pending rejections live here, as the snapshot sees them.
  const queueObject = { jobs: [], head: 0, rejections: [] };
  lib.stateParts.microtasks = {
    save: () => queueObject,
    restore(data) {
      ObjectAssign(queueObject, data);
    },
  };
  // Compact the job array once this many consumed slots pile up at its front.
  const COMPACT_THRESHOLD = 4096;
  let draining = false;

  // ---------------------------------------------------------------------------
  // Small helpers.
  // ---------------------------------------------------------------------------
  const { isObject } = lib;

  // The state record if v is one of our promises (the spec's IsPromise), else undefined.
  function recordOf(v) {
    if (typeof v === "object" && v !== null && ObjectPrototypeHasOwnProperty(v, STATE)) return v[STATE];
    return undefined;
  }

  // One reusable descriptor, so creating a promise allocates only what it keeps. Its null
  // prototype keeps a program's Object.prototype.get/set from leaking into it.
  const stateDescriptor = { __proto__: null, value: undefined, writable: false, enumerable: false, configurable: false };

  function createPromise(proto) {
    const promise = ObjectCreate(proto);
    stateDescriptor.value = {
      state: "pending",
      value: undefined,
      fulfillReactions: [],
      rejectReactions: [],
      handled: false,
    };
    ObjectDefineProperty(promise, STATE, stateDescriptor);
    stateDescriptor.value = undefined;
    return promise;
  }

  // Render a value the way V8 does inside its TypeError messages.
  function describe(v) {
    if (typeof v === "string") return v;
    if (!isObject(v)) return String(v);
    if (typeof v === "function") {
      try { return FunctionPrototypeToString(v); } catch (_) { return "function"; }
    }
    if (ArrayIsArray(v)) return "[object Array]";
    try {
      const proto = ObjectGetPrototypeOf(v);
      const ctor = proto === null ? undefined : ObjectGetOwnPropertyDescriptor(proto, "constructor");
      const name = ctor && typeof ctor.value === "function" ? ctor.value.name : "";
      if (typeof name === "string" && name !== "") return "#<" + name + ">";
    } catch (_) { /* fall through */ }
    return "[object Object]";
  }

  // How V8 names a value in "... is not iterable" messages.
  function describeForIteration(v) {
    if (v === undefined) return "undefined";
    if (v === null) return "object null";
    if (isObject(v) || typeof v === "symbol") return typeof v;
    return typeof v + " " + String(v);
  }

  // How node names a value in ERR_INVALID_ARG_TYPE messages.
  function describeReceived(v) {
    if (v === undefined || v === null) return String(v);
    if (typeof v === "function") return "function " + (v.name || "<anonymous>");
    if (typeof v === "object") {
      const d = describe(v);
      return d.startsWith("#<") ? "an instance of " + d.slice(2, -1) : d;
    }
    let shown = typeof v === "string" ? "'" + v + "'" : typeof v === "bigint" ? String(v) + "n" : String(v);
    if (shown.length > 28) shown = shown.slice(0, 25) + "...";
    return "type " + typeof v + " (" + shown + ")";
  }

  // The spec's IsConstructor, probed through a Proxy so nothing on `f` is read or called.
  const constructProbe = { construct() { return constructProbe; } };
  function isConstructor(f) {
    if (!isObject(f)) return false;
    try {
      new (new Proxy(f, constructProbe))();
      return true;
    } catch (_) {
      return false;
    }
  }

  function enqueue(job) {
    const jobs = queueObject.jobs;
    jobs[jobs.length] = job; // not push(): the program may have patched Array.prototype
  }

  // ---------------------------------------------------------------------------
  // Settling (27.2.1.4 FulfillPromise, 27.2.1.7 RejectPromise, 27.2.1.8 TriggerPromiseReactions).
  // ---------------------------------------------------------------------------
  function triggerReactions(reactions, argument) {
    for (let i = 0; i < reactions.length; i++) {
      enqueue({ kind: "reaction", reaction: reactions[i], argument });
    }
  }

  function fulfillPromise(rec, value) {
    const reactions = rec.fulfillReactions;
    rec.state = "fulfilled";
    rec.value = value;
    rec.fulfillReactions = null;
    rec.rejectReactions = null;
    triggerReactions(reactions, value);
  }

  function rejectPromise(promise, rec, reason) {
    const reactions = rec.rejectReactions;
    rec.state = "rejected";
    rec.value = reason;
    rec.fulfillReactions = null;
    rec.rejectReactions = null;
    // HostPromiseRejectionTracker(promise, "reject"): remember it; runMicrotasks decides later.
    if (!rec.handled) {
      const list = queueObject.rejections;
      list[list.length] = promise;
    }
    triggerReactions(reactions, reason);
  }

  // The body of a promise resolve function (27.2.1.3.2) after the already-resolved check.
  function resolvePromise(promise, rec, resolution) {
    if (resolution === promise) {
      rejectPromise(promise, rec, new TypeError("Chaining cycle detected for promise #<Promise>"));
      return;
    }
    if (!isObject(resolution)) {
      fulfillPromise(rec, resolution);
      return;
    }
    let then;
    try {
      then = resolution.then;
    } catch (e) {
      rejectPromise(promise, rec, e);
      return;
    }
    if (typeof then !== "function") {
      fulfillPromise(rec, resolution);
      return;
    }
    // Adopting a thenable always costs one extra job (NewPromiseResolveThenableJob).
    enqueue({ kind: "thenable", promise, thenable: resolution, then });
  }

  // 27.2.1.3 CreateResolvingFunctions: both functions share one state, which holds the
  // spec's [[AlreadyResolved]] record.
  factories["promise.resolve"] = (s) => (resolution) => {
    if (s.alreadyResolved) return undefined;
    s.alreadyResolved = true;
    resolvePromise(s.promise, s.promise[STATE], resolution);
    return undefined;
  };
  factories["promise.reject"] = (s) => (reason) => {
    if (s.alreadyResolved) return undefined;
    s.alreadyResolved = true;
    rejectPromise(s.promise, s.promise[STATE], reason);
    return undefined;
  };

  // The shared state of one resolve/reject pair. Callers create the pair themselves
  // (resolve first, as the spec does) rather than receive a {resolve, reject} holder.
  const resolvingState = (promise) => ({ promise, alreadyResolved: false });

  // ---------------------------------------------------------------------------
  // Capabilities (27.2.1.5 NewPromiseCapability) and species (7.3.22 SpeciesConstructor).
  // ---------------------------------------------------------------------------
  factories["promise.capabilityExecutor"] = (s) => (resolve, reject) => {
    if (s.resolve !== undefined || s.reject !== undefined) {
      throw new TypeError("Promise executor has already been invoked with non-undefined arguments");
    }
    s.resolve = resolve;
    s.reject = reject;
    return undefined;
  };

  function newPromiseCapability(C) {
    if (C === ThingsPromise) {
      // Same as `new Promise(executor)`, minus the executor nobody can observe.
      const promise = createPromise(promisePrototype);
      const s = resolvingState(promise);
      return { promise, resolve: makeFn("promise.resolve", s), reject: makeFn("promise.reject", s) };
    }
    if (!isConstructor(C)) throw new TypeError(describe(C) + " is not a constructor");
    const s = { resolve: undefined, reject: undefined };
    const promise = new C(makeFn("promise.capabilityExecutor", s));
    if (typeof s.resolve !== "function" || typeof s.reject !== "function") {
      throw new TypeError("Promise resolve or reject function is not callable");
    }
    return { promise, resolve: s.resolve, reject: s.reject };
  }

  function speciesConstructor(o, defaultConstructor) {
    const C = o.constructor;
    if (C === undefined) return defaultConstructor;
    if (!isObject(C)) throw new TypeError("The .constructor property is not an object");
    const S = C[SymbolSpecies];
    if (S === undefined || S === null) return defaultConstructor;
    if (S === ThingsPromise || isConstructor(S)) return S;
    throw new TypeError("object.constructor[Symbol.species] is not a constructor");
  }

  // 27.2.4.7.1 PromiseResolve.
  function promiseResolve(C, x) {
    if (recordOf(x) !== undefined && x.constructor === C) return x;
    if (C === ThingsPromise) {
      const promise = createPromise(promisePrototype);
      resolvePromise(promise, promise[STATE], x);
      return promise;
    }
    const cap = newPromiseCapability(C);
    const resolve = cap.resolve;
    resolve(x);
    return cap.promise;
  }

  // IfAbruptRejectPromise: reject the capability with `e` and hand back its promise.
  function rejectCapability(cap, e) {
    const reject = cap.reject;
    reject(e);
    return cap.promise;
  }

  // ---------------------------------------------------------------------------
  // 27.2.5.4.1 PerformPromiseThen.
  // ---------------------------------------------------------------------------
  function performThen(promise, rec, onFulfilled, onRejected, capability) {
    const fulfillHandler = typeof onFulfilled === "function" ? onFulfilled : undefined;
    const rejectHandler = typeof onRejected === "function" ? onRejected : undefined;
    if (rec.state === "pending") {
      const fr = rec.fulfillReactions;
      const rr = rec.rejectReactions;
      fr[fr.length] = { capability, type: "fulfill", handler: fulfillHandler };
      rr[rr.length] = { capability, type: "reject", handler: rejectHandler };
    } else if (rec.state === "fulfilled") {
      enqueue({ kind: "reaction", reaction: { capability, type: "fulfill", handler: fulfillHandler }, argument: rec.value });
    } else {
      // A handler arriving late cancels the pending unhandled-rejection report:
      // runMicrotasks skips promises whose `handled` flag is set by then.
      enqueue({ kind: "reaction", reaction: { capability, type: "reject", handler: rejectHandler }, argument: rec.value });
    }
    rec.handled = true;
    return capability === undefined ? undefined : capability.promise;
  }

  // ---------------------------------------------------------------------------
  // Jobs.
  // ---------------------------------------------------------------------------
  // 27.2.2.1 NewPromiseReactionJob.
  function runReactionJob(reaction, argument) {
    const handler = reaction.handler;
    let ok = reaction.type === "fulfill";
    let result = argument;
    if (handler !== undefined) {
      try {
        result = handler(argument);
        ok = true;
      } catch (e) {
        result = e;
        ok = false;
      }
    }
    const cap = reaction.capability;
    if (cap === undefined) return;
    if (cap.resolve === undefined) {
      // Internal capability: settle directly, exactly as its resolving functions would.
      const promise = cap.promise;
      if (ok) resolvePromise(promise, promise[STATE], result);
      else rejectPromise(promise, promise[STATE], result);
      return;
    }
    const settle = ok ? cap.resolve : cap.reject;
    settle(result);
  }

  // 27.2.2.2 NewPromiseResolveThenableJob.
  function runThenableJob(job) {
    const s = resolvingState(job.promise);
    const resolve = makeFn("promise.resolve", s);
    const reject = makeFn("promise.reject", s);
    try {
      FunctionPrototypeCall(job.then, job.thenable, resolve, reject);
    } catch (e) {
      reject(e);
    }
  }

  // Program code run by a job (a reaction, a thenable's then, a callback)
  // cannot be captured mid-way: the job itself is not a resumable frame.
  function runJob(job) {
    lib.nc++;
    try {
      runJobUnguarded(job);
    } finally {
      lib.nc--;
    }
  }

  function runJobUnguarded(job) {
    const kind = job.kind;
    if (kind === "reaction") {
      runReactionJob(job.reaction, job.argument);
    } else if (kind === "thenable") {
      runThenableJob(job);
    } else {
      const fn = job.fn;
      fn();
    }
  }

  // Runs jobs FIFO from queueObject.head, including ones queued meanwhile. Returns false
  // when a job threw and the host said to stop.
  function drainJobs() {
    const q = queueObject;
    for (;;) {
      try {
        const jobs = q.jobs;
        let head = q.head;
        while (head < jobs.length) {
          const job = jobs[head];
          jobs[head] = null; // let the job be collected; q.head marks it consumed
          q.head = ++head;   // kept current so a snapshot taken inside a job resumes after it
          if (head >= COMPACT_THRESHOLD && head * 2 >= jobs.length) head = compactJobs(q);
          runJob(job);
        }
        jobs.length = 0;
        q.head = 0;
        return true;
      } catch (err) {
        const hook = lib.onUncaughtException;
        if (typeof hook !== "function") throw err;
        if (hook(err) !== true) return false;
      }
    }
  }

  // Slide the unconsumed jobs to the front (amortised O(1) per job; never shift()).
  function compactJobs(q) {
    const jobs = q.jobs;
    const head = q.head;
    const live = jobs.length - head;
    for (let i = 0; i < live; i++) jobs[i] = jobs[head + i];
    jobs.length = live;
    q.head = 0;
    return 0;
  }

  // Like node's processPromiseRejections: report rejections still unhandled after the
  // drain, once each, oldest first. Rejections a hook causes wait for the next round.
  function reportUnhandledRejections() {
    const batch = queueObject.rejections;
    if (batch.length === 0) return;
    queueObject.rejections = [];
    for (let i = 0; i < batch.length; i++) {
      const promise = batch[i];
      const rec = promise[STATE];
      if (rec.handled) continue;
      const hook = lib.onUnhandledRejection;
      if (typeof hook === "function") hook(rec.value, promise);
    }
  }

  function runMicrotasks() {
    if (draining) return; // a nested call would only re-enter the drain already running
    draining = true;
    try {
      for (;;) {
        if (!drainJobs()) return;
        // Then the engine's own jobs: those of native promises, from the
        // constructs left native (async functions using `super`, async
        // generators with `yield*`); they may queue more of ours.
        lib.runNativeMicrotasks();
        if (queueObject.head < queueObject.jobs.length) continue;
        reportUnhandledRejections();
        if (queueObject.head >= queueObject.jobs.length && queueObject.rejections.length === 0) return;
      }
    } finally {
      draining = false;
    }
  }

  function queueMicrotask(callback) {
    if (typeof callback !== "function") {
      const err = new TypeError(
        'The "callback" argument must be of type function. Received ' + describeReceived(callback));
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    enqueue({ kind: "callback", fn: callback });
  }

  function promiseState(v) {
    const rec = recordOf(v);
    return rec === undefined ? undefined : { state: rec.state, value: rec.value };
  }

  // ---------------------------------------------------------------------------
  // The constructor (27.2.3.1).
  // ---------------------------------------------------------------------------
  function ThingsPromise(executor) {
    if (new.target === undefined) throw new TypeError("Promise constructor cannot be invoked without 'new'");
    if (typeof executor !== "function") throw new TypeError("Promise resolver " + describe(executor) + " is not a function");
    // OrdinaryCreateFromConstructor: honour new.target so subclasses get their prototype.
    let proto = new.target.prototype;
    if (!isObject(proto)) proto = promisePrototype;
    const promise = createPromise(proto);
    const s = resolvingState(promise);
    const resolve = makeFn("promise.resolve", s);
    const reject = makeFn("promise.reject", s);
    try {
      lib.guarded(executor, undefined, [resolve, reject]);
    } catch (e) {
      reject(e);
    }
    return promise;
  }
  const promisePrototype = ThingsPromise.prototype;
  ObjectDefineProperty(ThingsPromise, "name", { value: "Promise" });
  ObjectDefineProperty(ThingsPromise, "prototype", { writable: false });

  // ---------------------------------------------------------------------------
  // Iteration helpers for the combinators (7.4 Operations on Iterator Objects).
  // ---------------------------------------------------------------------------
  function getIterator(obj) {
    const method = obj === undefined || obj === null ? undefined : obj[SymbolIterator];
    if (typeof method !== "function") {
      throw new TypeError(describeForIteration(obj) + " is not iterable (cannot read property Symbol(Symbol.iterator))");
    }
    const iterator = FunctionPrototypeCall(method, obj);
    if (!isObject(iterator)) throw new TypeError("Result of the Symbol.iterator method is not an object");
    return { iterator, nextMethod: iterator.next, done: false };
  }

  // IteratorStepValue: the next value, or sets record.done. Any throw also marks it done,
  // so the caller knows not to close the iterator.
  function iteratorStepValue(record) {
    let value;
    try {
      const result = FunctionPrototypeCall(record.nextMethod, record.iterator);
      if (!isObject(result)) throw new TypeError("Iterator result " + describe(result) + " is not an object");
      if (result.done) {
        record.done = true;
        return undefined;
      }
      value = result.value;
    } catch (e) {
      record.done = true;
      throw e;
    }
    return value;
  }

  // IteratorClose with a throw completion: errors from return() are swallowed.
  function closeIteratorAfterThrow(record) {
    try {
      const iterator = record.iterator;
      const ret = iterator.return;
      if (ret !== undefined && ret !== null) FunctionPrototypeCall(ret, iterator);
    } catch (_) { /* the original error wins */ }
  }

  // The shared frame of all/allSettled/any/race (e.g. 27.2.4.1 steps 1-9).
  function runCombinator(C, iterable, name, perform) {
    if (!isObject(C)) throw new TypeError("Promise." + name + " called on non-object");
    const cap = newPromiseCapability(C);
    let promiseResolveFn, record;
    try {
      promiseResolveFn = C.resolve; // GetPromiseResolve
      if (typeof promiseResolveFn !== "function") throw new TypeError("resolve is not a function");
      record = getIterator(iterable);
    } catch (e) {
      return rejectCapability(cap, e);
    }
    try {
      return perform(record, C, cap, promiseResolveFn);
    } catch (e) {
      if (!record.done) closeIteratorAfterThrow(record);
      return rejectCapability(cap, e);
    }
  }

  // 27.2.4.1.2 Promise.all resolve element functions. `remaining` is shared by all of them.
  factories["promise.allResolveElement"] = (s) => (x) => {
    if (s.alreadyCalled) return undefined;
    s.alreadyCalled = true;
    s.values[s.index] = x;
    if (--s.remaining.count === 0) {
      const resolve = s.capability.resolve;
      return resolve(s.values);
    }
    return undefined;
  };

  // 27.2.4.2.2/3 Promise.allSettled element functions; each pair shares one state,
  // which plays the spec's shared [[AlreadyCalled]] record.
  function settleElement(s, entry) {
    if (s.alreadyCalled) return undefined;
    s.alreadyCalled = true;
    s.values[s.index] = entry;
    if (--s.remaining.count === 0) {
      const resolve = s.capability.resolve;
      return resolve(s.values);
    }
    return undefined;
  }
  factories["promise.allSettledFulfilled"] = (s) => (x) => settleElement(s, { status: "fulfilled", value: x });
  factories["promise.allSettledRejected"] = (s) => (x) => settleElement(s, { status: "rejected", reason: x });

  function aggregateError(errors) {
    const error = new AggregateError([], "All promises were rejected");
    ObjectDefineProperty(error, "errors", { __proto__: null, value: errors, writable: true, enumerable: false, configurable: true });
    return error;
  }

  // 27.2.4.3.2 Promise.any reject element functions.
  factories["promise.anyRejectElement"] = (s) => (x) => {
    if (s.alreadyCalled) return undefined;
    s.alreadyCalled = true;
    s.errors[s.index] = x;
    if (--s.remaining.count === 0) {
      const reject = s.capability.reject;
      return reject(aggregateError(s.errors));
    }
    return undefined;
  };

  // Promise.all and allSettled share this loop; the kinds name their element functions
  // (all passes the capability's own reject as the rejection handler).
  function performAllLike(record, C, cap, promiseResolveFn, fulfilledKind, rejectedKind) {
    const values = [];
    const remaining = { count: 1 };
    let index = 0;
    for (;;) {
      const next = iteratorStepValue(record);
      if (record.done) {
        if (--remaining.count === 0) {
          const resolve = cap.resolve;
          resolve(values);
        }
        return cap.promise;
      }
      values[index] = undefined;
      const nextPromise = FunctionPrototypeCall(promiseResolveFn, C, next);
      const s = { alreadyCalled: false, index, values, capability: cap, remaining };
      const onFulfilled = makeFn(fulfilledKind, s);
      const onRejected = rejectedKind === undefined ? cap.reject : makeFn(rejectedKind, s);
      remaining.count++;
      nextPromise.then(onFulfilled, onRejected);
      index++;
    }
  }

  function performAll(record, C, cap, promiseResolveFn) {
    return performAllLike(record, C, cap, promiseResolveFn, "promise.allResolveElement", undefined);
  }

  function performAllSettled(record, C, cap, promiseResolveFn) {
    return performAllLike(record, C, cap, promiseResolveFn, "promise.allSettledFulfilled", "promise.allSettledRejected");
  }

  function performAny(record, C, cap, promiseResolveFn) {
    const errors = [];
    const remaining = { count: 1 };
    let index = 0;
    for (;;) {
      const next = iteratorStepValue(record);
      if (record.done) {
        if (--remaining.count === 0) throw aggregateError(errors);
        return cap.promise;
      }
      errors[index] = undefined;
      const nextPromise = FunctionPrototypeCall(promiseResolveFn, C, next);
      const onRejected = makeFn("promise.anyRejectElement",
        { alreadyCalled: false, index, errors, capability: cap, remaining });
      remaining.count++;
      nextPromise.then(cap.resolve, onRejected);
      index++;
    }
  }

  function performRace(record, C, cap, promiseResolveFn) {
    for (;;) {
      const next = iteratorStepValue(record);
      if (record.done) return cap.promise;
      const nextPromise = FunctionPrototypeCall(promiseResolveFn, C, next);
      nextPromise.then(cap.resolve, cap.reject);
    }
  }

  // ---------------------------------------------------------------------------
  // finally's helper functions (27.2.5.3).
  // ---------------------------------------------------------------------------
  factories["promise.thenFinally"] = (s) => (value) => {
    const onFinally = s.onFinally;
    const p = promiseResolve(s.C, onFinally());
    return p.then(makeFn("promise.valueThunk", { value }));
  };
  factories["promise.catchFinally"] = (s) => (reason) => {
    const onFinally = s.onFinally;
    const p = promiseResolve(s.C, onFinally());
    return p.then(makeFn("promise.thrower", { reason }));
  };
  factories["promise.valueThunk"] = (s) => () => s.value;
  factories["promise.thrower"] = (s) => () => { throw s.reason; };

  // ---------------------------------------------------------------------------
  // Static methods (27.2.4) and prototype methods (27.2.5). Methods come from object
  // literals so they get the right names and, like builtins, no `prototype`.
  // ---------------------------------------------------------------------------
  const statics = {
    all(iterable) { return runCombinator(this, iterable, "all", performAll); },
    allSettled(iterable) { return runCombinator(this, iterable, "allSettled", performAllSettled); },
    any(iterable) { return runCombinator(this, iterable, "any", performAny); },
    race(iterable) { return runCombinator(this, iterable, "race", performRace); },
    resolve(x) {
      if (!isObject(this)) throw new TypeError("PromiseResolve called on non-object");
      return promiseResolve(this, x);
    },
    reject(r) {
      const C = this;
      if (!isObject(C)) throw new TypeError("PromiseReject called on non-object");
      if (C === ThingsPromise) {
        const promise = createPromise(promisePrototype);
        rejectPromise(promise, promise[STATE], r);
        return promise;
      }
      return rejectCapability(newPromiseCapability(C), r);
    },
    withResolvers() {
      const cap = newPromiseCapability(this);
      return { promise: cap.promise, resolve: cap.resolve, reject: cap.reject };
    },
  };

  const methods = {
    then(onFulfilled, onRejected) {
      const rec = recordOf(this);
      if (rec === undefined) {
        throw new TypeError("Method Promise.prototype.then called on incompatible receiver " + describe(this));
      }
      const C = speciesConstructor(this, ThingsPromise);
      const capability = C === ThingsPromise
        ? { promise: createPromise(promisePrototype), resolve: undefined, reject: undefined }
        : newPromiseCapability(C);
      return performThen(this, rec, onFulfilled, onRejected, capability);
    },
    catch(onRejected) {
      return this.then(undefined, onRejected);
    },
    finally(onFinally) {
      const promise = this;
      if (!isObject(promise)) throw new TypeError("Promise.prototype.finally called on non-object");
      const C = speciesConstructor(promise, ThingsPromise);
      let thenFinally = onFinally;
      let catchFinally = onFinally;
      if (typeof onFinally === "function") {
        const s = { onFinally, C };
        thenFinally = makeFn("promise.thenFinally", s);
        catchFinally = makeFn("promise.catchFinally", s);
      }
      return promise.then(thenFinally, catchFinally);
    },
  };

  const defineMethod = (target, key, fn) =>
    ObjectDefineProperty(target, key, { value: fn, writable: true, enumerable: false, configurable: true });

  for (const key of ["all", "allSettled", "any", "race", "resolve", "reject", "withResolvers"]) {
    defineMethod(ThingsPromise, key, statics[key]);
  }
  ObjectDefineProperty(ThingsPromise, SymbolSpecies, {
    get: ObjectGetOwnPropertyDescriptor({ get [SymbolSpecies]() { return this; } }, SymbolSpecies).get,
    set: undefined,
    enumerable: false,
    configurable: true,
  });
  for (const key of ["then", "catch", "finally"]) {
    defineMethod(promisePrototype, key, methods[key]);
  }
  ObjectDefineProperty(promisePrototype, SymbolToStringTag, {
    value: "Promise", writable: false, enumerable: false, configurable: true,
  });

  lib.Promise = ThingsPromise;          // the constructor to install as globalThis.Promise (the host installs it; you don't)
  lib.queueMicrotask = queueMicrotask;  // the program-visible queueMicrotask(fn)
  lib.runMicrotasks = runMicrotasks;    // drains the job queue, FIFO, including jobs queued while draining; then reports unhandled rejections
  lib.promiseState = promiseState;      // (v) -> undefined if v is not one of your promises, else {state:'pending'|'fulfilled'|'rejected', value}
  // `await v` (27.7.5.3 Await): PerformPromiseThen(PromiseResolve(%Promise%, v), ...)
  // with no promise of its own: no species lookup, nothing the program replaced.
  lib.awaitValue = (v, onFulfilled, onRejected) => {
    const promise = promiseResolve(ThingsPromise, v);
    performThen(promise, recordOf(promise), onFulfilled, onRejected, undefined);
  };
  // The same, giving a new %Promise% (CreateAsyncFromSyncIterator's steps).
  lib.thenOf = (v, onFulfilled, onRejected) => {
    const promise = promiseResolve(ThingsPromise, v);
    const capability = { promise: createPromise(promisePrototype), resolve: undefined, reject: undefined };
    return performThen(promise, recordOf(promise), onFulfilled, onRejected, capability);
  };
})(globalThis.__things);
