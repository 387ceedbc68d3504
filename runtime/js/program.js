// program.js: starts the loaded program, runs each task (main, a timer, an
// immediate) with node's handling of uncaught errors, and reports the wait
// until the next turn to the host.
"use strict";
((lib) => {
  const ops = lib.ops;
  // Thrown to unwind everything once the program must end (uncaught error, process exit).
  const EXIT = (lib.EXIT = Object.freeze({ things: "exit" }));

  lib.fatal = (err) => {
    ops.op_things_exit(1);
    lib.write(lib.describeUncaught(err) + "\n", true);
    throw EXIT;
  };
  lib.describeUncaught = (err) => {
    const text = lib.inspect(err);
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

  // Runs one macrotask and the microtasks it queued.
  lib.runTask = (fn, thisArg, args) => {
    try {
      Reflect.apply(fn, thisArg, args);
    } catch (err) {
      if (err === EXIT) throw err;
      lib.fatal(err);
    }
    lib.runMicrotasks();
  };

  const report = (wait) => ops.op_things_report_wait(wait);

  // Node's CommonJS module scope: `this` is module.exports; no require.
  lib.start = () => {
    const module = { exports: {} };
    const require = (name) => {
      throw new Error(`Cannot find module '${name}': things-js programs have no module system`);
    };
    const file = lib.config.filename;
    lib.runTask(lib.program, module.exports, [module.exports, require, module, file, "."]);
    report(lib.nextWait());
  };
  lib.hostTurn = () => report(lib.turn());
})(globalThis.__things);
