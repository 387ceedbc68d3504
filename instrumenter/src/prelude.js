// Put in front of every instrumented program (see lib.rs): Array.prototype's
// methods that call back into the program, written in JavaScript so that they
// are instrumented with it. A capture can then happen inside a callback of
// `map`, `reduce`, `sort`, ...: their frames are recorded and re-entered like
// the program's own. They follow the specification's steps (holes skipped
// where the built-ins skip them, species for `map`/`filter`/`flatMap`, node's
// error messages); `sort` is a stable merge sort, so a comparator with side
// effects sees another order of calls than in node.
// The built-ins it uses come in as parameters: a program may declare the
// same names at its top level, which the prelude shares.
(function (Array, Object, Math, Number, String, JSON, TypeError, Symbol) {
  "use strict";
  const ArrayProto = Array.prototype;
  const isArray = Array.isArray;
  const { getPrototypeOf, setPrototypeOf, defineProperty } = Object;

  const receiver = (self, name) => {
    if (self === undefined || self === null) {
      throw new TypeError(`Array.prototype.${name} called on null or undefined`);
    }
    return Object(self);
  };
  const lengthOf = (o) => {
    const n = Math.trunc(Number(o.length));
    return n > 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 0;
  };
  const shown = (v) => {
    if (typeof v === "string") return JSON.stringify(v);
    if ((typeof v === "object" && v !== null) || typeof v === "function") {
      const ctor = v.constructor;
      return `#<${(typeof ctor === "function" && ctor.name) || "Object"}>`;
    }
    return String(v);
  };
  const callable = (f) => {
    if (typeof f !== "function") throw new TypeError(`${shown(f)} is not a function`);
    return f;
  };
  const speciesCreate = (o, length) => {
    if (!isArray(o)) return new Array(length);
    let C = o.constructor;
    if ((typeof C === "object" && C !== null) || typeof C === "function") {
      C = C[Symbol.species];
      if (C === null) C = undefined;
    }
    if (C === undefined || C === Array) return new Array(length);
    if (typeof C !== "function") throw new TypeError("object.constructor[Symbol.species] is not a constructor");
    return new C(length);
  };
  // The arrays these methods make are filled as CreateDataProperty does: an
  // index setter the program put on Array.prototype or Object.prototype is
  // not called. A plain array is filled while it has no prototype (one store
  // per value; `filled` gives its prototype back), another species' result
  // through defineProperty.
  const fillable = (a) => {
    if (getPrototypeOf(a) !== ArrayProto) return false;
    setPrototypeOf(a, null);
    return true;
  };
  const filled = (a, plain) => {
    if (plain) setPrototypeOf(a, ArrayProto);
    return a;
  };
  const createData = (a, k, v) => {
    defineProperty(a, k, { value: v, writable: true, enumerable: true, configurable: true });
  };
  const scratch = (n) => setPrototypeOf(new Array(n), null);
  const noInitial = () => new TypeError("Reduce of empty array with no initial value");

  // Sorting: values compared by the program's function, or as strings.
  const comparator = (compare) => {
    if (compare !== undefined && typeof compare !== "function") {
      throw new TypeError("The comparison function must be either a function or undefined");
    }
    return compare;
  };
  const before = (compare, a, b) => {
    if (compare !== undefined) {
      const v = +compare(a, b);
      return v < 0;
    }
    const x = String(a);
    const y = String(b);
    return x < y;
  };
  // Stable: of two equal values, the earlier stays first.
  const mergeSort = (items, compare) => {
    const n = items.length;
    let from = items;
    let to = scratch(n);
    for (let width = 1; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) {
          if (before(compare, from[j], from[i])) to[k++] = from[j++];
          else to[k++] = from[i++];
        }
        while (i < mid) to[k++] = from[i++];
        while (j < hi) to[k++] = from[j++];
      }
      const t = from;
      from = to;
      to = t;
    }
    return from;
  };
  // The values to sort (holes left out, undefined last), sorted, in an array
  // without prototype.
  const sortedValues = (o, len, compare) => {
    const values = scratch(0);
    let undefineds = 0;
    for (let k = 0; k < len; k++) {
      if (k in o) {
        const v = o[k];
        if (v === undefined) undefineds++;
        else values[values.length] = v;
      }
    }
    return { sorted: mergeSort(values, compare), undefineds };
  };

  const methods = {
    forEach(callbackfn) {
      const o = receiver(this, "forEach");
      const len = lengthOf(o);
      callable(callbackfn);
      const thisArg = arguments[1];
      for (let k = 0; k < len; k++) {
        if (k in o) callbackfn.call(thisArg, o[k], k, o);
      }
      return undefined;
    },
    map(callbackfn) {
      const o = receiver(this, "map");
      const len = lengthOf(o);
      callable(callbackfn);
      const thisArg = arguments[1];
      const a = speciesCreate(o, len);
      const plain = fillable(a);
      for (let k = 0; k < len; k++) {
        if (!(k in o)) continue;
        const v = callbackfn.call(thisArg, o[k], k, o);
        if (plain) a[k] = v;
        else createData(a, k, v);
      }
      return filled(a, plain);
    },
    filter(callbackfn) {
      const o = receiver(this, "filter");
      const len = lengthOf(o);
      callable(callbackfn);
      const thisArg = arguments[1];
      const a = speciesCreate(o, 0);
      const plain = fillable(a);
      let to = 0;
      for (let k = 0; k < len; k++) {
        if (!(k in o)) continue;
        const v = o[k];
        if (!callbackfn.call(thisArg, v, k, o)) continue;
        if (plain) a[to] = v;
        else createData(a, to, v);
        to++;
      }
      return filled(a, plain);
    },
    some(callbackfn) {
      const o = receiver(this, "some");
      const len = lengthOf(o);
      callable(callbackfn);
      const thisArg = arguments[1];
      for (let k = 0; k < len; k++) {
        if (k in o && callbackfn.call(thisArg, o[k], k, o)) return true;
      }
      return false;
    },
    every(callbackfn) {
      const o = receiver(this, "every");
      const len = lengthOf(o);
      callable(callbackfn);
      const thisArg = arguments[1];
      for (let k = 0; k < len; k++) {
        if (k in o && !callbackfn.call(thisArg, o[k], k, o)) return false;
      }
      return true;
    },
    reduce(callbackfn) {
      const o = receiver(this, "reduce");
      const len = lengthOf(o);
      callable(callbackfn);
      let k = 0;
      let acc;
      if (arguments.length > 1) {
        acc = arguments[1];
      } else {
        while (k < len && !(k in o)) k++;
        if (k >= len) throw noInitial();
        acc = o[k++];
      }
      for (; k < len; k++) {
        if (k in o) acc = callbackfn(acc, o[k], k, o);
      }
      return acc;
    },
    reduceRight(callbackfn) {
      const o = receiver(this, "reduceRight");
      const len = lengthOf(o);
      callable(callbackfn);
      let k = len - 1;
      let acc;
      if (arguments.length > 1) {
        acc = arguments[1];
      } else {
        while (k >= 0 && !(k in o)) k--;
        if (k < 0) throw noInitial();
        acc = o[k--];
      }
      for (; k >= 0; k--) {
        if (k in o) acc = callbackfn(acc, o[k], k, o);
      }
      return acc;
    },
    find(predicate) {
      const o = receiver(this, "find");
      const len = lengthOf(o);
      callable(predicate);
      const thisArg = arguments[1];
      for (let k = 0; k < len; k++) {
        const v = o[k];
        if (predicate.call(thisArg, v, k, o)) return v;
      }
      return undefined;
    },
    findIndex(predicate) {
      const o = receiver(this, "findIndex");
      const len = lengthOf(o);
      callable(predicate);
      const thisArg = arguments[1];
      for (let k = 0; k < len; k++) {
        if (predicate.call(thisArg, o[k], k, o)) return k;
      }
      return -1;
    },
    findLast(predicate) {
      const o = receiver(this, "findLast");
      const len = lengthOf(o);
      callable(predicate);
      const thisArg = arguments[1];
      for (let k = len - 1; k >= 0; k--) {
        const v = o[k];
        if (predicate.call(thisArg, v, k, o)) return v;
      }
      return undefined;
    },
    findLastIndex(predicate) {
      const o = receiver(this, "findLastIndex");
      const len = lengthOf(o);
      callable(predicate);
      const thisArg = arguments[1];
      for (let k = len - 1; k >= 0; k--) {
        if (predicate.call(thisArg, o[k], k, o)) return k;
      }
      return -1;
    },
    flatMap(mapperFunction) {
      const o = receiver(this, "flatMap");
      const len = lengthOf(o);
      callable(mapperFunction);
      const thisArg = arguments[1];
      const a = speciesCreate(o, 0);
      const plain = fillable(a);
      const put = (v) => {
        if (plain) a[to] = v;
        else createData(a, to, v);
        to++;
      };
      let to = 0;
      for (let k = 0; k < len; k++) {
        if (!(k in o)) continue;
        const v = mapperFunction.call(thisArg, o[k], k, o);
        if (isArray(v)) {
          const n = lengthOf(v);
          for (let j = 0; j < n; j++) {
            if (j in v) put(v[j]);
          }
        } else {
          put(v);
        }
      }
      return filled(a, plain);
    },
    sort(comparefn) {
      const compare = comparator(comparefn);
      const o = receiver(this, "sort");
      const len = lengthOf(o);
      const { sorted, undefineds } = sortedValues(o, len, compare);
      let k = 0;
      for (; k < sorted.length; k++) o[k] = sorted[k];
      for (; k < sorted.length + undefineds; k++) o[k] = undefined;
      for (; k < len; k++) delete o[k];
      return o;
    },
    toSorted(comparefn) {
      const compare = comparator(comparefn);
      const o = receiver(this, "toSorted");
      const len = lengthOf(o);
      const copy = scratch(len);
      for (let k = 0; k < len; k++) copy[k] = o[k];
      const { sorted, undefineds } = sortedValues(copy, len, compare);
      for (let k = 0; k < undefineds; k++) sorted[sorted.length] = undefined;
      return filled(sorted, true);
    },
  };
  // Each is installed behind the runtime's dispatcher (07_capture.js), which
  // gives a callback that is not the program's own to the engine's method.
  for (const name of Object.keys(methods)) {
    Object.defineProperty(ArrayProto, name, { value: $things.arrayMethod(name, methods[name]), writable: true, enumerable: false, configurable: true });
  }
})(globalThis.Array, globalThis.Object, globalThis.Math, globalThis.Number, globalThis.String, globalThis.JSON, globalThis.TypeError, globalThis.Symbol);
