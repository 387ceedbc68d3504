// 01_inspect.js: node-compatible formatting of values for console.log (util.inspect / util.format).
//
// Mirrors the output of Node 20's util.inspect / util.format (colors are never emitted).
//
// Known limitations (plain ECMAScript cannot observe what node reads from V8 internals):
//  - Promise state: only promises understood by the host hook lib.promiseState(p) show their
//    state; any other promise prints `Promise { <pending> }`.
//  - Proxies: node formats the proxy *target* without running traps (and `%o` shows
//    `Proxy [ target, handler ]`); we can only format the proxy itself, so traps may run.
//    lib.isProxy (if present) is only used to treat proxies as built-ins for `%s`.
//  - Map/Set iterators cannot be previewed without consuming them: they print like plain
//    objects (`Object [Map Iterator] {}`) where node lists the remaining entries.
//    WeakMap/WeakSet always print `<items unknown>`, also with showHidden.
//  - V8's internal class name (used for null-prototype objects, e.g. `[Foo: null prototype] {}`)
//    is approximated from brand checks and Symbol.toStringTag; a re-prototyped class
//    instance shows as `Object`.
//  - Built-ins re-prototyped onto a user prototype without Symbol.toStringTag (e.g.
//    Object.setPrototypeOf(new WeakMap(), Foo.prototype)) are shown as ordinary objects:
//    throwing brand checks are skipped for ordinary-looking objects because they are slow.
//  - Engine differences show through: `%o` lists V8's own `arguments`/`caller` on sloppy
//    functions and the data property `stack` on errors, QuickJS has neither (its `stack`
//    is an accessor, printed as `[Getter/Setter]` under showHidden).
//  - Error stacks are printed as the engine provides them. A trailing newline after the last
//    frame (QuickJS) is dropped, and a stack made only of frames gets a "Name: message" header.
//  - String display width (for aligning grouped arrays) follows node's ICU rules using a
//    Unicode 14 East Asian Width table plus \p{Emoji_Presentation}.
"use strict";
((lib) => {
  if (!lib) return;

  // ---------------------------------------------------------------------------
  // Intrinsics, from the library's primordials (00_boot.js), so that a program's
  // monkey-patching cannot change output.
  // ---------------------------------------------------------------------------
  const {
    ArrayBufferPrototypeGetByteLength,
    ArrayPrototypeFilter,
    ArrayPrototypeForEach,
    ArrayPrototypeMap,
    ArrayPrototypePush,
    ArrayPrototypePushApply,
    ArrayPrototypeSome,
    ArrayPrototypeSort,
    ArrayPrototypeSplice,
    AsyncFunctionPrototype,
    AsyncGeneratorFunctionPrototype,
    BigIntPrototypeValueOf,
    BooleanPrototypeValueOf,
    DataViewPrototypeGetBuffer,
    DatePrototypeGetTime,
    DatePrototypeToISOString,
    DatePrototypeToString,
    ErrorPrototypeToString,
    FunctionPrototype,
    FunctionPrototypeSymbolHasInstance,
    FunctionPrototypeToString,
    GeneratorFunctionPrototype,
    JSONStringify,
    MapPrototypeForEach,
    MapPrototypeGetSize,
    NumberPrototypeValueOf,
    ObjectGetOwnPropertyDescriptor: getDescriptor,
    ObjectGetPrototypeOf: getProto,
    ObjectKeys,
    ObjectPrototype,
    ObjectPrototypeHasOwnProperty: hasOwn,
    ObjectPrototypePropertyIsEnumerable: isEnumerable,
    ObjectPrototypeToString: objectToString,
    Promise: NativePromise,
    ReflectApply,
    RegExpPrototype,
    RegExpPrototypeGetSource,
    RegExpPrototypeToString,
    SetPrototypeGetSize,
    SafeArrayIterator,
    SafeSetIterator,
    SharedArrayBufferPrototypeGetByteLength,
    StringPrototypeValueOf,
    SymbolPrototypeToString,
    SymbolPrototypeValueOf,
    TypedArrayPrototypeGetLength,
    TypedArrayPrototypeGetSymbolToStringTag,
    WeakMapPrototypeHas,
    WeakSetPrototypeHas,
  } = lib.primordials;
  const customInspectSymbol = Symbol.for("nodejs.util.inspect.custom");

  // Calls a function of the program's (a getter, a custom inspect).
  const call = (fn, self, ...args) => ReflectApply(fn, self, args);

  // A brand check: the (uncurried) intrinsic throws unless `v` has the right internal slot.
  const brandCheck = (fn, arg) => (v) => {
    if (typeof fn !== "function") return false;
    try {
      fn(v, arg);
      return true;
    } catch {
      return false;
    }
  };

  const isMap = brandCheck(MapPrototypeGetSize);
  const isSet = brandCheck(SetPrototypeGetSize);
  const isWeakMap = brandCheck(WeakMapPrototypeHas, {});
  const isWeakSet = brandCheck(WeakSetPrototypeHas, {});
  const isDate = brandCheck(DatePrototypeGetTime);
  const hasRegExpSlot = brandCheck(RegExpPrototypeGetSource);
  // RegExp.prototype itself answers the `source` getter but is not a RegExp.
  const isRegExp = (v) => v !== RegExpPrototype && hasRegExpSlot(v);

  // Returns the typed array kind ("Uint8Array", ...) or undefined.
  const typedArrayKind = TypedArrayPrototypeGetSymbolToStringTag;
  const isArrayBuffer = brandCheck(ArrayBufferPrototypeGetByteLength);
  const isSharedArrayBuffer = brandCheck(SharedArrayBufferPrototypeGetByteLength);
  // `buffer` (unlike `byteLength`) does not throw for detached buffers.
  const isDataView = brandCheck(DataViewPrototypeGetBuffer);

  const isNumberObject = brandCheck(NumberPrototypeValueOf);
  const isStringObject = brandCheck(StringPrototypeValueOf);
  const isBooleanObject = brandCheck(BooleanPrototypeValueOf);
  const isBigIntObject = brandCheck(BigIntPrototypeValueOf);
  const isSymbolObject = brandCheck(SymbolPrototypeValueOf);
  const isBoxedPrimitive = (v) => isNumberObject(v) || isStringObject(v) ||
    isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v);

  // Names of the global constructors that exist before user code runs (node's "built-ins").
  const builtInObjects = new Set(
    ArrayPrototypeFilter(Object.getOwnPropertyNames(globalThis), (name) => /^[A-Z][a-zA-Z0-9]+$/.test(name)),
  );

  // Prototypes named even when their `constructor` property was tampered with.
  const wellKnownPrototypes = new Map([
    [ObjectPrototype, { name: "Object", constructor: Object }],
    [FunctionPrototype, { name: "Function", constructor: Function }],
  ]);

  function isInstanceof(obj, ctor) {
    try {
      return obj instanceof ctor;
    } catch {
      return false;
    }
  }

  function protoChainIncludes(obj, proto) {
    for (let p = getProto(obj); p !== null; p = getProto(p)) {
      if (p === proto) return true;
    }
    return false;
  }

  // Native errors carry the "Error" builtin tag; subclasses/foreign errors are `instanceof Error`.
  function isError(v) {
    if (isInstanceof(v, Error)) return true;
    return objectToString(v) === "[object Error]" && !(Symbol.toStringTag in v);
  }

  function isArgumentsObject(v) {
    return objectToString(v) === "[object Arguments]";
  }

  function isModuleNamespace(v) {
    return getProto(v) === null && objectToString(v) === "[object Module]" &&
      !Object.isExtensible(v);
  }

  // Returns {state, value} for promises, or undefined for non-promises.
  function promiseDetails(v) {
    if (typeof lib.promiseState === "function") {
      const details = lib.promiseState(v);
      if (details !== undefined) return details;
    }
    // The engine's own promises (e.g. from async functions) cannot be introspected.
    if (NativePromise && v !== NativePromise.prototype && isInstanceof(v, NativePromise)) {
      return { state: "pending" };
    }
    return undefined;
  }

  // Host-internal properties (lib.hiddenKeys, read on each call) are never shown.
  const isHiddenKey = (key) => {
    const hidden = lib.hiddenKeys;
    return hidden != null && typeof hidden.has === "function" && hidden.has(key);
  };
  const isProxy = (v) => typeof lib.isProxy === "function" && !!lib.isProxy(v);

  // ---------------------------------------------------------------------------
  // Options
  // ---------------------------------------------------------------------------
  const defaultOptions = {
    showHidden: false,
    depth: 2,
    colors: false,
    customInspect: true,
    showProxy: false,
    maxArrayLength: 100,
    maxStringLength: 10000,
    breakLength: 80,
    compact: 3,
    sorted: false,
    getters: false,
    numericSeparator: false,
  };

  const stylizeNoColor = (str) => str;

  const kObjectType = 0; // entries are `key: value`
  const kArrayType = 1; // entries are bare values (array elements)
  const kArrayExtrasType = 2; // non-index keys of array-likes; enables column grouping

  // ---------------------------------------------------------------------------
  // Strings
  // ---------------------------------------------------------------------------

  // Escape table for control characters, quote and backslash.
  const meta = [];
  for (let i = 0; i < 0xa0; i++) {
    meta.push(`\\x${i.toString(16).toUpperCase().padStart(2, "0")}`);
  }
  for (let i = 0x20; i < 0x7f; i++) meta[i] = String.fromCharCode(i);
  Object.assign(meta, { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 39: "\\'", 92: "\\\\" });

  const escapeChar = (ch) => {
    const code = ch.charCodeAt(0);
    return code < meta.length ? meta[code] : `\\u${code.toString(16)}`;
  };
  // Control chars, C1 chars, lone surrogates, backslash; optionally the single quote.
  const escapeAllRegExp =
    /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const escapeNoQuoteRegExp =
    /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

  // Escapes a key name / symbol description (single quotes included).
  const escapeSequences = (str) => str.replace(escapeAllRegExp, escapeChar);

  // Quotes a string like node: prefer '...', then "...", then `...`, else escape the quotes.
  function quoteString(str) {
    let quote = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes("`") && !str.includes("${")) quote = "`";
    }
    const pattern = quote === "'" ? escapeAllRegExp : escapeNoQuoteRegExp;
    return `${quote}${str.replace(pattern, escapeChar)}${quote}`;
  }

  // ---- Display width (node uses ICU: East Asian Wide/Fullwidth and emoji count 2) ----

  // East Asian Wide/Fullwidth ranges (Unicode 14 data) other than emoji, which are
  // matched by \p{Emoji_Presentation} below.
  const wideRanges = [
    [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x2e99], [0x2e9b, 0x2ef3], [0x2f00, 0x2fd5],
    [0x2ff0, 0x2ffb], [0x3000, 0x303e], [0x3041, 0x3096], [0x3099, 0x30ff], [0x3105, 0x312f],
    [0x3131, 0x318e], [0x3190, 0x31e3], [0x31f0, 0x321e], [0x3220, 0x3247], [0x3250, 0x4dbf],
    [0x4e00, 0xa48c], [0xa490, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff],
    [0xfe10, 0xfe19], [0xfe30, 0xfe52], [0xfe54, 0xfe66], [0xfe68, 0xfe6b], [0xff01, 0xff60],
    [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x16ff0, 0x16ff1], [0x17000, 0x187f7],
    [0x18800, 0x18cd5], [0x18d00, 0x18d08], [0x1aff0, 0x1aff3], [0x1aff5, 0x1affb],
    [0x1affd, 0x1affe], [0x1b000, 0x1b122], [0x1b150, 0x1b152], [0x1b164, 0x1b167],
    [0x1b170, 0x1b2fb], [0x1f1e6, 0x1f202], [0x1f210, 0x1f23b], [0x1f240, 0x1f248],
    [0x1f260, 0x1f265], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
  ];
  const isWideCodePoint = (code) =>
    code >= 0x1100 && ArrayPrototypeSome(wideRanges, (range) => code >= range[0] && code <= range[1]);

  // Unicode property escapes may be missing in small engines; degrade to "never matches".
  function propertyRegExp(source) {
    try {
      return new RegExp(source, "u");
    } catch {
      return /$^/;
    }
  }
  const emojiPresentationRegExp = propertyRegExp("\\p{Emoji_Presentation}");
  // Controls, format characters and combining marks take no column (soft hyphen does).
  const zeroWidthRegExp = propertyRegExp("[\\p{Cc}\\p{Cf}\\p{Mn}\\p{Me}]");

  function codePointWidth(ch) {
    const code = ch.codePointAt(0);
    if (isWideCodePoint(code) || emojiPresentationRegExp.test(ch)) return 2;
    if (code !== 0xad && zeroWidthRegExp.test(ch)) return 0;
    return 1;
  }

  // Columns needed to display `str` (escape sequences are not stripped: colors are off).
  function stringWidth(str) {
    let width = 0;
    for (let i = 0; i < str.length; i++) {
      const code = str.charCodeAt(i);
      if (code >= 127) {
        // Non-ASCII tail: measure per code point after NFC normalization.
        for (const ch of str.slice(i).normalize("NFC")) width += codePointWidth(ch);
        break;
      }
      if (code >= 32) width += 1;
    }
    return width;
  }

  // Splits after each "\n", keeping the newline with its line.
  function splitLinesKeepNewline(str) {
    const lines = [];
    let start = 0;
    for (let i = str.indexOf("\n"); i !== -1; i = str.indexOf("\n", start)) {
      lines.push(str.slice(start, i + 1));
      start = i + 1;
    }
    if (start < str.length) lines.push(str.slice(start));
    return lines;
  }

  // ---------------------------------------------------------------------------
  // Primitives
  // ---------------------------------------------------------------------------

  // Inserts "_" every three digits from the right (numericSeparator option).
  function groupDigits(digits) {
    const sign = digits.startsWith("-") ? "-" : "";
    let rest = sign ? digits.slice(1) : digits;
    let out = "";
    while (rest.length > 3) {
      out = `_${rest.slice(-3)}${out}`;
      rest = rest.slice(0, -3);
    }
    return `${sign}${rest}${out}`;
  }
  // Same for the fraction part, grouping from the left.
  function groupFractionDigits(digits) {
    const parts = [];
    let i = 0;
    for (; i < digits.length - 3; i += 3) parts.push(digits.slice(i, i + 3));
    parts.push(digits.slice(i));
    return parts.join("_");
  }

  function formatNumber(num, numericSeparator) {
    if (!numericSeparator) return Object.is(num, -0) ? "-0" : `${num}`;
    const str = `${num}`;
    if (!Number.isFinite(num) || str.includes("e")) return str;
    if (Math.trunc(num) === num) return groupDigits(str);
    const dot = str.indexOf(".");
    return `${groupDigits(str.slice(0, dot))}.${groupFractionDigits(str.slice(dot + 1))}`;
  }

  function formatBigInt(num, numericSeparator) {
    const str = `${num}`;
    return `${numericSeparator ? groupDigits(str) : str}n`;
  }

  function formatPrimitive(value, ctx) {
    switch (typeof value) {
      case "string": return formatStringValue(value, ctx);
      case "number": return formatNumber(value, ctx.numericSeparator);
      case "bigint": return formatBigInt(value, ctx.numericSeparator);
      case "boolean": return `${value}`;
      case "undefined": return "undefined";
      default: return SymbolPrototypeToString(value);
    }
  }

  // A quoted string; long multi-line strings are split into `'line\n' +` pieces.
  function formatStringValue(value, ctx) {
    let trailer = "";
    if (value.length > ctx.maxStringLength) {
      const remaining = value.length - ctx.maxStringLength;
      value = value.slice(0, ctx.maxStringLength);
      trailer = `... ${remaining} more character${remaining > 1 ? "s" : ""}`;
    }
    if (ctx.compact !== true && value.length > 16 &&
        value.length > ctx.breakLength - ctx.indentationLvl - 4) {
      const indent = " ".repeat(ctx.indentationLvl + 2);
      return ArrayPrototypeMap(splitLinesKeepNewline(value), quoteString).join(` +\n${indent}`) + trailer;
    }
    return quoteString(value) + trailer;
  }

  // ---------------------------------------------------------------------------
  // Keys
  // ---------------------------------------------------------------------------

  function isArrayIndexKey(key) {
    return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
  }

  // Own keys to display: enumerable ones (all with showHidden), strings before symbols.
  function getKeys(value, showHidden) {
    const symbols = Object.getOwnPropertySymbols(value);
    let keys;
    if (showHidden) {
      keys = Object.getOwnPropertyNames(value).concat(symbols);
    } else {
      keys = Object.keys(value).concat(ArrayPrototypeFilter(symbols, (s) => isEnumerable(value, s)));
    }
    return ArrayPrototypeFilter(keys, (key) => !isHiddenKey(key));
  }

  // Like getKeys but without array indices (for arrays and typed arrays).
  function getNonIndexKeys(value, showHidden) {
    return ArrayPrototypeFilter(Reflect.ownKeys(value), (key) =>
      !(typeof key === "string" && isArrayIndexKey(key)) &&
      (showHidden || isEnumerable(value, key)) &&
      !isHiddenKey(key));
  }

  function formatKey(ctx, key, desc) {
    if (typeof key === "symbol") return `[${escapeSequences(SymbolPrototypeToString(key))}]`;
    if (key === "__proto__") return "['__proto__']";
    if (desc.enumerable === false) return `[${escapeSequences(key)}]`;
    if (/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key)) return key;
    return quoteString(key);
  }

  // ---------------------------------------------------------------------------
  // Constructor names and prefixes
  // ---------------------------------------------------------------------------

  // "Foo ", "Foo [tag] ", "[Object: null prototype] " ... (always with a trailing space).
  function getPrefix(constructor, tag, fallback, size = "") {
    if (constructor === null) {
      if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== "" && constructor !== tag) return `${constructor}${size} [${tag}] `;
    return `${constructor}${size} `;
  }

  // Name of the first constructor on the prototype chain that `obj` is an instance of;
  // null for null-prototype objects. With showHidden it also collects user prototype props.
  function getConstructorName(obj, ctx, recurseTimes, protoProps) {
    let firstProto;
    const original = obj;
    while (obj) {
      const wellKnown = wellKnownPrototypes.get(obj);
      if (wellKnown !== undefined && FunctionPrototypeSymbolHasInstance(wellKnown.constructor, original)) {
        if (protoProps !== undefined && firstProto !== obj) {
          addPrototypeProperties(ctx, original, firstProto || original, recurseTimes, protoProps);
        }
        return wellKnown.name;
      }
      const desc = getDescriptor(obj, "constructor");
      if (desc !== undefined && typeof desc.value === "function" &&
          desc.value.name !== "" && isInstanceof(original, desc.value)) {
        if (protoProps !== undefined &&
            (firstProto !== obj || !builtInObjects.has(desc.value.name))) {
          addPrototypeProperties(ctx, original, firstProto || original, recurseTimes, protoProps);
        }
        return String(desc.value.name);
      }
      obj = getProto(obj);
      if (firstProto === undefined) firstProto = obj;
    }
    if (firstProto === null) return null;

    const fallbackName = internalConstructorName(original);
    if (ctx.depth !== null && recurseTimes > ctx.depth) {
      return `${fallbackName} <Complex prototype>`;
    }
    const protoName = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
    if (protoName === null) {
      const protoStr = inspect(firstProto, { ...ctxOptions(ctx), customInspect: false, depth: -1 });
      return `${fallbackName} <${protoStr}>`;
    }
    return `${fallbackName} <${protoName}>`;
  }

  // Approximates V8's internal constructor name, used where no usable `constructor`
  // exists: the built-in kind of the object, else a data-property Symbol.toStringTag or a
  // named `constructor` found on the prototype chain, else "Object".
  function internalConstructorName(obj) {
    const kind = builtinKind(obj);
    if (kind !== "Object") return kind;
    for (let cur = obj; cur !== null; cur = getProto(cur)) {
      const tag = getDescriptor(cur, Symbol.toStringTag);
      if (tag !== undefined && typeof tag.value === "string") return tag.value;
      if (cur !== obj) {
        const ctor = getDescriptor(cur, "constructor");
        if (ctor !== undefined && typeof ctor.value === "function" &&
            ctor.value.name !== "" && ctor.value.name !== "Object") {
          return ctor.value.name;
        }
      }
    }
    return "Object";
  }

  // The constructor that created a built-in object, as far as brand checks can tell.
  function builtinKind(obj) {
    if (typeof obj === "function") return "Function";
    if (Array.isArray(obj)) return "Array";
    const typedKind = typedArrayKind(obj);
    if (typedKind !== undefined) return typedKind;
    if (isMap(obj)) return "Map";
    if (isSet(obj)) return "Set";
    if (isWeakMap(obj)) return "WeakMap";
    if (isWeakSet(obj)) return "WeakSet";
    if (isDate(obj)) return "Date";
    if (isRegExp(obj)) return "RegExp";
    if (isArrayBuffer(obj)) return "ArrayBuffer";
    if (isSharedArrayBuffer(obj)) return "SharedArrayBuffer";
    if (isDataView(obj)) return "DataView";
    if (isNumberObject(obj)) return "Number";
    if (isStringObject(obj)) return "String";
    if (isBooleanObject(obj)) return "Boolean";
    if (isBigIntObject(obj)) return "BigInt";
    if (isSymbolObject(obj)) return "Symbol";
    if (isError(obj)) return "Error";
    return "Object";
  }

  // getPrefix for the generic object case: null-prototype objects name their V8 class.
  function getObjectPrefix(value, constructor, tag) {
    let fallback = "";
    if (constructor === null) {
      fallback = internalConstructorName(value);
      if (fallback === tag) fallback = "Object";
    }
    return getPrefix(constructor, tag, fallback);
  }

  // showHidden: list non-function properties defined on user prototypes (up to 3 levels).
  function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
    let depth = 0;
    let keys;
    let seenKeys;
    do {
      if (depth !== 0 || main === obj) {
        obj = getProto(obj);
        if (obj === null) return;
        const desc = getDescriptor(obj, "constructor");
        if (desc !== undefined && typeof desc.value === "function" &&
            builtInObjects.has(desc.value.name)) {
          return;
        }
      }
      if (depth === 0) seenKeys = new Set();
      else ArrayPrototypeForEach(keys, (key) => seenKeys.add(key));
      keys = Reflect.ownKeys(obj);
      ctx.seen.push(main);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key === "constructor" || hasOwn(main, key) || isHiddenKey(key) ||
            (depth !== 0 && seenKeys.has(key))) {
          continue;
        }
        const desc = getDescriptor(obj, key);
        if (typeof desc.value === "function") continue;
        output.push(formatProperty(ctx, obj, recurseTimes, key, kObjectType, desc, main));
      }
      ctx.seen.pop();
    } while (++depth !== 3);
  }

  // ---------------------------------------------------------------------------
  // formatValue: entry point for every nested value
  // ---------------------------------------------------------------------------

  function formatValue(ctx, value, recurseTimes, inTypedArray) {
    if (typeof value !== "object" && typeof value !== "function") {
      return formatPrimitive(value, ctx);
    }
    if (value === null) return "null";

    if (ctx.customInspect) {
      const custom = callCustomInspect(ctx, value, recurseTimes);
      if (custom !== undefined) return custom;
    }

    if (ctx.seen.includes(value)) return `[Circular *${circularIndex(ctx, value)}]`;
    return formatRaw(ctx, value, recurseTimes, inTypedArray);
  }

  // Honors value[Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect).
  function callCustomInspect(ctx, value, recurseTimes) {
    const fn = value[customInspectSymbol];
    if (typeof fn !== "function" || fn === inspect) return undefined;
    // Prototype objects (Foo.prototype) are not custom-inspected.
    if (value.constructor && value.constructor.prototype === value) return undefined;
    const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
    const options = { stylize: stylizeNoColor, ...ctxOptions(ctx), ...ctx.userOptions };
    const ret = call(fn, value, depth, options, inspect);
    if (ret === value) return undefined;
    if (typeof ret !== "string") return formatValue(ctx, ret, recurseTimes);
    return ret.replaceAll("\n", `\n${" ".repeat(ctx.indentationLvl)}`);
  }

  function circularIndex(ctx, value) {
    if (ctx.circular === undefined) ctx.circular = new Map();
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return index;
  }

  // ---------------------------------------------------------------------------
  // formatRaw: decide how an object is shown (braces, base text, entry formatter)
  // ---------------------------------------------------------------------------

  function formatRaw(ctx, value, recurseTimes, inTypedArray) {
    let protoProps;
    if (ctx.showHidden && (ctx.depth === null || recurseTimes <= ctx.depth)) protoProps = [];
    const constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
    if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;

    let tag = value[Symbol.toStringTag];
    // An own enumerable tag is already printed as a property; don't repeat it.
    if (typeof tag !== "string" ||
        (tag !== "" && (ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag))) {
      tag = "";
    }

    const shape = describeShape(ctx, value, recurseTimes, constructor, tag, protoProps, inTypedArray);
    if (typeof shape === "string") return shape; // nothing to expand

    if (ctx.depth !== null && recurseTimes > ctx.depth) {
      const name = getObjectPrefix(value, constructor, tag).slice(0, -1);
      return constructor !== null ? `[${name}]` : name;
    }
    recurseTimes += 1;

    const { keys, braces, formatter, extrasType } = shape;
    let { base } = shape;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    const indentationLvl = ctx.indentationLvl;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (let i = 0; i < keys.length; i++) {
        ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
      }
      if (protoProps !== undefined) ArrayPrototypePushApply(output, protoProps);
    } catch (err) {
      if (!isStackOverflow(err)) throw err;
      ctx.seen.pop();
      ctx.indentationLvl = indentationLvl;
      const name = getObjectPrefix(value, constructor, tag).slice(0, -1);
      return `[${name}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
    }

    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const ref = `<ref *${index}>`;
        if (ctx.compact !== true) base = base === "" ? ref : `${ref} ${base}`;
        else braces[0] = `${ref} ${braces[0]}`;
      }
    }
    ctx.seen.pop();

    if (ctx.sorted) sortOutput(ctx, output, keys.length, extrasType);

    const res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
    // Guard against pathologically huge output, like node: stop descending further.
    const budget = (ctx.budget[ctx.indentationLvl] || 0) + res.length;
    ctx.budget[ctx.indentationLvl] = budget;
    if (budget > 2 ** 27) ctx.depth = -1;
    return res;
  }

  // V8 throws RangeError "Maximum call stack size exceeded", QuickJS InternalError "stack overflow".
  function isStackOverflow(err) {
    return err !== null && typeof err === "object" &&
      ((err.name === "RangeError" && /call stack/i.test(String(err.message))) ||
       (err.name === "InternalError" && /stack overflow/i.test(String(err.message))));
  }

  function sortOutput(ctx, output, keyCount, extrasType) {
    const compare = ctx.sorted === true ? undefined : ctx.sorted;
    if (extrasType === kObjectType) {
      ArrayPrototypeSort(output, compare);
    } else if (keyCount > 1) {
      // Only the named properties after the elements are sorted.
      const start = output.length - keyCount;
      const sorted = ArrayPrototypeSort(ArrayPrototypeSplice(output, start, keyCount), compare);
      ArrayPrototypePushApply(output, sorted);
    }
  }

  const noEntries = () => [];

  // Brand checks throw on mismatch, which is slow in QuickJS. An object without any
  // Symbol.toStringTag whose builtin tag is "Object" (and has a prototype) is an ordinary
  // object unless a built-in was re-prototyped onto a tag-less user prototype, so the
  // throwing checks are skipped for it.
  function mayBeBuiltin(value) {
    return getProto(value) === null || Symbol.toStringTag in value ||
      objectToString(value) !== "[object Object]";
  }

  // Returns either the final string (for objects with nothing to expand) or
  // { keys, braces, base, formatter, extrasType }.
  function describeShape(ctx, value, recurseTimes, constructor, tag, protoProps, inTypedArray) {
    const noProps = (keys) => keys.length === 0 && protoProps === undefined;
    const exotic = mayBeBuiltin(value);
    const shape = {
      keys: undefined,
      braces: undefined,
      base: "",
      formatter: noEntries,
      extrasType: kObjectType,
    };

    // Iterable built-ins (and null-prototype objects) are checked first.
    if (Symbol.iterator in value || constructor === null) {
      const iterableShape = describeIterable(ctx, value, constructor, tag, protoProps, shape, exotic);
      if (iterableShape !== undefined) return iterableShape;
    }

    const keys = getKeys(value, ctx.showHidden);
    shape.keys = keys;
    shape.braces = ["{", "}"];
    const braces = shape.braces;

    if (typeof value === "function") {
      shape.base = getFunctionBase(value, constructor, tag);
      if (noProps(keys)) return shape.base;
    } else if (constructor === "Object") {
      if (isArgumentsObject(value)) braces[0] = "[Arguments] {";
      else if (tag !== "") braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
      if (noProps(keys)) return `${braces[0]}}`;
    } else if (exotic && isRegExp(value)) {
      const source = constructor !== null ? value : new RegExp(value);
      shape.base = RegExpPrototypeToString(source);
      const prefix = getPrefix(constructor, tag, "RegExp");
      if (prefix !== "RegExp ") shape.base = `${prefix}${shape.base}`;
      if (noProps(keys) || (ctx.depth !== null && recurseTimes > ctx.depth)) return shape.base;
    } else if (exotic && isDate(value)) {
      const time = DatePrototypeGetTime(value);
      const text = Number.isNaN(time) ? DatePrototypeToString(value) : DatePrototypeToISOString(value);
      const prefix = getPrefix(constructor, tag, "Date");
      shape.base = prefix !== "Date " ? `${prefix}${text}` : text;
      if (noProps(keys)) return shape.base;
    } else if (isError(value)) {
      shape.base = formatError(value, constructor, tag, ctx, keys);
      if (noProps(keys)) return shape.base;
    } else if (exotic && (isArrayBuffer(value) || isSharedArrayBuffer(value))) {
      const kind = isArrayBuffer(value) ? "ArrayBuffer" : "SharedArrayBuffer";
      const prefix = getPrefix(constructor, tag, kind);
      if (!inTypedArray) shape.formatter = formatArrayBuffer;
      else if (noProps(keys)) return `${prefix}{ byteLength: ${formatNumber(value.byteLength, false)} }`;
      braces[0] = `${prefix}{`;
      keys.unshift("byteLength");
    } else if (exotic && isDataView(value)) {
      braces[0] = `${getPrefix(constructor, tag, "DataView")}{`;
      // `buffer` last: it is the only non-primitive.
      keys.unshift("byteLength", "byteOffset", "buffer");
    } else if (promiseDetails(value) !== undefined) {
      braces[0] = `${getPrefix(constructor, tag, "Promise")}{`;
      shape.formatter = formatPromise;
    } else if (exotic && isWeakSet(value)) {
      braces[0] = `${getPrefix(constructor, tag, "WeakSet")}{`;
      shape.formatter = formatWeakCollection;
    } else if (exotic && isWeakMap(value)) {
      braces[0] = `${getPrefix(constructor, tag, "WeakMap")}{`;
      shape.formatter = formatWeakCollection;
    } else if (isModuleNamespace(value)) {
      braces[0] = `${getPrefix(constructor, tag, "Module")}{`;
    } else if (exotic && isBoxedPrimitive(value)) {
      shape.base = getBoxedBase(value, ctx, keys, constructor, tag);
      if (noProps(keys)) return shape.base;
    } else {
      braces[0] = `${getObjectPrefix(value, constructor, tag)}{`;
      if (noProps(keys)) return `${braces[0]}}`;
    }
    return shape;
  }

  // Arrays, Sets, Maps and typed arrays; undefined when `value` is none of them.
  function describeIterable(ctx, value, constructor, tag, protoProps, shape, exotic) {
    const noProps = (keys) => keys.length === 0 && protoProps === undefined;
    if (Array.isArray(value)) {
      const prefix = (constructor !== "Array" || tag !== "")
        ? getPrefix(constructor, tag, "Array", `(${value.length})`)
        : "";
      shape.keys = getNonIndexKeys(value, ctx.showHidden);
      shape.braces = [`${prefix}[`, "]"];
      if (value.length === 0 && noProps(shape.keys)) return `${shape.braces[0]}]`;
      shape.extrasType = kArrayExtrasType;
      shape.formatter = formatArray;
      return shape;
    }
    if (exotic && isSet(value)) {
      const size = SetPrototypeGetSize(value);
      const prefix = getPrefix(constructor, tag, "Set", `(${size})`);
      shape.keys = getKeys(value, ctx.showHidden);
      if (size === 0 && noProps(shape.keys)) return `${prefix}{}`;
      shape.braces = [`${prefix}{`, "}"];
      shape.formatter = formatSet;
      return shape;
    }
    if (exotic && isMap(value)) {
      const size = MapPrototypeGetSize(value);
      const prefix = getPrefix(constructor, tag, "Map", `(${size})`);
      shape.keys = getKeys(value, ctx.showHidden);
      if (size === 0 && noProps(shape.keys)) return `${prefix}{}`;
      shape.braces = [`${prefix}{`, "}"];
      shape.formatter = formatMap;
      return shape;
    }
    const kind = typedArrayKind(value);
    if (kind !== undefined) {
      const size = TypedArrayPrototypeGetLength(value);
      const prefix = getPrefix(constructor, tag, constructor === null ? kind : "", `(${size})`);
      shape.keys = getNonIndexKeys(value, ctx.showHidden);
      shape.braces = [`${prefix}[`, "]"];
      if (size === 0 && shape.keys.length === 0 && !ctx.showHidden) return `${shape.braces[0]}]`;
      shape.formatter = formatTypedArray;
      shape.extrasType = kArrayExtrasType;
      return shape;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------
  // Bases: functions, classes, boxed primitives, errors
  // ---------------------------------------------------------------------------

  function looksLikeClass(value) {
    let source;
    try {
      source = FunctionPrototypeToString(value);
    } catch {
      return false;
    }
    if (!source.startsWith("class") || !source.endsWith("}")) return false;
    const body = source.slice(5, -1);
    const brace = body.indexOf("{");
    if (brace === -1) return false;
    if (!body.slice(0, brace).includes("(")) return true;
    // A "(" before the body may come from a comment; strip comments and recheck.
    const stripped = body.replace(/(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g, "");
    return /^(\s+[^(]*?)\s*{/.test(stripped);
  }

  function getFunctionBase(value, constructor, tag) {
    if (looksLikeClass(value)) return getClassBase(value, constructor, tag);
    let type = "Function";
    if (protoChainIncludes(value, GeneratorFunctionPrototype) ||
        protoChainIncludes(value, AsyncGeneratorFunctionPrototype)) {
      type = `Generator${type}`;
    }
    if (protoChainIncludes(value, AsyncFunctionPrototype) ||
        protoChainIncludes(value, AsyncGeneratorFunctionPrototype)) {
      type = `Async${type}`;
    }
    let base = `[${type}`;
    if (constructor === null) base += " (null prototype)";
    base += value.name === "" ? " (anonymous)" : `: ${value.name}`;
    base += "]";
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  function getClassBase(value, constructor, tag) {
    const name = (hasOwn(value, "name") && value.name) || "(anonymous)";
    let base = `class ${name}`;
    if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
    if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
    if (constructor !== null) {
      const superName = getProto(value).name;
      if (superName) base += ` extends ${superName}`;
    } else {
      base += " extends [null prototype]";
    }
    return `[${base}]`;
  }

  function getBoxedBase(value, ctx, keys, constructor, tag) {
    let type;
    let primitive;
    if (isNumberObject(value)) {
      type = "Number";
      primitive = NumberPrototypeValueOf(value);
    } else if (isStringObject(value)) {
      type = "String";
      primitive = StringPrototypeValueOf(value);
      // The character indices are redundant with the printed string.
      keys.splice(0, primitive.length);
    } else if (isBooleanObject(value)) {
      type = "Boolean";
      primitive = BooleanPrototypeValueOf(value);
    } else if (isBigIntObject(value)) {
      type = "BigInt";
      primitive = BigIntPrototypeValueOf(value);
    } else {
      type = "Symbol";
      primitive = SymbolPrototypeValueOf(value);
    }
    let base = `[${type}`;
    if (type !== constructor) base += constructor === null ? " (null prototype)" : ` (${constructor})`;
    base += `: ${formatPrimitive(primitive, ctx)}]`;
    if (tag !== "" && tag !== constructor) base += ` [${tag}]`;
    return base;
  }

  function getStackString(err) {
    if (!err.stack) return ErrorPrototypeToString(err);
    // QuickJS ends its stacks with a newline after the last frame; V8 does not.
    let stack = String(err.stack).replace(/(\n {4}at [^\n]*)\n+$/, "$1");
    // A stack of frames only (older QuickJS): add V8's "Name: message" header.
    if (/^ {4}at /.test(stack)) stack = `${ErrorPrototypeToString(err)}\n${stack}`;
    return stack;
  }

  // The stack already shows name/message/stack; don't repeat them as properties.
  function removeDuplicateErrorKeys(ctx, keys, err, stack) {
    if (ctx.showHidden || keys.length === 0) return;
    for (const name of new SafeArrayIterator(["name", "message", "stack"])) {
      const index = keys.indexOf(name);
      if (index !== -1 && stack.includes(err[name])) keys.splice(index, 1);
    }
  }

  // Makes the first line mention the real class, e.g. "Foo [TypeError]: msg".
  function improveStack(stack, constructor, name, tag) {
    let len = name.length;
    const looksNormal = name.endsWith("Error") && stack.startsWith(name) &&
      (stack.length === len || stack[len] === ":" || stack[len] === "\n");
    if (constructor !== null && !looksNormal) return stack;
    let fallback = "Error";
    if (constructor === null) {
      const start = /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) ||
        /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = (start && start[1]) || "";
      len = fallback.length;
      fallback = fallback || "Error";
    }
    const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
    if (name === prefix) return stack;
    if (prefix.includes(name)) {
      return len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
    }
    return `${prefix} [${name}]${stack.slice(len)}`;
  }

  // Longest run (> 3 lines) of `frames` that also appears in `causeFrames`.
  function identicalSequenceRange(frames, causeFrames) {
    for (let i = 0; i < frames.length - 3; i++) {
      const pos = causeFrames.indexOf(frames[i]);
      if (pos === -1) continue;
      const rest = causeFrames.length - pos;
      if (rest <= 3) continue;
      let len = 1;
      const maxLen = Math.min(frames.length - i, rest);
      while (maxLen > len && frames[i + len] === causeFrames[pos + len]) len++;
      if (len > 3) return { len, offset: i };
    }
    return { len: 0, offset: 0 };
  }

  // Stack frame lines, with frames shared with err.cause collapsed.
  function getStackFrames(err, framesText) {
    const frames = framesText.split("\n");
    let cause;
    try {
      cause = err.cause;
    } catch {
      // a throwing `cause` getter is ignored
    }
    if (cause != null && typeof cause === "object" && isError(cause)) {
      const causeStack = getStackString(cause);
      const start = causeStack.indexOf("\n    at");
      if (start !== -1) {
        const causeFrames = causeStack.slice(start + 1).split("\n");
        const { len, offset } = identicalSequenceRange(frames, causeFrames);
        if (len > 0) {
          const skipped = len - 2;
          frames.splice(offset + 1, skipped, `    ... ${skipped} lines matching cause stack trace ...`);
        }
      }
    }
    return frames;
  }

  function formatError(err, constructor, tag, ctx, keys) {
    const name = err.name != null ? String(err.name) : "Error";
    let stack = getStackString(err);
    removeDuplicateErrorKeys(ctx, keys, err, stack);
    if ("cause" in err && !keys.includes("cause")) keys.push("cause");
    if (Array.isArray(err.errors) && !keys.includes("errors")) keys.push("errors");

    stack = improveStack(stack, constructor, name, tag);

    // Search for the frames after the message, which itself may contain "\n    at".
    let pos = (err.message && stack.indexOf(err.message)) || -1;
    if (pos !== -1) pos += err.message.length;
    const stackStart = stack.indexOf("\n    at", pos);
    if (stackStart === -1) {
      stack = `[${stack}]`;
    } else {
      const frames = getStackFrames(err, stack.slice(stackStart + 1));
      stack = `${stack.slice(0, stackStart)}\n${frames.join("\n")}`;
    }
    if (ctx.indentationLvl !== 0) {
      stack = stack.replaceAll("\n", `\n${" ".repeat(ctx.indentationLvl)}`);
    }
    return stack;
  }

  // ---------------------------------------------------------------------------
  // Entry formatters: each returns the list of entry strings
  // ---------------------------------------------------------------------------

  const moreItems = (n) => `... ${n} more item${n > 1 ? "s" : ""}`;
  const emptyItems = (n) => `<${n} empty item${n > 1 ? "s" : ""}>`;

  function formatArray(ctx, value, recurseTimes) {
    const length = value.length;
    const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const output = [];
    for (let i = 0; i < shown; i++) {
      if (!hasOwn(value, i)) return formatSparseArray(ctx, value, recurseTimes, shown, output, i);
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
    }
    if (length > shown) output.push(moreItems(length - shown));
    return output;
  }

  // Arrays with holes: runs of missing indices collapse into "<N empty items>".
  function formatSparseArray(ctx, value, recurseTimes, maxEntries, output, firstHole) {
    const keys = Object.keys(value);
    let index = firstHole; // next array index to show
    for (let i = firstHole; i < keys.length && output.length < maxEntries; i++) {
      const key = keys[i];
      const num = +key;
      if (num > 2 ** 32 - 2) break; // not an index: the named keys follow
      if (`${index}` !== key) {
        if (!/^(?:0|[1-9][0-9]*)$/.test(key)) break;
        output.push(emptyItems(num - index));
        index = num;
        if (output.length === maxEntries) break;
      }
      output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxEntries) {
      if (remaining > 0) output.push(emptyItems(remaining));
    } else if (remaining > 0) {
      output.push(moreItems(remaining));
    }
    return output;
  }

  function formatTypedArray(ctx, value, recurseTimes) {
    const length = TypedArrayPrototypeGetLength(value);
    const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const output = [];
    for (let i = 0; i < shown; i++) {
      const element = value[i];
      output.push(typeof element === "bigint"
        ? formatBigInt(element, ctx.numericSeparator)
        : formatNumber(element, ctx.numericSeparator));
    }
    if (length > shown) output.push(moreItems(length - shown));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (const key of new SafeArrayIterator(["BYTES_PER_ELEMENT", "length", "byteLength", "byteOffset", "buffer"])) {
        output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    const size = SetPrototypeGetSize(value);
    const shown = Math.min(Math.max(0, ctx.maxArrayLength), size);
    const output = [];
    ctx.indentationLvl += 2;
    for (const entry of new SafeSetIterator(value)) {
      if (output.length >= shown) break;
      output.push(formatValue(ctx, entry, recurseTimes));
    }
    if (size > shown) output.push(moreItems(size - shown));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const size = MapPrototypeGetSize(value);
    const shown = Math.min(Math.max(0, ctx.maxArrayLength), size);
    const output = [];
    ctx.indentationLvl += 2;
    MapPrototypeForEach(value, (v, k) => {
      if (output.length < shown) output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    });
    if (size > shown) output.push(moreItems(size - shown));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatArrayBuffer(ctx, value) {
    let bytes;
    try {
      bytes = new Uint8Array(value);
    } catch {
      return ["(detached)"];
    }
    const shown = Math.min(ctx.maxArrayLength, bytes.length);
    const hex = [];
    for (let i = 0; i < shown; i++) hex.push(bytes[i].toString(16).padStart(2, "0"));
    let str = hex.join(" ");
    const remaining = bytes.length - ctx.maxArrayLength;
    if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}`;
    return [`[Uint8Contents]: <${str}>`];
  }

  function formatPromise(ctx, value, recurseTimes) {
    const { state, value: result } = promiseDetails(value);
    if (state === "pending") return ["<pending>"];
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, result, recurseTimes);
    ctx.indentationLvl -= 2;
    return [state === "rejected" ? `<rejected> ${str}` : str];
  }

  function formatWeakCollection() {
    return ["<items unknown>"];
  }

  // One `key: value` entry (or a bare value for array elements).
  function formatProperty(ctx, value, recurseTimes, key, type, desc, original = value) {
    desc = desc || getDescriptor(value, key) || { value: value[key], enumerable: true };
    let str;
    let separator = " ";
    if (desc.value !== undefined) {
      const diff = (ctx.compact !== true || type !== kObjectType) ? 2 : 3;
      ctx.indentationLvl += diff;
      str = formatValue(ctx, desc.value, recurseTimes);
      if (diff === 3 && ctx.breakLength < stringWidth(str)) {
        separator = `\n${" ".repeat(ctx.indentationLvl)}`;
      }
      ctx.indentationLvl -= diff;
    } else if (desc.get !== undefined) {
      str = formatAccessor(ctx, desc, original, recurseTimes);
    } else if (desc.set !== undefined) {
      str = "[Setter]";
    } else {
      str = "undefined";
    }
    if (type === kArrayType) return str;
    return `${formatKey(ctx, key, desc)}:${separator}${str}`;
  }

  // "[Getter]", "[Setter]", "[Getter/Setter]", or with the `getters` option the value too.
  function formatAccessor(ctx, desc, original, recurseTimes) {
    const label = desc.set !== undefined ? "Getter/Setter" : "Getter";
    const getters = ctx.getters;
    const wanted = getters && (getters === true ||
      (getters === "get" && desc.set === undefined) ||
      (getters === "set" && desc.set !== undefined));
    if (!wanted) return `[${label}]`;
    try {
      const result = call(desc.get, original);
      ctx.indentationLvl += 2;
      let str;
      if (result === null) str = `[${label}: null]`;
      else if (typeof result === "object") str = `[${label}] ${formatValue(ctx, result, recurseTimes)}`;
      else str = `[${label}: ${formatPrimitive(result, ctx)}]`;
      ctx.indentationLvl -= 2;
      return str;
    } catch (err) {
      return `[${label}: <Inspection threw (${err.message})>]`;
    }
  }

  // ---------------------------------------------------------------------------
  // Layout
  // ---------------------------------------------------------------------------

  // Whether the entries (plus `start` overhead) fit on one line of ctx.breakLength.
  function isBelowBreakLength(ctx, output, start, base) {
    let total = output.length + start;
    if (total + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      total += output[i].length;
      if (total > ctx.breakLength) return false;
    }
    return base === "" || !base.includes("\n");
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const basePrefix = base ? `${base} ` : "";
    if (ctx.compact !== true) {
      if (typeof ctx.compact === "number" && ctx.compact >= 1) {
        const entries = output.length;
        if (extrasType === kArrayExtrasType && entries > 6) {
          output = groupArrayElements(ctx, output, value);
        }
        // Only the innermost `compact` levels may be joined on one line, and never
        // when the entries were grouped into columns.
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            const joined = output.join(", ");
            if (!joined.includes("\n")) return `${basePrefix}${braces[0]} ${joined} ${braces[1]}`;
          }
        }
      }
      const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
      return `${basePrefix}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
    }
    // compact === true: fill lines, break only when needed.
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return `${braces[0]}${base ? ` ${base}` : ""} ${output.join(", ")} ${braces[1]}`;
    }
    const indentation = " ".repeat(ctx.indentationLvl);
    const lineStart = base === "" && braces[0].length === 1
      ? " "
      : `${base ? ` ${base}` : ""}\n${indentation}  `;
    return `${braces[0]}${lineStart}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
  }

  // Lays out many short array entries in aligned columns.
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    // The trailing "... more items" entry is not part of the grid.
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2; // ", "
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = stringWidth(output[i]);
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    // Need at least three columns, and no single entry much longer than the rest.
    if (actualMax * 3 + ctx.indentationLvl >= ctx.breakLength ||
        !(totalLength / actualMax > 5 || maxLength <= 6)) {
      return output;
    }
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    // Aim for a roughly square block (characters are ~2.5x taller than wide).
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;

    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    // Numbers are right-aligned, everything else left-aligned.
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== "number" && typeof value[i] !== "bigint") {
          padStart = false;
          break;
        }
      }
    }
    const pad = (str, width) => (padStart ? str.padStart(width, " ") : str.padEnd(width, " "));
    const grouped = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = "";
      let j = i;
      for (; j < max - 1; j++) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
        line += pad(`${output[j]}, `, padding);
      }
      if (padStart) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
        line += output[j].padStart(padding, " ");
      } else {
        line += output[j];
      }
      grouped.push(line);
    }
    if (ctx.maxArrayLength < output.length) grouped.push(output[outputLength]);
    return grouped;
  }

  // ---------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------

  function ctxOptions(ctx) {
    const options = {};
    for (const key of new SafeArrayIterator(ObjectKeys(defaultOptions))) options[key] = ctx[key];
    return options;
  }

  // inspect(value, opts) or the legacy inspect(value, showHidden, depth, colors).
  function inspect(value, opts) {
    const ctx = {
      budget: {},
      indentationLvl: 0,
      seen: [],
      currentDepth: 0,
      circular: undefined,
      userOptions: undefined,
      ...defaultOptions,
    };
    if (arguments.length > 2) {
      if (arguments[2] !== undefined) ctx.depth = arguments[2];
      if (arguments.length > 3 && arguments[3] !== undefined) ctx.colors = arguments[3];
    }
    if (typeof opts === "boolean") {
      ctx.showHidden = opts;
    } else if (opts) {
      for (const key of new SafeArrayIterator(ObjectKeys(opts))) {
        if (hasOwn(defaultOptions, key)) ctx[key] = opts[key];
        else if (ctx.userOptions === undefined) ctx.userOptions = opts;
      }
    }
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
    if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
    return formatValue(ctx, value, 0);
  }
  inspect.custom = customInspectSymbol;
  inspect.defaultOptions = defaultOptions;

  // %s on objects: String() is used only when a user-defined toString or
  // Symbol.toPrimitive exists; built-in ones lead to inspect().
  function hasBuiltInToString(value) {
    if (isProxy(value)) return true;
    const hasToString = typeof value.toString === "function";
    const hasToPrimitive = typeof value[Symbol.toPrimitive] === "function";
    if (!hasToString && !hasToPrimitive) return true;
    if ((hasToString && hasOwn(value, "toString")) ||
        (hasToPrimitive && hasOwn(value, Symbol.toPrimitive))) {
      return false;
    }
    // The prototype that supplies the method decides.
    let pointer = value;
    do {
      pointer = getProto(pointer);
    } while (!(hasToString && hasOwn(pointer, "toString")) &&
             !(hasToPrimitive && hasOwn(pointer, Symbol.toPrimitive)));
    const desc = getDescriptor(pointer, "constructor");
    return desc !== undefined && typeof desc.value === "function" &&
      builtInObjects.has(desc.value.name);
  }

  let circularJsonMessage;
  function firstLine(err) {
    const message = String(err && err.message);
    const newline = message.indexOf("\n");
    return newline === -1 ? message : message.slice(0, newline);
  }
  // %j: JSON, with '[Circular]' for cyclic structures.
  function tryStringify(arg) {
    try {
      return JSONStringify(arg);
    } catch (err) {
      if (circularJsonMessage === undefined) {
        try {
          const a = {};
          a.a = a;
          JSONStringify(a);
        } catch (circularError) {
          circularJsonMessage = firstLine(circularError);
        }
      }
      if (err && err.name === "TypeError" && firstLine(err) === circularJsonMessage) return "[Circular]";
      throw err;
    }
  }

  // Formats the argument of one placeholder (the character after "%").
  function formatPlaceholder(code, arg, inspectOptions) {
    switch (code) {
      case "s":
        if (typeof arg === "number") return formatNumber(arg, false);
        if (typeof arg === "bigint") return formatBigInt(arg, false);
        if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) return String(arg);
        return inspect(arg, { ...inspectOptions, depth: 0, colors: false, compact: 3 });
      case "j":
        return tryStringify(arg);
      case "d":
        if (typeof arg === "bigint") return formatBigInt(arg, false);
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(Number(arg), false);
      case "O":
        return inspect(arg, inspectOptions);
      case "o":
        return inspect(arg, { ...inspectOptions, showHidden: true, showProxy: true, depth: 4 });
      case "i":
        if (typeof arg === "bigint") return formatBigInt(arg, false);
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(parseInt(arg), false);
      case "f":
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(parseFloat(arg), false);
      case "c":
        return "";
      default:
        return undefined;
    }
  }

  function formatWithOptions(inspectOptions, args) {
    const first = args[0];
    let argIndex = 0;
    let str = "";
    let join = "";

    if (typeof first === "string") {
      if (args.length === 1) return first;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first[i] !== "%") continue;
        const next = first[++i];
        if (argIndex + 1 !== args.length) {
          if (next === "%") {
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          }
          if (!"sjdOoifc".includes(next)) continue;
          const piece = formatPlaceholder(next, args[++argIndex], inspectOptions);
          if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
          str += piece;
          lastPos = i + 1;
        } else if (next === "%") {
          str += first.slice(lastPos, i);
          lastPos = i + 1;
        }
      }
      if (lastPos !== 0) {
        argIndex++;
        join = " ";
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }

    for (; argIndex < args.length; argIndex++) {
      const value = args[argIndex];
      str += join;
      str += typeof value !== "string" ? inspect(value, inspectOptions) : value;
      join = " ";
    }
    return str;
  }

  function format(...args) {
    return formatWithOptions(undefined, args);
  }

  lib.inspect = inspect;
  lib.format = format;
  // The same for arguments in an array (console's, which must not be spread:
  // spreading goes through the program's Array.prototype[Symbol.iterator]).
  lib.formatList = (args) => formatWithOptions(undefined, args);
  lib.stringWidth = stringWidth;
  lib.formatWithOptions = (inspectOptions, ...args) => formatWithOptions(inspectOptions, args);
})(globalThis.__things);
