// A timer-driven counter for the end-to-end tests: one line per tick, with
// state (a running sum of squares in a closure) that must survive migration.
const ticks = Number(globalThis.TICKS || 80);
let count = 0;
const squares = (() => {
  let sum = 0;
  return (n) => (sum += n * n);
})();
const timer = setInterval(() => {
  count++;
  console.log(`count ${count} sum ${squares(count)}`);
  if (count === ticks) {
    clearInterval(timer);
    console.log('ticker done');
  }
}, 40);
