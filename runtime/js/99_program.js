// 99_program.js: starts the loaded program, runs each task (main, a timer, an
// immediate) with node's handling of uncaught errors, and reports the wait
// until the next turn to the host.
"use strict";
((lib) => {
  const { ReflectApply } = lib.primordials;
  const ops = lib.ops;
  // Thrown to unwind everything once the program must end (uncaught error, process exit).
  const EXIT = (lib.EXIT = Object.freeze({ things: "exit" }));

  lib.fatal = (err) => {
    ops.op_things_exit(1);
    lib.write(lib.describeUncaught(err) + "\n", true);
    throw EXIT;
  };
  lib.describeUncaught = (err) => {
    const text = lib.userPlaces(lib.inspect(err));
    return err instanceof Error ? text : `Uncaught ${text}`;
  };
  lib.onUncaughtException = (err) => lib.fatal(err);
  lib.onUnhandledRejection = (reason) => {
    if (reason instanceof Error) lib.fatal(reason);
    const err = new Error(
      "This error originated either by throwing inside of an async function without a catch block, " +
        "or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason " +
        `"${lib.inspect(reason)}".`,
    );
    err.code = "ERR_UNHANDLED_REJECTION";
    lib.fatal(err);
  };

  // Runs one macrotask and the microtasks it queued. A task whose frames
  // were captured ends the program with its snapshot.
  lib.runTask = (fn, thisArg, args) => {
    try {
      ReflectApply(fn, thisArg, args);
    } catch (err) {
      if (err === EXIT) throw err;
      lib.fatal(err);
    }
    if (lib.capturing) return lib.stopWithStack();
    lib.runMicrotasks();
  };

  // At the end of a task: a capture held off until now is taken here, with
  // nothing on the stack.
  const report = (lib.afterTask = (wait) => {
    if (lib.captureWanted) {
      lib.captureWanted = false;
      lib.snapshotIdle();
    }
    ops.op_things_report_wait(wait);
  });

  lib.libFactories.require = () => function require(name) {
    throw new Error(`Cannot find module '${name}': things-js programs have no module system`);
  };

  // Node's CommonJS module scope, as globals (part of the program's state):
  // `this` at top level is module.exports; there is no module system.
  let module;
  lib.stateParts.module = {
    save: () => module,
    restore(data) {
      module = data;
    },
  };
  lib.start = () => {
    module = { exports: {} };
    lib.history = [];
    const define = (name, value) =>
      Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
    define("module", module);
    define("exports", module.exports);
    define("require", lib.libFn("require", {}));
    define("__filename", lib.config.filename);
    define("__dirname", ".");
    ops.op_things_running();
    lib.runTask(lib.program, module.exports, []);
    report(lib.nextWait());
  };
  lib.hostTurn = () => report(lib.turn());

  // Everything loaded so far is the runtime's; what appears later is the program's.
  lib.recordBuiltins();
})(globalThis.__things);
