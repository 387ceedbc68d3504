// 05_registry.js: what the instrumented program registers with the runtime: the
// program's factories, and for every function and class it creates the
// factory site and scope object it came from (so a snapshot can name it and a
// restore can call the factory again). See docs/capturable-form.md.
"use strict";
((lib) => {
  const {
    ArrayPrototypePush,
    ArrayPrototypeSplice,
    FunctionPrototypeBind,
    FunctionPrototypeToString,
    GeneratorFunctionPrototype,
    JSONParse,
    MapPrototypeGet,
    MapPrototypeHas,
    Object: ObjectCtor,
    ObjectAssign,
    ObjectDefineProperty,
    ObjectHasOwn,
    ObjectPrototype,
    ReflectApply,
    ReflectGetOwnPropertyDescriptor,
    ReflectOwnKeys,
    ReflectSet,
    SafeArrayIterator,
    Set,
    SetPrototypeAdd,
    SetPrototypeHas,
    StringPrototypeIndexOf,
    StringPrototypeSlice,
  } = lib.primordials;
  // function/class -> [site, env]; class members -> [site, env, owner, key, kind, class];
  // object-literal accessors and methods -> [site, env, "obj", key, kind, the literal].
  const fnMeta = (lib.fnMeta = new WeakMap());
  // private-name symbol -> "site:#name", and back, for restores.
  lib.privateNames = new Map();
  // The symbols of private fields (not methods or accessors).
  const fieldNames = new Set();
  // `#x` from its symbol.
  const nameOf = (sym) => {
    const priv = MapPrototypeGet(lib.privateNames, sym);
    return StringPrototypeSlice(priv, StringPrototypeIndexOf(priv, ":") + 1);
  };
  lib.restoring = false;

  // `evalChunk` evaluates a function made from text in the program's script
  // (18_dynamic_functions.js); `numbering` is where its numbers start.
  lib.load = (main, factories, resumes, readCounter, setCapFlag, sourceMap, texts, evalChunk, numbering) => {
    lib.program = main;
    lib.sourceMap = sourceMap;
    lib.factories = factories;
    lib.resumes = resumes;
    lib.readCounter = readCounter;
    lib.setCapFlag = setCapFlag;
    lib.evalChunk = evalChunk;
    lib.numbering = numbering;
    if (sourceMap !== undefined) lib.addTexts(0, factories.length, texts, () => JSONParse(sourceMap).sourcesContent[0]);
  };

  // Whether `f` is one of the program's functions (a capture can stop inside
  // it), or one bound to such.
  lib.isProgramFn = (f) => fnMeta.has(f) || lib.boundMeta.has(f);

  lib.fn = (f, site, env, key) => {
    fnMeta.set(f, [site, env]);
    if (key !== undefined) lib.fnKeys.set(f, key);
    return f;
  };
  // An object literal's method with a computed key (`{ [k]() {} }`): its
  // factory makes it under the key, which the literal evaluated once here.
  lib.fnKeys = new WeakMap();
  let lastKey;
  lib.key = (k) => {
    lastKey = ReflectOwnKeys({ [k]: 0 })[0];
    return lastKey;
  };
  lib.lastKey = () => lastKey;

  // The `prototype` objects of the program's generator functions, each
  // with whether a snapshot can look into the generators made from it
  // (07_capture.js, `peek`): those whose function's body was instrumented
  // (it then reads `$things.peeking`). Decided at the first look, from the
  // function kept until then.
  const genProtos = (lib.genProtos = new WeakMap());
  lib.peekable = (proto) => {
    let p = genProtos.get(proto);
    if (typeof p === "function") {
      p = FunctionPrototypeToString(p).includes("$things.peeking");
      genProtos.set(proto, p);
    }
    return p === true;
  };
  const markGenerator = (f) => {
    if (Object.getPrototypeOf(f) === GeneratorFunctionPrototype) genProtos.set(f.prototype, f);
  };
  lib.gen = (f, site, env) => {
    markGenerator(f);
    return lib.fn(f, site, env);
  };

  // The computed keys that ran code of a class (closures/classes.rs,
  // `remember_keys`) or of an object literal's accessors (`accKey` below):
  // kept with it, and given back to its factory when a restore re-makes it
  // (`giveKeys`), so they do not run again.
  lib.classKeys = new WeakMap();
  let givenKeys;
  lib.giveKeys = (keys) => {
    givenKeys = keys;
  };
  lib.takeKeys = () => {
    const keys = givenKeys;
    givenKeys = undefined;
    return keys;
  };
  // A class and its methods and accessors, each identified by where it sits.
  lib.cls = (cls, site, env, keys) => {
    fnMeta.set(cls, [site, env]);
    if (keys !== undefined) lib.classKeys.set(cls, keys);
    const members = (owner, holder) => {
      for (const key of new SafeArrayIterator(ReflectOwnKeys(holder))) {
        const d = ReflectGetOwnPropertyDescriptor(holder, key);
        for (const kind of new SafeArrayIterator(["value", "get", "set"])) {
          if (typeof d[kind] === "function" && d[kind] !== cls && !fnMeta.has(d[kind])) {
            fnMeta.set(d[kind], [site, env, owner, key, kind, cls]);
            markGenerator(d[kind]);
            // A private method is named `#m` (`get #m`), not after its symbol (`[#m]`).
            if (MapPrototypeHas(lib.privateNames, key)) {
              const name = nameOf(key);
              ObjectDefineProperty(d[kind], "name", { value: kind === "value" ? name : `${kind} ${name}`, configurable: true });
            }
          }
        }
        // A private accessor declared with one half: the other throws.
        if (MapPrototypeHas(lib.privateNames, key) && (d.get === undefined) !== (d.set === undefined) && !("value" in d)) {
          const missing = d.get === undefined ? "get" : "set";
          ObjectDefineProperty(holder, key, { [missing]: lib.libFn("privHalf", { name: nameOf(key), missing }) });
        }
      }
    };
    members("static", cls);
    members("proto", cls.prototype);
    return cls;
  };

  // An object literal's accessors and `super`-using methods (named in
  // `methods`); the literal is kept as their home object.
  // An accessor key that ran code, evaluated in an object literal
  // (closures/accessors.rs): `acc` takes the literal's, the last `count`.
  // (Part of the snapshot: a capture may stop between two keys of a literal.)
  let accKeys = [];
  lib.stateParts.accessorKeys = {
    save: () => accKeys,
    restore(data) {
      accKeys = data;
    },
  };
  lib.accKey = (k) => {
    const key = lib.key(k);
    ArrayPrototypePush(accKeys, key);
    return key;
  };
  lib.acc = (obj, site, env, methods, count) => {
    if (count !== undefined) lib.classKeys.set(obj, ArrayPrototypeSplice(accKeys, accKeys.length - count, count));
    for (const key of new SafeArrayIterator(ReflectOwnKeys(obj))) {
      const d = ReflectGetOwnPropertyDescriptor(obj, key);
      for (const kind of new SafeArrayIterator(["get", "set"])) {
        if (typeof d[kind] === "function" && !fnMeta.has(d[kind])) fnMeta.set(d[kind], [site, env, "obj", key, kind, obj]);
      }
    }
    if (methods !== undefined) {
      for (const key of new SafeArrayIterator(methods)) {
        const f = obj[key];
        if (typeof f === "function" && !fnMeta.has(f)) fnMeta.set(f, [site, env, "obj", key, "value", obj]);
      }
    }
    return obj;
  };

  // Bound functions are native; remember what they bind so a snapshot can
  // bind again.
  lib.boundMeta = new WeakMap();
  lib.bind = (target, thisArg, args) => {
    const bound = ReflectApply(FunctionPrototypeBind, undefined, [target, thisArg, ...new SafeArrayIterator(args)]);
    lib.boundMeta.set(bound, { target, thisArg, args });
    return bound;
  };
  Object.defineProperty(Function.prototype, "bind", {
    value: {
      bind(thisArg, ...args) {
        return lib.bind(this, thisArg, args);
      },
    }.bind,
    writable: true, enumerable: false, configurable: true,
  });

  // Private names are symbols (a snapshot can read them). A field is an own
  // property of each object that has it; Object.prototype holds, for each
  // field's symbol, an accessor that throws, so reading or writing the field
  // of an object without it throws as in node at no cost to one that has it.
  lib.priv = (site, name, isField) => {
    const sym = Symbol(name);
    lib.privateNames.set(sym, `${site}:${name}`);
    lib.hiddenKeys.add(sym);
    if (isField) {
      SetPrototypeAdd(fieldNames, sym);
      ObjectDefineProperty(ObjectPrototype, sym, {
        get() {
          throw new TypeError(`Cannot read private member ${name} from an object whose class did not declare it`);
        },
        set(_) {
          throw new TypeError(`Cannot write private member ${name} to an object whose class did not declare it`);
        },
        enumerable: false,
        configurable: true,
      });
    }
    return sym;
  };
  // Object.assign as the engine's, but a private field (an enumerable
  // symbol-keyed property here) is not copied: node copies none.
  // (Not under `run --raw`, which runs the engine as it is.)
  if (!lib.config.raw) {
    ObjectDefineProperty(Object, "assign", {
      value: {
        assign(target, source) {
          // (The engine's own while the program has no private field.)
          if (fieldNames.size === 0) return ReflectApply(ObjectAssign, undefined, arguments);
          if (target === undefined || target === null) throw new TypeError("Cannot convert undefined or null to object");
          const to = ObjectCtor(target);
          for (let i = 1; i < arguments.length; i++) {
            if (arguments[i] === undefined || arguments[i] === null) continue;
            const from = ObjectCtor(arguments[i]);
            const keys = ReflectOwnKeys(from);
            for (let k = 0; k < keys.length; k++) {
              const key = keys[k];
              if (MapPrototypeHas(lib.privateNames, key)) continue;
              const d = ReflectGetOwnPropertyDescriptor(from, key);
              if (d === undefined || !d.enumerable) continue;
              if (!ReflectSet(to, key, from[key], to)) {
                throw new TypeError(`Cannot assign to read only property '${String(key)}' of object`);
              }
            }
          }
          return to;
        },
      }.assign,
      writable: true, enumerable: false, configurable: true,
    });
  }
  // Reading a private name of an object whose class did not declare it (one
  // without Object.prototype, or a method's name).
  lib.privGet = (obj, sym) => {
    if (obj === null || typeof obj !== "object" && typeof obj !== "function" || !lib.privIn(sym, obj)) {
      throw new TypeError(`Cannot read private member ${nameOf(sym)} from an object whose class did not declare it`);
    }
    return obj[sym];
  };
  // `#x in obj`: a field is its own property, a method its class's.
  lib.privIn = (sym, obj) => {
    if (obj === null || typeof obj !== "object" && typeof obj !== "function") {
      throw new TypeError(`Cannot use 'in' operator to search for '${nameOf(sym)}' in ${String(obj)}`);
    }
    return SetPrototypeHas(fieldNames, sym) ? ObjectHasOwn(obj, sym) : sym in obj;
  };
  lib.libFactories.privHalf = (state) =>
    function () {
      throw new TypeError(`'${state.name}' was defined without a ${state.missing === "get" ? "getter" : "setter"}`);
    };
})(globalThis.__things);
