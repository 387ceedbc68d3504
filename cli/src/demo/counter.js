// The demo's program: a counter driven by a timer, with state in closures
// and a Map. Watch the count go on on worker-B after the migration.
const history = new Map();
function makeCounter(step) {
  let value = 0;
  return () => (value += step);
}
const next = makeCounter(1);
const timer = setInterval(() => {
  const n = next();
  history.set(n, n * n);
  let sum = 0;
  for (const v of history.values()) sum += v;
  console.log(`count ${n}: sum of squares so far ${sum}`);
  if (n === 30) {
    clearInterval(timer);
    console.log(`done: ${history.size} entries`);
  }
}, 200);
