// 10_snapshot.js: the program's state as data, and back.
//
// A snapshot is a graph of nodes (objects with ids, so cycles and shared
// references survive) reached from the roots: the globals the program created,
// the event loop (timers with their remaining time), the job queue, the random
// generator and the module object. Functions are stored as (factory site,
// scope object), classes and their members likewise, library functions as
// (kind, state). Built-in objects are stored by path, with the program's
// changes to them. See docs/snapshot.md for the format.
"use strict";
((lib) => {
  const {
    ArrayBufferPrototype,
    ArrayBufferPrototypeGetByteLength,
    ArrayIteratorPrototype,
    ArrayPrototypeFind,
    ArrayPrototypeMap,
    ArrayPrototypeSome,
    AsyncFunctionPrototype,
    BigIntPrototype,
    BigIntPrototypeValueOf,
    BooleanPrototype,
    BooleanPrototypeValueOf,
    DataViewPrototype,
    DataViewPrototypeGetBuffer,
    DatePrototype,
    DatePrototypeGetTime,
    GeneratorFunctionPrototype,
    GeneratorPrototype,
    Map,
    MapIteratorPrototype,
    MapPrototype,
    MapPrototypeEntries,
    MapPrototypeGetSize,
    MapPrototypeSet,
    NumberPrototype,
    NumberPrototypeValueOf,
    ObjectPrototype,
    ObjectPrototypeHasOwnProperty,
    ObjectPrototypeIsPrototypeOf,
    ObjectPrototypeToString,
    ReflectConstruct,
    RegExpPrototype,
    RegExpPrototypeGetSource,
    RegExpStringIteratorPrototype,
    Set,
    SetIteratorPrototype,
    SetPrototype,
    SetPrototypeAdd,
    SetPrototypeGetSize,
    SetPrototypeValues,
    StringIteratorPrototype,
    StringPrototype,
    StringPrototypeValueOf,
    SymbolPrototype,
    SymbolPrototypeValueOf,
    SymbolToStringTag,
    TypedArray,
    TypedArrayPrototype,
    TypedArrayPrototypeGetSymbolToStringTag,
    WeakMapPrototype,
    WeakMapPrototypeGet,
    WeakMapPrototypeHas,
    WeakMapPrototypeSet,
    WeakSetPrototype,
    WeakSetPrototypeAdd,
    WeakSetPrototypeHas,
  } = lib.primordials;
  const FORMAT = 1;
  const W = 1, E = 2, C = 4; // property attribute bits

  // ---------------------------------------------------------------------
  // Built-ins: every object and symbol reachable from the pristine global,
  // by path, with its own keys, so a snapshot can name them and record the
  // program's changes to them.
  // ---------------------------------------------------------------------
  const builtinPath = new Map(); // object or symbol -> path
  const builtinByPath = new Map(); // path -> object or symbol
  const pristineKeys = new Map(); // builtin object -> Map(key -> descriptor)
  let pristineGlobals = null;

  const register = (value, path) => {
    if (builtinPath.has(value)) return false;
    builtinPath.set(value, path);
    builtinByPath.set(path, value);
    return true;
  };

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

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
    pristineGlobals = new Set(pristineKeys.get(globalThis).keys());
  };

  const sameDescriptor = (a, b) =>
    a.value === b.value && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

  // ---------------------------------------------------------------------
  // Capture
  // ---------------------------------------------------------------------
  class CaptureError extends Error {}

  const tagOf = (o) => ObjectPrototypeToString(o).slice(8, -1);
  // A brand check: the (uncurried) intrinsic throws unless `o` has its internal slot.
  const brand = (check, o) => {
    try {
      check(o);
      return true;
    } catch {
      return false;
    }
  };
  // Whether `o` is an instance of `proto`'s kind: a look at its prototype chain
  // first, as a brand check costs an exception for every object that is not
  // (most are not).
  const has = (proto, check, o) => ObjectPrototypeIsPrototypeOf(proto, o) && brand(check, o);
  // Prototypes whose instances the checks above recognise by brand, and the
  // library's async generators (plain objects with hidden state).
  const knownKinds = new Set([MapPrototype, SetPrototype, WeakMapPrototype, WeakSetPrototype, ArrayBufferPrototype, DataViewPrototype, TypedArrayPrototype, SymbolPrototype, BigIntPrototype]);
  knownKinds.add(lib.AsyncGenerator);
  const tagOwner = (o) => {
    for (let p = o; p !== null; p = Object.getPrototypeOf(p)) {
      if (ObjectPrototypeHasOwnProperty(p, SymbolToStringTag)) return p;
    }
    return null;
  };
  const isGenerator = (v) => {
    for (let p = Object.getPrototypeOf(v); p !== null; p = Object.getPrototypeOf(p)) if (p === GeneratorPrototype) return true;
    return false;
  };

  // Boxed primitives: each kind's prototype and its (uncurried) valueOf.
  const boxes = [
    [NumberPrototype, NumberPrototypeValueOf],
    [StringPrototype, StringPrototypeValueOf],
    [BooleanPrototype, BooleanPrototypeValueOf],
    [BigIntPrototype, BigIntPrototypeValueOf],
    [SymbolPrototype, SymbolPrototypeValueOf],
  ];

  function capture(extraRoots) {
    const ids = new Map(); // object/symbol -> node id
    const nodes = [];
    const via = []; // node id -> [parent id, label], for error messages
    const weakMaps = [];
    const pending = [];

    const pathOf = (id) => {
      const parts = [];
      for (let i = id; i !== undefined && via[i]; i = via[i][0]) parts.unshift(via[i][1]);
      return parts.join("");
    };
    const fail = (what, id) => {
      throw new CaptureError(`cannot capture ${what}, reached from ${pathOf(id) || "a root"}`);
    };

    const encode = (v, parent, label) => {
      switch (typeof v) {
        case "undefined": return { u: 1 };
        case "number":
          if (Number.isNaN(v)) return { n: "NaN" };
          if (v === Infinity) return { n: "Infinity" };
          if (v === -Infinity) return { n: "-Infinity" };
          if (Object.is(v, -0)) return { n: "-0" };
          return v;
        case "string":
        case "boolean":
          return v;
        case "bigint": return { b: v.toString() };
        case "symbol":
        case "object":
        case "function":
          if (v === null) return null;
          return { r: ref(v, parent, label) };
      }
      throw new CaptureError(`unknown value type ${typeof v}`);
    };

    const ref = (v, parent, label) => {
      let id = ids.get(v);
      if (id !== undefined) return id;
      id = nodes.length;
      ids.set(v, id);
      nodes.push(null);
      via[id] = parent === undefined ? undefined : [parent, label];
      pending.push(v);
      return id;
    };

    const keyLabel = (key) => (typeof key === "symbol" ? `[${String(key)}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
    const encodeKey = (key, id) => (typeof key === "symbol" ? { r: ref(key, id, "<key>") } : key);

    const props = (o, id, skip) => {
      const out = [];
      for (const key of Reflect.ownKeys(o)) {
        if (skip && skip(key)) continue;
        const d = Reflect.getOwnPropertyDescriptor(o, key);
        const flags = (d.writable ? W : 0) | (d.enumerable ? E : 0) | (d.configurable ? C : 0);
        // (Labels name the path in an error message: made only for what gets a node.)
        if ("value" in d) {
          const v = d.value;
          const label = isObject(v) || typeof v === "symbol" ? keyLabel(key) : undefined;
          out.push([encodeKey(key, id), flags, encode(v, id, label)]);
        } else {
          const label = keyLabel(key);
          out.push([encodeKey(key, id), flags, encode(d.get, id, `${label}<get>`), encode(d.set, id, `${label}<set>`)]);
        }
      }
      return out;
    };

    const describe = (o) => {
      if (typeof o === "function") return `function ${o.name || "(anonymous)"}`;
      return `object of class ${(o.constructor && o.constructor.name) || tagOf(o)}`;
    };

    const node = (v, id) => {
      const path = builtinPath.get(v);
      if (path !== undefined) return { t: "builtin", path };
      if (typeof v === "symbol") {
        const priv = lib.privateNames.get(v);
        if (priv !== undefined) return { t: "priv", name: priv };
        const key = Symbol.keyFor(v);
        if (key !== undefined) return { t: "symfor", key };
        return { t: "sym", desc: v.description };
      }
      const proto = encode(Object.getPrototypeOf(v), id, "<proto>");
      const base = { proto, ext: Object.isExtensible(v) };
      if (typeof v === "function") {
        const meta = lib.fnMeta.get(v);
        if (meta) {
          const [site, env, owner, key, kind, cls] = meta;
          if (owner !== undefined) {
            // `cls`: the class, or the object literal the member was made in.
            return { ...base, t: "member", site, env: encode(env, id, "<scope>"), owner, key: encodeKey(key, id), kind, cls: encode(cls, id, owner === "obj" ? "<home>" : "<class>"), props: props(v, id) };
          }
          return { ...base, t: "fn", site, env: encode(env, id, "<scope>"), props: props(v, id) };
        }
        const bound = lib.boundMeta.get(v);
        if (bound) return { ...base, t: "bound", target: encode(bound.target, id, "<target>"), thisArg: encode(bound.thisArg, id, "<this>"), args: encode(bound.args, id, "<args>"), props: props(v, id) };
        const libMeta = lib.libFnMeta.get(v);
        if (libMeta) return { ...base, t: "libfn", kind: libMeta.kind, state: encode(libMeta.state, id, "<state>"), props: props(v, id) };
        fail(`${describe(v)} (a native or non-capturable function)`, id);
      }
      if (Array.isArray(v)) return { ...base, t: "arr", props: props(v, id) };
      // Most objects are plain: straight from Object.prototype (or none), only
      // an arguments object is exotic there.
      const rawProto = Object.getPrototypeOf(v);
      if (rawProto === ObjectPrototype || rawProto === null) {
        return { ...base, t: tagOf(v) === "Arguments" ? "args" : "obj", props: props(v, id) };
      }
      if (has(MapPrototype, MapPrototypeGetSize, v)) {
        const entries = [];
        for (const [k, x] of MapPrototypeEntries(v)) entries.push([encode(k, id, "<key>"), encode(x, id, "<entry>")]);
        return { ...base, t: "map", entries, props: props(v, id) };
      }
      if (has(SetPrototype, SetPrototypeGetSize, v)) {
        const entries = [];
        for (const k of SetPrototypeValues(v)) entries.push(encode(k, id, "<entry>"));
        return { ...base, t: "set", entries, props: props(v, id) };
      }
      if (has(WeakMapPrototype, (o) => WeakMapPrototypeHas(o, {}), v)) {
        const n = { ...base, t: "weakmap", entries: [], props: props(v, id) };
        weakMaps.push([v, n, id]);
        return n;
      }
      if (has(WeakSetPrototype, (o) => WeakSetPrototypeHas(o, {}), v)) {
        const n = { ...base, t: "weakset", entries: [], props: props(v, id) };
        weakMaps.push([v, n, id]);
        return n;
      }
      if (has(DatePrototype, DatePrototypeGetTime, v)) return { ...base, t: "date", time: encode(DatePrototypeGetTime(v)), props: props(v, id) };
      if (has(RegExpPrototype, RegExpPrototypeGetSource, v)) return { ...base, t: "re", source: v.source, flags: v.flags, props: props(v, id) };
      if (has(ArrayBufferPrototype, ArrayBufferPrototypeGetByteLength, v)) {
        const bytes = new Uint8Array(v);
        let hex = "";
        for (let i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
        return { ...base, t: "ab", hex, props: props(v, id) };
      }
      if (ArrayBuffer.isView(v)) {
        const type = TypedArrayPrototypeGetSymbolToStringTag(v);
        const buffer = encode(type ? v.buffer : DataViewPrototypeGetBuffer(v), id, "<buffer>");
        const length = type ? v.length : v.byteLength;
        return { ...base, t: type ? "ta" : "dv", type, buffer, offset: v.byteOffset, length, props: props(v, id, (k) => type && typeof k === "string" && /^\d+$/.test(k)) };
      }
      const tag = tagOf(v);
      if (tag === "Error" || v instanceof Error) return { ...base, t: "err", props: props(v, id) };
      if (tag === "Arguments") return { ...base, t: "args", props: props(v, id) };
      for (const [proto, valueOf] of boxes) {
        if (has(proto, valueOf, v)) return { ...base, t: "box", value: encode(valueOf(v), id, "<value>"), props: props(v, id, proto === StringPrototype ? (k) => typeof k === "string" && /^\d+$/.test(k) : undefined) };
      }
      // A generator function's `prototype` (the function itself may be gone).
      if (lib.genProtos.has(v)) return { ...base, t: "genproto", peekable: lib.genProtos.get(v), props: props(v, id) };
      if (isGenerator(v)) {
        if (!lib.genProtos.get(Object.getPrototypeOf(v))) fail("a generator whose function was not instrumented (it uses `super`, or a construct listed by `things-js instrument`)", id);
        let fr;
        try {
          fr = lib.peek(v);
        } catch (err) {
          if (err instanceof TypeError) fail("a running generator", id);
          throw err;
        }
        if (fr === null) return { ...base, t: "gen", done: true, props: props(v, id) };
        const frame = { s: fr.s, t: fr.t, l: fr.l, a: fr.a };
        return { ...base, t: "gen", body: fr.k, env: encode(fr.e, id, "<scope>"), self: encode(fr.f, id, "<self>"), frame: encode(frame, id, "<frame>"), props: props(v, id) };
      }
      // The library's promises keep their state in a hidden own property.
      // An object the engine made that none of the above knows (a native
      // iterator, a WeakRef, ...) says so through a built-in's toStringTag.
      // A class of the program's may carry its own, and an ordinary object
      // may inherit a kind's tag without being one (a Map subclass's prototype).
      const owner = tagOwner(v);
      if (tag !== "Object" && !lib.promiseState(v) && builtinPath.has(owner) && !knownKinds.has(owner)) fail(describe(v), id);
      return { ...base, t: "obj", props: props(v, id) };
    };

    const drain = () => {
      while (pending.length) {
        const v = pending.pop();
        const id = ids.get(v);
        nodes[id] = node(v, id);
      }
    };

    const roots = {};
    for (const [name, value] of Object.entries(extraRoots)) roots[name] = encode(value, undefined, name);
    const globals = [];
    for (const key of Reflect.ownKeys(globalThis)) {
      if (pristineGlobals.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(globalThis, key);
      const flags = (d.writable ? W : 0) | (d.enumerable ? E : 0) | (d.configurable ? C : 0);
      if ("value" in d) globals.push([encodeKey(key), flags, encode(d.value, undefined, key)]);
      else globals.push([encodeKey(key), flags, encode(d.get, undefined, key), encode(d.set, undefined, key)]);
    }
    drain();
    // The program's changes to built-ins: added, changed and deleted properties.
    const builtins = [];
    for (const [obj, keys] of pristineKeys) {
      const added = [];
      for (const key of Reflect.ownKeys(obj)) {
        if (obj === globalThis) break;
        const d = Reflect.getOwnPropertyDescriptor(obj, key);
        const old = keys.get(key);
        if (old && sameDescriptor(old, d)) continue;
        const flags = (d.writable ? W : 0) | (d.enumerable ? E : 0) | (d.configurable ? C : 0);
        if ("value" in d) added.push([encodeKey(key), flags, encode(d.value, undefined, builtinPath.get(obj) + keyLabel(key))]);
        else added.push([encodeKey(key), flags, encode(d.get), encode(d.set)]);
      }
      const deleted = [];
      for (const key of keys.keys()) if (!Reflect.getOwnPropertyDescriptor(obj, key)) deleted.push(encodeKey(key));
      if (added.length || deleted.length || !Object.isExtensible(obj)) {
        builtins.push({ path: builtinPath.get(obj), props: added, deleted, ext: Object.isExtensible(obj) });
      }
    }
    drain();
    // WeakMap/WeakSet entries whose keys the rest of the graph reaches; the
    // values may reach more keys, so repeat until nothing new appears.
    for (let grew = true; grew;) {
      grew = false;
      for (const [wm, n, id] of weakMaps) {
        for (const obj of [...ids.keys()]) {
          if (!isObject(obj) || ArrayPrototypeSome(n.entries, (e) => (e.r ?? e[0].r) === ids.get(obj))) continue;
          if (n.t === "weakmap" && WeakMapPrototypeHas(wm, obj)) {
            n.entries.push([{ r: ids.get(obj) }, encode(WeakMapPrototypeGet(wm, obj), id, "<entry>")]);
            grew = true;
          } else if (n.t === "weakset" && WeakSetPrototypeHas(wm, obj)) {
            n.entries.push({ r: ids.get(obj) });
            grew = true;
          }
        }
      }
      drain();
    }
    return { format: FORMAT, roots, globals, builtins, nodes };
  }

  // ---------------------------------------------------------------------
  // Restore
  // ---------------------------------------------------------------------
  function rebuild(snap) {
    const values = new Array(snap.nodes.length);
    const made = new Array(snap.nodes.length).fill(false);
    // Generators re-made from resume bodies, suspended once their frames are filled in.
    const suspended = [];
    // Object-literal members' re-made holders, with the restored literal they stand for.
    const homes = [];

    const decode = (e) => {
      if (e === null || typeof e !== "object") return e;
      if ("r" in e) return make(e.r);
      if ("u" in e) return undefined;
      if ("n" in e) return Number(e.n);
      if ("b" in e) return BigInt(e.b);
      throw new Error(`bad value in snapshot: ${JSON.stringify(e)}`);
    };
    const decodeKey = (k) => (typeof k === "string" ? k : decode(k));

    // Phase 1: create every node (shells; properties come later).
    const make = (id) => {
      if (made[id]) return values[id];
      const n = snap.nodes[id];
      if (n.t === "obj") {
        // A scope object's parent link is needed before any factory runs
        // (factories read the chain when they create a function). Bound before its parent link is decoded, so a cycle through "^" ends.
        values[id] = {};
        made[id] = true;
        const parent = ArrayPrototypeFind(n.props, (p) => p[0] === "^" && p.length === 3);
        if (parent) values[id]["^"] = decode(parent[2]);
        return values[id];
      }
      const v = create(n);
      values[id] = v;
      made[id] = true;
      return v;
    };
    const bind = (e, value) => {
      if (e && typeof e === "object" && "r" in e && !made[e.r]) {
        values[e.r] = value;
        made[e.r] = true;
      }
    };
    const protoCtor = (n) => {
      const proto = decode(n.proto);
      return proto && typeof proto.constructor === "function" ? proto.constructor : Object;
    };
    const create = (n) => {
      switch (n.t) {
        case "builtin": {
          if (!builtinByPath.has(n.path)) throw new Error(`this runtime has no built-in ${n.path}`);
          return builtinByPath.get(n.path);
        }
        case "sym": return Symbol(n.desc);
        case "symfor": return Symbol.for(n.key);
        case "priv": {
          for (const [sym, name] of lib.privateNames) if (name === n.name) return sym;
          throw new Error(`the program has no private name ${n.name}`);
        }
        case "fn":
        case "member": {
          const factory = lib.factories[n.site];
          if (n.t === "member") {
            // A class member comes from its (restored) class; an object
            // literal's accessor or method from a fresh run of the literal's
            // factory, whose object then takes the literal's prototype (what
            // `super` in it reaches).
            const cls = decode(n.cls);
            if (n.owner !== "obj") {
              const d = Object.getOwnPropertyDescriptor(n.owner === "static" ? cls : cls.prototype, decodeKey(n.key));
              return d[n.kind];
            }
            const env = decode(n.env);
            const holder = factory(env);
            homes.push([holder, cls]);
            const key = decodeKey(n.key);
            const member = Object.getOwnPropertyDescriptor(holder, key)[n.kind];
            // Registered as the literal's (the holder does not name its methods).
            lib.fnMeta.set(member, [n.site, env, "obj", key, n.kind, cls]);
            return member;
          }
          const env = decode(n.env);
          // A class factory takes its superclass; the prototype chain of the
          // class object says which one it was.
          const superProto = decode(n.proto);
          const fn = factory(env, superProto);
          const protoProp = ArrayPrototypeFind(n.props, (p) => p[0] === "prototype");
          if (protoProp && typeof fn === "function" && isObject(fn.prototype)) bind(protoProp[2], fn.prototype);
          return fn;
        }
        case "libfn": return lib.libFn(n.kind, decode(n.state));
        case "gen": {
          if (n.done) {
            const gen = (function* () {})();
            gen.next();
            return gen;
          }
          const gen = lib.resumes[n.body](decode(n.env), decode(n.self))(decode(n.frame));
          suspended.push(gen);
          return gen;
        }
        case "bound": return lib.bind(decode(n.target), decode(n.thisArg), decode(n.args));
        case "arr": return [];
        case "obj": return {};
        case "genproto": {
          const proto = {};
          lib.genProtos.set(proto, n.peekable);
          return proto;
        }
        case "args": return (function () { return arguments; })();
        case "map": return ReflectConstruct(Map, [], protoCtor(n));
        case "set": return ReflectConstruct(Set, [], protoCtor(n));
        case "weakmap": return new WeakMap();
        case "weakset": return new WeakSet();
        case "date": return new Date(decode(n.time));
        case "re": return new RegExp(n.source, n.flags);
        case "err": return new Error();
        case "ab": {
          const buf = new ArrayBuffer(n.hex.length / 2);
          const bytes = new Uint8Array(buf);
          for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(n.hex.substr(i * 2, 2), 16);
          return buf;
        }
        case "ta": return new globalThis[n.type](decode(n.buffer), n.offset, n.length);
        case "dv": return new DataView(decode(n.buffer), n.offset, n.length);
        case "box": return Object(decode(n.value));
      }
      throw new Error(`unknown node type ${n.t} in snapshot`);
    };

    // Property entries are [key, flags, value] or [key, flags, getter, setter].
    const defineAll = (o, list) => {
      for (const entry of list) {
        const [k, flags] = entry;
        const key = decodeKey(k);
        const desc = { enumerable: !!(flags & E), configurable: !!(flags & C) };
        if (entry.length === 3) {
          desc.value = decode(entry[2]);
          desc.writable = !!(flags & W);
        } else {
          desc.get = decode(entry[2]);
          desc.set = decode(entry[3]);
        }
        try {
          Object.defineProperty(o, key, desc);
        } catch (err) {
          // A non-configurable property the re-created object already has
          // with the same value (a class's prototype) is fine as it is.
          if (!("value" in desc) || o[key] !== desc.value) throw err;
        }
      }
    };

    // Functions and classes first: a class's prototype object must be the one
    // its re-created class has, before anything else reaches it as a plain object.
    for (let id = 0; id < snap.nodes.length; id++) if (snap.nodes[id].t === "fn") make(id);
    for (let id = 0; id < snap.nodes.length; id++) make(id);
    // Phase 2: contents, prototypes, extensibility.
    for (let id = 0; id < snap.nodes.length; id++) {
      const n = snap.nodes[id];
      const o = values[id];
      if (n.t === "builtin" || n.t === "sym" || n.t === "symfor" || n.t === "priv") continue;
      const saved = new Set(ArrayPrototypeMap(n.props, (p) => decodeKey(p[0])));
      for (const key of Reflect.ownKeys(o)) {
        if (!saved.has(key)) {
          const d = Reflect.getOwnPropertyDescriptor(o, key);
          if (d.configurable) Reflect.deleteProperty(o, key);
        }
      }
      if (n.t === "map") for (const [k, v] of n.entries) MapPrototypeSet(o, decode(k), decode(v));
      if (n.t === "set") for (const k of n.entries) SetPrototypeAdd(o, decode(k));
      if (n.t === "weakmap") for (const [k, v] of n.entries) WeakMapPrototypeSet(o, decode(k), decode(v));
      if (n.t === "weakset") for (const k of n.entries) WeakSetPrototypeAdd(o, decode(k));
      defineAll(o, n.props);
      const proto = decode(n.proto);
      if (Object.getPrototypeOf(o) !== proto) Object.setPrototypeOf(o, proto);
    }
    for (const b of snap.builtins) {
      const o = builtinByPath.get(b.path);
      for (const k of b.deleted) delete o[decodeKey(k)];
      defineAll(o, b.props);
      if (!b.ext) Object.preventExtensions(o);
    }
    defineAll(globalThis, snap.globals);
    for (const gen of suspended) lib.prime(gen);
    for (const [holder, home] of homes) Object.setPrototypeOf(holder, Object.getPrototypeOf(home));
    for (let id = 0; id < snap.nodes.length; id++) {
      const n = snap.nodes[id];
      if ("ext" in n && !n.ext && n.t !== "builtin") Object.preventExtensions(values[id]);
    }
    const roots = {};
    for (const [name, e] of Object.entries(snap.roots)) roots[name] = decode(e);
    return roots;
  }

  // ---------------------------------------------------------------------
  // Entry points the host calls
  // ---------------------------------------------------------------------
  // The roots of a snapshot: what each part of the library saves (00_boot.js,
  // `stateParts`), by its name.
  const stateRoots = () => {
    const now = lib.now();
    const roots = {};
    for (const [name, part] of Object.entries(lib.stateParts)) roots[name] = part.save(now);
    return roots;
  };

  // Hands the snapshot to the host, which says whether the program goes on
  // here; it does if the state holds something that cannot be captured
  // (the reason goes to stderr).
  const snapshot = (roots) => {
    let doc;
    try {
      doc = capture(roots);
    } catch (err) {
      if (!(err instanceof CaptureError)) throw err;
      lib.ops.op_things_snapshot_failed(err.message);
      return true;
    }
    return lib.ops.op_things_put_snapshot(JSON.stringify({ state: doc, history: lib.history }));
  };

  // Snapshot between turns of the event loop (nothing on the stack).
  lib.snapshotIdle = () => {
    if (!snapshot(stateRoots())) throw lib.EXIT;
  };

  // The stack was captured (frames top first) inside a task: write it with
  // the rest of the state. Unless the program stops here, the frames are
  // re-entered and the task goes on.
  lib.stopWithStack = () => {
    const frames = lib.frames;
    lib.frames = null;
    lib.setCapturing(false);
    if (!snapshot({ ...stateRoots(), stack: frames })) throw lib.EXIT;
    lib.resumeStack = frames;
    lib.runTask(lib.reenter, undefined, []);
  };

  lib.restore = () => {
    const doc = JSON.parse(lib.ops.op_things_take_restore());
    lib.history = doc.history || [];
    lib.restoring = true;
    let roots;
    try {
      roots = rebuild(doc.state);
    } finally {
      lib.restoring = false;
    }
    const now = lib.now();
    for (const [name, part] of Object.entries(lib.stateParts)) {
      if (!ObjectPrototypeHasOwnProperty(roots, name)) throw new Error(`the snapshot has no state for ${name}`);
      part.restore(roots[name], now);
    }
    lib.ops.op_things_running();
    if (roots.stack) {
      // Finish the task that was interrupted, from its innermost frame's yield point.
      lib.resumeStack = roots.stack;
      lib.runTask(lib.reenter, undefined, []);
    }
    lib.afterTask(lib.nextWait());
  };
})(globalThis.__things);
