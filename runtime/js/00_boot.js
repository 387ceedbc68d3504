// 00_boot.js: creates the runtime library object (`globalThis.__things`), keeps
// private references to the engine's primitives, and takes them away from the
// program: a program sees ECMAScript plus the node-like globals we install.
"use strict";
((global) => {
  const core = global.Deno.core;
  const ops = core.ops;
  const lib = {
    ops,
    hiddenKeys: new Set(),
    libFactories: {},
    libFnMeta: new WeakMap(),
    config: JSON.parse(ops.op_things_config()),
  };
  lib.libFn = (kind, state) => {
    const f = lib.libFactories[kind](state);
    lib.libFnMeta.set(f, { kind, state });
    return f;
  };
  // The engine's array methods that take callbacks, for the library's own use:
  // an instrumented program replaces them with capturable ones
  // (instrumenter/src/prelude.js), which library code must not run.
  const arrays = Array.prototype;
  lib.A = {};
  for (const name of ["filter", "find", "forEach", "map", "some", "sort"]) {
    const native = arrays[name];
    lib.A[name] = (array, ...args) => Reflect.apply(native, array, args);
  }
  // Captures are held off while `nc` is above zero (07_capture.js): library
  // code raises it around program code it calls from a frame no snapshot can
  // hold (a promise's executor and jobs, a built-in's callbacks).
  lib.nc = 0;
  lib.guarded = (fn, thisArg, args) => {
    lib.nc++;
    try {
      return Reflect.apply(fn, thisArg, args);
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
