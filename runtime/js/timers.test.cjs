// timers.test.cjs: the order in which 04_timers.js runs timers, uninterrupted and across a
// snapshot (its `loop` state part saved, then restored later in another process), against
// node's own timers. Run with `node runtime/js/timers.test.cjs`; it prints what differs,
// then `N passed, M failed`, and exits 1 if anything failed.
"use strict";
const { load } = require("./harness.cjs");

// Timeouts [delay ms, label] set together, then `busy` ms of synchronous work, so that
// some are overdue when the event loop first gets to them.
const scenarios = {
  "none overdue": { timers: [[60, "a"], [20, "b"], [40, "c"]], busy: 0 },
  "all overdue": { timers: [[90, "a"], [60, "b"], [30, "c"]], busy: 150 },
  "some overdue": { timers: [[10, "a"], [100, "b"], [50, "c"], [200, "d"]], busy: 70 },
  "same delay keeps creation order": { timers: [[30, "a"], [30, "b"], [10, "c"], [30, "d"]], busy: 50 },
};

// Node's order, in real time (before the library replaces setTimeout).
function nodeOrder({ timers, busy }) {
  return new Promise((resolve) => {
    const order = [];
    for (const [ms, label] of timers) {
      setTimeout(() => {
        order.push(label);
        if (order.length === timers.length) resolve(order);
      }, ms);
    }
    const t0 = Date.now();
    while (Date.now() - t0 < busy);
  });
}

(async () => {
  const expected = {};
  for (const [name, scenario] of Object.entries(scenarios)) expected[name] = await nodeOrder(scenario);

  // The library's, on a clock the test moves; with `snapshot`, the loop's state is saved
  // after the main task's work and restored before the first turn.
  let clock = 1000;
  const { lib } = load(["04_timers.js"], { now: () => clock });
  lib.runTask = (fn, thisArg, args) => Reflect.apply(fn, thisArg, args);
  const loop = lib.stateParts.loop;
  const libraryOrder = ({ timers, busy }, snapshot) => {
    const order = [];
    lib.turn(); // the loop's time is now
    for (const [ms, label] of timers) setTimeout(() => order.push(label), ms);
    clock += busy;
    if (snapshot) {
      const data = loop.save(clock);
      // A restore, elsewhere and later (its clock is another).
      clock += 5000;
      loop.restore(data, clock);
    }
    for (let wait = lib.nextWait(); wait >= 0; wait = lib.turn()) clock += wait;
    return order;
  };

  let passed = 0;
  const failed = [];
  for (const [name, scenario] of Object.entries(scenarios)) {
    for (const snapshot of [false, true]) {
      const label = `${name}${snapshot ? ", across a snapshot before the first turn" : ""}`;
      const actual = libraryOrder(scenario, snapshot);
      if (JSON.stringify(actual) === JSON.stringify(expected[name])) passed++;
      else {
        failed.push(label);
        console.log(`MISMATCH: ${label}\n  expected: ${expected[name]}\n  actual:   ${actual}`);
      }
    }
  }
  if (failed.length > 0) console.log(`FAILED: ${failed.join("; ")}`);
  console.log(`${passed} passed, ${failed.length} failed`);
  process.exitCode = failed.length === 0 ? 0 : 1;
})().catch((err) => {
  console.log("timers.test.cjs stopped:", err);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
