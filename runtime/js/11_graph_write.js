// 11_graph_write.js: the program's state as a graph of nodes (docs/snapshot.md):
// objects with ids, so cycles and shared references survive, reached from the
// roots (the state parts of the library, 00_boot.js), the globals the program
// created and its changes to built-ins. Functions are stored as (factory site,
// scope object), classes and their members likewise, library functions as
// (kind, state), built-ins by path (10_builtins.js). A value that cannot be
// captured throws a CaptureError naming it and the path it was reached by.
"use strict";
((lib) => {
  const {
    ArrayBufferPrototype,
    ArrayBufferPrototypeGetByteLength,
    ArrayBufferPrototypeGetDetached,
    ArrayBufferPrototypeGetResizable,
    ArrayPrototypeSome,
    BigIntPrototype,
    BigIntPrototypeValueOf,
    BooleanPrototype,
    BooleanPrototypeValueOf,
    DataViewPrototype,
    DataViewPrototypeGetBuffer,
    DatePrototype,
    DatePrototypeGetTime,
    GeneratorPrototype,
    Map,
    MapPrototype,
    MapPrototypeEntries,
    MapPrototypeGetSize,
    NumberPrototype,
    NumberPrototypeValueOf,
    ObjectPrototype,
    ObjectPrototypeHasOwnProperty,
    ObjectPrototypeIsPrototypeOf,
    ObjectPrototypeToString,
    RegExpPrototype,
    RegExpPrototypeGetSource,
    Set,
    SetPrototype,
    SetPrototypeGetSize,
    SetPrototypeValues,
    StringPrototype,
    StringPrototypeValueOf,
    SymbolPrototype,
    SymbolPrototypeValueOf,
    SymbolToStringTag,
    TypedArrayPrototype,
    TypedArrayPrototypeGetSymbolToStringTag,
    WeakMapPrototype,
    WeakMapPrototypeGet,
    WeakMapPrototypeHas,
    WeakSetPrototype,
    WeakSetPrototypeHas,
  } = lib.primordials;
  const { isObject } = lib;
  const FORMAT = 1;
  const W = 1, E = 2, C = 4; // property attribute bits
  class CaptureError extends Error {}
  const builtinPath = lib.builtins.pathOf;

  const sameDescriptor = (a, b) =>
    a.value === b.value && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

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

  // The engine's own bookkeeping on objects (deno_core stores the frames of a
  // thrown value under a "private" key, which this engine makes a visible
  // symbol): not the program's state, and made again when needed.
  const isEnginePrivate = (key) => typeof key === "symbol" && String(key.description).startsWith("v82jsc_private:");

  function write(extraRoots) {
    const ids = new Map(); // object/symbol -> node id
    const nodes = [];
    const via = []; // node id -> [parent id, label], for error messages
    const weakMaps = [];
    const pending = [];

    const pathOf = (id) => {
      const parts = [];
      for (let i = id; i !== undefined; i = via[i][0]) parts.unshift(String(via[i][1] ?? ""));
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
      via[id] = [parent, label];
      pending.push(v);
      return id;
    };

    const keyLabel = (key) => (typeof key === "symbol" ? `[${String(key)}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
    const encodeKey = (key, id) => (typeof key === "symbol" ? { r: ref(key, id, "<key>") } : key);

    const props = (o, id, skip) => {
      const out = [];
      for (const key of Reflect.ownKeys(o)) {
        if ((skip && skip(key)) || isEnginePrivate(key)) continue;
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
        if (ArrayBufferPrototypeGetDetached(v)) return { ...base, t: "ab", hex: "", detached: true, props: props(v, id) };
        // (Its views may track its length, which a view does not tell.)
        if (ArrayBufferPrototypeGetResizable(v)) fail("a resizable ArrayBuffer", id);
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
      if (lib.genProtos.has(v)) return { ...base, t: "genproto", peekable: lib.peekable(v), props: props(v, id) };
      if (isGenerator(v)) {
        if (!lib.peekable(Object.getPrototypeOf(v))) fail("a generator whose function was not instrumented (it uses `super`, or a construct listed by `things-js instrument`)", id);
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
      if (lib.builtins.globals.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(globalThis, key);
      const flags = (d.writable ? W : 0) | (d.enumerable ? E : 0) | (d.configurable ? C : 0);
      if ("value" in d) globals.push([encodeKey(key), flags, encode(d.value, undefined, key)]);
      else globals.push([encodeKey(key), flags, encode(d.get, undefined, key), encode(d.set, undefined, key)]);
    }
    drain();
    // The program's changes to built-ins: added, changed and deleted properties.
    const builtins = [];
    for (const [obj, keys] of lib.builtins.pristine) {
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

  lib.graph = { W, E, C, CaptureError, write };
})(globalThis.__things);
