// 15_iterators.js: iterators over Maps and Sets that a snapshot can carry.
// The engine's own keep their position where no snapshot can read it, so
// Map.prototype.entries/keys/values and Set.prototype.entries/values return
// the library's: an object with the engine's prototype (%MapIteratorPrototype%,
// %SetIteratorPrototype%) holding an engine iterator it steps live (entries
// added during a loop are visited, deleted ones skipped, as in node). When a
// snapshot reaches one it takes its position, the number of live entries
// before it: the collection's size less what the engine's iterator had left,
// which it reads out, then trades for a fresh one advanced as far.
"use strict";
((lib) => {
  const {
    MapIteratorPrototype,
    MapIteratorPrototypeNext,
    MapPrototype,
    MapPrototypeEntries,
    MapPrototypeGetSize,
    MapPrototypeKeys,
    MapPrototypeValues,
    ObjectCreate,
    ObjectDefineProperty,
    SetIteratorPrototype,
    SetIteratorPrototypeNext,
    SetPrototype,
    SetPrototypeEntries,
    SetPrototypeGetSize,
    SetPrototypeValues,
    SymbolIterator,
    WeakMap,
    WeakMapPrototypeGet,
    WeakMapPrototypeSet,
  } = lib.primordials;

  const families = {
    map: {
      proto: MapIteratorPrototype,
      next: MapIteratorPrototypeNext,
      size: MapPrototypeGetSize,
      open: { entries: MapPrototypeEntries, keys: MapPrototypeKeys, values: MapPrototypeValues },
    },
    set: {
      proto: SetIteratorPrototype,
      next: SetIteratorPrototypeNext,
      size: SetPrototypeGetSize,
      open: { entries: SetPrototypeEntries, values: SetPrototypeValues },
    },
  };
  // iterator -> { family, method, coll, it: the engine's iterator, or null once done }
  const states = new WeakMap();

  const make = (family, method, coll, it) => {
    const iterator = ObjectCreate(families[family].proto);
    WeakMapPrototypeSet(states, iterator, { family, method, coll, it });
    return iterator;
  };
  // A fresh engine iterator over `coll`, past its first `pos` entries.
  const advanced = (s, pos) => {
    const f = families[s.family];
    const it = f.open[s.method](s.coll);
    for (let i = 0; i < pos; i++) f.next(it);
    return it;
  };

  // The methods that make them, in place of the engine's (the same function
  // stays under Symbol.iterator as under its name, as in the specification).
  const install = (holder, family, method, aliases) => {
    const open = families[family].open[method];
    const f = {
      [method]() {
        // (The engine's method checks the receiver.)
        return make(family, method, this, open(this));
      },
    }[method];
    for (const key of [method, ...aliases]) {
      ObjectDefineProperty(holder, key, { value: f, writable: true, enumerable: false, configurable: true });
    }
  };
  install(MapPrototype, "map", "entries", [SymbolIterator]);
  install(MapPrototype, "map", "keys", []);
  install(MapPrototype, "map", "values", []);
  install(SetPrototype, "set", "entries", []);
  install(SetPrototype, "set", "values", ["keys", SymbolIterator]);

  // One `next` for the library's iterators and any other receiver, which
  // the engine's `next` takes (or refuses with its TypeError).
  for (const family of ["map", "set"]) {
    const f = families[family];
    const next = {
      next() {
        const s = WeakMapPrototypeGet(states, this);
        if (s === undefined) return f.next(this);
        if (s.it === null) return { value: undefined, done: true };
        const r = f.next(s.it);
        if (r.done) s.it = null;
        return r;
      },
    }.next;
    ObjectDefineProperty(f.proto, "next", { value: next, writable: true, enumerable: false, configurable: true });
  }

  lib.collectionIterators = {
    // For a snapshot: what the iterator walks and how far it is (-1: done),
    // or undefined for any other object.
    save(iterator) {
      const s = WeakMapPrototypeGet(states, iterator);
      if (s === undefined) return undefined;
      if (s.it === null) return { family: s.family, method: s.method, coll: s.coll, pos: -1 };
      const f = families[s.family];
      let left = 0;
      while (!f.next(s.it).done) left++;
      const pos = f.size(s.coll) - left;
      s.it = advanced(s, pos);
      return { family: s.family, method: s.method, coll: s.coll, pos };
    },
    // A restore makes the iterator before its collection has its entries,
    // and advances it once they are in.
    make: (family, method, coll) => make(family, method, coll, null),
    position(iterator, pos) {
      const s = WeakMapPrototypeGet(states, iterator);
      if (pos >= 0) s.it = advanced(s, pos);
    },
    is: (v) => WeakMapPrototypeGet(states, v) !== undefined,
  };
})(globalThis.__things);
