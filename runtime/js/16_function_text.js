// 16_function_text.js: Function.prototype.toString gives a program's
// function its text as written, not the capturable form's: the instrumenter
// says where each one is in the program (by the site of the factory that
// makes it; a class's or object literal's member by the site and where it
// sits: "K proto area get"), and the source map carries the program's text;
// a function made from text at run time (18_dynamic_functions.js) comes with
// its own places and text.
// The library's functions standing in for built-ins read as built-ins do.
"use strict";
((lib) => {
  const {
    ArrayPrototypePush,
    FunctionPrototypeToString,
    JSONParse,
    MapPrototypeGet,
    ObjectDefineProperty,
    StringPrototypeIncludes,
    StringPrototypeIndexOf,
    StringPrototypeSlice,
    WeakMapPrototypeGet,
  } = lib.primordials;
  // By script (the program, then each function made from text): its sites
  // [from, to), its places (JSON text, parsed when first needed) and a
  // function giving the text they are in.
  const scripts = [];
  lib.addTexts = (from, to, places, source) => {
    ArrayPrototypePush(scripts, { from, to, places, source });
  };
  const scriptOf = (site) => {
    for (let i = 0; i < scripts.length; i++) {
      const s = scripts[i];
      if (site >= s.from && site < s.to) return s;
    }
    return undefined;
  };

  // A member's key as the instrumenter names it (a private one by its `#name`).
  const keyName = (key) => {
    if (typeof key === "string") return key;
    const priv = MapPrototypeGet(lib.privateNames, key);
    return priv === undefined ? undefined : StringPrototypeSlice(priv, StringPrototypeIndexOf(priv, ":") + 1);
  };
  const textOf = (f) => {
    const meta = WeakMapPrototypeGet(lib.fnMeta, f);
    const script = meta === undefined ? undefined : scriptOf(meta[0]);
    if (script === undefined) return undefined;
    const key = meta.length > 2 ? keyName(meta[3]) : undefined;
    const name = meta.length > 2 ? key !== undefined && `${meta[0]} ${meta[2]} ${key} ${meta[4]}` : `${meta[0]}`;
    if (typeof script.places === "string") script.places = JSONParse(script.places);
    const place = name ? script.places[name] : undefined;
    if (place === undefined) return undefined;
    if (typeof script.source === "function") script.source = script.source();
    return StringPrototypeSlice(script.source, place[0], place[1]);
  };

  const toString = {
    toString() {
      const text = textOf(this);
      if (text !== undefined) return text;
      // As node words them (the engine puts `[native code]` on a line of its own).
      if (lib.boundMeta.has(this)) return "function () { [native code] }";
      const own = FunctionPrototypeToString(this);
      if (lib.builtins.pathOf.has(this) || lib.libFnMeta.has(this) || StringPrototypeIncludes(own, "[native code]")) {
        return `function ${this.name}() { [native code] }`;
      }
      return own;
    },
  }.toString;
  ObjectDefineProperty(Function.prototype, "toString", { value: toString, writable: true, enumerable: false, configurable: true });
})(globalThis.__things);
