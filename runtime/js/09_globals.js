// 09_globals.js: installs the program-visible globals the other library files
// built (Promise, queueMicrotask) and a seeded Math.random whose state lives in
// the snapshot, so a restored program draws the numbers it would have drawn.
"use strict";
((lib) => {
  const { MathImul, TypedArrayPrototypeSet } = lib.primordials;
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  if (lib.config.raw) {
    // The uninstrumented baseline keeps the engine's promises and job queue.
    lib.runMicrotasks = lib.runNativeMicrotasks;
  } else {
    define("Promise", lib.Promise);
    Object.defineProperty(globalThis, "queueMicrotask", {
      value: lib.queueMicrotask, writable: true, enumerable: true, configurable: true,
    });
  }

  // xoshiro128** seeded from the host; its four words are the whole state,
  // saved in a snapshot as an array of numbers.
  const s = new Uint32Array(4);
  const seed = lib.config.seed >>> 0 || 0x9e3779b9;
  for (let i = 0, x = seed; i < 4; i++) {
    x = (MathImul(x ^ (x >>> 16), 0x85ebca6b) + 0x6b43a9b5 * (i + 1)) >>> 0;
    s[i] = x || 1;
  }
  lib.stateParts.random = {
    save: () => [s[0], s[1], s[2], s[3]],
    restore(data) {
      TypedArrayPrototypeSet(s, data);
    },
  };
  const rotl = (x, k) => (x << k) | (x >>> (32 - k));
  const next32 = () => {
    const result = MathImul(rotl(MathImul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 11);
    return result;
  };
  Object.defineProperty(Math, "random", {
    value: function random() {
      // 53 random bits, as V8 gives.
      return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
    },
    writable: true, enumerable: false, configurable: true,
  });
})(globalThis.__things);
