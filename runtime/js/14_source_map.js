// 14_source_map.js: places in the instrumented script back to the program's own
// file:line:col, through the source map the instrumenter puts in the script
// (version 3), so an uncaught error names the user's lines, also after a
// restore (which loads the same script).
"use strict";
((lib) => {
  const {
    ArrayPrototypeMap,
    ArrayPrototypePush,
    JSONParse,
    MathFloor,
    StringPrototypeIndexOf,
    StringPrototypeReplace,
    StringPrototypeSplit,
  } = lib.primordials;
  const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  // One segment's base64 VLQ fields.
  const fields = (segment) => {
    const out = [];
    let value = 0;
    let shift = 0;
    for (let i = 0; i < segment.length; i++) {
      const digit = StringPrototypeIndexOf(DIGITS, segment[i]);
      value += (digit & 31) * 2 ** shift;
      if (digit & 32) {
        shift += 5;
      } else {
        ArrayPrototypePush(out, value % 2 ? -MathFloor(value / 2) : value / 2);
        value = 0;
        shift = 0;
      }
    }
    return out;
  };

  // Per script line (0-based), its segments [column, line, column], 0-based.
  const decode = (mappings) => {
    let line = 0;
    let col = 0;
    return ArrayPrototypeMap(StringPrototypeSplit(mappings, ";"), (text) => {
      const segments = [];
      let generated = 0;
      const list = text ? StringPrototypeSplit(text, ",") : [];
      for (let i = 0; i < list.length; i++) {
        const f = fields(list[i]);
        generated += f[0];
        if (f.length < 4) continue;
        line += f[2];
        col += f[3];
        ArrayPrototypePush(segments, [generated, line, col]);
      }
      return segments;
    });
  };

  let lines = null;
  // A 1-based script line and column -> [line, column] in the program, 1-based.
  const original = (line, col) => {
    lines ??= decode(JSONParse(lib.sourceMap).mappings);
    const segments = lines[line - 1];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0];
    for (let i = 0; i < segments.length && segments[i][0] <= col - 1; i++) best = segments[i];
    return [best[1] + 1, best[2] + 1];
  };

  // `text` (a printed error) with the program's places mapped back and the
  // program's top level named as node names it.
  lib.userPlaces = (text) => {
    if (!lib.sourceMap) return text;
    const file = lib.config.filename;
    const mapped = StringPrototypeReplace(text, /([\s(])([^\s()]+):(\d+):(\d+)(?=\)|$)/gm, (all, before, name, line, col) => {
      if (name !== file) return all;
      const at = original(Number(line), Number(col));
      return at ? `${before}${name}:${at[0]}:${at[1]}` : all;
    });
    return StringPrototypeReplace(mapped, /\bat Object\.\$\$main \(/g, "at Object.<anonymous> (");
  };
})(globalThis.__things);
