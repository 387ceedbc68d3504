// 08_async.js: runs the generators that async functions and async generators
// were rewritten into (instrumenter/src/desugar_async.rs). Each await is a
// `yield`; the driver resumes the generator through the library's Promise,
// taking the same number of jobs as a native await, so the order of events
// is node's. Its callbacks are library functions made from plain state, so
// a snapshot can carry a pending await.
"use strict";
((lib) => {
  const { ReflectApply } = lib.primordials;
  const P = lib.Promise;

  const step = (state, method, arg) => {
    let r;
    try {
      r = state.gen[method](arg);
    } catch (err) {
      state.reject(err);
      return;
    }
    if (r.done) {
      state.resolve(r.value);
      return;
    }
    lib.awaitValue(r.value, lib.libFn("asyncFulfilled", state), lib.libFn("asyncRejected", state));
  };
  lib.libFactories.asyncFulfilled = (state) => (v) => step(state, "next", v);
  lib.libFactories.asyncRejected = (state) => (e) => step(state, "throw", e);

  lib.async = (gen) => {
    const cap = P.withResolvers();
    const state = { gen, resolve: cap.resolve, reject: cap.reject };
    step(state, "next", undefined);
    return cap.promise;
  };

  // Async generators: the generator yields awaited values plainly and its
  // own yields wrapped by `ayield`. Requests (next/return/throw) queue up
  // and are served one at a time, each settling its promise when the
  // generator reaches a yield or ends.
  class AsyncYield {
    constructor(v, delegating) {
      this.v = v;
      this.delegating = delegating;
    }
  }
  lib.ayield = (v) => new AsyncYield(v, false);
  // An async generator's `yield*` (instrumenter/src/prelude_delegate.js):
  // after a value it hands on, the consumer's next request goes to the
  // delegation loop as a value (`{ kind, arg }`); the loop may then ask for
  // the generator to return.
  lib.delegatingYield = (v) => new AsyncYield(v, true);
  class AsyncReturn {
    constructor(v) {
      this.v = v;
    }
  }
  lib.asyncReturn = (v) => new AsyncReturn(v);
  const AG_STATE = Symbol("things.asyncGenerator");
  lib.hiddenKeys.add(AG_STATE);

  const serve = (s) => {
    while (!s.running && s.queue.length > 0) {
      const req = s.queue[0];
      if (!s.done && s.delegating) {
        s.delegating = false;
        s.running = true;
        agStep(s, "next", { kind: req.kind, arg: req.arg });
      } else if (!s.done && req.kind === "return") {
        // `return(v)` awaits v first; a rejection is thrown in at the yield.
        s.running = true;
        lib.awaitValue(req.arg, lib.libFn("agReturning", s), lib.libFn("agRejected", s));
      } else if (!s.done) {
        s.running = true;
        agStep(s, req.kind, req.arg);
      } else if (req.kind === "return") {
        // Returning from a finished generator awaits the value first.
        s.running = true;
        lib.awaitValue(req.arg, lib.libFn("agReturned", s), lib.libFn("agFailed", s));
      } else {
        s.queue.shift();
        if (req.kind === "throw") req.reject(req.arg);
        else req.resolve({ value: undefined, done: true });
      }
    }
  };
  const settle = (s, ok, value) => {
    s.running = false;
    const req = s.queue.shift();
    if (ok) req.resolve(value);
    else req.reject(value);
    serve(s);
  };
  const agStep = (s, method, arg) => {
    let r;
    try {
      r = s.gen[method](arg);
    } catch (err) {
      s.done = true;
      settle(s, false, err);
      return;
    }
    if (r.done) {
      s.done = true;
      settle(s, true, { value: r.value, done: true });
    } else if (r.value instanceof AsyncYield) {
      s.delegating = r.value.delegating;
      settle(s, true, { value: r.value.v, done: false });
    } else if (r.value instanceof AsyncReturn) {
      agStep(s, "return", r.value.v);
    } else {
      lib.awaitValue(r.value, lib.libFn("agFulfilled", s), lib.libFn("agRejected", s));
    }
  };
  lib.libFactories.agFulfilled = (s) => (v) => agStep(s, "next", v);
  lib.libFactories.agRejected = (s) => (e) => agStep(s, "throw", e);
  lib.libFactories.agReturning = (s) => (v) => agStep(s, "return", v);
  lib.libFactories.agReturned = (s) => (v) => settle(s, true, { value: v, done: true });
  lib.libFactories.agFailed = (s) => (e) => settle(s, false, e);

  const request = (self, kind, arg) => {
    const s = self !== null && typeof self === "object" ? self[AG_STATE] : undefined;
    if (s === undefined) return P.reject(new TypeError(`${kind} method called on incompatible receiver`));
    const cap = P.withResolvers();
    s.queue.push({ kind, arg, resolve: cap.resolve, reject: cap.reject });
    serve(s);
    return cap.promise;
  };
  lib.AsyncGenerator = {};
  const methods = {
    next(v) {
      return request(this, "next", v);
    },
    return(v) {
      return request(this, "return", v);
    },
    throw(e) {
      return request(this, "throw", e);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(lib.AsyncGenerator, key, { value: methods[key], writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(lib.AsyncGenerator, Symbol.toStringTag, { value: "AsyncGenerator", configurable: true });
  lib.asyncGen = (gen) => {
    const o = Object.create(lib.AsyncGenerator);
    Object.defineProperty(o, AG_STATE, { value: { gen, queue: [], running: false, done: false, delegating: false } });
    return o;
  };

  // `for await` (instrumenter/src/for_await.rs): async iterators, or sync
  // ones whose values are awaited, stepped from plain state.
  lib.asyncIterOf = (iterable) => {
    if (iterable !== null && iterable !== undefined) {
      const method = iterable[Symbol.asyncIterator];
      if (method !== undefined && method !== null) {
        const it = ReflectApply(method, iterable, []);
        return { it, next: it.next, closing: false };
      }
    }
    return { sync: lib.iterOf(iterable), closing: false };
  };
  lib.libFactories.syncValue = () => (value) => ({ value, done: false });
  lib.asyncNext = (a) => {
    if (a.sync === undefined) return ReflectApply(a.next, a.it, []);
    if (lib.iterDone(a.sync)) return { value: undefined, done: true };
    return lib.thenOf(a.sync.v, lib.libFn("syncValue"));
  };
  lib.asyncResult = lib.iteratorResult;
  // Leaving a `for await` early awaits the iterator's `return()`; after a
  // throw (`quiet`), its failure does not replace the error.
  lib.libFactories.ignore = () => () => undefined;
  lib.asyncClose = (a, quiet) => {
    a.closing = true;
    if (a.sync !== undefined) return void lib.iterClose(a.sync);
    if (!quiet) {
      const ret = a.it.return;
      return ret === undefined || ret === null ? undefined : ReflectApply(ret, a.it, []);
    }
    try {
      const ret = a.it.return;
      if (ret === undefined || ret === null) return undefined;
      return lib.thenOf(ReflectApply(ret, a.it, []), undefined, lib.libFn("ignore"));
    } catch {
      return undefined;
    }
  };
  lib.first = (v) => v;

  // The delegation loop's steps (prelude_delegate.js). An async iterator's
  // results are awaited by the loop; a sync iterator's are made async as
  // CreateAsyncFromSyncIterator does (the value awaited).
  lib.delegateOf = (iterable) => {
    if (iterable !== null && iterable !== undefined) {
      const method = iterable[Symbol.asyncIterator];
      if (method !== undefined && method !== null) {
        const it = lib.iteratorResult(ReflectApply(method, iterable, []));
        return { it, next: it.next, sync: false };
      }
      const method2 = iterable[Symbol.iterator];
      if (typeof method2 === "function") {
        const it = lib.iteratorResult(ReflectApply(method2, iterable, []));
        return { it, next: it.next, sync: true };
      }
    }
    throw new TypeError(`${lib.inspect(iterable)} is not async iterable`);
  };
  lib.delegateMethod = (d, kind) => {
    const m = d.it[kind];
    return m === undefined || m === null ? undefined : m;
  };
  lib.libFactories.syncResult = (state) => (value) => ({ value, done: state.done });
  lib.delegateCall = (d, method, arg) => {
    const r = ReflectApply(method, d.it, [arg]);
    if (!d.sync) return r;
    lib.iteratorResult(r);
    const done = Boolean(r.done); // (read before the value, as the specification does)
    return lib.thenOf(r.value, lib.libFn("syncResult", { done }));
  };
  lib.delegateClose = (d) => {
    const ret = d.it.return;
    if (ret === undefined || ret === null) return undefined;
    const r = ReflectApply(ret, d.it, []);
    return d.sync ? undefined : r;
  };
})(globalThis.__things);
