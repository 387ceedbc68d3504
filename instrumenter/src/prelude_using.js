// Put in front of a program whose text has `using` (see prelude.rs): the
// disposal of `using` and `await using` declarations, which the `using` pass
// (using.rs) turns into a try statement around their block that calls these.
// Being instrumented with the program, a capture can stop inside a dispose
// method they call. The steps are the specification's (AddDisposableResource,
// GetDisposeMethod, DisposeResources); `step` leaves each await to the block,
// so an `await using` block awaits exactly where the specification does.
var $$using = (function (Symbol, SuppressedError, TypeError, Promise) {
  "use strict";
  const disposeKey = Symbol.dispose;
  const asyncDisposeKey = Symbol.asyncDispose;
  const methodOf = (value, key) => {
    const method = value[key];
    if (method === undefined || method === null) return undefined;
    if (typeof method !== "function") throw new TypeError(`${String(key)} is not a function`);
    return method;
  };
  // An `await using` of a value that has only Symbol.dispose: called, its
  // result ignored, a throw turned into a rejection.
  const syncAsAsync = (method) =>
    function () {
      try {
        method.call(this);
      } catch (err) {
        return Promise.reject(err);
      }
      return Promise.resolve(undefined);
    };
  return {
    // A block's resources: `list` in the order declared; `thrown`/`error`
    // its completion, or `exit`/`value` how it was left (using/exits.rs),
    // `left` once it was; the specification's needsAwait/hasAwaited.
    stack() {
      return { list: [], thrown: false, error: undefined, exit: 0, value: undefined, left: false, needsAwait: false, hasAwaited: false };
    },
    leave(stack, exit, value) {
      stack.exit = exit;
      stack.value = value;
      stack.left = true;
    },
    add(stack, value, isAsync) {
      if (value === null || value === undefined) {
        if (isAsync) stack.list.push({ value: undefined, method: undefined, isAsync });
        return;
      }
      if (typeof value !== "object" && typeof value !== "function") {
        throw new TypeError("using declarations take an object, null or undefined");
      }
      let method;
      if (isAsync) {
        method = methodOf(value, asyncDisposeKey);
        if (method === undefined) {
          const sync = methodOf(value, disposeKey);
          if (sync !== undefined) method = syncAsAsync(sync);
        }
      } else {
        method = methodOf(value, disposeKey);
      }
      if (method === undefined) {
        throw new TypeError(`the value of a using declaration has no ${isAsync ? "Symbol.asyncDispose or " : ""}Symbol.dispose method`);
      }
      stack.list.push({ value, method, isAsync });
    },
    // The block (or a dispose method) threw `err`.
    threw(stack, err) {
      stack.left = true;
      stack.error = stack.thrown ? new SuppressedError(err, stack.error) : err;
      stack.thrown = true;
    },
    // Disposes resources, last first, up to the next await: returns
    // `{ value }` to await (then `threw` if it rejects), or null when done.
    step(stack) {
      const list = stack.list;
      while (list.length > 0) {
        const r = list[list.length - 1];
        if (!r.isAsync && stack.needsAwait && !stack.hasAwaited) {
          stack.needsAwait = false;
          return { value: undefined };
        }
        list.pop();
        if (r.method === undefined) {
          stack.needsAwait = true;
          continue;
        }
        let result;
        try {
          result = r.method.call(r.value);
        } catch (err) {
          this.threw(stack, err);
          continue;
        }
        if (r.isAsync) {
          stack.hasAwaited = true;
          return { value: result };
        }
      }
      if (stack.needsAwait && !stack.hasAwaited) {
        stack.needsAwait = false;
        return { value: undefined };
      }
      return null;
    },
    // The block's completion once all is disposed: its error, if any.
    end(stack) {
      if (stack.thrown) throw stack.error;
    },
    // All of a block without `await using` (with, the dispose methods are
    // called in turn without awaiting: a generator closed while in the block).
    dispose(stack) {
      while (this.step(stack) !== null);
      this.end(stack);
    },
  };
})(Symbol, SuppressedError, TypeError, Promise);
