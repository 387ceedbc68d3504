// async.js: runs the generators that async functions were rewritten into.
// Each await is a `yield`; the driver resumes the generator through the
// library's Promise, taking the same number of jobs as a native await, so
// the order of events is node's. Its callbacks are library functions made
// from plain state, so a snapshot can carry a pending await.
"use strict";
((lib) => {
  const P = lib.Promise;
  const then = P.prototype.then;

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
    // `await v` is PerformPromiseThen(PromiseResolve(%Promise%, v), ...).
    const awaited = P.resolve(r.value);
    Reflect.apply(then, awaited, [lib.libFn("asyncFulfilled", state), lib.libFn("asyncRejected", state)]);
  };
  lib.libFactories.asyncFulfilled = (state) => (v) => step(state, "next", v);
  lib.libFactories.asyncRejected = (state) => (e) => step(state, "throw", e);

  lib.async = (gen) => {
    const cap = P.withResolvers();
    const state = { gen, resolve: cap.resolve, reject: cap.reject };
    step(state, "next", undefined);
    return cap.promise;
  };
})(globalThis.__things);
