// 18_dynamic_functions.js: functions made from text at run time. `Function`,
// and the constructors of generator, async and async generator functions,
// are proxies of the engine's whose call and construct traps have the host
// instrument the text the language builds (`function anonymous(params\n)
// {\nbody\n}`) like the program, numbered after the scripts before it
// (instrumenter/src/dynamic.rs); the program's script evaluates the result
// where it sees its yield budget (`lib.evalChunk`). Such functions, and the
// classes and closures made in them, are then the program's own: capturable.
// A snapshot carries their texts (`lib.madeFunctions`); a restore makes them
// again, in the same order, before it reads the state. A text is
// instrumented once: made again, it gives a new function from the same
// factories (it sees only the global scope), so a program that makes its
// functions in a loop keeps one copy of each text.
"use strict";
((lib) => {
  const made = [];
  // kind, parameters and body -> the `$$main` that makes the function
  const loaded = new lib.primordials.Map();
  lib.madeFunctions = {
    save: () => made,
    restore(list) {
      for (const [kind, params, body] of new lib.primordials.SafeArrayIterator(list)) load(kind, params, body);
    },
  };
  // (`run --raw` runs the program on the engine as it is.)
  if (lib.config.raw) return;
  const {
    ArrayPrototypePush,
    AsyncFunction,
    AsyncGeneratorFunction,
    Function: EngineFunction,
    GeneratorFunction,
    JSONParse,
    JSONStringify,
    MapPrototypeGet,
    MapPrototypeSet,
    ObjectDefineProperty,
    ObjectSetPrototypeOf,
    Proxy: EngineProxy,
    ReflectApply,
    ReflectGetOwnPropertyDescriptor,
  } = lib.primordials;
  const EngineSyntaxError = SyntaxError;

  // The function's factories and resume bodies join the program's tables.
  const load = (kind, params, body) => {
    const reply = JSONParse(lib.ops.op_things_make_function(kind, params, body, lib.numbering));
    if (reply.error !== undefined) throw new EngineSyntaxError(reply.error);
    const [factories, resumes, texts, source] = lib.evalChunk(reply.code);
    const first = lib.factories.length;
    for (let i = 0; i < factories.length; i++) ArrayPrototypePush(lib.factories, factories[i]);
    for (let i = 0; i < resumes.length; i++) ArrayPrototypePush(lib.resumes, resumes[i]);
    lib.addTexts(first, lib.factories.length, texts, () => source);
    lib.numbering = reply.next;
    ArrayPrototypePush(made, [kind, params, body]);
    MapPrototypeSet(loaded, keyOf(kind, params, body), factories[0]);
    return factories[0];
  };

  const keyOf = (kind, params, body) => JSONStringify([kind, params, body]);

  const make = (kind, args, newTarget, self) => {
    // Each argument is converted to a string in order (a Symbol throws).
    const n = args.length;
    let params = "";
    for (let i = 0; i < n - 1; i++) params += `${i ? "," : ""}${args[i]}`;
    const body = n > 0 ? `${args[n - 1]}` : "";
    // (The function's `$$main` has a yield point: no capture can stop there.)
    lib.nc++;
    let f;
    try {
      const main = MapPrototypeGet(loaded, keyOf(kind, params, body)) ?? load(kind, params, body);
      f = ReflectApply(main, undefined, []);
    } finally {
      lib.nc--;
    }
    // `class F extends Function`, Reflect.construct with another new.target.
    if (newTarget !== undefined && newTarget !== self) {
      const proto = newTarget.prototype;
      if (lib.isObject(proto)) ObjectSetPrototypeOf(f, proto);
    }
    return f;
  };

  const replace = (engine, kind, global) => {
    const self = new EngineProxy(engine, {
      apply: (_, thisArg, args) => make(kind, args, undefined, self),
      construct: (_, args, newTarget) => make(kind, args, newTarget, self),
    });
    const d = ReflectGetOwnPropertyDescriptor(engine.prototype, "constructor");
    ObjectDefineProperty(engine.prototype, "constructor", { ...d, value: self });
    if (global) ObjectDefineProperty(globalThis, "Function", { value: self, writable: true, enumerable: false, configurable: true });
  };
  replace(EngineFunction, 0, true);
  replace(GeneratorFunction, 1, false);
  replace(AsyncFunction, 2, false);
  replace(AsyncGeneratorFunction, 3, false);
})(globalThis.__things);
