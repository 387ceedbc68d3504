// Put in front of a program whose async generators use `yield*` (see
// prelude.rs): `desugar_async` turns their `yield* iterable` into
// `yield* $$asyncDelegate(iterable)`, a plain generator delegation to this
// loop, which follows the specification's steps for an async generator's
// `yield*`. Being instrumented with the program, a snapshot can stop in it
// like in the program's own generators. Its plain yields are awaits; while it
// has handed the consumer a value (`delegatingYield`), the driver
// (runtime/js/08_async.js) gives it the consumer's next request
// (`{ kind, arg }`) instead of acting on it, and `asyncReturn(v)` asks the
// driver to return `v` from the delegating generator.
function* $$asyncDelegate(iterable) {
  const d = $things.delegateOf(iterable);
  let received = { kind: "next", arg: undefined };
  for (;;) {
    let result;
    if (received.kind === "next") {
      result = yield $things.delegateCall(d, d.next, received.arg);
    } else {
      const method = $things.delegateMethod(d, received.kind);
      if (method === undefined && received.kind === "throw") {
        yield $things.delegateClose(d);
        $things.noThrowMethod();
      }
      if (method === undefined) {
        yield $things.asyncReturn(yield received.arg);
      }
      result = yield $things.delegateCall(d, method, received.arg);
    }
    $things.iteratorResult(result);
    if (result.done) {
      if (received.kind !== "return") return result.value;
      yield $things.asyncReturn(yield result.value);
    }
    received = yield $things.delegatingYield(result.value);
  }
}
