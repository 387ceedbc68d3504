// 06_syntax.js: the library side of rewritten syntax (see
// docs/capturable-form.md): for-of/for-in state, yield* delegation,
// `arguments` copies, assignments to constants, the temporal dead zone and
// tagged-template strings. Everything here keeps its state in plain objects
// a snapshot can carry.
"use strict";
((lib) => {
  const {
    ArrayIteratorPrototype,
    ArrayPrototype,
    ArrayPrototypeSlice,
    GeneratorPrototype,
    GeneratorPrototypeReturn,
    ObjectDefineProperty,
    ObjectFreeze,
    ReflectApply,
    RegExpStringIteratorPrototype,
    StringIteratorPrototype,
    SymbolIterator,
    TypedArrayPrototype,
    TypedArrayPrototypeGetSymbolToStringTag,
  } = lib.primordials;

  lib.argsOf = (args) => ArrayPrototypeSlice(args);

  // for-of and for-in keep their position in plain objects a snapshot can
  // carry: arrays and typed arrays by index (their length read at each
  // step, as their iterators do); other iterables through their iterator.
  const arrayIterator = ArrayPrototype[SymbolIterator]; // (the engine's, as the library loads)
  const typedArrayIterator = TypedArrayPrototype[SymbolIterator];
  // The engine's own iterators over arrays, strings and matches keep their
  // position where no snapshot can read it: they are read out at once.
  // (Those over maps and sets are the library's, 15_iterators.js.)
  const nativeIteratorProtos = new Set([ArrayIteratorPrototype, StringIteratorPrototype, RegExpStringIteratorPrototype]);
  lib.iterOf = (iterable) => {
    if (Array.isArray(iterable) && iterable[SymbolIterator] === arrayIterator) return { a: iterable, i: 0, v: undefined };
    if (TypedArrayPrototypeGetSymbolToStringTag(iterable) !== undefined && iterable[SymbolIterator] === typedArrayIterator) {
      return { a: iterable, i: 0, v: undefined };
    }
    if (iterable == null) throw new TypeError(`${iterable} is not iterable`);
    const method = iterable[SymbolIterator];
    if (typeof method !== "function") throw new TypeError(`${typeof iterable === "object" ? "object" : String(iterable)} is not iterable`);
    const it = ReflectApply(method, iterable, []);
    if (nativeIteratorProtos.has(Object.getPrototypeOf(it))) {
      const items = [];
      for (let r = it.next(); !r.done; r = it.next()) items.push(r.value);
      return { a: items, i: 0, v: undefined };
    }
    return { it, next: it.next, v: undefined };
  };
  lib.iterIn = (obj) => {
    const keys = [];
    for (const k in obj) keys.push(k);
    return { keys, obj: Object(obj), i: 0, v: undefined };
  };
  lib.iterDone = (s) => {
    if (s.a !== undefined) {
      if (s.i >= s.a.length) return true;
      s.v = s.a[s.i++];
      return false;
    }
    if (s.keys !== undefined) {
      // Keys deleted before they are reached are skipped, as for-in does.
      while (s.i < s.keys.length) {
        const k = s.keys[s.i++];
        if (k in s.obj) {
          s.v = k;
          return false;
        }
      }
      return true;
    }
    const r = ReflectApply(s.next, s.it, []);
    if (r.done) {
      s.done = true;
      return true;
    }
    s.v = r.value;
    return false;
  };
  // Leaving a for-of early closes its iterator.
  lib.iterClose = (s) => {
    if (s.it === undefined || s.done) return;
    s.done = true;
    const close = s.it.return;
    if (close !== undefined && close !== null) ReflectApply(close, s.it, []);
  };
  // `yield*` (instrumenter/src/delegate.rs): a for-of state plus how the
  // delegating generator was resumed (mode 0 next, 1 throw, 2 return) with
  // what (arg), and the value to yield next (out).
  lib.delegate = (iterable) => Object.assign(lib.iterOf(iterable), { mode: 0, arg: undefined, out: undefined, ready: false });
  const noThrow = () => new TypeError("The iterator does not provide a 'throw' method.");
  lib.noThrowMethod = () => {
    throw noThrow();
  };
  const checked = (lib.iteratorResult = (r) => {
    if ((typeof r !== "object" || r === null) && typeof r !== "function") throw new TypeError(`Iterator result ${String(r)} is not an object`);
    return r;
  });
  // One step of the inner iterator; true when it is done (its value in `v`).
  lib.delegateStep = (d) => {
    if (d.ready) {
      d.ready = false;
      return false;
    }
    if (d.a !== undefined) {
      if (d.mode === 1) throw noThrow();
      if (d.i >= d.a.length) {
        d.v = undefined;
        return true;
      }
      d.out = d.a[d.i++];
      return false;
    }
    let r;
    if (d.mode === 1) {
      const t = d.it.throw;
      if (t === undefined || t === null) {
        lib.iterClose(d);
        throw noThrow();
      }
      r = checked(ReflectApply(t, d.it, [d.arg]));
    } else {
      r = checked(ReflectApply(d.next, d.it, [d.arg]));
    }
    if (r.done) {
      d.v = r.value;
      return true;
    }
    d.out = r.value;
    return false;
  };
  // The delegating generator is being returned from: forwards the return;
  // 0: let it return, 1: the inner iterator goes on (`out` is ready),
  // 2: return the inner iterator's value (`v`).
  lib.delegateReturn = (d) => {
    if (d.a !== undefined) return 0;
    const ret = d.it.return;
    if (ret === undefined || ret === null) return 0;
    const r = checked(ReflectApply(ret, d.it, [lib.returnArg]));
    if (r.done) {
      d.v = r.value;
      return 2;
    }
    d.out = r.value;
    d.mode = 0;
    d.ready = true;
    return 1;
  };

  lib.constAssign = () => {
    throw new TypeError("Assignment to constant variable.");
  };
  // Each tagged template site's strings array (instrumenter/src/tagged_templates.rs).
  let templates = {};
  lib.tpl = (site, cooked, raw) => {
    const made = templates[site];
    if (made !== undefined) return made;
    Object.defineProperty(cooked, "raw", { value: Object.freeze(raw) });
    return (templates[site] = Object.freeze(cooked));
  };
  lib.stateParts.templates = {
    save: () => templates,
    restore(data) {
      templates = data;
    },
  };
  lib.tdz = (name) => {
    throw new ReferenceError(`Cannot access '${name}' before initialization`);
  };
  // What an assignment to a constant writes to (closures/scopes.rs, `target_of`).
  lib.constTarget = ObjectFreeze({
    get v() {
      return undefined;
    },
    set v(_) {
      lib.constAssign();
    },
  });
  // What a sloppy-mode assignment to a function or class expression's own
  // name writes to (closures/scopes.rs, `target_of`).
  lib.nowhere = ObjectFreeze({
    get v() {
      return undefined;
    },
    set v(_) {},
  });
  // A scope object's slots still in their temporal dead zone: reading one
  // throws; the declaration's assignment makes it a plain property. One
  // library function (a snapshot can carry it) is the slot's getter, called
  // without an argument, and its setter.
  lib.libFactories.deadSlot = (state) =>
    function (value) {
      if (arguments.length === 0) lib.tdz(state.name);
      ObjectDefineProperty(this, state.name, { value, writable: true, enumerable: true, configurable: true });
    };
  lib.deadZone = (scope, names) => {
    for (let i = 0; i < names.length; i++) {
      const slot = lib.libFn("deadSlot", { name: names[i] });
      ObjectDefineProperty(scope, names[i], { get: slot, set: slot, enumerable: true, configurable: true });
    }
    return scope;
  };

  if (lib.config.raw) return;
  // A delegation forwards `return(v)` from a finally block, which needs v.
  Object.defineProperty(GeneratorPrototype, "return", {
    value: {
      return(v) {
        lib.returnArg = v;
        return GeneratorPrototypeReturn(this, v);
      },
    }.return,
    writable: true, enumerable: false, configurable: true,
  });
})(globalThis.__things);
