// promise.test.cjs: runs each ordering scenario against node's native Promise and against
// 03_promise.js, and requires identical logs. Run with `node runtime/js/promise.test.cjs`;
// it prints what differs, then `N passed, M failed`, and exits 1 if anything failed.
"use strict";
const { load } = require("./harness.cjs");

const { lib, sources } = load(["03_promise.js"]);
const source = sources["03_promise.js"];
const ThingsPromise = lib.Promise;
// The job queue, as a snapshot sees it.
const jobQueue = () => lib.stateParts.microtasks.save(lib.now());

// ---------------------------------------------------------------------------
// Logging: every scenario writes strings into the current log.
// ---------------------------------------------------------------------------
let currentLog = null;

function fmt(v) {
  if (v === null) return "null";
  switch (typeof v) {
    case "undefined": return "undefined";
    case "string": return JSON.stringify(v);
    case "number": case "boolean": return String(v);
    case "bigint": return v + "n";
    case "symbol": return v.toString();
    case "function": return "fn:" + (v.name || "anon");
  }
  if (Object.prototype.toString.call(v) === "[object Promise]") return "Promise";
  if (v instanceof Error) return v.name + ": " + v.message + (Array.isArray(v.errors) ? " " + fmt(v.errors) : "");
  if (Array.isArray(v)) return "[" + v.map(fmt).join(",") + "]";
  return "{" + Object.keys(v).map((k) => k + ":" + fmt(v[k])).join(",") + "}";
}

// Events outside any scenario (a rejection the runner left unhandled, say) are failures.
const outside = [];
const note = (line) => (currentLog ? currentLog.push(line) : outside.push(line));
const log = (...args) => note(args.map((a) => (typeof a === "string" ? a : fmt(a))).join(" "));

process.on("unhandledRejection", (reason) => note("unhandled " + fmt(reason)));
process.on("uncaughtException", (err) => note("uncaught " + fmt(err)));
lib.onUnhandledRejection = (reason) => note("unhandled " + fmt(reason));
lib.onUncaughtException = (err) => {
  note("uncaught " + fmt(err));
  return true;
};

// A tick counter chain: logs "t1".."tn" one microtask tick apart, to time other events.
function ticks(P, n) {
  let p = P.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("t" + i));
}

// ---------------------------------------------------------------------------
// Scenarios: (P, qm) => void, run with both implementations.
// ---------------------------------------------------------------------------
const scenarios = {
  "simple chain"(P) {
    P.resolve(1).then((v) => { log("a", v); return v + 1; }).then((v) => log("b", v));
    log("sync");
  },
  "two chains interleave"(P) {
    P.resolve().then(() => log("a1")).then(() => log("a2")).then(() => log("a3"));
    P.resolve().then(() => log("b1")).then(() => log("b2")).then(() => log("b3"));
  },
  "three chains of different lengths"(P) {
    const mk = (name, n) => { let p = P.resolve(); for (let i = 0; i < n; i++) p = p.then(() => log(name + i)); return p; };
    mk("x", 5); mk("y", 2); mk("z", 4);
  },
  "nested then on same promise"(P) {
    const p = P.resolve("v");
    p.then(() => { log("a"); p.then(() => log("inner")); });
    p.then(() => log("b"));
    p.then(() => log("c")).then(() => log("c2"));
  },
  "resolve with a promise takes two extra ticks"(P) {
    new P((r) => r(P.resolve(1))).then((v) => log("outer", v));
    ticks(P, 5);
  },
  "return a promise from then"(P) {
    P.resolve().then(() => P.resolve("x")).then((v) => log("got", v));
    ticks(P, 6);
  },
  "return a pending promise from then"(P) {
    let res;
    const pending = new P((r) => { res = r; });
    P.resolve().then(() => pending).then((v) => log("got", v));
    P.resolve().then(() => { log("resolving"); res(7); });
    ticks(P, 6);
  },
  "thenable with synchronous then"(P) {
    new P((r) => r({ then(f) { log("then called"); f(5); } })).then((v) => log("v", v));
    ticks(P, 4);
  },
  "thenable with asynchronous then"(P, qm) {
    new P((r) => r({ then(f) { log("then called"); qm(() => f(6)); } })).then((v) => log("v", v));
    ticks(P, 5);
  },
  "thenable then receives resolving functions"(P) {
    new P((r) => r({ then(f, g) { log(typeof f, typeof g, f.length, g.length, f.name === "", this.tag); } , tag: "me" }));
  },
  "thenable whose then throws, and throw after resolve"(P) {
    new P((r) => r({ then() { throw new Error("boom"); } })).catch((e) => log("caught", e));
    new P((r) => r({ then(f) { f("ok"); throw new Error("ignored"); } })).then((v) => log("v", v), (e) => log("bad", e));
    ticks(P, 4);
  },
  "thenable with throwing then getter rejects synchronously"(P) {
    const t = { get then() { log("get then"); throw new Error("getter"); } };
    const p = new P((r) => r(t));
    log("after ctor");
    p.catch((e) => log("caught", e));
    ticks(P, 2);
  },
  "thenable calls resolve twice and reject"(P) {
    new P((r) => r({ then(f, g) { f(1); f(2); g(3); } })).then((v) => log("v", v), (e) => log("e", e));
  },
  "then getter read once per resolve"(P) {
    let reads = 0;
    const t = { get then() { reads++; log("read", reads); return (f) => f("t"); } };
    P.resolve(t).then((v) => log("v", v));
    P.resolve().then(() => t).then((v) => log("v2", v));
    ticks(P, 4);
  },
  "Promise.resolve identity"(P) {
    const p = P.resolve(1);
    log(P.resolve(p) === p);
    const t = { then(f) { f(2); } };
    log(P.resolve(t) === t);
    const q = new P(() => {});
    q.constructor = Object;
    log(P.resolve(q) === q);
    class Sub extends P {}
    const s = Sub.resolve(3);
    log(P.resolve(s) === s, Sub.resolve(s) === s, s instanceof Sub);
  },
  "reject and catch"(P) {
    P.reject(new Error("no")).catch((e) => { log("caught", e); return "recovered"; }).then((v) => log("then", v));
    ticks(P, 3);
  },
  "rejection passes through thens"(P) {
    P.reject("r").then(() => log("never")).then(() => log("never2")).catch((e) => log("caught", e));
    ticks(P, 4);
  },
  "throw inside then"(P) {
    P.resolve().then(() => { throw new TypeError("inside"); }).then(() => log("skip"), (e) => log("onRejected", e));
    P.resolve().then(() => { throw "str"; }).catch((e) => log("catch", e));
  },
  "non-function then arguments pass values through"(P) {
    P.resolve(1).then(null, 5).then("x").then((v) => log("v", v));
    P.reject(2).then(undefined, {}).catch((e) => log("e", e));
    ticks(P, 4);
  },
  "then on already-settled versus pending"(P) {
    let r;
    const pending = new P((res) => { r = res; });
    const done = P.resolve("done");
    pending.then((v) => log("pending", v));
    done.then((v) => log("done", v));
    r("late");
    done.then((v) => log("done2", v));
    pending.then((v) => log("pending2", v));
  },
  "finally passes value through and timing"(P) {
    P.resolve(1).finally(() => log("finally")).then((v) => log("v", v));
    ticks(P, 6);
  },
  "finally passes rejection through"(P) {
    P.reject("r").finally(() => log("finally")).catch((e) => log("e", e));
    ticks(P, 6);
  },
  "finally overrides"(P) {
    P.resolve(1).finally(() => { throw "thrown"; }).catch((e) => log("throw", e));
    P.resolve(2).finally(() => P.reject("rej")).catch((e) => log("rej", e));
    P.reject(3).finally(() => 99).catch((e) => log("kept", e));
    ticks(P, 6);
  },
  "finally waits for returned promise"(P, qm) {
    let r;
    P.resolve("v").finally(() => new P((res) => { r = res; })).then((v) => log("after", v));
    P.resolve().then(() => log("x")).then(() => { log("resolve now"); r("ignored"); });
    ticks(P, 8);
  },
  "finally with non-function argument"(P) {
    P.resolve(1).finally(5).then((v) => log("v", v));
    P.reject(2).finally().catch((e) => log("e", e));
    ticks(P, 3);
  },
  "finally callback gets no arguments"(P) {
    P.resolve(1).finally(function (...a) { log("args", a.length); });
    P.reject(1).finally(function (...a) { log("args", a.length); }).catch(() => {});
  },
  "Promise.all mixed values"(P) {
    const t = { then(f) { f("thenable"); } };
    P.all([1, P.resolve(2), t, new P((r) => r(4)), P.resolve().then(() => 5)]).then((v) => log("all", v));
    ticks(P, 6);
  },
  "Promise.all first rejection wins"(P) {
    P.all([P.resolve(1), P.reject("a"), P.reject("b")]).then((v) => log("no", v), (e) => log("rej", e));
    ticks(P, 4);
  },
  "Promise.all empty"(P) {
    P.all([]).then((v) => log("empty", v));
    ticks(P, 2);
  },
  "Promise.all on strings and Sets"(P) {
    P.all("ab").then((v) => log("string", v));
    P.all(new Set([1, P.resolve(2)])).then((v) => log("set", v));
  },
  "Promise.all with generator and throwing iterator"(P) {
    function* gen() { yield 1; yield P.resolve(2); }
    P.all(gen()).then((v) => log("gen", v));
    const it = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next() { i++; if (i === 3) throw new Error("next threw"); return { value: i, done: false }; },
          return() { log("return called"); return {}; },
        };
      },
    };
    P.all(it).catch((e) => log("iter", e));
  },
  "Promise.all closes iterator when then throws"(P) {
    const bad = P.resolve(1);
    bad.then = () => { throw new Error("then threw"); };
    const it = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next() { i++; return i === 1 ? { value: bad, done: false } : { value: i, done: i > 3 }; },
          return() { log("return called"); return {}; },
        };
      },
    };
    P.all(it).catch((e) => log("caught", e));
  },
  "Promise.all non-iterables"(P) {
    for (const v of [undefined, null, 1, {}, true]) P.all(v).catch((e) => log("e", e));
  },
  "Promise.allSettled mixed"(P) {
    P.allSettled([1, P.reject("no"), P.resolve(3), { then(f, g) { g("tr"); } }]).then((v) => log("settled", v));
    ticks(P, 6);
  },
  "Promise.any"(P) {
    P.any([P.reject(1), P.resolve(2), 3]).then((v) => log("any", v));
    P.any([P.reject("a"), P.reject("b")]).catch((e) => log("agg", e, e.errors, e.constructor === AggregateError));
    P.any([]).catch((e) => log("empty", e));
    ticks(P, 6);
  },
  "Promise.race"(P) {
    P.race([new P(() => {}), P.resolve("b"), "c"]).then((v) => log("race", v));
    P.race([P.reject("x"), 1]).catch((e) => log("race rej", e));
    P.race([]).then(() => log("never"));
    ticks(P, 4);
  },
  "combinators use C.resolve"(P) {
    class Q extends P {
      static resolve(x) { log("Q.resolve", x); return super.resolve(x); }
    }
    Q.all([1, 2]).then((v) => log("all", v));
    Q.race([3]).then((v) => log("race", v));
    log(Q.all([]) instanceof Q);
  },
  "subclassing"(P) {
    class MyP extends P {
      constructor(ex) { log("ctor"); super(ex); }
    }
    const p = new MyP((r) => r(1));
    log(p instanceof MyP, p instanceof P, Object.prototype.toString.call(p));
    const q = p.then((v) => v + 1);
    log(q instanceof MyP);
    q.then((v) => log("v", v));
    log(MyP.resolve(5) instanceof MyP, MyP.reject(1).catch(() => {}) instanceof MyP);
    MyP.all([1]).then((v) => log("all", v));
    log(p.finally(() => {}) instanceof MyP);
  },
  "species override"(P) {
    class S extends P {
      static get [Symbol.species]() { return P; }
    }
    const s = new S((r) => r(1));
    const t = s.then(() => {});
    log(t instanceof S, t instanceof P);
    const p = P.resolve(1);
    p.constructor = { [Symbol.species]: 1 };
    try { p.then(); } catch (e) { log("e", e); }
    p.constructor = 5;
    try { p.then(); } catch (e) { log("e", e); }
    p.constructor = undefined;
    log(p.then() instanceof P);
  },
  "custom species capability"(P) {
    function Fake(executor) {
      log("Fake ctor");
      executor((v) => log("fake resolve", v), (e) => log("fake reject", e));
    }
    Fake[Symbol.species] = Fake;
    const p = P.resolve(7);
    p.constructor = Fake;
    const q = p.then((v) => v * 2);
    log(q instanceof Fake);
    P.resolve.call(Fake, 3);
    P.reject.call(Fake, 4);
    ticks(P, 2);
  },
  "new.target prototype"(P) {
    function F() {}
    F.prototype = null;
    const p = Reflect.construct(P, [() => {}], F);
    log(Object.getPrototypeOf(p) === P.prototype);
    function G() {}
    const q = Reflect.construct(P, [() => {}], G);
    log(Object.getPrototypeOf(q) === G.prototype);
  },
  "queueMicrotask interleaved with thens"(P, qm) {
    qm(() => log("q1"));
    P.resolve().then(() => { log("p1"); qm(() => log("q3")); }).then(() => log("p2"));
    qm(() => { log("q2"); P.resolve().then(() => log("p3")); });
  },
  "queueMicrotask nesting"(P, qm) {
    qm(() => { log("a"); qm(() => { log("c"); qm(() => log("e")); }); });
    qm(() => { log("b"); qm(() => log("d")); });
  },
  "queueMicrotask error reported and drain continues"(P, qm) {
    qm(() => { throw new Error("cb"); });
    qm(() => log("after"));
    P.resolve().then(() => log("then"));
  },
  "queueMicrotask type errors"(P, qm) {
    for (const v of [undefined, null, 1, "s", {}]) {
      try { qm(v); } catch (e) { log(e.message); }
    }
  },
  "executor throws after resolve"(P) {
    new P((r) => { r("ok"); throw new Error("late"); }).then((v) => log("v", v), (e) => log("e", e));
    new P(() => { throw new Error("early"); }).catch((e) => log("caught", e));
  },
  "resolve once"(P) {
    new P((res, rej) => { res(1); res(2); rej(3); }).then((v) => log("v", v));
    new P((res, rej) => { rej(1); res(2); }).catch((e) => log("e", e));
    new P((res) => { res(P.resolve("a")); res("b"); }).then((v) => log("v", v));
  },
  "executor runs synchronously with resolvers"(P) {
    let args;
    new P(function (...a) { args = a; log("this", this === undefined); });
    log(args.length, typeof args[0], args[0].length, args[1].length, args[0].name === "", args[1].name === "",
      "prototype" in args[0]);
  },
  "chaining cycle"(P) {
    let r;
    const p = new P((res) => { r = res; });
    r(p);
    p.catch((e) => log("cycle", e));
    const q = P.resolve().then(() => q);
    q.catch((e) => log("cycle2", e));
  },
  "reject with a promise does not adopt"(P) {
    const inner = P.resolve(1);
    P.reject(inner).catch((e) => log("reason is promise", e === inner));
    new P((_, rej) => rej(inner)).catch((e) => log("ctor", e === inner));
  },
  "resolve with rejected promise"(P) {
    new P((r) => r(P.reject("inner"))).catch((e) => log("e", e));
    ticks(P, 5);
  },
  "catch invokes this.then"(P) {
    const p = P.resolve(1);
    p.then = function (a, b) { log("custom then", a, typeof b); return "ret"; };
    log(p.catch(() => {}));
    log(P.prototype.catch.call({ then(a, b) { return [a, typeof b]; } }, () => {}));
    log(P.prototype.finally.call({ then(a, b) { return [typeof a, typeof b, a.length, b.length]; } }, () => {}));
  },
  "error messages"(P) {
    const tries = [
      () => new P(undefined), () => new P(1), () => new P({}), () => new P([]), () => P(() => {}),
      () => P.prototype.then.call({}), () => P.prototype.then.call(1), () => P.prototype.finally.call(1),
      () => P.resolve.call(1), () => P.reject.call(undefined), () => P.all.call(1, []), () => P.resolve.call({}),
      () => P.resolve.call(function (e) { e(1, 2); }),
      () => P.resolve.call(function (e) { e(undefined, undefined); e(1, 2); e(3, 4); }),
    ];
    for (const t of tries) {
      try { t(); log("no throw"); } catch (e) { log(e); }
    }
  },
  "property shape"(P) {
    const desc = (o, k) => { const d = Object.getOwnPropertyDescriptor(o, k); return d && [d.writable, d.enumerable, d.configurable, typeof d.get]; };
    log(P.name, P.length, typeof P, Object.getOwnPropertyNames(P).filter((k) => k !== "withResolvers"));
    log(Reflect.ownKeys(P.prototype).map(String));
    for (const k of ["prototype", "all", "resolve", "name", "length"]) log(k, desc(P, k));
    for (const k of ["constructor", "then", "catch", "finally", Symbol.toStringTag]) log(String(k), desc(P.prototype, k));
    log(P.prototype[Symbol.toStringTag], Object.prototype.toString.call(P.resolve()), String(P.resolve()));
    const sp = Object.getOwnPropertyDescriptor(P, Symbol.species);
    log(sp.get.name, sp.set, sp.enumerable, sp.configurable, P[Symbol.species] === P);
    for (const m of ["then", "catch", "finally"]) log(m, P.prototype[m].name, P.prototype[m].length, "prototype" in P.prototype[m]);
    for (const m of ["all", "allSettled", "any", "race", "resolve", "reject"]) log(m, P[m].name, P[m].length);
    const p = P.resolve();
    log(p.constructor === P, Object.getPrototypeOf(p) === P.prototype, Object.keys(p), Object.getOwnPropertyNames(p));
    log(JSON.stringify(p), typeof P.prototype.then);
  },
  "element functions"(P) {
    const grab = (name, method) => {
      const t = { then(f, g) { log(name, typeof f, f.length, f.name === "", typeof g, g.length, "prototype" in f); } };
      P[method]([t]);
    };
    grab("all", "all"); grab("allSettled", "allSettled"); grab("any", "any"); grab("race", "race");
  },
  "unhandled: single rejection"(P) {
    P.reject(new Error("lonely"));
  },
  "unhandled: handled later in the same drain"(P, qm) {
    const p = P.reject("late");
    qm(() => qm(() => p.catch((e) => log("caught late", e))));
  },
  "unhandled: only the end of a chain reports"(P) {
    P.reject("root").then(() => {}).then(() => {});
    P.resolve().then(() => { throw "thrown in then"; });
  },
  "unhandled: order of reports"(P, qm) {
    P.reject("first");
    qm(() => P.reject("third"));
    P.reject("second");
    new P(() => { throw "from executor"; });
  },
  "unhandled: resolved with rejected promise"(P) {
    const inner = P.reject("inner");
    new P((r) => r(inner));
  },
  "unhandled: Promise.all rejection"(P) {
    P.all([P.reject("x"), P.reject("y")]);
  },
  "unhandled: rejected finally"(P) {
    P.reject("f").finally(() => log("fin"));
  },
  "many interleaved chains"(P, qm) {
    for (let c = 0; c < 12; c++) {
      let p = c % 3 === 0 ? P.reject("r" + c) : P.resolve(c);
      for (let i = 0; i < (c * 7) % 5 + 1; i++) {
        if ((c + i) % 4 === 0) p = p.then((v) => P.resolve(v + "+"));
        else if ((c + i) % 4 === 1) p = p.catch((e) => { log("catch", c, e); return "c" + c; });
        else if ((c + i) % 4 === 2) p = p.finally(() => log("fin", c));
        else p = p.then((v) => { log("v", c, v); return v; });
      }
      if (c % 5 === 0) qm(() => log("qm", c));
      p.then((v) => log("end", c, v), (e) => log("end-rej", c, e));
    }
  },
  "deep nesting of resolve-with-promise"(P) {
    let p = P.resolve(0);
    for (let i = 0; i < 4; i++) { const prev = p; p = new P((r) => r(prev)); }
    p.then((v) => log("deep", v));
    ticks(P, 10);
  },
};

// Scenarios only this implementation can run: each has its expected log.
const ownScenarios = {
  "withResolvers"(P) {
    const { promise, resolve, reject } = P.withResolvers();
    log(Object.keys(P.withResolvers()), P.withResolvers.length, P.withResolvers.name);
    promise.then((v) => log("v", v));
    resolve(1);
    reject(2);
    class Sub extends P {}
    log(Sub.withResolvers().promise instanceof Sub);
    const r = P.withResolvers();
    r.reject("wr");
  },
  "promiseState and hidden state"(P) {
    const lp = lib.promiseState;
    let res;
    const pending = new P((r) => { res = r; });
    log(lp(pending), lp(P.resolve(1)), lp(P.reject(2).catch(() => {})), lp({}), lp(1));
    const rejected = P.reject(3);
    log(lp(rejected));
    rejected.catch(() => {});
    const keys = Object.getOwnPropertySymbols(pending);
    log(keys.length, lib.hiddenKeys.has(keys[0]), Object.getOwnPropertyDescriptor(pending, keys[0]).enumerable);
    pending.then(() => {});
    const rec = pending[keys[0]];
    log(Object.keys(rec), rec.fulfillReactions.length, Object.keys(rec.fulfillReactions[0]), rec.fulfillReactions[0].type);
    res(9);
    log(lp(pending));
  },
  "jobs are plain data"(P, qm) {
    const jobs = jobQueue().jobs;
    const start = jobs.length;
    P.resolve(1).then(() => {});
    P.resolve({ then(f) { f(); } });
    qm(() => {});
    const kinds = jobs.slice(start).map((j) => [j.kind, Object.keys(j)]);
    log(kinds);
  },
  "runtime functions are registered and restorable"(P) {
    let res;
    const p = new P((r) => { res = r; });
    const meta = lib.libFnMeta.get(res);
    log(meta.kind, Object.keys(meta.state));
    // Recreate the resolve function from (kind, state), as a restore would, and use it.
    const again = lib.libFactories[meta.kind](meta.state);
    again("restored");
    res("original ignored");
    p.then((v) => log("v", v));
  },
};

const ownExpected = {
  "withResolvers": ['["promise","resolve","reject"] 0 withResolvers', "true", "v 1", 'unhandled "wr"'],
  "promiseState and hidden state": [
    '{state:"pending",value:undefined} {state:"fulfilled",value:1} {state:"pending",value:undefined} undefined undefined',
    '{state:"rejected",value:3}',
    "1 true false",
    '["state","value","fulfillReactions","rejectReactions","handled"] 1 ["capability","type","handler"] fulfill',
    '{state:"fulfilled",value:9}',
  ],
  "jobs are plain data": ['[["reaction",["kind","reaction","argument"]],["thenable",["kind","promise","thenable","then"]],["callback",["kind","fn"]]]'],
  "runtime functions are registered and restorable": ['promise.resolve ["promise","alreadyResolved"]', "v restored"],
};

// Every function 03_promise.js creates after load must be in libFnMeta. Functions whose
// source text lies inside 03_promise.js and which are not load-time exports are runtime ones.
function checkNoStrayClosures() {
  const loadTime = new Set([ThingsPromise, lib.queueMicrotask, lib.runMicrotasks, lib.promiseState, lib.libFn,
    ...Object.values(lib.libFactories)]);
  for (const o of [ThingsPromise, ThingsPromise.prototype]) {
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (typeof d.value === "function") loadTime.add(d.value);
      if (d.get) loadTime.add(d.get);
    }
  }
  const seen = new Set();
  const stray = [];
  const walk = (v) => {
    if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v)) return;
    seen.add(v);
    if (typeof v === "function") {
      const text = Function.prototype.toString.call(v);
      if (source.includes(text) && !loadTime.has(v) && !lib.libFnMeta.has(v)) stray.push(text.slice(0, 60));
      const meta = lib.libFnMeta.get(v);
      if (meta) walk(meta.state);
      return;
    }
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if ("value" in d) walk(d.value);
    }
  };
  return { walk, stray };
}

// ---------------------------------------------------------------------------
// Runner.
// ---------------------------------------------------------------------------
async function runNative(fn) {
  currentLog = [];
  try { fn(Promise, queueMicrotask); } catch (e) { log("sync throw", e); }
  await new Promise((r) => setTimeout(r, 1));
  const out = currentLog;
  currentLog = null;
  return out;
}

function runOwn(fn, probe) {
  currentLog = [];
  try { fn(ThingsPromise, lib.queueMicrotask); } catch (e) { log("sync throw", e); }
  if (probe) probe.walk(jobQueue());
  lib.runMicrotasks();
  const out = currentLog;
  currentLog = null;
  return out;
}

function report(name, expected, actual) {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return true;
  console.log(`MISMATCH: ${name}`);
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const mark = expected[i] === actual[i] ? "  " : "!!";
    console.log(`  ${mark} expected: ${expected[i]}\n     actual:   ${actual[i]}`);
  }
  return false;
}

// The library takes its built-ins from 00_boot.js's primordials: promises work the same
// when the program has replaced them. Returns the log of a few promise operations, run
// with the built-ins as they are and then replaced.
function withReplacedBuiltins() {
  const run = () => {
    const out = [];
    const note = (text) => { out[out.length] = text; };
    const P = ThingsPromise;
    P.resolve(1).then((v) => note("then " + v)).finally(() => note("finally"));
    P.all([1, P.resolve(2), { then(f) { f(3); } }]).then((v) => note("all " + v));
    P.any([P.reject(1), P.resolve(2)]).then((v) => note("any " + v));
    P.race([new P(() => {}), P.reject("r")]).catch((e) => note("race " + e));
    new P((r) => r(P.resolve("nested"))).then((v) => note(v));
    class Sub extends P {}
    Sub.resolve(4).then((v) => note("sub " + v + " " + (Sub.resolve(5) instanceof Sub)));
    lib.runMicrotasks();
    return out.join("; ");
  };
  const expected = run();
  const replaced = [[Reflect, "apply"], [Reflect, "construct"], [Object, "create"], [Object, "defineProperty"],
    [Object, "getPrototypeOf"], [Object, "getOwnPropertyDescriptor"], [Object.prototype, "hasOwnProperty"],
    [Function.prototype, "call"], [Function.prototype, "toString"], [Array, "isArray"], [Array.prototype, "push"],
    [Array.prototype, "map"], [Array.prototype, "forEach"], [Array.prototype, "shift"]];
  const originals = [];
  for (const [holder, name] of replaced) {
    originals[originals.length] = holder[name];
    holder[name] = () => { throw new Error(`the program's ${name}`); };
  }
  let actual;
  try {
    actual = run();
  } catch (e) {
    actual = "THREW " + e;
  }
  for (let i = 0; i < replaced.length; i++) replaced[i][0][replaced[i][1]] = originals[i];
  return [[expected], [actual]];
}

function benchmark() {
  const N = 300000;
  const t0 = Date.now();
  let p = ThingsPromise.resolve(0);
  for (let i = 0; i < N; i++) p = p.then((v) => v + 1);
  let result;
  p.then((v) => { result = v; });
  lib.runMicrotasks();
  const chain = Date.now() - t0;
  const t1 = Date.now();
  const all = [];
  for (let i = 0; i < N / 10; i++) all.push(new ThingsPromise((r) => r(i)));
  ThingsPromise.all(all).then((v) => { result += v.length; });
  lib.runMicrotasks();
  return `benchmark: ${N} chained thens ${chain}ms, Promise.all of ${N / 10} ${Date.now() - t1}ms (result ${result})`;
}

let passed = 0;
const failed = [];
(async () => {
  const probe = checkNoStrayClosures();
  for (const [name, fn] of Object.entries(scenarios)) {
    const expected = await runNative(fn);
    const actual = runOwn(fn, probe);
    if (report(name, expected, actual)) passed++; else failed.push(name);
  }
  for (const [name, fn] of Object.entries(ownScenarios)) {
    if (report(name, ownExpected[name], runOwn(fn, probe))) passed++; else failed.push(name);
  }
  // Jobs and promise state must stay plain data: no stray closures from 03_promise.js.
  const left = jobQueue().jobs.length;
  if (probe.stray.length === 0 && left === 0) passed++;
  else {
    failed.push("stray runtime closures");
    console.log("MISMATCH: stray runtime closures", probe.stray, left);
  }
  if (report("built-ins replaced by the program", ...withReplacedBuiltins())) passed++;
  else failed.push("built-ins replaced by the program");
  console.log(benchmark());
  if (outside.length > 0) {
    failed.push("events outside any scenario");
    console.log("MISMATCH: events outside any scenario\n  " + outside.join("\n  "));
  }
})().catch((err) => {
  console.log("promise.test.cjs stopped:", err);
  failed.push("the runner itself");
}).finally(() => {
  if (failed.length > 0) console.log(`FAILED: ${failed.join("; ")}`);
  console.log(`${passed} passed, ${failed.length} failed`);
  process.exitCode = failed.length === 0 ? 0 : 1;
});
