// 00_boot.js: creates the runtime library object (`globalThis.__things`), keeps
// private references to the engine's primitives, and takes them away from the
// program: a program sees ECMAScript plus the node-like globals we install.
// It also takes, once, the built-ins the rest of the library uses
// (`lib.primordials`), and holds what all the files share: the registry of
// runtime functions, hidden keys, captures held off and the parts of the
// state a snapshot carries.
"use strict";
((global) => {
  const core = global.Deno.core;
  const ops = core.ops;

  // -------------------------------------------------------------------------
  // Primordials, as deno_core's and node's: the built-ins taken here, before
  // any program code runs, so that a program that replaces or deletes one
  // (an instrumented program's prelude replaces Array.prototype.map and the
  // other callback takers; 07_capture.js wraps built-ins that call back)
  // cannot change what the library runs. Every other file takes the ones it
  // keeps from here. Named as deno_core names them: constructors and
  // namespaces by their names (`Map`, `Reflect`); their own members after
  // them (`ObjectDefineProperty`, `SymbolIterator`, `ArrayPrototype`);
  // prototype methods uncurried, the receiver first
  // (`ArrayPrototypeMap(array, fn)`); getters as `MapPrototypeGetSize(map)`.
  // -------------------------------------------------------------------------
  const primordials = { __proto__: null };
  const { bind, call } = Function.prototype;
  // uncurryThis(f)(self, ...args) is f.call(self, ...args), with the original `call`.
  const uncurryThis = bind.bind(call);
  primordials.uncurryThis = uncurryThis;
  const capital = (text) => text[0].toUpperCase() + text.slice(1);
  // Symbol.iterator -> SymbolIterator, size -> Size.
  const keyName = (key) => (typeof key === "symbol" ? `Symbol${capital(key.description.slice(7))}` : capital(key));
  // Copies the own properties of `from` as `prefix` + the key's name;
  // functions uncurried if `methods` (a prototype's), accessors always.
  const copy = (from, prefix, methods) => {
    for (const key of Reflect.ownKeys(from)) {
      const name = prefix + keyName(key);
      const d = Reflect.getOwnPropertyDescriptor(from, key);
      if ("get" in d) {
        if (d.get) primordials[`${prefix}Get${keyName(key)}`] = uncurryThis(d.get);
        if (d.set) primordials[`${prefix}Set${keyName(key)}`] = uncurryThis(d.set);
      } else {
        primordials[name] = methods && typeof d.value === "function" ? uncurryThis(d.value) : d.value;
      }
    }
  };
  const intrinsics = [
    "Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt",
    "Error", "TypeError", "ReferenceError", "AggregateError", "Map", "Set", "WeakMap", "WeakSet",
    "Date", "RegExp", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Uint8Array",
  ];
  for (const name of intrinsics) {
    const original = global[name];
    if (original === undefined) continue;
    primordials[name] = original;
    copy(original, name, false);
    copy(original.prototype, `${name}Prototype`, true);
  }
  for (const name of ["Reflect", "JSON", "Math"]) {
    primordials[name] = global[name];
    copy(global[name], name, false);
  }
  primordials.Proxy = global.Proxy;
  // The engine's Promise (a program's is 03_promise.js's); its statics need it as `this`.
  primordials.Promise = global.Promise;
  copy(global.Promise.prototype, "PromisePrototype", true);
  // Intrinsics reached only through instances.
  const protoOf = Object.getPrototypeOf;
  const hidden = {
    TypedArray: protoOf(Uint8Array),
    GeneratorFunction: protoOf(function* () {}).constructor,
    AsyncFunction: protoOf(async function () {}).constructor,
    AsyncGeneratorFunction: protoOf(async function* () {}).constructor,
    Generator: { prototype: protoOf(protoOf(function* () {}())) },
    ArrayIterator: { prototype: protoOf([][Symbol.iterator]()) },
    MapIterator: { prototype: protoOf(new Map().entries()) },
    SetIterator: { prototype: protoOf(new Set().values()) },
    StringIterator: { prototype: protoOf(""[Symbol.iterator]()) },
    RegExpStringIterator: { prototype: protoOf(/a/g[Symbol.matchAll]("")) },
  };
  for (const [name, original] of Object.entries(hidden)) {
    if (typeof original === "function") {
      primordials[name] = original;
      copy(original, name, false);
    } else {
      primordials[`${name}Prototype`] = original.prototype;
    }
    copy(original.prototype, `${name}Prototype`, true);
  }
  // Iteration a program cannot redirect. The library's for-of, spread and
  // array destructuring would call whatever the program put in
  // Array.prototype[Symbol.iterator] or %ArrayIteratorPrototype%.next (old
  // polyfills and test262 replace or delete them): the library loops over
  // arrays by index, over maps and sets with forEach, or through these,
  // which call the engine's own `next`.
  const safeIterator = (values, next) =>
    class {
      #it;
      constructor(iterable) {
        this.#it = values(iterable);
      }
      next() {
        return next(this.#it);
      }
      [Symbol.iterator]() {
        return this;
      }
    };
  primordials.SafeArrayIterator = safeIterator(primordials.ArrayPrototypeValues, primordials.ArrayIteratorPrototypeNext);
  primordials.SafeSetIterator = safeIterator(primordials.SetPrototypeValues, primordials.SetIteratorPrototypeNext);
  // array.push(...items) without spreading `items`.
  const push = global.Array.prototype.push;
  primordials.ArrayPrototypePushApply = (array, items) => primordials.ReflectApply(push, array, items);
  Object.freeze(primordials);

  const lib = {
    primordials,
    ops,
    hiddenKeys: new Set(),
    libFactories: {},
    libFnMeta: new WeakMap(),
    config: JSON.parse(ops.op_things_config()),
    // The parts of the library whose state a snapshot carries (the timers, the
    // job queue, console, random, ...), each under the name of its root in the
    // snapshot: `save(now)` returns the part's state as data for the snapshot
    // graph, and `restore(data, now)` takes such data back (`now`: the clock
    // then). 13_snapshot.js only goes through them, in the order they came.
    stateParts: {},
  };
  lib.isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  // Whether a value is a Proxy, seen without running any of its traps.
  lib.isProxy = core.isProxy;
  // A library function a snapshot can carry: made by `libFactories[kind]`
  // from `state`, which the factory must read only when the function runs
  // (a restore makes the function before it fills the state in).
  lib.libFn = (kind, state) => {
    const f = lib.libFactories[kind](state);
    lib.libFnMeta.set(f, { kind, state });
    return f;
  };
  // Captures are held off while `nc` is above zero (07_capture.js): library
  // code raises it around program code it calls from a frame no snapshot can
  // hold (a promise's executor and jobs, a built-in's callbacks).
  lib.nc = 0;
  lib.guarded = (fn, thisArg, args) => {
    lib.nc++;
    try {
      return primordials.ReflectApply(fn, thisArg, args);
    } finally {
      lib.nc--;
    }
  };
  lib.now = () => ops.op_things_now();
  // The engine's own job queue: drained by `run --raw`, which keeps native promises.
  lib.runNativeMicrotasks = () => core.runMicrotasks();
  lib.write = (text, toStderr) => ops.op_things_write(text, toStderr);
  Object.defineProperty(global, "__things", { value: lib, writable: false, enumerable: false, configurable: false });
  // Engine-specific globals a program must not reach (no file, network or environment access).
  for (const name of Object.getOwnPropertyNames(global)) {
    if (name === "Deno" || name.startsWith("__v8x") || name === "__bootstrap" || name === "gc" ||
        name === "performance" || name === "WebAssembly" || name === "console" || name === "ShadowRealm") {
      delete global[name];
    }
  }
})(globalThis);
