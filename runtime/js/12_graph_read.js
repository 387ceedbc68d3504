// 12_graph_read.js: the program's state back from a snapshot's graph
// (docs/snapshot.md): every node is made first, then filled in; returns the
// roots, for the library's state parts to take back.
"use strict";
((lib) => {
  const {
    ArrayBufferPrototypeGetByteLength,
    ArrayBufferPrototypeGetMaxByteLength,
    ArrayBufferPrototypeGetResizable,
    ArrayBufferPrototypeResize,
    ArrayBufferPrototypeTransfer,
    ArrayPrototypeFind,
    ArrayPrototypeForEach,
    ArrayPrototypeMap,
    ArrayPrototypePush,
    ArrayPrototypeSome,
    JSONStringify,
    Map,
    MapPrototypeForEach,
    MapPrototypeSet,
    ObjectKeys,
    ReflectConstruct,
    ReflectDeleteProperty,
    ReflectGetOwnPropertyDescriptor,
    ReflectOwnKeys,
    SafeArrayIterator,
    Set,
    SetPrototypeHas,
    SetPrototypeAdd,
    WeakMapPrototypeSet,
    WeakSetPrototypeAdd,
  } = lib.primordials;
  const { isObject } = lib;
  const { W, E, C } = lib.graph;
  // An arguments object of sloppy code has `callee` as a data property (a
  // strict one has an accessor that throws); this file is strict, so a
  // sloppy function makes the sloppy kind.
  const sloppy = (n) => ArrayPrototypeSome(n.props, (entry) => entry[0] === "callee" && entry.length === 3);
  const sloppyArguments = lib.primordials.Function("return arguments");
  const byPath = lib.builtins.byPath;

  function read(snap) {
    const values = new Array(snap.nodes.length);
    const made = new Array(snap.nodes.length).fill(false);
    // Generators re-made from resume bodies, suspended once their frames are filled in.
    const suspended = [];
    // Object-literal members' re-made holders, with the restored literal they stand for.
    const homes = [];
    // Buffers detached at the snapshot: detached once their views exist.
    const detached = [];
    // Map and Set iterators, with their positions: advanced once their
    // collections have their entries.
    const positioned = [];
    // Proxies revoked at the snapshot: revoked once everything is made.
    const revoked = [];

    const decode = (e) => {
      if (e === null || typeof e !== "object") return e;
      if ("r" in e) return make(e.r);
      if ("u" in e) return undefined;
      if ("n" in e) return Number(e.n);
      if ("b" in e) return BigInt(e.b);
      throw new Error(`bad value in snapshot: ${JSONStringify(e)}`);
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
    // (A `prototype` the program set to a Proxy is made from its own node.)
    const bind = (e, value) => {
      if (e && typeof e === "object" && "r" in e && !made[e.r] && snap.nodes[e.r].t !== "proxy") {
        values[e.r] = value;
        made[e.r] = true;
      }
    };
    // A bound function's arguments, read from their array's node: the
    // engine copies them when it binds, before phase 2 fills arrays in.
    const boundArgs = (e) => {
      const entries = snap.nodes[e.r].props;
      const list = [];
      for (let i = 0; i < entries.length; i++) {
        if (entries[i][0] !== "length") list[entries[i][0]] = decode(entries[i][2]);
      }
      return list;
    };
    const protoCtor = (n) => {
      const proto = decode(n.proto);
      return proto && typeof proto.constructor === "function" ? proto.constructor : Object;
    };
    const create = (n) => {
      switch (n.t) {
        case "builtin": {
          if (!byPath.has(n.path)) throw new Error(`this runtime has no built-in ${n.path}`);
          return byPath.get(n.path);
        }
        case "sym": return Symbol(n.desc);
        case "symfor": return Symbol.for(n.key);
        case "priv": {
          let found;
          MapPrototypeForEach(lib.privateNames, (name, sym) => {
            if (name === n.name) found = sym;
          });
          if (found === undefined) throw new Error(`the program has no private name ${n.name}`);
          return found;
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
            if (n.classKeys !== undefined) {
              // (Kept with the restored literal too, for its next snapshot.)
              const keys = ArrayPrototypeMap(n.classKeys, decodeKey);
              lib.classKeys.set(cls, keys);
              lib.giveKeys(keys);
            }
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
          // (A method with a computed key is made under its key.)
          const superProto = decode(n.proto);
          if (n.classKeys !== undefined) lib.giveKeys(ArrayPrototypeMap(n.classKeys, decodeKey));
          const fn = "key" in n ? factory(env, decodeKey(n.key)) : factory(env, superProto);
          const protoProp = ArrayPrototypeFind(n.props, (p) => p[0] === "prototype");
          if (protoProp && typeof fn === "function" && isObject(fn.prototype)) bind(protoProp[2], fn.prototype);
          return fn;
        }
        case "proxy": {
          const proxy = lib.proxies.make(decode(n.target), decode(n.handler), n.revocable);
          if (n.revoked) ArrayPrototypePush(revoked, proxy);
          return proxy;
        }
        case "revoke": return lib.proxies.revokeOf(decode(n.proxy));
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
        case "bound": return lib.bind(decode(n.target), decode(n.thisArg), boundArgs(n.args));
        case "arr": return [];
        case "obj": return {};
        case "genproto": {
          const proto = {};
          lib.genProtos.set(proto, n.peekable);
          return proto;
        }
        case "args": return sloppy(n) ? sloppyArguments() : (function () { return arguments; })();
        case "map": return ReflectConstruct(Map, [], protoCtor(n));
        case "set": return ReflectConstruct(Set, [], protoCtor(n));
        case "weakmap": return new WeakMap();
        case "weakset": return new WeakSet();
        case "date": return new Date(decode(n.time));
        case "re": return new RegExp(n.source, n.flags);
        case "err": return new Error();
        case "ab": {
          const buf = new ArrayBuffer(n.hex.length / 2, n.max === undefined ? undefined : { maxByteLength: n.max });
          if (n.detached) detached.push(buf);
          const bytes = new Uint8Array(buf);
          for (let i = 0; i < n.hex.length / 2; i++) bytes[i] = parseInt(n.hex.substr(i * 2, 2), 16);
          return buf;
        }
        case "ta":
        case "dv": return view(n);
        case "box": return Object(decode(n.value));
        case "colliter": {
          const iterator = lib.collectionIterators.make(n.family, n.method, decode(n.coll));
          ArrayPrototypePush(positioned, [iterator, n.pos]);
          return iterator;
        }
      }
      throw new Error(`unknown node type ${n.t} in snapshot`);
    };

    // A typed array or DataView; one that tracks its resizable buffer's
    // length is made without a length. One out of its buffer's bounds (it
    // shrank) is made with the buffer at its largest, then put back.
    const view = (n) => {
      const buffer = decode(n.buffer);
      const View = n.t === "ta" ? globalThis[n.type] : DataView;
      const args = n.tracking ? [buffer, n.offset] : [buffer, n.offset, n.length];
      const byteLength = ArrayBufferPrototypeGetByteLength(buffer);
      const end = n.tracking ? n.offset : n.offset + n.length * (n.t === "ta" ? View.BYTES_PER_ELEMENT : 1);
      if (end <= byteLength || !ArrayBufferPrototypeGetResizable(buffer)) return ReflectConstruct(View, args);
      ArrayBufferPrototypeResize(buffer, ArrayBufferPrototypeGetMaxByteLength(buffer));
      try {
        return ReflectConstruct(View, args);
      } finally {
        ArrayBufferPrototypeResize(buffer, byteLength);
      }
    };

    // Property entries are [key, flags, value] or [key, flags, getter, setter].
    const defineAll = (o, list) => {
      for (let i = 0; i < list.length; i++) {
        const entry = list[i];
        const key = decodeKey(entry[0]);
        const flags = entry[1];
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
      if (n.t === "builtin" || n.t === "sym" || n.t === "symfor" || n.t === "priv" || n.t === "proxy") continue;
      const saved = new Set();
      ArrayPrototypeForEach(n.props, (p) => SetPrototypeAdd(saved, decodeKey(p[0])));
      const keys = ReflectOwnKeys(o);
      for (let i = 0; i < keys.length; i++) {
        if (!SetPrototypeHas(saved, keys[i]) && ReflectGetOwnPropertyDescriptor(o, keys[i]).configurable) ReflectDeleteProperty(o, keys[i]);
      }
      const entries = n.entries || [];
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        if (n.t === "map") MapPrototypeSet(o, decode(e[0]), decode(e[1]));
        else if (n.t === "set") SetPrototypeAdd(o, decode(e));
        else if (n.t === "weakmap") WeakMapPrototypeSet(o, decode(e[0]), decode(e[1]));
        else if (n.t === "weakset") WeakSetPrototypeAdd(o, decode(e));
      }
      defineAll(o, n.props);
      const proto = decode(n.proto);
      if (Object.getPrototypeOf(o) !== proto) Object.setPrototypeOf(o, proto);
    }
    for (const b of new SafeArrayIterator(snap.builtins)) {
      const o = byPath.get(b.path);
      for (const k of new SafeArrayIterator(b.deleted)) delete o[decodeKey(k)];
      defineAll(o, b.props);
      if (!b.ext) Object.preventExtensions(o);
    }
    defineAll(globalThis, snap.globals);
    for (const gen of new SafeArrayIterator(suspended)) lib.prime(gen);
    for (const buf of new SafeArrayIterator(detached)) ArrayBufferPrototypeTransfer(buf);
    for (const proxy of new SafeArrayIterator(revoked)) lib.proxies.revokeOf(proxy)();
    for (const p of new SafeArrayIterator(positioned)) lib.collectionIterators.position(p[0], p[1]);
    for (const pair of new SafeArrayIterator(homes)) Object.setPrototypeOf(pair[0], Object.getPrototypeOf(pair[1]));
    for (let id = 0; id < snap.nodes.length; id++) {
      const n = snap.nodes[id];
      if ("ext" in n && !n.ext && n.t !== "builtin") Object.preventExtensions(values[id]);
    }
    const roots = {};
    for (const name of new SafeArrayIterator(ObjectKeys(snap.roots))) roots[name] = decode(snap.roots[name]);
    return roots;
  }

  lib.graph.read = read;
})(globalThis.__things);
