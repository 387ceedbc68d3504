// Compares 01_inspect.js (lib.format / lib.inspect) with node's own util.format / util.inspect.
// Run: node runtime/js/inspect.test.cjs; it prints what differs, then `N passed, M failed`,
// and exits 1 if anything failed.
"use strict";
const util = require("util");
const { load } = require("./harness.cjs");

const { lib } = load(["01_inspect.js"]);

const cases = []; // [label, args]
const inspectCases = []; // [label, value, options]
const add = (label, ...args) => cases.push([label, args]);
const addInspect = (label, value, options) => inspectCases.push([label, value, options]);

// ---- primitives -------------------------------------------------------------
add("number", 42);
add("negative", -3.5);
add("-0", -0);
add("-0 in array", [-0, 0]);
add("NaN", NaN);
add("Infinity", Infinity, -Infinity);
add("big float", 1e21, 1.5e-7, 0.1 + 0.2);
add("bigint", 1n, -123456789012345678901234567890n);
add("bool", true, false);
add("undefined", undefined);
add("null", null);
add("symbol", Symbol("x"));
add("symbol empty", Symbol(), Symbol(""));
add("symbol well-known", Symbol.iterator);
add("symbol newline in array", [Symbol("a\nb")]);
add("top string raw", "hello 'world'");
add("two strings", "a", "b");
add("string then number", "n =", 5);
add("empty call");
add("only empty string", "");

// ---- strings inside containers -----------------------------------------------
add("string in array", ["abc"]);
add("single quote", ["it's"]);
add("single and double", [`it's "x"`]);
add("all quotes", [`it's "x" \`y\``]);
add("quotes and ${", ["it's \"x\" ${y}"]);
add("escapes", ["a\nb\tc\\d\re\b\f\v\0"]);
add("control chars", ["\x01\x1b\x7f\x9f\xa0"]);
add("unicode", ["héllo wörld ☃ 😀"]);
add("lone surrogates", ["\ud800x\udc00", "\ud83d\ude00"]);
add("escape in key", { "a\nb": 1, "it's": 2, "x\\y": 3 });
add("long string in object", { s: "x".repeat(100) });
add("multiline long string", { s: "line1\nline2\n".repeat(8) });
add("multiline long string in array", ["a\nb".repeat(30)]);
add("multiline short string", { s: "a\nb" });
add("multiline trailing", ["first line of text\nsecond line of text\nthird line of text here\n"]);
add("string quote escape long", ["it's \"q\" `b` ".repeat(20)]);
add("maxStringLength", "%O", "x".repeat(10005));
add("string 77", ["y".repeat(77)]);

// ---- arrays --------------------------------------------------------------------
add("empty array", []);
add("simple array", [1, 2, 3]);
add("nested array", [1, [2, [3, [4, [5]]]]]);
add("array of strings", ["a", "b", "c"]);
add("holes 1", [1, , 3]);
add("holes 2", [, , 1]);
add("holes only", [, , ,]);
add("new Array(5)", new Array(5));
add("holes trailing", [1, 2, , , ]);
add("array extra props", Object.assign([1, 2], { x: 1, "y-z": 2 }));
add("array only props", Object.assign([], { x: 1 }));
add("array 101", Array.from({ length: 101 }, (_, i) => i));
add("array 150 strings", Array.from({ length: 150 }, (_, i) => `s${i}`));
add("array 30 * 7", Array.from({ length: 30 }, (_, i) => i * 7));
add("array 26 letters", Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i)));
add("array 7 numbers", [1, 2, 3, 4, 5, 6, 7]);
add("array 6 numbers", [1, 2, 3, 4, 5, 6]);
add("array mixed", [1, "two", { three: 3 }, [4], null, undefined, true]);
add("array of objects", Array.from({ length: 8 }, (_, i) => ({ id: i, name: `n${i}` })));
add("array of long strings", Array.from({ length: 10 }, (_, i) => "word".repeat(i + 1)));
add("array varying lengths", [1, 22, 333, 4444, 55555, 666666, 7777777, 88888888, 1, 2, 3, 4, 5]);
add("array of bigint", Array.from({ length: 12 }, (_, i) => BigInt(i) ** 5n));
add("array numbers and string", [1, 2, 3, 4, 5, 6, 7, 8, "x"]);
add("array floats", Array.from({ length: 20 }, (_, i) => i / 3));
add("array negatives", Array.from({ length: 20 }, (_, i) => (i - 10) * 13));
add("array sparse long", (() => { const a = new Array(200); a[5] = 1; a[150] = 2; return a; })());
add("array sparse many", (() => { const a = []; for (let i = 0; i < 300; i += 2) a[i] = i; return a; })());
add("nested arrays matrix", Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => i * j)));
add("array 1000", Array.from({ length: 1000 }, (_, i) => i));
add("array of arrays long", Array.from({ length: 10 }, (_, i) => [i, `v${i}`]));
add("array subclass", new (class MyArr extends Array {})(1, 2, 3));
add("array subclass empty", new (class MyArr extends Array {})());
add("array with symbol prop", Object.assign([1], { [Symbol("s")]: 2 }));
add("array 7 with extra key", Object.assign([1, 2, 3, 4, 5, 6, 7], { k: "v" }));
add("cjk strings grouped", Array.from({ length: 30 }, (_, i) => "中".repeat(i % 4)));
add("emoji grouped", Array.from({ length: 20 }, (_, i) => "😀".repeat(i % 3)));
add("array inside object grouped", { list: Array.from({ length: 40 }, (_, i) => i) });
add("deep grouped", { a: { b: Array.from({ length: 40 }, (_, i) => i * 100) } });
add("array of undefined", Array.from({ length: 10 }));
add("array of null", Array(10).fill(null));
add("array of bools", Array.from({ length: 10 }, (_, i) => i % 2 === 0));

// ---- objects -------------------------------------------------------------------
add("empty object", {});
add("simple object", { a: 1, b: "two" });
add("quoted keys", { a: 1, "b-c": 2, "3d": 3, _ok: 4, $no: 5, "": 6, 7: 7 });
add("symbol keys", { [Symbol("x")]: 3, [Symbol()]: 4, [Symbol.iterator]: 5 });
add("symbol key quote", { [Symbol("it's")]: 1 });
add("__proto__ key", JSON.parse('{"__proto__": 1}'));
add("nested depth", { a: { b: { c: { d: { e: 1 } } } } });
add("nested depth arrays", { a: [[[[1]]]] });
add("nested empty at depth", { a: { b: { c: {}, d: [] } } });
add("8 short props", { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 });
add("26 props", Object.fromEntries(Array.from({ length: 26 }, (_, i) => [String.fromCharCode(97 + i), i])));
add("long object", { alpha: "x".repeat(30), beta: "y".repeat(30), gamma: "z".repeat(30) });
add("breaks at 80", { a: "x".repeat(60), b: "y".repeat(20) });
add("just fits", { key: "v".repeat(62) });
add("just fits 2", { key: "v".repeat(63) });
add("nested compact 3", { a: { b: { c: 1 } }, d: 2 });
add("nested compact 4 levels", { l1: { l2: { l3: { l4: 1 } } } });
add("wide nested", { a: { x: 1, y: 2 }, b: { x: 3, y: 4 }, c: { x: 5, y: [1, 2, 3] } });
add("nested long", { user: { name: "Alice Wonderland", email: "alice@example.com", roles: ["admin", "editor", "viewer"] }, active: true });
add("config like", {
  server: { host: "localhost", port: 8080, tls: { enabled: false, cert: null } },
  database: { url: "postgres://user:pass@localhost:5432/db", pool: { min: 2, max: 10 } },
  features: ["auth", "billing", "search"],
});
add("object with undefined", { a: undefined, b: null });
add("object with functions", { f() {}, g: () => 1, h: function named() {} });
add("numeric keys order", { 2: "b", 1: "a", x: "c" });
add("null prototype", Object.create(null));
add("null prototype props", Object.assign(Object.create(null), { a: 1 }));
add("nested null prototype", { x: Object.assign(Object.create(null), { a: { b: { c: 1 } } }) });
add("proto of null proto", Object.create(Object.create(null)));
add("object created from obj", Object.create({ inherited: 1 }));
add("non-enumerable hidden", Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false }));
add("getter", { get g() { return 1; } });
add("setter", { set s(v) {} });
add("getter/setter", { get gs() { return 1; }, set gs(v) {} });
add("toStringTag own enumerable", { [Symbol.toStringTag]: "Custom", a: 1 });
add("toStringTag non-enumerable", Object.defineProperty({ a: 1 }, Symbol.toStringTag, { value: "Tagged" }));
add("toStringTag empty object", Object.defineProperty({}, Symbol.toStringTag, { value: "Tagged" }));
add("object 3 levels of arrays", { a: [{ b: [{ c: [1] }] }] });
add("big nested object", Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, { index: i, tags: ["t1", "t2"], nested: { deep: { deeper: i } } }])));

// ---- classes -------------------------------------------------------------------
class Foo { constructor() { this.x = 1; } }
class Empty {}
class Bar extends Foo { constructor() { super(); this.y = [1, 2]; } }
class Tagged { get [Symbol.toStringTag]() { return "TagName"; } }
class WithGetter { constructor() { this.a = 1; } get b() { return 2; } method() {} }
class Point { constructor(x, y) { this.x = x; this.y = y; } }
add("class instance", new Foo());
add("class instance empty", new Empty());
add("subclass instance", new Bar());
add("class with tag", new Tagged());
add("class with tag and props", Object.assign(new Tagged(), { p: 1 }));
add("class with getter", new WithGetter());
add("class nested", { p: new Point(1, 2), list: [new Point(3, 4)] });
add("class deep", { a: { b: { c: new Point(0, 0), d: new Empty() } } });
add("class deep non empty", { a: { b: { c: { p: new Point(1, 1) } } } });
add("anonymous class instance", new (class {})());
add("constructor name mismatch tag", Object.assign(Object.create(Foo.prototype), { [Symbol.toStringTag]: "Other" }));
add("object with constructor prop", { constructor: "not a function" });
add("instance of function ctor", new (function Legacy() { this.v = 1; })());
add("class static props", Object.assign(class Stat {}, { count: 1 }));

// ---- functions -----------------------------------------------------------------
function namedFn() {}
const arrow = () => {};
add("function", namedFn);
add("anonymous function", [function () {}]);
add("arrow", arrow);
add("anonymous arrow", [() => {}]);
add("class", Foo);
add("class extends", Bar);
add("anonymous class", [class {}]);
add("class extends call", class A extends ((B) => B)(Object) {});
add("class with comment", class /* (paren) */ C {});
add("function with props", Object.assign(function withProp() {}, { prop: 1 }));
add("async function", async function af() {});
add("async arrow", async () => {});
add("generator function", function* gen() {});
add("async generator function", async function* agen() {});
add("bound function", namedFn.bind(null));
add("builtin function", Math.max);
add("function null proto", Object.setPrototypeOf(function np() {}, null));
add("function with toStringTag", Object.assign(function tg() {}, { [Symbol.toStringTag]: "T" }));
add("function renamed", Object.defineProperty(function () {}, "name", { value: "renamed" }));
add("method shorthand", { m() {} }.m);
add("functions in array", [namedFn, arrow, Foo, Math.min]);

// ---- Map / Set / Weak --------------------------------------------------------------
add("map", new Map([["a", 1], ["b", 2]]));
add("empty map", new Map());
add("map object keys", new Map([[{ k: 1 }, [1, 2]], [null, undefined]]));
add("nested map", new Map([["m", new Map([["n", new Map([["o", new Map([["p", 1]])]])]])]]));
add("map long", new Map(Array.from({ length: 10 }, (_, i) => [`key${i}`, `value${i}`])));
add("map 120", new Map(Array.from({ length: 120 }, (_, i) => [i, i])));
add("set", new Set([1]));
add("set many", new Set(["a", "b", { c: 1 }]));
add("empty set", new Set());
add("set 120", new Set(Array.from({ length: 120 }, (_, i) => i)));
add("set of arrays", new Set([[1, 2], [3, 4]]));
add("map with props", Object.assign(new Map([[1, 2]]), { extra: true }));
add("set with props", Object.assign(new Set(), { extra: true }));
add("map subclass", new (class MyMap extends Map {})([[1, 2]]));
add("set subclass empty", new (class MySet extends Set {})());
add("weakmap", new WeakMap());
add("weakset", new WeakSet());
add("weakmap in object", { wm: new WeakMap([[{}, 1]]) });
add("map in depth", { a: { b: { c: new Map([[1, 2]]), d: new Set([1]) } } });
add("map circular", (() => { const m = new Map(); m.set("self", m); return m; })());

// ---- Date / RegExp -------------------------------------------------------------------
add("date", new Date(0));
add("date in object", { when: new Date(Date.UTC(2020, 1, 29, 12, 30, 15, 123)) });
add("invalid date", new Date(NaN));
add("invalid date in array", [new Date("nope")]);
add("date with props", Object.assign(new Date(0), { tz: "utc" }));
add("date subclass", new (class MyDate extends Date {})(0));
add("regexp", /a/g);
add("regexp complex", /^(?:[a-z]+)\/\d{2,}$/imsu);
add("regexp in object", { re: /x\ny/ });
add("regexp with props", Object.assign(/r/, { p: 1 }));
add("regexp subclass", new (class MyRe extends RegExp {})("z", "g"));
add("new RegExp", new RegExp("a/b", "y"));

// ---- Errors --------------------------------------------------------------------------
const err = new Error("boom");
add("error", err);
add("error in object", { err });
add("error in array", [err]);
add("error nested deep", { a: { b: { c: { err } } } });
add("type error", new TypeError("bad type"));
add("range error", new RangeError("out"));
add("error with props", Object.assign(new Error("with props"), { code: "E_CODE", errno: 42 }));
add("error no stack", (() => { const e = new Error("x"); e.stack = undefined; return e; })());
add("error deleted stack", (() => { const e = new Error("x"); delete e.stack; return e; })());
add("error no stack in array", [(() => { const e = new Error("y"); delete e.stack; return e; })()]);
add("error no stack with props", (() => { const e = new Error("z"); delete e.stack; e.code = 1; return e; })());
add("error empty message", new Error());
add("error custom stack", (() => { const e = new Error("m"); e.stack = "custom stack text"; return e; })());
class MyError extends Error {}
class NamedError extends Error { constructor(m) { super(m); this.name = "NamedError"; } }
add("error subclass", new MyError("sub"));
add("error subclass named", new NamedError("named"));
add("error with cause", new Error("outer", { cause: new Error("inner") }));
add("error with primitive cause", new Error("outer", { cause: "just a string" }));
add("error with name changed", (() => { const e = new Error("n"); e.name = "Changed"; return e; })());
add("aggregate error", new AggregateError([new Error("a1"), new Error("a2")], "agg"));
add("error multiline message", new Error("line1\nline2"));
add("error null proto", (() => { const e = new Error("np"); Object.setPrototypeOf(e, null); return e; })());
add("error in map", new Map([["e", new Error("in map")]]));
add("error with enumerable name", (() => { const e = new Error("en"); Object.defineProperty(e, "name", { value: "Error", enumerable: true }); return e; })());
add("error-like object", { name: "Error", message: "not real" });

// ---- boxed primitives ----------------------------------------------------------------
add("boxed number", new Number(3));
add("boxed -0", new Number(-0));
add("boxed string", new String("x"));
add("boxed string quote", new String("it's"));
add("boxed string with prop", Object.assign(new String("ab"), { x: 1 }));
add("boxed boolean", new Boolean(false));
add("boxed symbol", Object(Symbol("s")));
add("boxed bigint", Object(5n));
add("boxed in array", [new Number(1), new String("s"), new Boolean(true)]);
add("boxed number subclass", new (class MyNum extends Number {})(4));

// ---- typed arrays / buffers ----------------------------------------------------------
add("uint8array", new Uint8Array([1, 2, 3]));
add("empty uint8array", new Uint8Array(0));
add("float64array", new Float64Array([1.5, -0, NaN]));
add("int16array long", new Int16Array(150).map((_, i) => i * 3 - 100));
add("bigint64array", new BigInt64Array([1n, -2n]));
add("typed array with prop", Object.assign(new Uint8Array(2), { p: 1 }));
add("typed array 30", new Uint32Array(30).map((_, i) => i * i * i));
add("uint8clamped", new Uint8ClampedArray([255, 0]));
add("typed array in object", { data: new Float32Array([0.5, 1.25]) });
add("typed array subclass", new (class MyBytes extends Uint8Array {})(2));
add("arraybuffer", new Uint8Array([1, 2]).buffer);
add("empty arraybuffer", new ArrayBuffer(0));
add("arraybuffer large", new ArrayBuffer(120));
add("arraybuffer in object", { buf: new Uint8Array([255, 16]).buffer });
add("dataview", new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2));
add("sharedarraybuffer", new SharedArrayBuffer(3));

// ---- circular ----------------------------------------------------------------------------
const self = { name: "self" };
self.self = self;
add("circular object", self);
const ca = [1];
ca.push(ca);
add("circular array", ca);
const c1 = { name: "c1" };
const c2 = { name: "c2", c1 };
c1.c2 = c2;
add("two-node cycle", c1);
const multi = { a: {}, b: {} };
multi.a.root = multi;
multi.b.inner = multi.b;
add("multiple refs", multi);
add("circular in array element", [self, self]);
const shared = { s: 1 };
add("shared non-circular", { x: shared, y: shared });
const deepCycle = { l1: { l2: { l3: {} } } };
deepCycle.l1.l2.l3.back = deepCycle;
add("deep cycle", deepCycle);
const fnCycle = function cyc() {};
fnCycle.me = fnCycle;
add("function cycle", fnCycle);

// ---- promises / generators / misc -----------------------------------------------------
add("pending promise", new Promise(() => {}));
add("generator object", (function* () {})());
add("async generator object", (async function* () {})());
add("arguments", (function () { return arguments; })(1, 2));
add("empty arguments", (function () { return arguments; })());
add("strict arguments", (function () { "use strict"; return arguments; })("a"));
add("weakref", new WeakRef({}));
add("Math", Math);
add("JSON", JSON);
add("Reflect keys", Object.keys(Reflect).slice(0, 3));
add("iterator result", [1, 2][Symbol.iterator]().next());
add("object with custom inspect", { [Symbol.for("nodejs.util.inspect.custom")]() { return "CUSTOM"; } });
add("custom inspect returns object", { inner: { [Symbol.for("nodejs.util.inspect.custom")]() { return { replaced: true }; } } });
add("custom inspect multiline", { inner: { [Symbol.for("nodejs.util.inspect.custom")]() { return "line1\nline2"; } } });
add("custom inspect depth", { a: { [Symbol.for("nodejs.util.inspect.custom")](depth) { return `depth=${depth}`; } } });
add("object with toString", { toString() { return "custom"; } });
add("globalThis-like", { process: undefined, Buffer: undefined });

// ---- util.format placeholders --------------------------------------------------------------
add("%s string", "%s!", "hi");
add("%s number", "%s", 42);
add("%s -0", "%s", -0);
add("%s bigint", "%s", 7n);
add("%s symbol", "%s", Symbol("q"));
add("%s undefined null", "%s %s", undefined, null);
add("%s object", "%s", { a: { b: 1 } });
add("%s array", "%s", [1, [2, [3]]]);
add("%s date", "%s", new Date(0));
add("%s error", "%s", new Error("s-err"));
add("%s class instance", "%s", new Foo());
add("%s toString instance", "%s", new (class T { toString() { return "T!"; } })());
add("%s own toString", "%s", { toString() { return "own"; } });
add("%s null proto", "%s", Object.create(null));
add("%s function", "%s", namedFn);
add("%s map", "%s", new Map([[1, { deep: true }]]));
add("%d", "%d", 42.5);
add("%d string", "%d", "42");
add("%d bigint", "%d", 5n);
add("%d symbol", "%d", Symbol("x"));
add("%d object", "%d", {});
add("%d -0", "%d", -0);
add("%i", "%i", 42.9);
add("%i string", "%i", "0x1f");
add("%i bigint", "%i", 9n);
add("%i symbol", "%i", Symbol());
add("%f", "%f", "3.25abc");
add("%f symbol", "%f", Symbol());
add("%f -0", "%f", "-0");
add("%j", "%j", { a: [1, "2"] });
add("%j circular", "%j", self);
add("%j undefined", "%j", undefined);
add("%j string", "%j", "str");
add("%o", "%o", { a: 1 });
add("%o array", "%o", [1, 2]);
add("%o nested", "%o", { a: { b: { c: { d: { e: { f: 1 } } } } } });
add("%o function", "%o", namedFn);
add("%o class instance", "%o", new WithGetter());
add("%o map", "%o", new Map([["k", "v"]]));
add("%o typed array", "%o", new Uint8Array([1, 2]));
add("%o string", "%o", "str");
add("%O", "%O", { a: { b: { c: { d: 1 } } } });
add("%O string", "%O", "str");
add("%c", "%cstyled%c text", "color: red", "color: blue");
add("%%", "100%% sure");
add("%% with args", "%d%% of %s", 50, "total");
add("unknown placeholder", "%x %s", "a");
add("trailing percent", "50%", 1);
add("missing args", "%s and %s", "one");
add("extra args", "%s", "a", "b", { c: 1 });
add("no placeholders extra", "plain", 1, "two", [3]);
add("first non-string", 1, "%s", 2);
add("placeholder at end", "value: %s");
add("percent only", "%");
add("double percent only arg", "%%");
add("adjacent placeholders", "%s%s%d", "a", "b", 3);
add("percent then placeholder", "%%%s", "x");
add("object first then string", { a: 1 }, "str");
add("string args with newline", "a\nb", "c\nd");
add("symbol after format", "%s", "x", Symbol("y"));

// ---- trickier layout / type cases -------------------------------------------------------
add("objects in long array", Array.from({ length: 12 }, (_, i) => (i % 2 ? { i } : i)));
add("long array more items grouped", Array.from({ length: 130 }, (_, i) => `item${i}`));
add("depth quirk", { a: { b: { c: {} } }, x: [{ y: { z: 1 } }] });
add("depth quirk 2", [{ a: 1, b: { c: [1, 2, { d: 1 }] } }, { e: [[]] }]);
add("getter element", Object.defineProperty([], 0, { get() { return 1; }, enumerable: true }));
add("unicode key", { café: 1, ключ: 2, k1: 3 });
add("typed array grouped", new Float64Array(20).map((_, i) => i * 1.5));
add("holes grouped", (() => { const a = Array.from({ length: 12 }, (_, i) => i); delete a[3]; delete a[4]; return a; })());
add("map breaking", new Map([["first", { alpha: "a".repeat(20), beta: "b".repeat(20) }], ["second", [1, 2, 3]]]));
add("set in array deep", [[[new Set([1, 2])]]]);
add("null proto deep", { a: { b: { c: Object.create(null) } }, x: { y: { z: Object.assign(Object.create(null), { q: 1 }) } } });
add("class at depth", { a: { b: { c: new Point(1, 2) } } });
add("map at depth", { a: { b: { c: new Map([[1, 2]]), s: new Set([1]), arr: [1], sub: new (class MyArr extends Array {})(1, 2) } } });
add("null proto array", Object.setPrototypeOf([1, 2], null));
add("null proto map", Object.setPrototypeOf(new Map([[1, 2]]), null));
add("null proto set", Object.setPrototypeOf(new Set([1]), null));
add("null proto typed array", Object.setPrototypeOf(new Uint8Array([1, 2]), null));
add("null proto boxed", Object.setPrototypeOf(new Number(1), null));
add("null proto date", Object.setPrototypeOf(new Date(0), null));
add("null proto regexp", Object.setPrototypeOf(/x/, null));
add("null proto with tag", Object.assign(Object.create(null), { [Symbol.toStringTag]: "T" }));
add("null proto with hidden tag", Object.defineProperty(Object.create(null), Symbol.toStringTag, { value: "T" }));
add("object from array proto", Object.create(Array.prototype));
add("error message changed", (() => { const e = new Error("orig"); e.message = "changed"; return e; })());
add("error with props nested", { wrap: Object.assign(new Error("inner"), { code: "X", details: { a: [1, 2] } }) });
function makeErrors() { const cause = new Error("root"); return new Error("top", { cause }); }
add("error with cause same frames", makeErrors());
add("error cause nested in object", { e: makeErrors() });
add("error subclass with props", Object.assign(new MyError("mine"), { extra: [1] }));
add("error non-error name", (() => { const e = new TypeError("t"); e.name = "Custom"; return e; })());
add("error class with static name", new (class ValidationError extends Error { get name() { return "ValidationError"; } })("v"));
add("error with toStringTag", Object.defineProperty(new Error("tt"), Symbol.toStringTag, { value: "Tag" }));
add("class extends null", class N extends null {});
add("class with name prop", class { static name = "Renamed"; });
add("symbol description escapes", { [Symbol("a\nb")]: 1 });
add("non-enumerable key name escape", (() => { const o = {}; Object.defineProperty(o, "a\nb", { value: 1 }); return o; })());
add("object many long keys", Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`a_very_long_property_name_number_${i}`, i])));
add("array of maps", [new Map([[1, 2]]), new Map()]);
add("array of sets grouped", Array.from({ length: 8 }, () => new Set()));
add("array of empty objects", Array.from({ length: 10 }, () => ({})));
add("array of empty arrays", Array.from({ length: 10 }, () => []));
add("nested array grouping inside", [Array.from({ length: 30 }, (_, i) => i), "x"]);
add("multiple circular refs", (() => { const a = { n: "a" }; const b = { n: "b", a }; a.b = b; a.self = a; b.self = b; return [a, b]; })());
add("circular in map value", (() => { const o = { m: new Map() }; o.m.set("o", o); return o; })());
add("circular in set", (() => { const s = new Set(); s.add(s); return s; })());
add("circular via array", (() => { const o = { list: [] }; o.list.push(o, o); return o; })());
add("circular class", (() => { const p = new Point(1, 2); p.self = p; return p; })());
add("circular error", (() => { const e = new Error("circ"); e.self = e; return e; })());
add("proxy object", new Proxy({ a: 1 }, {}));
add("proxy array", new Proxy([1, 2], {}));
add("long string in nested array", { a: [["x".repeat(90)]] });
add("entry with newline forces break", { a: "x", b: new Error("e") });
add("array of functions grouped", Array.from({ length: 8 }, (_, i) => Object.defineProperty(() => {}, "name", { value: `f${i}` })));
add("array of symbols grouped", Array.from({ length: 8 }, (_, i) => Symbol(`s${i}`)));
add("array 7 strings short", ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g"]);
add("array 16 mixed widths", Array.from({ length: 16 }, (_, i) => "x".repeat(i % 7 + 1)));
add("array with one long", ["a", "b", "c", "d", "e", "f", "g", "h".repeat(40)]);
add("numbers 1..200", Array.from({ length: 200 }, (_, i) => i + 1));
add("%o class", "%o", Foo);
add("%o circular", "%o", self);
add("%o error", "%o", new Error("o-err"));
add("%o arrow", "%o", () => {});
add("%o set", "%o", new Set([1]));
add("%o null proto", "%o", Object.assign(Object.create(null), { a: 1 }));
add("%o nested arrays", "%o", [[1, [2, [3, [4, [5, [6]]]]]]]);
add("%o string object", "%o", new String("ab"));
add("%o subclass instance", "%o", new Bar());
add("%s nested in text", "a %s b %s c", [1, 2], { x: "y" });
add("%s boxed", "%s", new Number(5));
add("%s array of objects", "%s", [{ a: 1 }, { b: { c: 2 } }]);
add("%s circular", "%s", self);
add("%s long array", "%s", Array.from({ length: 30 }, (_, i) => i));
add("%d boolean", "%d", true);
add("%d null undefined", "%d %d", null, undefined);
add("%i -0", "%i", -0.5);
add("%f object", "%f", {});
add("%j function", "%j", () => {});
add("%j bigint throws? no, toJSON", "%j", { toJSON() { return "json!"; } });
add("%O depth", "%O", { a: { b: { c: { d: { e: 1 } } } } });

// ---- V8 class names, widths, %s with toPrimitive -----------------------------------------
add("null proto enumerable tag", Object.assign(Object.create(null), { [Symbol.toStringTag]: "T", a: 1 }));
add("null proto enumerable tag deep", { a: { b: { c: Object.assign(Object.create(null), { [Symbol.toStringTag]: "T", x: 1 }) } } });
add("proto of null proto with tag", Object.assign(Object.create(Object.create(null)), { [Symbol.toStringTag]: "T" }));
add("null proto array deep", { a: { b: { c: Object.setPrototypeOf([1], null) } } });
add("null proto map deep", { a: { b: { c: Object.setPrototypeOf(new Map([[1, 2]]), null) } } });
add("tampered Object.prototype.constructor", (() => {
  const saved = Object.prototype.constructor;
  Object.prototype.constructor = function Fake() {};
  try { return util.format({ a: 1 }) === lib.format({ a: 1 }) ? "same" : "differs"; } finally { Object.prototype.constructor = saved; }
})());
add("%s toPrimitive object", "%s", { [Symbol.toPrimitive]() { return "prim"; } });
add("%s class with toPrimitive", "%s", new (class P { [Symbol.toPrimitive]() { return "P!"; } })());
add("%s object without toString", "%s", Object.assign(Object.create(null), { a: 1 }));
add("emoji widths grouped", ["😀", "🚀", "é", "e\u0301", "中", "ａ", "\u200b", "♥", "❤️", "👍🏽", "🇺🇸", "x", "y"]);
add("mixed width words", Array.from({ length: 24 }, (_, i) => ["日本語", "abc", "한국어", "🎉🎉", "Ωmega", "naïve"][i % 6]));
add("ansi in symbol grouped", Array.from({ length: 8 }, (_, i) => Symbol(`\x1b[3${i}mc\x1b[0m`)));
add("numbers with exponent grouped", [1e21, 2e-7, 3, 4, 5, 6, 7, 8]);

// ---- built-in prototypes and odd receivers -------------------------------------------------
add("Object.prototype", Object.prototype);
add("Array.prototype", Array.prototype);
add("Function.prototype", Function.prototype);
add("Map.prototype", Map.prototype);
add("Set.prototype", Set.prototype);
add("Date.prototype", Date.prototype);
add("RegExp.prototype", RegExp.prototype);
add("Error.prototype", Error.prototype);
add("TypeError.prototype", TypeError.prototype);
add("Promise.prototype", Promise.prototype);
add("Symbol.prototype", Symbol.prototype);
add("Number.prototype", Number.prototype);
add("String.prototype", String.prototype);
add("Uint8Array.prototype", Uint8Array.prototype);
add("class prototype", Foo.prototype);
add("class prototype with method", WithGetter.prototype);
add("Object.create(Error.prototype)", Object.create(Error.prototype));
add("Object.create(Date.prototype)", Object.create(Date.prototype));
add("Object.create(Map.prototype)", Object.create(Map.prototype));
add("re-prototyped date", Object.setPrototypeOf(new Date(0), Object.prototype));
add("re-prototyped error", Object.setPrototypeOf(new Error("rp"), Object.prototype));
add("re-prototyped array", Object.setPrototypeOf([1, 2], Object.prototype));
add("re-prototyped map to class", Object.setPrototypeOf(new Map([[1, 2]]), Foo.prototype));
add("iterable class", new (class Iter { *[Symbol.iterator]() { yield 1; } })());
add("object with iterator prop", { [Symbol.iterator]: null, a: 1 });

// ---- inspect options (called through lib.inspect) -------------------------------------
addInspect("depth 0", { a: { b: 1 } }, { depth: 0 });
addInspect("depth Infinity", { a: { b: { c: { d: { e: 1 } } } } }, { depth: Infinity });
addInspect("depth null", { a: { b: { c: { d: [1] } } } }, { depth: null });
addInspect("breakLength Infinity", { a: "x".repeat(100), b: 2 }, { breakLength: Infinity });
addInspect("compact false", { a: 1, b: [1, 2] }, { compact: false });
addInspect("compact true", { a: 1, b: { c: "x".repeat(80) } }, { compact: true });
addInspect("compact 1", { a: { b: { c: 1 } } }, { compact: 1 });
addInspect("sorted", { b: 1, a: 2, c: 3 }, { sorted: true });
addInspect("sorted array extras", Object.assign([3, 1], { z: 1, a: 2 }), { sorted: true });
addInspect("maxArrayLength 2", [1, 2, 3, 4], { maxArrayLength: 2 });
addInspect("maxArrayLength 0", new Set([1, 2]), { maxArrayLength: 0 });
addInspect("maxStringLength", "abcdefgh", { maxStringLength: 3 });
addInspect("showHidden array", [1, 2], { showHidden: true });
addInspect("showHidden object", Object.defineProperty({ a: 1 }, "h", { value: 2 }), { showHidden: true });
addInspect("showHidden typed array", new Uint8Array([1]), { showHidden: true });
addInspect("showHidden error", new Error("hidden"), { showHidden: true });
addInspect("getters true", { get g() { return { x: 1 }; }, get p() { return 5; }, get n() { return null; } }, { getters: true });
addInspect("getters throws", { get t() { throw new Error("nope"); } }, { getters: true });
addInspect("numericSeparator", [1234567, 1234.56789, -1000, 123, 1234567n, 0.0001, -0.5, -1234.5678, 1e21, NaN, -0], { numericSeparator: true });
addInspect("top string", "it's a string", undefined);
addInspect("top multiline string", "a\n".repeat(60), undefined);
addInspect("legacy args", { a: { b: { c: { d: 1 } } } }, true);
addInspect("custom inspect with options", { [Symbol.for("nodejs.util.inspect.custom")](d, o, i) { return i({ nested: [1, 2] }, o); } }, {});

// ---- seeded random structures (layout fuzzing) -------------------------------------------
{
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const words = ["a", "bb", "key", "longer_key", "with space", "it's", "x-y", "中文", "😀", "line\nbreak"];
  class Alpha {}
  class Beta { constructor() { this.b = 1; } }
  class Gamma extends Beta { get [Symbol.toStringTag]() { return "G"; } }
  const leaf = () => pick([
    () => Math.floor(rand() * 1000) - 500,
    () => rand() * 100,
    () => pick(words).repeat(1 + Math.floor(rand() * 12)),
    () => null,
    () => undefined,
    () => true,
    () => BigInt(Math.floor(rand() * 1e6)),
    () => Symbol(pick(words)),
    () => new Date(Math.floor(rand() * 1e12)),
    () => /re+/gi,
  ])();
  const gen = (depth) => {
    if (depth > 4 || rand() < 0.35) return leaf();
    const n = Math.floor(rand() * (rand() < 0.2 ? 40 : 8));
    switch (Math.floor(rand() * 6)) {
      case 0: {
        const obj = rand() < 0.3 ? new (pick([Alpha, Beta, Gamma]))() : {};
        for (let i = 0; i < n; i++) obj[pick(words) + i] = gen(depth + 1);
        if (rand() < 0.15) obj.self = obj;
        return obj;
      }
      case 1: case 2: {
        const arr = [];
        for (let i = 0; i < n; i++) arr.push(gen(depth + 1));
        if (rand() < 0.1) arr[n + 3] = 1;
        return arr;
      }
      case 3: {
        const map = new Map();
        for (let i = 0; i < n; i++) map.set(gen(depth + 2), gen(depth + 1));
        return map;
      }
      case 4: return pick([() => new Uint8Array(n * 3), () => Object.assign(Object.create(null), { n })])();
      default: {
        const set = new Set();
        for (let i = 0; i < n; i++) set.add(gen(depth + 1));
        return set;
      }
    }
  };
  const optionSets = [{}, { depth: 4 }, { breakLength: 120 }, { compact: 1 }, { depth: Infinity },
    { sorted: true }, { compact: false }, { breakLength: 40 }, { compact: true }, { maxArrayLength: 3 }];
  for (let i = 0; i < 300; i++) {
    const value = gen(0);
    if (i % 3 === 0) add(`fuzz #${i}`, value);
    else addInspect(`fuzz #${i}`, value, optionSets[i % optionSets.length]);
  }
}

// ---- run ---------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
function check(label, expected, actualFn) {
  let actual;
  try {
    actual = actualFn();
  } catch (e) {
    actual = `THREW ${e && e.stack}`;
  }
  if (actual === expected) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${label}\n  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`);
  }
}

for (const [label, args] of cases) {
  check(label, util.format(...args), () => lib.format(...args));
}
for (const [label, value, options] of inspectCases) {
  const expected = options === true ? util.inspect(value, true, 5) : util.inspect(value, options);
  check(`inspect: ${label}`, expected, () =>
    options === true ? lib.inspect(value, true, 5) : lib.inspect(value, options));
}

// Host hooks: hidden keys and promise state.
const hidden = Symbol("hidden");
lib.hiddenKeys.add(hidden);
check("hook: hiddenKeys", util.format({ a: 1 }), () => lib.format({ a: 1, [hidden]: 2 }));
check("hook: hiddenKeys non-enumerable showHidden", util.format("%o", { a: 1 }),
  () => lib.format("%o", Object.defineProperty({ a: 1 }, hidden, { value: 1 })));
lib.hiddenKeys.delete(hidden);

const states = new Map();
lib.promiseState = (p) => states.get(p);
const fulfilled = Promise.resolve(1);
states.set(fulfilled, { state: "fulfilled", value: 1 });
const rejected = Promise.reject(new Error("rej"));
rejected.catch(() => {});
states.set(rejected, { state: "rejected", value: new Error("rej") });
const fulfilledObj = Promise.resolve({ a: [1, 2] });
states.set(fulfilledObj, { state: "fulfilled", value: { a: [1, 2] } });
check("hook: fulfilled promise", "Promise { 1 }", () => lib.format(fulfilled));
check("hook: fulfilled object promise", "Promise { { a: [ 1, 2 ] } }", () => lib.format(fulfilledObj));
check("hook: rejected promise", util.format(rejected).split("\n")[0], () => lib.format(rejected).split("\n")[0]);
check("hook: pending promise", "Promise { <pending> }", () => lib.format(new Promise(() => {})));
check("hook: promise in object", "{ p: Promise { 1 } }", () => lib.format({ p: fulfilled }));
lib.promiseState = undefined;

// Stack-only (QuickJS-style) error stacks get a V8-style header.
const qjsError = new Error("qjs");
Object.defineProperty(qjsError, "stack", { value: "    at f (a.js:1)\n    at <eval> (a.js:3)\n", enumerable: false });
check("quickjs-style stack", "Error: qjs\n    at f (a.js:1)\n    at <eval> (a.js:3)", () => lib.format(qjsError));

// The library takes its built-ins from 00_boot.js's primordials: a program that replaces
// them (an instrumented program's prelude replaces Array.prototype's callback takers)
// changes nothing.
{
  const values = [
    [1, [2, { a: new Map([[1, { b: new Set([3]) }]]) }]], { s: "y".repeat(100), a: Array(30).fill(7) },
    new Error("e"), Object.create(null), new Date(0), /re/g, new Uint8Array(4), Symbol("s"),
    { [Symbol("k")]: 1, get g() { return 1; } }, class A {}, function f() {}, new WeakMap(), Object(1n),
  ];
  const show = () => {
    const out = [];
    for (const v of values) out.push(lib.inspect(v, { showHidden: true, sorted: true }), lib.format("%o %O %s", v, v, v));
    return out.join("\n");
  };
  const expected = show();
  const replaced = [[Reflect, "apply"], [Object, "getPrototypeOf"], [Object, "getOwnPropertyDescriptor"],
    [Object.prototype, "hasOwnProperty"], [Object.prototype, "toString"], [Function.prototype, "call"],
    [Map.prototype, "entries"], [Set.prototype, "values"], [Date.prototype, "toISOString"]];
  for (const name of ["every", "filter", "find", "findIndex", "forEach", "map", "reduce", "some", "sort", "flatMap"]) {
    replaced.push([Array.prototype, name]);
  }
  const originals = [];
  for (const [holder, name] of replaced) {
    originals.push(holder[name]);
    holder[name] = () => { throw new Error(`the program's ${name}`); };
  }
  let actual;
  try {
    actual = show();
  } catch (e) {
    actual = `THREW ${e && e.stack}`;
  }
  for (let i = 0; i < replaced.length; i++) replaced[i][0][replaced[i][1]] = originals[i];
  check("built-ins replaced by the program", expected, () => actual);
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
