// 02_console.js: node's console for the common methods, formatted by 01_inspect.js.
"use strict";
((lib) => {
  const {
    ArrayFrom,
    ArrayIsArray,
    ArrayPrototypeFilter,
    ArrayPrototypeForEach,
    ArrayPrototypeJoin,
    ArrayPrototypeMap,
    ArrayPrototypePush,
    ArrayPrototypePushApply,
    ArrayPrototypeSlice,
    ArrayPrototypeUnshift,
    MapPrototypeForEach,
    MapPrototypeSet,
    MathMax,
    ObjectKeys,
    ObjectPrototypeHasOwnProperty,
    SafeArrayIterator,
    StringPrototypeIncludes,
    StringPrototypeRepeat,
    StringPrototypeReplace,
    StringPrototypeSlice,
    StringPrototypeSplit,
  } = lib.primordials;
  // The indentation of console.group, on every line written.
  let indent = "";
  const emit = (text, toStderr) => {
    if (indent) text = indent + StringPrototypeReplace(text, /\n/g, `\n${indent}`);
    lib.write(text + "\n", toStderr);
  };
  const out = (toStderr) => function (...args) {
    emit(lib.formatList(args), toStderr);
  };
  // console.count and console.time state.
  const state = { counts: new Map(), timers: new Map() };
  // In a snapshot: the counts, and time starts as time already elapsed (the
  // clock restarts with the process).
  lib.stateParts.console = {
    save(now) {
      const elapsed = new Map();
      MapPrototypeForEach(state.timers, (t, label) => MapPrototypeSet(elapsed, label, now - t));
      return { counts: state.counts, elapsed };
    },
    restore(data, now) {
      state.counts = data.counts;
      MapPrototypeForEach(data.elapsed, (ms, label) => MapPrototypeSet(state.timers, label, now - ms));
    },
  };
  // console.table, laid out as node lays it out: a column of indices (or
  // iteration indices and keys for a Map), one per property of the rows,
  // and "Values" for rows that are primitives; cells inspected on one line.
  const cell = (v) => {
    const deep = v !== null && typeof v === "object" && !ArrayIsArray(v) && ObjectKeys(v).length > 2;
    return lib.inspect(v, { depth: deep ? -1 : 0, maxArrayLength: 3, breakLength: Infinity });
  };
  const table = (data, properties) => {
    if (data instanceof Map) {
      const entries = ArrayFrom(data);
      return grid(
        ["(iteration index)", "Key", "Values"],
        [
          ArrayPrototypeMap(entries, (_, i) => String(i)),
          ArrayPrototypeMap(entries, (entry) => cell(entry[0])),
          ArrayPrototypeMap(entries, (entry) => cell(entry[1])),
        ],
      );
    }
    if (data instanceof Set) {
      const values = ArrayFrom(data);
      return grid(["(iteration index)", "Values"], [ArrayPrototypeMap(values, (_, i) => String(i)), ArrayPrototypeMap(values, cell)]);
    }
    const index = ObjectKeys(data);
    const columns = new Map();
    const primitives = [];
    let hasPrimitives = false;
    ArrayPrototypeForEach(index, (key, i) => {
      const row = data[key];
      const primitive = row === null || (typeof row !== "function" && typeof row !== "object");
      if (properties === undefined && primitive) {
        hasPrimitives = true;
        primitives[i] = cell(row);
        return;
      }
      for (const name of new SafeArrayIterator(properties || ObjectKeys(row))) {
        if (!columns.has(name)) columns.set(name, []);
        const present = !primitive && ObjectPrototypeHasOwnProperty(row, name);
        columns.get(name)[i] = present ? cell(row[name]) : "";
      }
    });
    const head = ["(index)"];
    const values = [index];
    MapPrototypeForEach(columns, (column, name) => {
      ArrayPrototypePush(head, name);
      ArrayPrototypePush(values, column);
    });
    if (hasPrimitives) {
      ArrayPrototypePush(head, "Values");
      ArrayPrototypePush(values, primitives);
    }
    return grid(head, values);
  };
  // The box: every cell padded to its column's width, left-aligned.
  const grid = (head, columns) => {
    const widths = ArrayPrototypeMap(head, (h) => lib.stringWidth(h));
    let height = 0;
    ArrayPrototypeForEach(columns, (c) => (height = MathMax(height, c.length)));
    const rows = [];
    for (let j = 0; j < height; j++) {
      const row = ArrayPrototypeMap(head, (_, i) => {
        const value = ObjectPrototypeHasOwnProperty(columns[i], j) ? columns[i][j] : "";
        widths[i] = MathMax(widths[i], lib.stringWidth(value));
        return value;
      });
      ArrayPrototypePush(rows, row);
    }
    const pad = (v, i) => v + StringPrototypeRepeat(" ", widths[i] - lib.stringWidth(v));
    const line = (row) => `│ ${ArrayPrototypeJoin(ArrayPrototypeMap(row, pad), " │ ")} │`;
    const rule = (left, middle, right) =>
      left + ArrayPrototypeJoin(ArrayPrototypeMap(widths, (w) => StringPrototypeRepeat("─", w + 2)), middle) + right;
    const lines = [rule("┌", "┬", "┐"), line(head), rule("├", "┼", "┤")];
    ArrayPrototypePushApply(lines, ArrayPrototypeMap(rows, line));
    ArrayPrototypePush(lines, rule("└", "┴", "┘"));
    return ArrayPrototypeJoin(lines, "\n");
  };

  const console = {
    log: out(false),
    info: out(false),
    debug: out(false),
    warn: out(true),
    error: out(true),
    trace: (...args) => {
      // The caller's frames (this one and the library's are left out).
      const frames = ArrayPrototypeSlice(StringPrototypeSplit(String(new Error().stack), "\n"), 2);
      const own = ArrayPrototypeFilter(frames, (line) => !StringPrototypeIncludes(line, "things:"));
      ArrayPrototypeUnshift(own, `Trace: ${lib.formatList(args)}`);
      emit(lib.userPlaces(ArrayPrototypeJoin(own, "\n")), true);
    },
    dir: (value, options) => emit(lib.inspect(value, options), false),
    table: (data, properties) => {
      if (data === null || typeof data !== "object") return out(false)(data);
      emit(table(data, properties), false);
    },
    assert: (cond, ...args) => {
      if (cond) return;
      ArrayPrototypeUnshift(args, "Assertion failed" + (args.length ? ":" : ""));
      emit(lib.formatList(args), true);
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
    group: (...label) => {
      if (label.length > 0) emit(lib.formatList(label), false);
      indent += "  ";
    },
    groupEnd: () => {
      indent = StringPrototypeSlice(indent, 2);
    },
  };
  console.groupCollapsed = console.group;
  Object.defineProperty(globalThis, "console", { value: console, writable: true, enumerable: false, configurable: true });
})(globalThis.__things);
