// 04_timers.js: node's timers (setTimeout/setInterval/setImmediate and their clear
// functions) and the event-loop turn the host drives. All loop state is plain
// data in `loop`, so a snapshot can carry pending timers with their remaining
// time.
"use strict";
((lib) => {
  const {
    ArrayPrototypePush,
    MapPrototypeClear,
    MapPrototypeDelete,
    MapPrototypeForEach,
    MapPrototypeGet,
    MapPrototypeSet,
    MathMax,
    ObjectDefineProperty,
  } = lib.primordials;
  const TIMEOUT_MAX = 2 ** 31 - 1;
  const idKey = Symbol("things.timerId");
  lib.hiddenKeys.add(idKey);

  const loop = {
    nextId: 1,
    seq: 0,
    // Cached loop time, as libuv's uv_now(): timers started during one turn share it.
    now: lib.now(),
    timers: new Map(), // id -> {id, cb, args, due, seq, repeat, ref, handle}
    immediates: [], // records queued for the next check phase
    checkBatch: [], // the check phase in progress
    checkIndex: 0,
  };
  // In a snapshot, timers have their remaining time instead of the time they
  // are due: a restore re-arms them from the moment it starts. A timer
  // already overdue keeps how much (a negative time), so overdue timers still
  // run in the order they were due.
  lib.stateParts.loop = {
    save(now) {
      const timers = [];
      MapPrototypeForEach(loop.timers, (t) => ArrayPrototypePush(timers, { ...t, due: undefined, remaining: t.due - now }));
      return { ...loop, timers, now: undefined };
    },
    restore(data, now) {
      MapPrototypeClear(loop.timers);
      for (let i = 0; i < data.timers.length; i++) {
        const rec = { ...data.timers[i], due: now + data.timers[i].remaining };
        delete rec.remaining;
        MapPrototypeSet(loop.timers, rec.id, rec);
      }
      loop.nextId = data.nextId;
      loop.seq = data.seq;
      loop.now = now;
      loop.immediates = data.immediates;
      loop.checkBatch = data.checkBatch;
      loop.checkIndex = data.checkIndex;
    },
  };

  class Timeout {
    constructor(id) {
      ObjectDefineProperty(this, idKey, { value: id, writable: true });
    }
    ref() { const t = MapPrototypeGet(loop.timers, this[idKey]); if (t) t.ref = true; return this; }
    unref() { const t = MapPrototypeGet(loop.timers, this[idKey]); if (t) t.ref = false; return this; }
    hasRef() { const t = MapPrototypeGet(loop.timers, this[idKey]); return t ? t.ref : false; }
    refresh() {
      const t = MapPrototypeGet(loop.timers, this[idKey]);
      if (t) { t.due = loop.now + t.delay; t.seq = loop.seq++; }
      return this;
    }
    close() { clear(this); return this; }
    [Symbol.toPrimitive]() { return this[idKey]; }
  }
  class Immediate {
    constructor(id) {
      ObjectDefineProperty(this, idKey, { value: id, writable: true });
    }
    ref() { return this; }
    unref() { return this; }
    hasRef() { return true; }
  }
  lib.Timeout = Timeout;
  lib.Immediate = Immediate;

  const checkCallback = (cb) => {
    if (typeof cb !== "function") {
      const err = new TypeError(`The "callback" argument must be of type function. Received ${lib.inspect(cb)}`);
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
  };
  const normalizeDelay = (ms) => {
    ms *= 1;
    return ms >= 1 && ms <= TIMEOUT_MAX ? ms : 1;
  };
  const addTimer = (cb, ms, args, repeat) => {
    checkCallback(cb);
    const id = loop.nextId++;
    const delay = normalizeDelay(ms);
    const handle = new Timeout(id);
    MapPrototypeSet(loop.timers, id, { id, cb, args, delay, due: loop.now + delay, seq: loop.seq++, repeat, ref: true, handle });
    return handle;
  };
  const clear = (handle) => {
    if (handle == null) return;
    const id = typeof handle === "object" ? handle[idKey] : Number(handle);
    if (MapPrototypeDelete(loop.timers, id)) return;
    for (let i = 0; i < loop.immediates.length; i++) if (loop.immediates[i].id === id) loop.immediates[i].cleared = true;
    for (let i = loop.checkIndex; i < loop.checkBatch.length; i++) {
      if (loop.checkBatch[i].id === id) loop.checkBatch[i].cleared = true;
    }
  };

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: true, configurable: true });
  define("setTimeout", function setTimeout(cb, ms, ...args) { return addTimer(cb, ms, args, false); });
  define("setInterval", function setInterval(cb, ms, ...args) { return addTimer(cb, ms, args, true); });
  define("setImmediate", function setImmediate(cb, ...args) {
    checkCallback(cb);
    const id = loop.nextId++;
    const handle = new Immediate(id);
    ArrayPrototypePush(loop.immediates, { id, cb, args, cleared: false, handle });
    return handle;
  });
  define("clearTimeout", function clearTimeout(h) { clear(h); });
  define("clearInterval", function clearInterval(h) { clear(h); });
  define("clearImmediate", function clearImmediate(h) { clear(h); });

  // The earliest due timer at or before `now`, by due time then creation order.
  const nextDue = (now) => {
    let best = null;
    MapPrototypeForEach(loop.timers, (t) => {
      if (t.due <= now && (best === null || t.due < best.due || (t.due === best.due && t.seq < best.seq))) best = t;
    });
    return best;
  };

  const runTimer = (t) => {
    if (t.repeat) {
      t.due = loop.now + t.delay;
      t.seq = loop.seq++;
    } else {
      MapPrototypeDelete(loop.timers, t.id);
    }
    lib.runTask(t.cb, t.handle, t.args);
  };

  // One turn of the loop: the timers phase then the check phase, draining
  // microtasks after each callback as node does. Returns the milliseconds to
  // wait before the next turn, or -1 when nothing keeps the program alive.
  lib.turn = () => {
    loop.now = lib.now();
    for (let t = nextDue(loop.now); t !== null; t = nextDue(loop.now)) runTimer(t);
    if (loop.checkIndex >= loop.checkBatch.length) {
      loop.checkBatch = loop.immediates;
      loop.immediates = [];
      loop.checkIndex = 0;
    }
    while (loop.checkIndex < loop.checkBatch.length) {
      const rec = loop.checkBatch[loop.checkIndex++];
      if (!rec.cleared) lib.runTask(rec.cb, rec.handle, rec.args);
    }
    return lib.nextWait();
  };

  lib.nextWait = () => {
    if (loop.immediates.length > 0) return 0;
    let due = Infinity;
    MapPrototypeForEach(loop.timers, (t) => {
      if (t.ref && t.due < due) due = t.due;
    });
    return due === Infinity ? -1 : MathMax(0, due - lib.now());
  };
})(globalThis.__things);
