// 10_builtins.js: the built-ins a snapshot names instead of storing: every
// object and symbol reachable from the pristine global (and a few intrinsics
// reached only through instances), by path (`globalThis.Array.prototype`,
// `%ArrayIterator%`), with their own properties as the program found them,
// so a snapshot can record the program's changes to them. Recorded by
// 99_program.js once the library has loaded; used by 11_graph_write.js and
// 12_graph_read.js.
"use strict";
((lib) => {
  const {
    ArrayIteratorPrototype,
    AsyncFunctionPrototype,
    GeneratorFunctionPrototype,
    Map,
    MapIteratorPrototype,
    RegExpStringIteratorPrototype,
    Set,
    SetIteratorPrototype,
    StringIteratorPrototype,
    TypedArray,
  } = lib.primordials;
  const { isObject } = lib;

  const builtinPath = new Map(); // object or symbol -> path
  const builtinByPath = new Map(); // path -> object or symbol
  const pristineKeys = new Map(); // builtin object -> Map(key -> descriptor)
  lib.builtins = {
    pathOf: builtinPath,
    byPath: builtinByPath,
    pristine: pristineKeys,
    // The global object's own keys before the program ran.
    globals: null,
  };

  const register = (value, path) => {
    if (builtinPath.has(value)) return false;
    builtinPath.set(value, path);
    builtinByPath.set(path, value);
    return true;
  };

  lib.recordBuiltins = () => {
    const queue = [];
    const visit = (value, path) => {
      if (typeof value === "symbol") return void register(value, path);
      if (isObject(value) && register(value, path)) queue.push(value);
    };
    visit(globalThis, "globalThis");
    for (const name of Object.getOwnPropertyNames(Symbol)) {
      if (typeof Symbol[name] === "symbol") visit(Symbol[name], `Symbol.${name}`);
    }
    // Intrinsics only reachable through instances.
    const intrinsics = {
      GeneratorFunction: GeneratorFunctionPrototype,
      ArrayIterator: ArrayIteratorPrototype,
      MapIterator: MapIteratorPrototype,
      SetIterator: SetIteratorPrototype,
      StringIterator: StringIteratorPrototype,
      RegExpStringIterator: RegExpStringIteratorPrototype,
      TypedArray,
      AsyncFunction: AsyncFunctionPrototype,
      ThrowTypeError: Object.getOwnPropertyDescriptor(function () { "use strict"; return arguments; }(), "callee").get,
      Timeout: lib.Timeout,
      AsyncGenerator: lib.AsyncGenerator,
      // The engine's, behind async generators left native (using `super`).
      NativeAsyncGeneratorFunction: Object.getPrototypeOf(async function* () {}),
      Immediate: lib.Immediate,
    };
    for (const [name, value] of Object.entries(intrinsics)) visit(value, `%${name}%`);
    let hidden = 0;
    for (const sym of lib.hiddenKeys) visit(sym, `%hidden${hidden++}%`);
    for (let i = 0; i < queue.length; i++) {
      const obj = queue[i];
      const base = builtinPath.get(obj);
      const keys = new Map();
      for (const key of Reflect.ownKeys(obj)) {
        const d = Reflect.getOwnPropertyDescriptor(obj, key);
        keys.set(key, d);
        // The runtime library's own state is not a built-in the program sees.
        if (obj === globalThis && key === "__things") continue;
        const name = typeof key === "symbol" ? `[${builtinPath.get(key) || String(key)}]` : `.${key}`;
        if ("value" in d) visit(d.value, base + name);
        else {
          visit(d.get, `${base}${name}<get>`);
          visit(d.set, `${base}${name}<set>`);
        }
      }
      pristineKeys.set(obj, keys);
      visit(Object.getPrototypeOf(obj), `${base}<proto>`);
    }
    lib.builtins.globals = new Set(pristineKeys.get(globalThis).keys());
  };
})(globalThis.__things);
