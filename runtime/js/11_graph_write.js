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
    ArrayBufferIsView,
    ArrayBufferPrototypeGetDetached,
    ArrayBufferPrototypeGetMaxByteLength,
    ArrayBufferPrototypeGetResizable,
    ArrayBufferPrototypeResize,
    ArrayPrototype,
    ArrayPrototypeFind,
    ArrayPrototypeMap,
    ArrayPrototypeSome,
    BigIntPrototype,
    BigIntPrototypeValueOf,
    BooleanPrototype,
    BooleanPrototypeValueOf,
    DataViewPrototype,
    DataViewPrototypeGetBuffer,
    DataViewPrototypeGetByteLength,
    DataViewPrototypeGetByteOffset,
    DatePrototype,
    DatePrototypeGetTime,
    GeneratorPrototype,
    JSONStringify,
    Map,
    MapPrototype,
    MapPrototypeForEach,
    MapPrototypeGet,
    MapPrototypeGetSize,
    MapPrototypeHas,
    MapPrototypeSet,
    NumberPrototype,
    NumberPrototypeValueOf,
    ObjectKeys,
    ObjectPrototype,
    ObjectPrototypeHasOwnProperty,
    ObjectPrototypeIsPrototypeOf,
    ObjectPrototypeToString,
    ReflectGetOwnPropertyDescriptor,
    ReflectOwnKeys,
    RegExpPrototype,
    RegExpPrototypeExec,
    RegExpPrototypeGetSource,
    SafeArrayIterator,
    Set,
    SetPrototype,
    SetPrototypeAdd,
    SetPrototypeForEach,
    SetPrototypeGetSize,
    SetPrototypeHas,
    StringPrototype,
    StringPrototypeValueOf,
    SymbolPrototype,
    SymbolPrototypeValueOf,
    SymbolToStringTag,
    TypedArrayPrototype,
    TypedArrayPrototypeAt,
    TypedArrayPrototypeGetBuffer,
    TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeGetLength,
    TypedArrayPrototypeGetSymbolToStringTag,
    TypedArrayPrototypeSet,
    TypedArrayPrototypeSlice,
    Uint8Array,
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
  // library's async generators and promises (objects with hidden state).
  const knownKinds = new Set([MapPrototype, SetPrototype, WeakMapPrototype, WeakSetPrototype, ArrayBufferPrototype, DataViewPrototype, TypedArrayPrototype, SymbolPrototype, BigIntPrototype]);
  SetPrototypeAdd(knownKinds, lib.AsyncGenerator);
  // The library's promises are known by their hidden state: what else
  // inherits their tag is ordinary (a Promise subclass's prototype).
  SetPrototypeAdd(knownKinds, lib.Promise.prototype);
  const tagOwner = (o) => {
    for (let p = o; p !== null; p = Object.getPrototypeOf(p)) {
      if (ObjectPrototypeHasOwnProperty(p, SymbolToStringTag)) return p;
    }
    return null;
  };
  // Whether a Proxy is on `o`'s prototype chain (looked at without running its traps).
  const proxyInChain = (o) => {
    for (let p = Object.getPrototypeOf(o); p !== null; p = Object.getPrototypeOf(p)) if (lib.isProxy(p)) return true;
    return false;
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
  // Every kind above that an object is by its internal slots (or the
  // library's hidden state).
  const brands = [
    (o) => {
      if (lib.promiseState(o) === undefined && lib.collectionIterators.save(o) === undefined) throw 0;
    },
    RegExpPrototypeGetSource,
    MapPrototypeGetSize,
    SetPrototypeGetSize,
    (o) => WeakMapPrototypeHas(o, {}),
    (o) => WeakSetPrototypeHas(o, {}),
    DatePrototypeGetTime,
    ArrayBufferPrototypeGetByteLength,
    NumberPrototypeValueOf,
    StringPrototypeValueOf,
    BooleanPrototypeValueOf,
    BigIntPrototypeValueOf,
    SymbolPrototypeValueOf,
  ];

  // The engine's own bookkeeping on objects (deno_core stores the frames of a
  // thrown value under a "private" key, which this engine makes a visible
  // symbol): not the program's state, and made again when needed.
  // A view's shape: where it starts, its length, and whether it tracks the
  // length of a resizable buffer (made without a length), which no getter
  // tells. The buffer is resized to see it, then put back as it was: shrunk
  // to where the view starts, a tracking view is empty but in bounds and a
  // fixed one out of bounds (or, if empty, still empty once the buffer grows
  // by one element). A view out of bounds now shows its offset and length
  // with the buffer at its largest. Over a detached buffer every view is
  // empty and the buffer holds nothing to restore.
  const viewShape = (v, type) => {
    const buffer = type ? TypedArrayPrototypeGetBuffer(v) : DataViewPrototypeGetBuffer(v);
    if (ArrayBufferPrototypeGetDetached(buffer)) return { buffer, offset: 0, length: 0 };
    const length = () => (type ? TypedArrayPrototypeGetLength(v) : DataViewPrototypeGetByteLength(v));
    const offset = () => (type ? TypedArrayPrototypeGetByteOffset(v) : DataViewPrototypeGetByteOffset(v));
    if (!ArrayBufferPrototypeGetResizable(buffer)) return { buffer, offset: offset(), length: length() };
    const inBounds = () => brand(type ? (o) => TypedArrayPrototypeAt(o, 0) : DataViewPrototypeGetByteLength, v);
    const resize = (n) => ArrayBufferPrototypeResize(buffer, n);
    const byteLength = ArrayBufferPrototypeGetByteLength(buffer);
    const max = ArrayBufferPrototypeGetMaxByteLength(buffer);
    const saved = TypedArrayPrototypeSlice(new Uint8Array(buffer));
    try {
      if (!inBounds()) resize(max);
      const shape = { buffer, offset: offset(), length: length(), tracking: false };
      // One element: the bits in the type's name (Float64Array, Uint8ClampedArray), in bytes.
      const step = type ? RegExpPrototypeExec(/\d+/, type)[0] / 8 : 1;
      resize(shape.offset);
      if (inBounds() && shape.offset + step <= max) {
        resize(shape.offset + step);
        shape.tracking = length() === 1;
      }
      return shape;
    } finally {
      resize(byteLength);
      TypedArrayPrototypeSet(new Uint8Array(buffer), saved);
    }
  };

  const isEnginePrivate = (key) => typeof key === "symbol" && String(key.description).startsWith("v82jsc_private:");

  // An index accessor or read-only index property of Array.prototype or
  // Object.prototype would be reached by every array the writer fills.
  const indexKeyOn = (proto) =>
    ArrayPrototypeFind(ReflectOwnKeys(proto), (key) => {
      if (typeof key !== "string" || String(key >>> 0) !== key) return false;
      const d = ReflectGetOwnPropertyDescriptor(proto, key);
      return !("value" in d) || !d.writable;
    });

  function write(extraRoots) {
    for (const proto of new SafeArrayIterator([ArrayPrototype, ObjectPrototype])) {
      const key = indexKeyOn(proto);
      if (key !== undefined) {
        throw new CaptureError(`cannot capture a program that gave ${proto === ArrayPrototype ? "Array" : "Object"}.prototype an index accessor or read-only index property ("${key}")`);
      }
    }
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
      let id = MapPrototypeGet(ids, v);
      if (id !== undefined) return id;
      id = nodes.length;
      MapPrototypeSet(ids, v, id);
      nodes.push(null);
      via[id] = [parent, label];
      pending.push(v);
      return id;
    };

    const keyLabel = (key) => (typeof key === "symbol" ? `[${String(key)}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSONStringify(key)}]`);
    const encodeKey = (key, id) => (typeof key === "symbol" ? { r: ref(key, id, "<key>") } : key);
    // The computed keys a class or object literal was made with (05_registry.js, `classKeys`), if any.
    const keysMadeWith = (holder, id) => {
      const keys = WeakMapPrototypeGet(lib.classKeys, holder);
      return keys && ArrayPrototypeMap(keys, (k) => encodeKey(k, id));
    };

    const props = (o, id, skip) => {
      const out = [];
      const keys = ReflectOwnKeys(o);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if ((skip && skip(key)) || isEnginePrivate(key)) continue;
        const d = ReflectGetOwnPropertyDescriptor(o, key);
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
      const path = MapPrototypeGet(builtinPath, v);
      if (path !== undefined) return { t: "builtin", path };
      if (typeof v === "symbol") {
        const priv = MapPrototypeGet(lib.privateNames, v);
        if (priv !== undefined) return { t: "priv", name: priv };
        const key = Symbol.keyFor(v);
        if (key !== undefined) return { t: "symfor", key };
        return { t: "sym", desc: v.description };
      }
      // (A proxy is written before anything reads it: that would run the program's traps.)
      const proxied = lib.proxies.save(v);
      if (proxied !== undefined && proxied.proxy) {
        const { target, handler, revocable, revoked } = proxied;
        return { t: "proxy", target: encode(target, id, "<target>"), handler: encode(handler, id, "<handler>"), revocable, revoked };
      }
      if (lib.isProxy(v)) fail("a Proxy the runtime library made", id);
      const proto = encode(Object.getPrototypeOf(v), id, "<proto>");
      const base = { proto, ext: Object.isExtensible(v) };
      if (proxied !== undefined) return { ...base, t: "revoke", proxy: encode(proxied.of, id, "<proxy>"), props: props(v, id) };
      if (typeof v === "function") {
        const meta = WeakMapPrototypeGet(lib.fnMeta, v);
        if (meta) {
          const site = meta[0], env = meta[1], owner = meta[2], key = meta[3], kind = meta[4], cls = meta[5];
          if (owner !== undefined) {
            // `cls`: the class, or the object literal the member was made in.
            // (An object literal's computed accessor keys, evaluated when it was made.)
            const classKeys = owner === "obj" ? keysMadeWith(cls, id) : undefined;
            return { ...base, t: "member", site, env: encode(env, id, "<scope>"), owner, key: encodeKey(key, id), kind, cls: encode(cls, id, owner === "obj" ? "<home>" : "<class>"), classKeys, props: props(v, id) };
          }
          const methodKey = WeakMapPrototypeHas(lib.fnKeys, v) ? encodeKey(WeakMapPrototypeGet(lib.fnKeys, v), id) : undefined;
          // (A class's computed keys, evaluated when it was made.)
          return { ...base, t: "fn", site, env: encode(env, id, "<scope>"), key: methodKey, classKeys: keysMadeWith(v, id), props: props(v, id) };
        }
        const bound = WeakMapPrototypeGet(lib.boundMeta, v);
        if (bound) return { ...base, t: "bound", target: encode(bound.target, id, "<target>"), thisArg: encode(bound.thisArg, id, "<this>"), args: encode(bound.args, id, "<args>"), props: props(v, id) };
        const libMeta = WeakMapPrototypeGet(lib.libFnMeta, v);
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
      if (proxyInChain(v)) {
        // (A tag or prototype test would run the proxy's traps; the brand checks do not.)
        if (ArrayBufferIsView(v) || ArrayPrototypeSome(brands, (check) => brand(check, v))) {
          fail("an object of a built-in kind whose prototype chain holds a Proxy", id);
        }
        return { ...base, t: "obj", props: props(v, id) };
      }
      if (has(MapPrototype, MapPrototypeGetSize, v)) {
        const entries = [];
        MapPrototypeForEach(v, (x, k) => entries.push([encode(k, id, "<key>"), encode(x, id, "<entry>")]));
        return { ...base, t: "map", entries, props: props(v, id) };
      }
      if (has(SetPrototype, SetPrototypeGetSize, v)) {
        const entries = [];
        SetPrototypeForEach(v, (k) => entries.push(encode(k, id, "<entry>")));
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
        // (`max`: a resizable buffer's largest length.)
        const max = ArrayBufferPrototypeGetResizable(v) ? ArrayBufferPrototypeGetMaxByteLength(v) : undefined;
        if (ArrayBufferPrototypeGetDetached(v)) return { ...base, t: "ab", hex: "", max, detached: true, props: props(v, id) };
        const bytes = new Uint8Array(v);
        let hex = "";
        // (The engine's length: a program may give typed arrays another.)
        const length = TypedArrayPrototypeGetLength(bytes);
        for (let i = 0; i < length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
        return { ...base, t: "ab", hex, max, props: props(v, id) };
      }
      if (ArrayBufferIsView(v)) {
        const type = TypedArrayPrototypeGetSymbolToStringTag(v);
        const shape = viewShape(v, type);
        const buffer = encode(shape.buffer, id, "<buffer>");
        return { ...base, t: type ? "ta" : "dv", type, buffer, offset: shape.offset, length: shape.length, tracking: shape.tracking, props: props(v, id, (k) => type && typeof k === "string" && /^\d+$/.test(k)) };
      }
      const iterator = lib.collectionIterators.save(v);
      if (iterator !== undefined) {
        const coll = encode(iterator.coll, id, "<collection>");
        return { ...base, t: "colliter", family: iterator.family, method: iterator.method, coll, pos: iterator.pos, props: props(v, id) };
      }
      const tag = tagOf(v);
      if (tag === "Error" || v instanceof Error) return { ...base, t: "err", props: props(v, id) };
      if (tag === "Arguments") return { ...base, t: "args", props: props(v, id) };
      for (let i = 0; i < boxes.length; i++) {
        const proto = boxes[i][0], valueOf = boxes[i][1];
        if (has(proto, valueOf, v)) return { ...base, t: "box", value: encode(valueOf(v), id, "<value>"), props: props(v, id, proto === StringPrototype ? (k) => typeof k === "string" && /^\d+$/.test(k) : undefined) };
      }
      // A generator function's `prototype` (the function itself may be gone).
      if (WeakMapPrototypeHas(lib.genProtos, v)) return { ...base, t: "genproto", peekable: lib.peekable(v), props: props(v, id) };
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
      if (tag !== "Object" && !lib.promiseState(v) && MapPrototypeHas(builtinPath, owner) && !SetPrototypeHas(knownKinds, owner)) fail(describe(v), id);
      return { ...base, t: "obj", props: props(v, id) };
    };

    const drain = () => {
      while (pending.length) {
        const v = pending.pop();
        const id = MapPrototypeGet(ids, v);
        nodes[id] = node(v, id);
      }
    };

    const roots = {};
    for (const name of new SafeArrayIterator(ObjectKeys(extraRoots))) roots[name] = encode(extraRoots[name], undefined, name);
    const globals = [];
    for (const key of new SafeArrayIterator(ReflectOwnKeys(globalThis))) {
      if (SetPrototypeHas(lib.builtins.globals, key)) continue;
      const d = ReflectGetOwnPropertyDescriptor(globalThis, key);
      const flags = (d.writable ? W : 0) | (d.enumerable ? E : 0) | (d.configurable ? C : 0);
      if ("value" in d) globals.push([encodeKey(key), flags, encode(d.value, undefined, key)]);
      else globals.push([encodeKey(key), flags, encode(d.get, undefined, key), encode(d.set, undefined, key)]);
    }
    drain();
    // The program's changes to built-ins: added, changed and deleted properties.
    const builtins = [];
    MapPrototypeForEach(lib.builtins.pristine, (keys, obj) => {
      const added = [];
      for (const key of new SafeArrayIterator(obj === globalThis ? [] : ReflectOwnKeys(obj))) {
        // (The library's own: Object.prototype's guards of private fields, made again when the program loads.)
        if (SetPrototypeHas(lib.hiddenKeys, key)) continue;
        const d = ReflectGetOwnPropertyDescriptor(obj, key);
        const old = MapPrototypeGet(keys, key);
        if (old && sameDescriptor(old, d)) continue;
        const flags = (d.writable ? W : 0) | (d.enumerable ? E : 0) | (d.configurable ? C : 0);
        if ("value" in d) added.push([encodeKey(key), flags, encode(d.value, undefined, MapPrototypeGet(builtinPath, obj) + keyLabel(key))]);
        else added.push([encodeKey(key), flags, encode(d.get), encode(d.set)]);
      }
      const deleted = [];
      MapPrototypeForEach(keys, (_, key) => {
        if (!ReflectGetOwnPropertyDescriptor(obj, key)) deleted.push(encodeKey(key));
      });
      if (added.length || deleted.length || !Object.isExtensible(obj)) {
        builtins.push({ path: MapPrototypeGet(builtinPath, obj), props: added, deleted, ext: Object.isExtensible(obj) });
      }
    });
    drain();
    // WeakMap/WeakSet entries whose keys (objects, or symbols not in the
    // registry) the rest of the graph reaches, or that are built-ins (always
    // reachable: `wm.set(Symbol.iterator, v)`); the values may reach more
    // keys, so repeat until nothing new appears.
    const builtinKeys = [];
    if (weakMaps.length > 0) {
      MapPrototypeForEach(builtinPath, (_, obj) => {
        if (isObject(obj) || typeof obj === "symbol") builtinKeys.push(obj);
      });
    }
    for (let grew = true; grew;) {
      grew = false;
      for (let i = 0; i < weakMaps.length; i++) {
        const wm = weakMaps[i][0], n = weakMaps[i][1], id = weakMaps[i][2];
        const reached = [];
        MapPrototypeForEach(ids, (_, obj) => reached.push(obj));
        const holds = n.t === "weakmap" ? WeakMapPrototypeHas : WeakSetPrototypeHas;
        for (let k = 0; k < builtinKeys.length; k++) {
          const key = builtinKeys[k];
          if (!MapPrototypeHas(ids, key) && holds(wm, key)) {
            ref(key, id, "<key>");
            reached.push(key);
          }
        }
        for (const obj of new SafeArrayIterator(reached)) {
          if ((!isObject(obj) && typeof obj !== "symbol") || ArrayPrototypeSome(n.entries, (e) => (e.r ?? e[0].r) === MapPrototypeGet(ids, obj))) continue;
          if (n.t === "weakmap" && WeakMapPrototypeHas(wm, obj)) {
            n.entries.push([{ r: MapPrototypeGet(ids, obj) }, encode(WeakMapPrototypeGet(wm, obj), id, "<entry>")]);
            grew = true;
          } else if (n.t === "weakset" && WeakSetPrototypeHas(wm, obj)) {
            n.entries.push({ r: MapPrototypeGet(ids, obj) });
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
