// 02_console.js: node's console for the common methods, formatted by 01_inspect.js.
"use strict";
((lib) => {
  const out = (toStderr) => function (...args) {
    lib.write(lib.format(...args) + "\n", toStderr);
  };
  // console.count and console.time state.
  const state = { counts: new Map(), timers: new Map() };
  // In a snapshot: the counts, and time starts as time already elapsed (the
  // clock restarts with the process).
  lib.stateParts.console = {
    save(now) {
      const elapsed = new Map();
      for (const [label, t] of state.timers) elapsed.set(label, now - t);
      return { counts: state.counts, elapsed };
    },
    restore(data, now) {
      state.counts = data.counts;
      for (const [label, ms] of data.elapsed) state.timers.set(label, now - ms);
    },
  };
  const console = {
    log: out(false),
    info: out(false),
    debug: out(false),
    warn: out(true),
    error: out(true),
    trace: out(true),
    dir: (value, options) => lib.write(lib.inspect(value, options) + "\n", false),
    table: out(false),
    assert: (cond, ...args) => {
      if (!cond) out(true)("Assertion failed" + (args.length ? ":" : ""), ...args);
    },
    count: (label = "default") => {
      const n = (state.counts.get(label) || 0) + 1;
      state.counts.set(label, n);
      out(false)(`${label}: ${n}`);
    },
    countReset: (label = "default") => state.counts.delete(label),
    time: (label = "default") => state.timers.set(label, lib.now()),
    timeEnd: (label = "default") => {
      const t = state.timers.get(label);
      state.timers.delete(label);
      if (t !== undefined) out(false)(`${label}: ${(lib.now() - t).toFixed(3)}ms`);
    },
    group: () => {},
    groupEnd: () => {},
  };
  Object.defineProperty(globalThis, "console", { value: console, writable: true, enumerable: false, configurable: true });
})(globalThis.__things);
