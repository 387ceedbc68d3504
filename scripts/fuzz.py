#!/usr/bin/env python3
"""Differential fuzzer for things-js: random programs, node as the reference.

Generates random, deterministic, terminating node-style scripts from a seed,
built from the constructs the instrumenter rewrites (closures over mutated
outer variables, per-iteration `let` with closures in arrays, labeled loops
with break/continue, switch fallthrough, try/catch/finally with return and
break in finally, generators with yield/yield*/return()/throw(), async
functions awaiting promises and short timers, classes with inheritance,
super, statics, private fields and methods, accessors, object literals,
destructuring, spread, optional chaining, ??, templates and tagged
templates, bounded recursion, Array callbacks, Map/Set, labeled blocks,
`arguments`, `this` in methods and arrows, errors thrown through frames).
Each program is one statement per line, runs a few thousand yield points,
prints progress and a final summary.

For each program, `node prog.js` gives the expected stdout. Then:
  run      `things-js run prog.js --report-counts` must print the same
           (and exit 0); its stderr gives the number of yield points N.
  restore  at --points yield points K in 1..N (chosen from the seed), each
           separately: `run --snapshot-at-yield K -o snap.json` followed by
           `restore snap.json`; the two stdouts concatenated must equal
           node's, and the restore must exit 0.
A snapshot the program refuses ("snapshot failed: ...", the program keeps
running) is counted as *refused*, grouped by its message: a legitimate
outcome, not a wrong result; but if the run that went on after the refusal
prints something else than node, that is a failure (differ_refused).
A run that differs is also run with `--raw`
(plain QuickJS): if that differs too, it is an engine difference
(differ_run_raw), not an instrumentation bug.

Failures (differ_run, differ_restore, differ_refused, crash, timeout; also
differ_run_raw) are kept in --keep DIR
(prog.js, expected/got outputs, info.txt with the commands to reproduce)
and minimized: lines and whole blocks are deleted, and the driver's
iteration count is lowered, while the same kind of failure persists
(prog.min.js). Minimizations already under way when --seconds runs out
finish, each capped by --min-seconds.

Everything runs under `nice -n 19` with timeouts (a hang is a failure).
Python 3.11, standard library only. Examples:

  python3 scripts/fuzz.py --seconds 600 --jobs 2
  python3 scripts/fuzz.py --emit 1234 > /tmp/p.js     # one program, no run
  python3 scripts/fuzz.py --seed 1234 --count 1        # re-check one seed
  python3 scripts/fuzz.py --without labeled-dowhile     # look past a known bug
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import copy
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The release build if there is one, else the debug build.
DEFAULT_BIN = next(
    (str(p) for p in (REPO / "target/release/things-js", REPO / "target/debug/things-js") if p.exists()),
    str(REPO / "target/debug/things-js"),
)
MOD = 1009

# ---------------------------------------------------------------------------
# Program generator
# ---------------------------------------------------------------------------


class Ent:
    """A name (or lvalue/callee expression) visible to generated code.

    tid: None if usable anywhere in scope, else the id of the `this` it
    depends on (usable only in functions with that same `this`)."""

    __slots__ = ("x", "tid", "ident", "ar", "cost")

    def __init__(self, x, tid=None, ident=True, ar=0, cost=1):
        self.x, self.tid, self.ident, self.ar, self.cost = x, tid, ident, ar, cost


class Scope:
    def __init__(self, parent=None):
        self.parent = parent
        self.lv: list[Ent] = []  # assignable ints
        self.rv: list[Ent] = []  # readable ints
        self.fns: list[Ent] = []  # callables taking ints, returning ints


class FnInfo:
    """kind: top, plain, arrow, gen, async, method."""

    def __init__(self, kind, tid, args_ok):
        self.kind, self.tid, self.args_ok = kind, tid, args_ok


class Ctx:
    def __init__(self, scope, fn, loops=(), depth=0, ind=0, budget=40,
                 intry=False, keep=None):
        self.scope, self.fn, self.loops = scope, fn, loops
        self.depth, self.ind, self.budget = depth, ind, budget
        self.intry, self.keep = intry, keep

    def sub(self, **kw):
        """A nested block of the same function."""
        c = copy.copy(self)
        c.scope = Scope(self.scope)
        c.depth, c.ind = self.depth + 1, self.ind + 1
        for k, v in kw.items():
            setattr(c, k, v)
        return c

    def func(self, fn, budget, ind=None):
        """The body of a nested function."""
        return Ctx(Scope(self.scope), fn, (), self.depth + 1,
                   self.ind + 1 if ind is None else ind, budget, False,
                   self.keep)

    def _walk(self, attr):
        s = self.scope
        while s is not None:
            for e in getattr(s, attr):
                if e.tid is None or e.tid == self.fn.tid:
                    yield e
            s = s.parent

    def lvs(self, ident=False):
        return [e for e in self._walk("lv") if e.ident or not ident]

    def rvs(self):
        return [e.x for e in self._walk("rv")] + [e.x for e in self._walk("lv")]

    def fns(self):
        return list(self._walk("fns"))

    @property
    def I(self):  # noqa: E743 - indentation
        return "  " * self.ind


class Gen:
    def __init__(self, seed, without=()):
        self.seed = seed
        self.without = set(without)
        self.r = random.Random(seed)
        self.n = 0
        self.tids = 0
        self.async_units = False

    # -- names and small pieces ------------------------------------------
    def nm(self, p):
        self.n += 1
        return f"{p}{self.n}"

    def tid(self):
        self.tids += 1
        return self.tids

    def lit(self, hi=12):
        return str(self.r.randint(0, hi))

    def expr(self, c, d=0):
        """An int-valued expression: (text, cost)."""
        r = self.r
        rv = c.rvs()
        if d >= 3 or r.random() < 0.3 + 0.2 * d:
            if rv and r.random() < 0.75:
                return r.choice(rv), 0
            return self.lit(), 0
        k = r.random()
        if k < 0.42:
            a, ca = self.expr(c, d + 1)
            b, cb = self.expr(c, d + 1)
            op = r.choice("++-*%^&|")
            if op == "*":
                return f"(({a} * {b}) % {MOD})", ca + cb
            if op == "%":
                return f"({a} % {r.randint(2, 9)})", ca
            if op == "&":
                return f"({a} & {r.choice([7, 15, 31, 255])})", ca
            return f"({a} {op} {b})", ca + cb
        if k < 0.5:
            t, ct = self.cond(c, d + 1)
            a, ca = self.expr(c, d + 1)
            b, cb = self.expr(c, d + 1)
            return f"({t} ? {a} : {b})", ct + max(ca, cb)
        if k < 0.66:
            fns = [f for f in c.fns() if f.cost <= max(2, c.budget // 2)]
            if fns:
                f = r.choice(fns)
                args, cost = [], f.cost + 1
                for _ in range(f.ar):
                    a, ca = self.expr(c, d + 1)
                    args.append(a)
                    cost += ca
                return f"{f.x}({', '.join(args)})", cost
            return self.expr(c, 3)
        if k < 0.72:
            a, ca = self.expr(c, d + 1)
            b, cb = self.expr(c, d + 1)
            fn = r.choice(["Math.max", "Math.min"])
            return f"{fn}({a}, {b})", ca + cb
        if k < 0.76:
            a, ca = self.expr(c, d + 1)
            return f"Math.abs({a})", ca
        if k < 0.81:
            a, ca = self.expr(c, d + 1)
            b, cb = self.expr(c, d + 1)
            return "`${" + a + "}:${" + b + "}`.length", ca + cb
        if k < 0.85:
            a, ca = self.expr(c, d + 1)
            b, cb = self.expr(c, d + 1)
            return f"({a} ?? {b})", ca + cb
        if k < 0.9:
            a, ca = self.expr(c, d + 1)
            b, cb = self.expr(c, d + 1)
            return f"[{a}, {b}, {self.lit()}][{r.randint(0, 2)}]", ca + cb
        if k < 0.95:
            a, ca = self.expr(c, d + 1)
            return f"Math.floor({a} / {r.randint(2, 5)})", ca
        a, ca = self.expr(c, d + 1)
        return f"({a} | 0)", ca

    def cond(self, c, d=1):
        r = self.r
        a, ca = self.expr(c, d)
        k = r.random()
        if k < 0.5:
            m = r.randint(2, 5)
            return f"{a} % {m} === {r.randrange(m)}", ca
        b, cb = self.expr(c, d)
        if k < 0.75:
            return f"{a} > {b}", ca + cb
        if k < 0.9:
            return f"{a} !== {b}", ca + cb
        return f"!({a} < {b})", ca + cb

    def assign_to(self, c, e):
        """A statement adding e into some lvalue (or a fresh let)."""
        lvs = c.lvs()
        if lvs:
            lv = self.r.choice(lvs).x
            return f"{lv} = ({lv} + {e}) % {MOD};"
        v = self.nm("v")
        c.scope.lv.append(Ent(v))
        return f"let {v} = {e};"

    # -- statements ------------------------------------------------------
    def block(self, c, n):
        lines, cost = [], 0
        for _ in range(n):
            ls, k = self.stmt(c)
            lines += ls
            cost += k
        return lines, cost

    def nstmts(self, c):
        return self.r.randint(1, 3 if c.depth < 3 else 2)

    def stmt(self, c):
        r = self.r
        deep = c.depth >= 4
        w = {
            "assign": 5 if c.lvs() else 0,
            "decl": 3,
            "if": 0 if deep else 2,
            "for": 0 if deep or c.budget < 6 else 2,
            "forof": 0 if deep or c.budget < 8 else 1.3,
            "forin": 0 if deep or c.budget < 8 else 0.4,
            "while": 0 if deep or c.budget < 6 else 0.8,
            "dowhile": 0 if deep or c.budget < 6 else 0.6,
            "jump": 2.5 if c.loops else 0,
            "lblock": 0 if deep else 0.6,
            "switch": 0 if deep else 1,
            "try": 0 if deep else 1.4,
            "throw": 0.8 if c.intry else 0.15,
            "closure": 0 if deep else 1.5,
            "closureloop": 0 if deep or c.budget < 8 else 0.7,
            "destr": 1.3,
            "spread": 0.6,
            "optional": 0.7,
            "template": 0.7,
            "arraycb": 0 if deep else 1.0,
            "mapset": 0.5,
            "objlit": 0.5,
            "genuse": 0.6,
            "arguments": 0.4 if c.fn.args_ok else 0,
            "yield": 3.5 if c.fn.kind == "gen" else 0,
            "await": 3.5 if c.fn.kind == "async" else 0,
            "ret": 0.3 if c.fn.kind != "top" and c.depth > 0 else 0,
            "log": 0.25 if c.depth <= 1 and c.fn.kind != "top" else 0,
        }
        if "arrow-arguments" in self.without and c.fn.kind == "arrow":
            w["arguments"] = 0
        kinds = [k for k in w if w[k] > 0 and k not in self.without]
        kind = r.choices(kinds, [w[k] for k in kinds])[0]
        return getattr(self, "s_" + kind)(c)

    def s_assign(self, c):
        r = self.r
        lv = r.choice(c.lvs()).x
        e, k = self.expr(c)
        f = r.random()
        if f < 0.5:
            s = f"{lv} = ({lv} + {e}) % {MOD};"
        elif f < 0.62:
            s = f"{lv} += {e};"
        elif f < 0.72:
            s = f"{lv}{r.choice(['++', '--'])};"
        elif f < 0.82:
            s = f"{lv} ^= {e};"
        elif f < 0.88:
            s = f"{lv} ??= {e};"
        elif f < 0.94:
            s = f"{lv} ||= {e};"
        else:
            s = f"{lv} &&= {e};"
        return [c.I + s], k + 1

    def s_decl(self, c):
        kind = self.r.choice(["let", "let", "const", "var"])
        v = self.nm("v")
        e, k = self.expr(c)
        (c.scope.rv if kind == "const" else c.scope.lv).append(Ent(v))
        return [c.I + f"{kind} {v} = {e};"], k

    def s_if(self, c):
        t, k0 = self.cond(c)
        body, k1 = self.block(c.sub(), self.nstmts(c))
        lines = [c.I + f"if ({t}) {{"] + body
        k2 = 0
        if self.r.random() < 0.4:
            b2, k2 = self.block(c.sub(), self.nstmts(c))
            lines += [c.I + "} else {"] + b2
        return lines + [c.I + "}"], k0 + max(k1, k2) + 1

    def label(self, prefix="L"):
        return self.nm(prefix) if self.r.random() < 0.35 else None

    def s_for(self, c):
        r = self.r
        n = r.randint(2, max(2, min(6, c.budget // 3)))
        lab = self.label()
        i = self.nm("i")
        var = r.random()
        if var < 0.6:
            head = f"for (let {i} = 0; {i} < {n}; {i}++) {{"
        elif var < 0.75:
            head = f"for (let {i} = {n}; {i} > 0; {i}--) {{"
        elif var < 0.87:
            head = f"for (var {i} = 0; {i} < {n}; {i}++) {{"
        else:
            head = f"for (let {i} = 0; {i} < {2 * n}; {i} += 2) {{"
        b = c.sub(loops=c.loops + ((lab, "loop"),), budget=max(1, c.budget // n))
        b.scope.rv.append(Ent(i))
        pre = []
        if var < 0.6 and r.random() < 0.15:
            f = self.nm("bump")
            pre = [b.I + f"const {f} = () => {{ {i}++; }};",
                   b.I + f"if ({i} % 3 === 1) {f}();"]
        body, k = self.block(b, self.nstmts(c))
        lines = [c.I + (f"{lab}: " if lab else "") + head] + pre + body + [c.I + "}"]
        return lines, n * (k + 1)

    def s_forof(self, c):
        r = self.r
        lab = self.label()
        b = c.sub(loops=c.loops + ((lab, "loop"),), budget=max(1, c.budget // 4))
        v = r.random()
        es = [self.expr(c)[0] for _ in range(4)]
        if v < 0.3:
            x = self.nm("v")
            head = f"for (const {x} of [{es[0]}, {es[1]}, {es[2]}]) {{"
            b.scope.rv.append(Ent(x))
        elif v < 0.5:
            x, y = self.nm("v"), self.nm("v")
            head = f"for (const [{x}, {y}] of [[{es[0]}, {es[1]}], [{es[2]}, {es[3]}]]) {{"
            b.scope.rv += [Ent(x), Ent(y)]
        elif v < 0.65:
            x, y = self.nm("v"), self.nm("v")
            head = (f"for (const {{ {x}, {y} = {es[0]} }} of "
                    f"[{{ {x}: {es[1]} }}, {{ {x}: {es[2]}, {y}: {es[3]} }}]) {{")
            b.scope.rv += [Ent(x), Ent(y)]
        elif v < 0.8:
            x = self.nm("v")
            head = f"for (const {x} of subg({es[0]} % 4)) {{"
            b.scope.rv.append(Ent(x))
        elif v < 0.9:
            x, t = self.nm("v"), self.nm("t")
            head = f"for (const [{x}, ...{t}] of [[{es[0]}, {es[1]}, {es[2]}], [{es[3]}]]) {{"
            b.scope.rv += [Ent(x), Ent(f"{t}.length")]
        else:
            x = self.nm("ch")
            head = f"for (const {x} of `ab${{{es[0]}}}`) {{"
            b.scope.rv.append(Ent(f"{x}.charCodeAt(0)"))
        body, k = self.block(b, self.nstmts(c))
        return [c.I + (f"{lab}: " if lab else "") + head] + body + [c.I + "}"], 4 * (k + 1)

    def s_forin(self, c):
        lab = self.label()
        b = c.sub(loops=c.loops + ((lab, "loop"),), budget=max(1, c.budget // 3))
        k = self.nm("k")
        if self.r.random() < 0.7:
            es = [self.expr(c)[0] for _ in range(3)]
            head = f"for (const {k} in {{ a: {es[0]}, bb: {es[1]}, ccc: {es[2]} }}) {{"
            b.scope.rv.append(Ent(f"{k}.length"))
        else:
            head = f"for (const {k} in [{self.expr(c)[0]}, {self.expr(c)[0]}]) {{"
            b.scope.rv.append(Ent(f"Number({k})"))
        body, kk = self.block(b, self.nstmts(c))
        return [c.I + (f"{lab}: " if lab else "") + head] + body + [c.I + "}"], 3 * (kk + 1)

    def s_while(self, c):
        n = self.r.randint(2, max(2, min(5, c.budget // 3)))
        lab = self.label()
        w = self.nm("w")
        b = c.sub(loops=c.loops + ((lab, "loop"),), budget=max(1, c.budget // n))
        b.scope.rv.append(Ent(w))
        body, k = self.block(b, self.nstmts(c))
        return ([c.I + f"let {w} = 0;",
                 c.I + (f"{lab}: " if lab else "") + f"while ({w} < {n}) {{",
                 b.I + f"{w}++;"] + body + [c.I + "}"]), n * (k + 1)

    def s_dowhile(self, c):
        n = self.r.randint(2, max(2, min(5, c.budget // 3)))
        lab = self.label()
        if "labeled-dowhile" in self.without:
            lab = None
        w = self.nm("w")
        b = c.sub(loops=c.loops + ((lab, "loop"),), budget=max(1, c.budget // n))
        b.scope.rv.append(Ent(w))
        body, k = self.block(b, self.nstmts(c))
        return ([c.I + f"let {w} = 0;",
                 c.I + (f"{lab}: " if lab else "") + "do {",
                 b.I + f"{w}++;"] + body + [c.I + f"}} while ({w} < {n});"]), n * (k + 1)

    def jumps(self, c):
        opts = []
        kinds = [k for _, k in c.loops]
        if "loop" in kinds or "switch" in kinds:
            opts.append("break")
        if "loop" in kinds:
            opts.append("continue")
        for lab, k in c.loops:
            if lab:
                opts.append(f"break {lab}")
                if k == "loop":
                    opts.append(f"continue {lab}")
        return opts

    def s_jump(self, c):
        opts = self.jumps(c)
        if not opts:
            return self.s_decl(c)
        j = self.r.choice(opts)
        if self.r.random() < 0.05:
            return [c.I + f"{j};"], 1
        t, k = self.cond(c)
        return [c.I + f"if ({t}) {j};"], k + 1

    def s_lblock(self, c):
        lab = self.nm("B")
        b = c.sub(loops=c.loops + ((lab, "block"),))
        b1, k1 = self.block(b, self.r.randint(0, 2))
        t, kt = self.cond(b)
        b2, k2 = self.block(b, self.r.randint(1, 2))
        return ([c.I + f"{lab}: {{"] + b1 + [b.I + f"if ({t}) break {lab};"] + b2
                + [c.I + "}"]), k1 + kt + k2 + 1

    def s_switch(self, c):
        r = self.r
        e, k0 = self.expr(c)
        m = r.randint(2, 5)
        cases = [str(v) for v in r.sample(range(m), r.randint(1, m))]
        if r.random() < 0.6:
            cases.insert(r.randint(0, len(cases)), "default")
        lines = [c.I + f"switch ({e} % {m}) {{"]
        cost = 0
        I1 = "  " * (c.ind + 1)
        for cv in cases:
            head = "default:" if cv == "default" else f"case {cv}:"
            if r.random() < 0.2:
                lines.append(I1 + head)  # grouped with the next case
                continue
            b = c.sub(loops=c.loops + ((None, "switch"),), ind=c.ind + 2)
            body, k = self.block(b, self.nstmts(c))
            cost += k
            lines += [I1 + head + " {"] + body + [I1 + "}"]
            if r.random() < 0.55:
                lines.append(I1 + "break;")
        return lines + [c.I + "}"], cost + 1

    def s_try(self, c):
        r = self.r
        v = r.random()
        lines = [c.I + "try {"]
        tb = c.sub(intry=True)
        body, cost = self.block(tb, self.nstmts(c))
        lines += body
        if r.random() < 0.5:
            t, _ = self.cond(tb)
            e, _ = self.expr(tb)
            lines.append(tb.I + f"if ({t}) throw new Error('u:' + {e});")
        if v < 0.75:
            if r.random() < 0.15:
                lines.append(c.I + "} catch {")
                cb = c.sub()
            else:
                ev = self.nm("e")
                lines.append(c.I + f"}} catch ({ev}) {{")
                cb = c.sub()
                cb.scope.rv.append(Ent(f"errv({ev})"))
                lines.append(cb.I + self.assign_to(cb, f"errv({ev})"))
                if r.random() < 0.15:
                    t, _ = self.cond(cb)
                    lines.append(cb.I + f"if ({t}) throw {ev};")
            b, k = self.block(cb, r.randint(0, 2))
            lines += b
            cost += k
            if c.fn.kind != "top" and r.random() < 0.2:
                e, _ = self.expr(cb)
                lines.append(cb.I + f"return ({e}) % {MOD};")
        if v >= 0.45:
            lines.append(c.I + "} finally {")
            fb = c.sub()
            b, k = self.block(fb, r.randint(1, 2))
            lines += b
            cost += k
            x = r.random()
            if x < 0.2 and c.fn.kind != "top":
                t, _ = self.cond(fb)
                e, _ = self.expr(fb)
                lines.append(fb.I + f"if ({t}) return ({e}) % {MOD};")
            elif x < 0.4 and self.jumps(c):
                t, _ = self.cond(fb)
                lines.append(fb.I + f"if ({t}) {r.choice(self.jumps(c))};")
        return lines + [c.I + "}"], cost + 1

    def s_throw(self, c):
        r = self.r
        t, k = self.cond(c)
        v = r.random()
        if v < 0.5:
            e, _ = self.expr(c)
            s = f"throw new Error('u:' + {e});"
        elif v < 0.65:
            s = "throw new RangeError('u:range');"
        elif v < 0.8:
            e, _ = self.expr(c)
            s = f"throw {e};"
        else:
            z = self.nm("z")
            s = f"{{ const {z} = null; {z}.p; }}"
        return [c.I + f"if ({t}) {s}"], k + 1

    def s_closure(self, c):
        r = self.r
        f = self.nm("f")
        v = r.random()
        p = self.nm("p")
        if v < 0.2:  # expression arrow
            b = c.func(FnInfo("arrow", c.fn.tid, c.fn.args_ok), c.budget // 4)
            b.scope.rv.append(Ent(p))
            e, k = self.expr(b)
            c.scope.fns.append(Ent(f, ar=1, cost=k + 1))
            lines = [c.I + f"const {f} = ({p}) => ({e}) % {MOD};"]
        elif v < 0.85:
            arrow = v < 0.6
            if arrow:
                fn = FnInfo("arrow", c.fn.tid, c.fn.args_ok)
            else:
                fn = FnInfo("plain", self.tid(), True)
            b = c.func(fn, max(4, c.budget // 4))
            b.scope.rv.append(Ent(p))
            params = p
            ar = 1
            if r.random() < 0.4:
                p2 = self.nm("p")
                e2, _ = self.expr(b)  # evaluated with the new function's `this`
                params += f", {p2} = {e2}"
                b.scope.rv.append(Ent(p2))
                ar = r.choice([1, 2])
            body, k = self.block(b, r.randint(1, 3))
            e, ke = self.expr(b)
            ret = b.I + f"return ({e}) % {MOD};"
            if arrow:
                lines = [c.I + f"const {f} = ({params}) => {{"] + body + [ret, c.I + "};"]
            elif r.random() < 0.5:
                lines = [c.I + f"function {f}({params}) {{"] + body + [ret, c.I + "}"]
            else:
                lines = [c.I + f"const {f} = function ({params}) {{"] + body + [ret, c.I + "};"]
            c.scope.fns.append(Ent(f, ar=ar, cost=k + ke + 1))
        else:  # a recursive named function, called with a bounded depth
            fr = self.nm("fr")
            e, _ = self.expr(c)
            lines = [c.I + f"function {fr}({p}) {{ return {p} <= 0 ? {e} : "
                     f"({fr}({p} - 1) + {p}) % {MOD}; }}",
                     c.I + f"const {f} = (q) => {fr}(Math.abs(q) % 10);"]
            c.scope.fns.append(Ent(f, ar=1, cost=12))
        if c.keep and r.random() < 0.5 and c.scope.fns[-1].ar >= 1:
            lines.append(c.I + f"if ({c.keep}.length < 6) {c.keep}.push({f});")
        return lines, 1

    def s_closureloop(self, c):
        r = self.r
        arr, j, d = self.nm("a"), self.nm("j"), self.nm("p")
        n = r.randint(2, 4)
        kw = "var" if r.random() < 0.2 else "let"
        lines = [c.I + f"const {arr} = [];",
                 c.I + f"for ({kw} {j} = 0; {j} < {n}; {j}++) {{"]
        lb = c.sub(loops=c.loops + ((None, "loop"),), budget=max(1, c.budget // n))
        lb.scope.rv.append(Ent(j))
        cost = 1
        if r.random() < 0.6:
            b = lb.func(FnInfo("arrow", c.fn.tid, c.fn.args_ok), max(2, c.budget // (4 * n)))
            b.scope.rv += [Ent(j), Ent(d)]
            body, k = self.block(b, r.randint(0, 2))
            e, ke = self.expr(b)
            lines += ([lb.I + f"{arr}.push(({d}) => {{"] + body
                      + [b.I + f"return ({j} * {d} + {e}) % {MOD};", lb.I + "});"])
            e2, _ = self.expr(c)
            x = self.nm("fx")
            use = [c.I + f"for (const {x} of {arr}) "
                   + self.assign_to(c, f"{x}({e2})")]
            cost = n * (k + ke + 2)
            if c.keep:
                use.append(c.I + f"if ({c.keep}.length < 6) {c.keep}.push({arr}[{n - 1}]);")
        else:
            lines += [lb.I + f"{arr}.push(() => ++{j});"]
            use = [c.I + self.assign_to(c, f"{arr}[0]() + {arr}[{n - 1}]() + {arr}[0]()")]
        if r.random() < 0.4:
            b2, k2 = self.block(lb, 1)
            lines += b2
            cost += n * k2
        lines.append(c.I + "}")
        return lines + use, cost

    def s_destr(self, c):
        r = self.r
        v = r.random()
        es = [self.expr(c)[0] for _ in range(5)]
        ids = [e.x for e in c.lvs(ident=True)]
        if v < 0.25:
            a, b, d, rest = (self.nm("v") for _ in range(4))
            s = (f"const {{ a: {a}, b: [{b}, {d} = {es[0]}] = [], ...{rest} }} = "
                 f"{{ a: {es[1]}, b: [{es[2]}], c: {es[3]}, d: {es[4]} }};")
            c.scope.rv += [Ent(a), Ent(b), Ent(d), Ent(f"Object.keys({rest}).length")]
        elif v < 0.5:
            a, b, t = (self.nm("v") for _ in range(3))
            s = f"let [{a}, , {b} = {es[0]}, ...{t}] = [{es[1]}, {es[2]}, undefined, {es[3]}, {es[4]}];"
            c.scope.lv += [Ent(a), Ent(b)]
            c.scope.rv.append(Ent(f"{t}.length"))
        elif v < 0.62 and len(ids) >= 2:
            x, y = r.sample(ids, 2)
            s = f"[{x}, {y}] = [{y}, {x}];"
        elif v < 0.74 and len(ids) >= 2:
            x, y = r.sample(ids, 2)
            s = f"({{ p: {x}, q: {y} = {es[0]} }} = {{ p: {es[1]} }});"
        else:
            a, b = self.nm("v"), self.nm("v")
            s = (f"const {{ m: {{ n: {a} = {es[0]} }} = {{}}, k: [{b} = {es[1]}] = [] }} = "
                 f"{{ m: {{}}, k: [{es[2]}] }};")
            c.scope.rv += [Ent(a), Ent(b)]
        return [c.I + s], 1

    def s_spread(self, c):
        r = self.r
        v = r.random()
        es = [self.expr(c)[0] for _ in range(3)]
        if v < 0.3:
            return [c.I + self.assign_to(c, f"Math.max(...[{es[0]}, {es[1]}], {es[2]})")], 1
        if v < 0.55:
            a = self.nm("v")
            c.scope.rv += [Ent(f"{a}.length"), Ent(f"{a}[1]")]
            return [c.I + f"const {a} = [...[{es[0]}, {es[1]}], ...[{es[2]}]];"], 1
        if v < 0.8:
            o = self.nm("o")
            c.scope.rv += [Ent(f"{o}.a"), Ent(f"{o}.b")]
            return [c.I + f"const {o} = {{ ...{{ a: {es[0]}, b: {es[1]} }}, b: {es[2]} }};"], 1
        fns = [f for f in c.fns() if f.cost <= max(2, c.budget // 2)]
        if not fns:
            return [c.I + self.assign_to(c, f"Math.min(...[{es[0]}, {es[1]}])")], 1
        f = r.choice(fns)
        args = ", ".join(self.expr(c)[0] for _ in range(f.ar))
        return [c.I + self.assign_to(c, f"{f.x}(...[{args}])")], f.cost + 1

    def s_optional(self, c):
        o, p = self.nm("o"), self.nm("p")
        t, _ = self.cond(c)
        e, _ = self.expr(c)
        c.scope.rv += [Ent(f"({o}?.p?.q ?? {self.lit()})"),
                       Ent(f"({o}?.m?.({self.lit()}) ?? {self.lit()})"),
                       Ent(f"({o}?.['p'].q ?? 0)")]
        lines = [c.I + f"const {o} = ({t}) ? {{ p: {{ q: {e} }}, m: ({p}) => {p} + 1 }} : null;"]
        if self.r.random() < 0.5:
            lines.append(c.I + self.assign_to(c, f"({o}?.nope?.q ?? {self.lit()}) + ({o}?.m({self.lit()}) ?? 1)"))
        return lines, 1

    def s_template(self, c):
        r = self.r
        v = r.random()
        a, _ = self.expr(c)
        b, _ = self.expr(c)
        if v < 0.3:
            return [c.I + self.assign_to(c, "`${" + a + "}-${" + b + "}`.length")], 1
        if v < 0.55:
            s = self.nm("s")
            c.scope.rv.append(Ent(f"{s}.length"))
            return [c.I + f"const {s} = `t${{{a}}}-${{{b}}}\\n`;"], 1
        if v < 0.85:
            return [c.I + self.assign_to(c, "tagsum`x${" + a + "}y${" + b + "}z`")], 1
        return [c.I + self.assign_to(c, "`a${`b${" + a + "}`}c`.length")], 1

    def s_arraycb(self, c):
        r = self.r
        v = r.random()
        es = [self.expr(c)[0] for _ in range(3)]
        q, a, b = self.nm("q"), self.nm("a"), self.nm("b")
        arr = f"[{es[0]}, {es[1]}, {es[2]}]"
        af = FnInfo("arrow", c.fn.tid, c.fn.args_ok)
        if v < 0.25:
            cb = c.func(af, 1)
            cb.scope.rv.append(Ent(q))
            e, _ = self.expr(cb)
            return [c.I + self.assign_to(
                c, f"{arr}.map(({q}) => ({e}) % 101).filter(({q}) => {q} % 2 === 0)"
                   f".reduce(({a}, {b}) => {a} + {b}, 0)")], 4
        if v < 0.5:
            qi = self.nm("qi")
            cb = c.func(af, max(2, c.budget // 4))
            cb.scope.rv += [Ent(q), Ent(qi)]
            body, k = self.block(cb, r.randint(1, 3))
            return [c.I + f"{arr}.forEach(({q}, {qi}) => {{"] + body + [c.I + "});"], 3 * (k + 1)
        if v < 0.65:
            return [c.I + self.assign_to(c, f"{arr}.sort(({a}, {b}) => {a} - {b})[{r.randint(0, 2)}]")], 4
        if v < 0.8:
            cb = c.func(af, max(2, c.budget // 4))
            cb.scope.rv += [Ent(a), Ent(b)]
            body, k = self.block(cb, r.randint(1, 2))
            lv = r.choice(c.lvs()).x if c.lvs() else None
            if lv is None:
                lv = self.nm("v")
                c.scope.lv.append(Ent(lv))
                first = c.I + f"let {lv} = {arr}.reduce(({a}, {b}) => {{"
                last = c.I + "}, 0);"
            else:
                first = c.I + f"{lv} = ({lv} + {arr}.reduce(({a}, {b}) => {{"
                last = c.I + f"}}, 0)) % {MOD};"
            return [first] + body + [cb.I + f"return ({a} + {b}) % {MOD};", last], 3 * (k + 1)
        cb = c.func(af, 1)
        cb.scope.rv.append(Ent(q))
        e, _ = self.expr(cb)
        m = r.choice([
            f"({arr}.find(({q}) => {q} > {e}) ?? -1)",
            f"{arr}.findIndex(({q}) => {q} % 3 === 0)",
            f"({arr}.some(({q}) => {q} > {e}) ? 1 : 0)",
            f"({arr}.every(({q}) => {q} >= 0) ? 2 : 0)",
            f"{arr}.flatMap(({q}) => [{q}, 1]).length",
            f"Array.from({{ length: 3 }}, (_, {q}) => {q} * 2)[2]",
            f"{arr}.indexOf({es[1]})",
        ])
        return [c.I + self.assign_to(c, m)], 4

    def s_mapset(self, c):
        r = self.r
        es = [self.expr(c)[0] for _ in range(4)]
        if r.random() < 0.6:
            m, k, v = self.nm("m"), self.nm("k"), self.nm("v")
            lines = [c.I + f"const {m} = new Map([[{es[0]}, {es[1]}]]);",
                     c.I + f"{m}.set({es[2]} % 4, {es[3]});"]
            if c.lvs():
                lv = r.choice(c.lvs()).x
                lines.append(c.I + f"for (const [{k}, {v}] of {m}) {lv} = ({lv} + {k} + {v}) % {MOD};")
            c.scope.rv += [Ent(f"({m}.get({self.lit(4)}) ?? 0)"), Ent(f"{m}.size")]
            return lines, 3
        s = self.nm("st")
        c.scope.rv += [Ent(f"{s}.size"), Ent(f"({s}.has({self.lit(4)}) ? 1 : 0)")]
        return [c.I + f"const {s} = new Set([{es[0]} % 5, {es[1]} % 5, {es[2]}]);"], 1

    def s_objlit(self, c):
        r = self.r
        o, k = self.nm("o"), self.nm("k")
        e, _ = self.expr(c)
        if r.random() < 0.5:
            line = (f"const {o} = {{ n: {e}, get d() {{ return this.n * 2; }}, "
                    f"inc({k}) {{ this.n = (this.n + {k}) % {MOD}; return this.n; }} }};")
            c.scope.rv += [Ent(f"{o}.d"), Ent(f"{o}.n")]
            c.scope.fns.append(Ent(f"{o}.inc", ar=1, cost=1))
            return [c.I + line], 1
        t = self.tid()
        I1 = "  " * (c.ind + 1)
        b = c.func(FnInfo("method", t, True), max(2, c.budget // 4), ind=c.ind + 2)
        b.scope.lv.append(Ent("this.n", tid=t, ident=False))
        b.scope.rv.append(Ent(k))
        body, cost = self.block(b, r.randint(1, 3))
        lines = ([c.I + f"const {o} = {{", I1 + f"n: {e},",
                  I1 + "get d() { return this.n * 2; },",
                  I1 + f"set d(v) {{ this.n = v % {MOD}; }},",
                  I1 + f"inc({k}) {{"] + body
                 + [b.I + f"this.n = (this.n + {k}) % {MOD};", b.I + "return this.n;",
                    I1 + "},", c.I + "};"])
        c.scope.rv += [Ent(f"{o}.d"), Ent(f"{o}.n")]
        c.scope.fns.append(Ent(f"{o}.inc", ar=1, cost=cost + 1))
        if c.lvs() and r.random() < 0.5:
            lv = r.choice(c.lvs()).x
            lines.append(c.I + f"{o}.d = {lv};")
        return lines, 1

    def s_genuse(self, c):
        r = self.r
        v = r.random()
        e, _ = self.expr(c)
        if v < 0.3:
            x = self.nm("v")
            return [c.I + f"for (const {x} of subg({e} % 4)) " + self.assign_to(c, x)], 4
        if v < 0.55:
            return [c.I + self.assign_to(c, f"[...subg({e} % 5)].length")], 5
        if v < 0.8:
            g = self.nm("it")
            return [c.I + f"const {g} = subg(4);", c.I + f"{g}.next();",
                    c.I + self.assign_to(c, f"{g}.return({e}).value")], 2
        return [c.I + self.assign_to(c, f"(subg(3).next().value ?? 0)")], 2

    def s_arguments(self, c):
        if self.r.random() < 0.5:
            return [c.I + self.assign_to(c, "arguments.length")], 1
        i = self.nm("i")
        return [c.I + f"for (let {i} = 0; {i} < arguments.length; {i}++) "
                + self.assign_to(c, f"(typeof arguments[{i}] === 'number' ? arguments[{i}] : 1)")], 3

    def s_yield(self, c):
        r = self.r
        v = r.random()
        e, k = self.expr(c)
        if v < 0.3:
            y = self.nm("y")
            c.scope.rv.append(Ent(y))
            return [c.I + f"const {y} = (yield {e}) ?? {self.lit()};"], k + 1
        if v < 0.5:
            return [c.I + f"yield {e};"], k + 1
        if v < 0.7:
            y = self.nm("y")
            c.scope.rv.append(Ent(y))
            return [c.I + f"const {y} = yield* subg({e} % 4);"], k + 4
        if v < 0.8:
            return [c.I + f"yield* [{e}, {self.lit()}];"], k + 2
        return [c.I + self.assign_to(c, f"((yield {e}) ?? 1)")], k + 1

    def s_await(self, c):
        r = self.r
        v = r.random()
        e, k = self.expr(c)
        if v < 0.25:
            w = self.nm("w")
            c.scope.rv.append(Ent(w))
            return [c.I + f"const {w} = await {e};"], k + 1
        if v < 0.5:
            return [c.I + self.assign_to(c, f"await Promise.resolve({e})")], k + 1
        if v < 0.6:
            return [c.I + "await null;"], 1
        if v < 0.72:
            ev = self.nm("e")
            return [c.I + f"try {{ await Promise.reject(new Error('u:' + {e})); }} catch ({ev}) {{ "
                    + self.assign_to(c, f"errv({ev})") + " }"], k + 1
        if v < 0.84:
            return [c.I + self.assign_to(c, f"(await Promise.all([{e}, Promise.resolve({self.lit()})]))[1]")], k + 1
        w, res = self.nm("w"), self.nm("res")
        c.scope.rv.append(Ent(w))
        if v < 0.92:
            return [c.I + f"const {w} = await new Promise(({res}) => {res}({e}));"], k + 1
        return [c.I + f"const {w} = await {{ then({res}) {{ {res}({e}); }} }};"], k + 1

    def s_ret(self, c):
        t, k = self.cond(c)
        e, _ = self.expr(c)
        return [c.I + f"if ({t}) return ({e}) % {MOD};"], k + 1

    def s_log(self, c):
        a, _ = self.expr(c)
        b, _ = self.expr(c)
        t, _ = self.cond(c)
        return [c.I + f"if ({t}) console.log('{self.nm('at')}', {a}, {b});"], 1

    # -- units -----------------------------------------------------------
    def unit_ctx(self, g, fn, budget):
        return Ctx(Scope(g.scope), fn, (), 1, 1, budget, False, None)

    def u_plain(self, g, u):
        s = f"s{u}"
        c = self.unit_ctx(g, FnInfo("plain", self.tid(), True), self.r.randint(20, 60))
        c.scope.rv.append(Ent("x"))
        body, cost = self.block(c, self.r.randint(3, 7))
        e, ke = self.expr(c)
        lines = [f"function u{u}(x) {{"] + body + [f"  return ({e}) % {MOD};", "}"]
        return lines, f"u{u}(it)", f"[{s}]", cost + ke + 1

    def u_closure(self, g, u):
        r = self.r
        keep = f"keep{u}"
        fn = FnInfo("plain", self.tid(), True)
        c = self.unit_ctx(g, fn, r.randint(20, 50))
        c.keep = keep
        cnt, acc = self.nm("c"), self.nm("acc")
        c.scope.rv.append(Ent("b"))
        c.scope.lv += [Ent(cnt), Ent(acc)]
        body, cost = self.block(c, r.randint(2, 5))
        f, d = self.nm("f"), self.nm("p")
        b = c.func(FnInfo("arrow", fn.tid, True), 10)
        b.scope.rv.append(Ent(d))
        fb, fk = self.block(b, r.randint(1, 3))
        e, _ = self.expr(c)
        lines = ([f"const {keep} = [];", f"function mk{u}(b) {{", f"  let {cnt} = b % 7;",
                  f"  var {acc} = 0;"] + body
                 + [f"  const {f} = ({d}) => {{"] + fb
                 + [f"    {cnt} = ({cnt} + {d}) % {MOD};",
                    f"    return ({cnt} + {acc}) % {MOD};", "  };",
                    f"  if ({keep}.length < 6) {keep}.push({f});",
                    f"  return ({e}) % {MOD};", "}",
                    f"function u{u}(x) {{", f"  let t = mk{u}(x);",
                    f"  if ({keep}.length) t += {keep}[x % {keep}.length](x);",
                    f"  if ({keep}.length > 2) t += {keep}[(x * 7) % {keep}.length](1);",
                    f"  return t % {MOD};", "}"])
        return lines, f"u{u}(it)", f"[s{u}, {keep}.length, {keep}.map((k) => k(1) % 100).slice(0, 6)]", cost + 2 * fk + 5

    def u_gen(self, g, u):
        r = self.r
        gn = f"gen{u}"
        fn = FnInfo("gen", self.tid(), True)
        c = self.unit_ctx(g, fn, r.randint(10, 30))
        acc, j, y = self.nm("acc"), self.nm("j"), self.nm("y")
        c.scope.rv.append(Ent("k"))
        c.scope.lv.append(Ent(acc))
        lc = c.sub(loops=(("", "loop"),), ind=3)
        lc.loops = ((None, "loop"),)
        lc.scope.rv.append(Ent(j))
        body, cost = self.block(lc, r.randint(1, 4))
        fin = [f"    s{u} = (s{u} + 1) % {MOD};"]
        if r.random() < 0.04:
            fin.append("    yield 99;")  # a yield in finally: refused by design
        lines = ([f"function* {gn}(n, k) {{", f"  let {acc} = k % 7;", "  try {",
                  f"    for (let {j} = 0; {j} < n; {j}++) {{"]
                 + ["  " + ln for ln in body]
                 + [f"      const {y} = (yield ({acc} + {j}) % {MOD}) ?? 0;",
                    f"      {acc} = ({acc} + {y}) % {MOD};", "    }",
                    "  } finally {"] + fin + ["  }", f"  return {acc};", "}"])
        brk = f" if (v % 5 === 1) break;" if r.random() < 0.5 else ""
        lines += [f"let live{u} = {gn}({r.randint(5, 400)}, 1);",
                  f"function u{u}(x) {{", "  let t = 0;",
                  f"  for (const v of {gn}(x % 4, x)) {{ t = (t + v) % {MOD};{brk} }}",
                  f"  const r = live{u}.next(x % 5);",
                  f"  if (r.done) {{ live{u} = {gn}(20 + (x % 7), x); t += r.value ?? 0; }} else t = (t + r.value) % {MOD};"]
        if r.random() < 0.6:
            lines.append(f"  if (x % 7 === 3) {{ const q = {gn}(5, x); q.next(); t += q.return(9).value ?? 0; }}")
        if r.random() < 0.6:
            lines.append(f"  if (x % 11 === 5) {{ const q = {gn}(5, x); q.next(); "
                         f"try {{ t += q.throw(new Error('u:gen')).value ?? 0; }} catch (e) {{ t += errv(e); }} }}")
        if r.random() < 0.4:
            lines.append(f"  t += [...{gn}(2, x)].length;")
        lines += [f"  return t % {MOD};", "}"]
        return lines, f"u{u}(it)", f"[s{u}]", 6 * (cost + 3)

    def u_async(self, g, u, every):
        r = self.r
        self.async_units = True
        fn = FnInfo("async", self.tid(), True)
        c = self.unit_ctx(g, fn, r.randint(15, 40))
        c.scope.rv.append(Ent("v"))
        hb, hk = self.block(c, r.randint(2, 4))
        e, _ = self.expr(c)
        lines = [f"async function a{u}(v) {{"] + hb + [f"  return ({e}) % {MOD};", "}"]
        c2 = self.unit_ctx(g, FnInfo("async", self.tid(), True), r.randint(15, 40))
        c2.scope.rv.append(Ent("x"))
        c2.scope.lv.append(Ent("t"))
        ub, uk = self.block(c2, r.randint(2, 4))
        lines += [f"async function u{u}(x) {{", "  let t = x % 5;"] + ub
        lines.append(f"  if (x % {every} === {r.randrange(every)}) {{ await sleep({1 + r.randrange(3)}); s{u}++; }}")
        v = r.random()
        if v < 0.4:
            lines.append(f"  const [p, q] = await Promise.all([a{u}(x), a{u}(x + 1)]);")
            lines.append(f"  t = (t + p + q) % {MOD};")
        else:
            lines.append(f"  t = (t + await a{u}(x)) % {MOD};")
        lines += [f"  return t % {MOD};", "}"]
        return lines, f"await u{u}(it)", f"[s{u}]", uk + 2 * hk + 3

    def u_class(self, g, u):
        r = self.r
        B, D = f"B{u}", f"D{u}"
        t1, t2 = self.tid(), self.tid()
        c = self.unit_ctx(g, FnInfo("method", t1, True), r.randint(10, 30))
        c.ind = 2
        c.scope.rv.append(Ent("k"))
        c.scope.lv.append(Ent("this.#v", tid=t1, ident=False))
        c.scope.fns.append(Ent("this.#bump", tid=t1, ar=1, cost=1))
        body, cost = self.block(c, r.randint(1, 4))
        e, _ = self.expr(c)
        lines = [f"class {B} {{", f"  #v = {self.lit()};", "  static count = 0;",
                 "  static #made = 0;",
                 f"  constructor(v) {{ this.#v = v % {MOD}; {B}.count++; {B}.#made++; }}",
                 "  get v() { return this.#v; }",
                 f"  set v(n) {{ this.#v = n % {MOD}; }}",
                 f"  #bump(k) {{ this.#v = (this.#v + k) % {MOD}; return this.#v; }}",
                 "  step(k) {"] + body + [f"    return ({e}) % {MOD};", "  }",
                 "  static make(v) { return new this(v); }",
                 f"  static made() {{ return {B}.#made; }}",
                 "  has(o) { return #v in o; }", "}"]
        c2 = self.unit_ctx(g, FnInfo("method", t2, True), r.randint(10, 30))
        c2.ind = 2
        c2.scope.rv += [Ent("k"), Ent("r"), Ent("this.v", tid=t2, ident=False)]
        c2.scope.lv += [Ent("this.#w", tid=t2, ident=False), Ent("this.v", tid=t2, ident=False)]
        body2, cost2 = self.block(c2, r.randint(1, 3))
        lines += [f"class {D} extends {B} {{", "  #w;",
                  "  constructor(v, w = 1) { super(v); this.#w = w; }",
                  "  step(k) {", "    const r = super.step(k + this.#w);"] + body2 + [
                  f"    this.#w = (this.#w + 1) % 17;",
                  f"    return (r + this.#w) % {MOD};", "  }",
                  "  get w() { return this.#w; }",
                  "  sumw(arr) { return arr.map((q) => q + this.#w).reduce((a, b) => a + b, 0); }",
                  f"  static #tag = {self.lit()};",
                  f"  static tag() {{ return {D}.#tag++; }}",
                  "}",
                  f"const objs{u} = [new {B}(1), new {D}(2, 3), {D}.make(5)];",
                  f"function u{u}(x) {{",
                  f"  const o = objs{u}[x % objs{u}.length];",
                  "  let t = o.step(x);",
                  "  o.v = o.v + x;",
                  f"  if (o instanceof {D}) t += o.w + o.sumw([x, 1]);",
                  f"  t += (o.has(objs{u}[0]) ? 1 : 0) + (o.has({{}}) ? 5 : 0);",
                  f"  if (objs{u}.length < 6 && x % 17 === 3) objs{u}.push(x % 2 ? {D}.make(x) : new {B}(x));",
                  f"  if (x % 13 === 0) t += {D}.tag();",
                  f"  return t % {MOD};", "}"]
        return (lines, f"u{u}(it)",
                f"[{B}.count, {B}.made(), objs{u}.map((o) => o.v)]", cost + cost2 + 6)

    def u_objlit(self, g, u):
        r = self.r
        o = f"o{u}"
        t = self.tid()
        c = self.unit_ctx(g, FnInfo("method", t, True), r.randint(10, 30))
        c.ind = 2
        c.scope.rv.append(Ent("k"))
        c.scope.lv.append(Ent("this.n", tid=t, ident=False))
        body, cost = self.block(c, r.randint(1, 4))
        sup = r.random() < 0.4
        lines = []
        if sup:
            lines.append(f"const proto{u} = {{ base(k) {{ return (k + {self.lit()}) % {MOD}; }} }};")
        lines += [f"const {o} = {{"] + ([f"  __proto__: proto{u},"] if sup else []) + [
            f"  n: {self.lit()},", "  list: [1, 2, 3],",
            "  get double() { return this.n * 2; },",
            f"  set val(v) {{ this.n = v % {MOD}; }},",
            "  add(k) {"] + body + [
            f"    this.n = (this.n + k) % {MOD};", "    return this;", "  },",
            f"  nested: {{ deep: {{ z: {self.lit()} }} }},",
            "  arrowf: (q) => q + 1,"]
        if sup:
            lines.append(f"  base(k) {{ return (super.base(k) * 2) % {MOD}; }},")
        lines += ["};",
                  f"function u{u}(x) {{",
                  f"  let t = {o}.add(x).add(1).n;",
                  f"  {o}.val = {o}.double + x;",
                  f"  t += {o}.nested?.deep?.z ?? 0;",
                  f"  t += {o}.missing?.deep?.z ?? 7;",
                  f"  t += {o}.nope?.(x) ?? 2;",
                  f"  t += {o}.arrowf?.(x) ?? 0;",
                  f"  const cp = {{ ...{o}, extra: x }};",
                  "  t += cp.double + Object.keys(cp).length;"]
        if sup:
            lines.append(f"  t += {o}.base(x);")
        lines += [f"  return t % {MOD};", "}"]
        return lines, f"u{u}(it)", f"{{ n: {o}.n, d: {o}.double, z: {o}.nested.deep.z }}", 2 * cost + 4

    def u_recursion(self, g, u):
        r = self.r
        depth = r.choice([20, 40, 60, 200])
        lines = [f"function rec{u}(n, acc) {{", "  if (n <= 0) return acc;",
                 f"  if (n % 2 === 1) return rec{u}(n - 1, (acc + n) % {MOD});",
                 f"  return (rec{u}(n - 2, (acc * 2) % {MOD}) + 1) % {MOD};", "}",
                 f"function ev{u}(n) {{ return n <= 0 ? 1 : od{u}(n - 1) + 1; }}",
                 f"function od{u}(n) {{ return n <= 0 ? 0 : ev{u}(n - 1); }}",
                 f"function u{u}(x) {{",
                 f"  s{u} = (s{u} + ev{u}(x % 30)) % {MOD};",
                 f"  return (rec{u}(x % {depth}, 1) + s{u}) % {MOD};", "}"]
        return lines, f"u{u}(it)", f"[s{u}]", depth + 30

    def u_throwchain(self, g, u):
        r = self.r
        n = r.randint(2, 5)
        names = [f"t{u}_{i}" for i in range(n)]
        lines = []
        for i, f in enumerate(names):
            if i == n - 1:
                lines += [f"function {f}(n) {{",
                          f"  if (n % 3 === 1) throw new RangeError('u:range' + n);",
                          "  if (n % 7 === 2) { const z = null; return z.p; }",
                          "  if (n % 11 === 4) throw n;",
                          "  return n;", "}"]
                continue
            nxt = names[i + 1]
            v = r.random()
            m = r.randint(4, 9)
            if v < 0.3:
                lines += [f"function {f}(n) {{",
                          f"  if (n % {m} === 0) throw new Error('u:' + n);",
                          f"  return {nxt}(n + 1) + 1;", "}"]
            elif v < 0.55:
                lines += [f"function {f}(n) {{",
                          f"  try {{ return {nxt}(n * 2); }} finally {{ s{u} = (s{u} + 1) % {MOD}; }}", "}"]
            elif v < 0.8:
                lines += [f"function {f}(n) {{",
                          f"  try {{ return {nxt}(n + 3); }} catch (e) {{ s{u} += 2; throw e; }}", "}"]
            else:
                lines += [f"function {f}(n) {{",
                          f"  try {{ return {nxt}(n + 1); }} catch (e) {{ "
                          f"if (e instanceof RangeError) throw new Error('u:wrap', {{ cause: e }}); return -1; }}",
                          "}"]
        lines += [f"function u{u}(x) {{",
                  f"  try {{ return {names[0]}(x); }} catch (e) {{ s{u} = (s{u} + errv(e)) % {MOD}; "
                  f"return e.cause ? 3 : s{u}; }}", "}"]
        return lines, f"u{u}(it)", f"[s{u}]", n + 2

    def u_arraycb(self, g, u):
        r = self.r
        fn = FnInfo("plain", self.tid(), True)
        c = self.unit_ctx(g, fn, 12)
        c.scope.rv.append(Ent("x"))
        c.scope.lv.append(Ent("t"))
        af = FnInfo("arrow", fn.tid, True)
        b1 = c.func(af, 6)
        b1.scope.rv += [Ent("v"), Ent("k")]
        body1, k1 = self.block(b1, r.randint(1, 3))
        b2 = c.func(af, 6)
        b2.scope.rv += [Ent("v")]
        body2, k2 = self.block(b2, r.randint(1, 2))
        lines = [f"function u{u}(x) {{",
                 f"  const arr = Array.from({{ length: 4 + (x % 5) }}, (_, k) => (k * {r.randint(2, 9)} + x) % 23);",
                 "  let t = 0;",
                 "  t += arr.map((v, k) => {"] + body1 + [
                 f"    return (v * k) % {MOD};",
                 "  }).filter((v) => v % 2 === 0).length;",
                 "  arr.forEach((v) => {"] + body2 + ["  });",
                 f"  t = (t + arr.reduce((a, b) => (a + b) % {MOD}, 0)) % {MOD};",
                 "  const sorted = [...arr].sort((a, b) => a - b);",
                 "  t += sorted[0] + sorted[sorted.length - 1] + Math.max(...arr);",
                 f"  t += arr.find((v) => v > {r.randint(5, 20)}) ?? -1;",
                 "  t += arr.findIndex((v) => v % 3 === 0) + (arr.some((v) => v > 20) ? 1 : 0);",
                 "  t += (arr.every((v) => v >= 0) ? 2 : 0) + arr.flatMap((v) => [v, 1]).length;",
                 f"  s{u} = (s{u} + t) % {MOD};",
                 f"  return t % {MOD};", "}"]
        return lines, f"u{u}(it)", f"[s{u}]", 8 * (k1 + 2) + 8 * (k2 + 1) + 30

    def u_mapset(self, g, u):
        r = self.r
        m, st, key = f"m{u}", f"st{u}", f"key{u}"
        lines = [f"const {m} = new Map();", f"const {st} = new Set();",
                 f"const {key} = {{ id: {self.lit()} }};",
                 f"function u{u}(x) {{",
                 f"  const k = 'k' + (x % {r.randint(3, 7)});",
                 f"  {m}.set(k, (({m}.get(k) ?? 0) + x) % {MOD});",
                 f"  {m}.set({key}, ({m}.get({key}) ?? 0) + 1);",
                 f"  {st}.add(x % 9);",
                 f"  if (x % 4 === 0) {st}.delete((x + 1) % 9);",
                 f"  if (x % 10 === 9) {m}.delete('k' + (x % 3));",
                 "  let t = 0;",
                 f"  for (const [kk, v] of {m}) t = (t + v + (typeof kk === 'string' ? kk.length : 100)) % {MOD};",
                 f"  for (const v of {st}) t += v;",
                 f"  {m}.forEach((v) => {{ t += v % 3; }});",
                 f"  {st}.forEach((v) => {{ s{u} = (s{u} + v) % {MOD}; }});",
                 f"  t += {m}.size + {st}.size + ({st}.has(3) ? 1 : 0) + ({m}.has({key}) ? 4 : 0);",
                 f"  return t % {MOD};", "}"]
        return (lines, f"u{u}(it)",
                f"[s{u}, [...{m}.keys()].filter((k) => typeof k === 'string').join(','), [...{st}].length, {m}.get({key})]",
                40)

    def u_tagged(self, g, u):
        r = self.r
        lines = [f"const seen{u} = new Set();",
                 f"function tag{u}(strs, ...vals) {{",
                 f"  seen{u}.add(strs);",
                 "  let s = strs.length + strs.raw[0].length + (Object.isFrozen(strs) ? 1 : 0);",
                 "  for (let j = 0; j < vals.length; j++) s += strs[j].length * vals[j];",
                 f"  return s % {MOD};", "}",
                 f"function u{u}(x) {{",
                 f"  let t = tag{u}`a${{x}}bb${{x % 3}}c\\n`;",
                 f"  for (let j = 0; j < {r.randint(1, 3)}; j++) t += tag{u}`loop${{j}}`;",
                 "  t += `${x}-${g0}`.length + String.raw`q\\t${x}`.length;",
                 f"  s{u} = (s{u} + t) % {MOD};",
                 f"  return t % {MOD};", "}"]
        return lines, f"u{u}(it)", f"[s{u}, seen{u}.size]", 8

    def u_args(self, g, u):
        arrow = "arrow-arguments" not in self.without
        lines = [f"function va{u}() {{",
                 "  let s = arguments.length;",
                 "  for (let j = 0; j < arguments.length; j++) s += arguments[j] * (j + 1);",
                 f"  return s % {MOD};", "}",
                 f"function wa{u}(a, b) {{ arguments[0] = 9; a = a + 1; return a + arguments[0] + (b ?? 0); }}",
                 f"function u{u}(x) {{",
                 f"  return (va{u}(x, 1, 2) + va{u}(...[x, x]) + va{u}.apply(null, [3, x]) + "
                 f"va{u}.call(null, x) + wa{u}(x, 2) + wa{u}(x)) % {MOD};", "}"]
        if arrow:  # an arrow writing the enclosing function's arguments
            lines[-2] = lines[-2][:-len(f" % {MOD};")] + f" + xa{u}(x)) % {MOD};"
            lines[-2] = lines[-2].replace("  return (", "  return ((", 1)
            lines[-3:-3] = [f"function xa{u}(a) {{ const set = (v) => {{ arguments[0] = v; return a; }}; "
                            f"return (set(a + 1) + a + arguments.length) % {MOD}; }}"]
        return lines, f"u{u}(it)", f"[s{u}]", 8

    def u_this(self, g, u):
        lines = [f"const ctr{u} = {{",
                 "  n: 0,",
                 f"  bump() {{ const f = () => {{ this.n = (this.n + 1) % {MOD}; return this.n; }}; "
                 "return f() + [1, 2].map(() => this.n).length; },",
                 "  later() { return () => this.n * 2; },",
                 "};",
                 f"const later{u} = ctr{u}.later();",
                 f"const bound{u} = function (k) {{ return (this.n + k) % {MOD}; }}.bind(ctr{u});",
                 f"function u{u}(x) {{",
                 f"  let t = ctr{u}.bump() + later{u}() + bound{u}(x);",
                 f"  t += ctr{u}.bump.call({{ n: x }});",
                 f"  const {{ bump }} = ctr{u};",
                 f"  t += bump.call(ctr{u});",
                 f"  return t % {MOD};", "}"]
        return lines, f"u{u}(it)", f"[s{u}, ctr{u}.n]", 8

    def u_params(self, g, u):
        r = self.r
        fn = FnInfo("plain", self.tid(), True)
        c = self.unit_ctx(g, fn, r.randint(10, 30))
        c.scope.rv += [Ent("p"), Ent("q"), Ent("s"), Ent("a"), Ent("b"), Ent("rest.length")]
        body, cost = self.block(c, r.randint(1, 4))
        lines = ([f"function h{u}({{ p = 1, q = 2, r: {{ s = 3 }} = {{}} }} = {{}}, [a = 0, , b = 4, ...rest] = []) {{"]
                 + body + [f"  return (p + q + s + a + b + rest.length) % {MOD};", "}",
                           f"function u{u}(x) {{",
                           f"  return (h{u}({{ p: x, r: {{ s: x % 4 }} }}, [1, 2]) + h{u}({{ p: 1 }}, [x, 0, x, 1, 2]) + h{u}(undefined, [0])) % {MOD};",
                           "}"])
        return lines, f"u{u}(it)", f"[s{u}]", 3 * cost + 3

    UNITS = [("plain", 4), ("closure", 3), ("gen", 2.5), ("async", 2), ("class", 2),
             ("objlit", 1.2), ("recursion", 0.8), ("throwchain", 1.2), ("arraycb", 1.5),
             ("mapset", 1), ("tagged", 0.8), ("args", 0.6), ("this", 0.7), ("params", 1)]

    def program(self):
        r = self.r
        strict = r.random() < 0.5
        g = Ctx(Scope(None), FnInfo("top", 0, False), (), 0, 0, 40)
        g.scope.lv += [Ent("g0"), Ent("g1"), Ent("g2")]
        nunits = r.randint(3, 7)
        units_ok = [(k, w) for k, w in self.UNITS if k not in self.without]
        kinds = r.choices([k for k, _ in units_ok], [w for _, w in units_ok], k=nunits)
        head = (["'use strict';"] if strict else []) + [
            f"// things-js fuzz program, seed {self.seed}",
            "let g0 = 3;", "let g1 = 5;", "let g2 = 7;",
            "function errv(e) {",
            "  if (e instanceof Error) return (e.name.length * 10 + (e.message.startsWith('u:') ? e.message.length : 0)) % 1009;",
            "  return typeof e === 'number' ? e % 1009 : 1;", "}",
            "function tagsum(strs, ...vals) { let s = strs.length; for (const v of vals) s += v; return s % 1009; }",
            "function* subg(n) { for (let i = 0; i < n; i++) yield i * 3 + 1; return n + 1; }",
            "const sleep = (ms) => new Promise((res) => setTimeout(res, ms));",
        ]
        units, calls, sums, costs = [], [], [], []
        has_async = "async" in kinds
        for u, kind in enumerate(kinds):
            lines = [f"let s{u} = {self.lit()};"]
            if kind == "async":  # its timer period is fixed below, once n_it is known
                ls, call, summ, cost = self.u_async(g, u, 1000003)
            else:
                ls, call, summ, cost = getattr(self, "u_" + kind)(g, u)
            units.append(lines + ls)
            calls.append(call)
            sums.append(summ)
            costs.append(max(1, cost))
            g.scope.lv.append(Ent(f"s{u}"))
        per_step = sum(costs)
        target = r.choice([3000, 6000, 12000])
        n_it = max(12, min(300, target // per_step))
        every = max(5, n_it // r.randint(2, 4))
        # async units wait on a timer every `every` iterations
        for ls in units:
            for i, ln in enumerate(ls):
                if "% 1000003 ===" in ln:
                    m = re.search(r"% 1000003 === (\d+)", ln)
                    ls[i] = ln.replace(m.group(0), f"% {every} === {int(m.group(1)) % every}")
        pr = max(1, n_it // r.randint(8, 14))
        out = head[:]
        for ls in units:
            out += ls
        aw = "async " if has_async else ""
        out.append(f"{aw}function step(it) {{")
        out.append("  let t = 0;")
        for call in calls:
            out.append(f"  try {{ t = (t + {call}) % 100003; }} catch (e) {{ t = (t + errv(e)) % 100003; }}")
        out += ["  return t;", "}", "let total = 0;"]
        loop = [f"for (let it = 0; it < {n_it}; it++) {{",
                f"  total = (total + {'await ' if has_async else ''}step(it) * ((it % 7) + 1)) % 1000003;",
                f"  if (it % {pr} === 0) console.log('it', it, total, g0, g1, g2);", "}"]
        fin = [f"try {{ console.log('sum', {u}, {s}); }} catch (e) {{ console.log('sum', {u}, 'threw', errv(e)); }}"
               for u, s in enumerate(sums)]
        fin.append("console.log('final', { total, g: [g0, g1, g2] });")
        if has_async:
            out += ["async function main() {"] + ["  " + ln for ln in loop] + ["}",
                    "main().then(() => {"] + ["  " + ln for ln in fin] + [
                    "}, (e) => console.log('main failed', errv(e)));"]
        else:
            out += loop + fin
        return "\n".join(out) + "\n"


FEATURES = (sorted(k[2:] for k in vars(Gen) if k.startswith("s_"))
            + [k for k, _ in Gen.UNITS] + ["arrow-arguments", "labeled-dowhile"])


def generate(seed, without=()):
    return Gen(seed, without).program()


# ---------------------------------------------------------------------------
# Running and comparing
# ---------------------------------------------------------------------------

class Res:
    def __init__(self, rc, out, err, timeout=False, secs=0.0):
        self.rc, self.out, self.err, self.timeout, self.secs = rc, out, err, timeout, secs


def run(cmd, timeout, cwd=None):
    t0 = time.monotonic()
    p = subprocess.Popen(["nice", "-n", "19"] + cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        return Res(p.returncode, out.decode("utf-8", "replace"),
                   err.decode("utf-8", "replace"), False, time.monotonic() - t0)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
        return Res(None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                   True, time.monotonic() - t0)


def norm(msg):
    msg = msg.strip()
    msg = re.sub(r"^things-js: ", "", msg)
    msg = msg.split(", reached from")[0]
    msg = re.sub(r"\d+", "#", msg)
    return msg[:160]


def first_err(err):
    """The first meaningful stderr line of a things-js run."""
    for ln in err.splitlines():
        if ln.startswith("things-js: yields:") or ln.startswith("things-js: turns:"):
            continue
        if ln.strip():
            return ln.strip()
    return ""


def is_crash(res):
    if res.timeout:
        return False
    if res.rc is not None and (res.rc < 0 or res.rc not in (0, 1)):
        return True
    return "panicked" in res.err or "RUST_BACKTRACE" in res.err


class Outcome:
    """kind: invalid, agree, differ_run, differ_run_raw, differ_restore,
    differ_refused (a refused snapshot, then the run went on wrongly),
    crash, timeout. refusals: list of (point, message)."""

    def __init__(self, kind, msg="", phase="", point=None, yields=None,
                 expected="", got="", refusals=None, extra=""):
        self.kind, self.msg, self.phase, self.point = kind, msg, phase, point
        self.yields, self.expected, self.got = yields, expected, got
        self.refusals = refusals or []
        self.extra = extra

    @property
    def sig(self):
        return f"{self.kind}: {norm(self.msg)}" if self.msg else self.kind


class Checker:
    def __init__(self, binary, node="node", tmo=60.0, node_tmo=5.0):
        self.bin, self.node, self.tmo, self.node_tmo = binary, node, tmo, node_tmo

    def node_run(self, path, cwd):
        """node's stdout, or None if the program is not a valid test: it
        fails, is slow, writes to stderr, or catches a ReferenceError (a
        generator bug, or a minimization step that removed a declaration).
        node runs a copy whose errv() exits on a ReferenceError."""
        with open(os.path.join(cwd, path)) as f:
            src = f.read()
        guarded = src.replace("function errv(e) {\n",
                              "function errv(e) {\n  if (e instanceof ReferenceError) process.exit(3);\n", 1)
        npath = path + ".node.js"
        with open(os.path.join(cwd, npath), "w") as f:
            f.write(guarded)
        res = run([self.node, npath], self.node_tmo, cwd)
        if res.timeout or res.rc != 0 or res.err.strip():
            return None
        return res.out

    def tj_run(self, path, cwd, expected, tmo=None):
        """(Outcome or None, yields)."""
        tmo = tmo or self.tmo
        res = run([self.bin, "run", path, "--report-counts"], tmo, cwd)
        if res.timeout:
            return Outcome("timeout", "run timed out", "run", expected=expected, got=res.out), None
        if is_crash(res):
            return Outcome("crash", first_err(res.err) or f"exit {res.rc}", "run",
                           expected=expected, got=res.out + res.err), None
        m = re.search(r"things-js: yields: (\d+)", res.err)
        if res.out != expected or res.rc != 0:
            msg = f"exit {res.rc}: {first_err(res.err)}" if res.rc != 0 else "stdout"
            raw = run([self.bin, "run", "--raw", path], tmo, cwd)
            kind = "differ_run_raw" if (raw.out != expected or raw.rc != 0) else "differ_run"
            return Outcome(kind, msg, "run", expected=expected, got=res.out + res.err), None
        return None, int(m.group(1)) if m else None

    def snap(self, path, cwd, expected, k, tmo=None):
        """Outcome for one snapshot point (kind agree/refused/... )."""
        tmo = tmo or self.tmo
        snapf = os.path.join(cwd, f"snap{k}.json")
        a = run([self.bin, "run", path, "--snapshot-at-yield", str(k), "-o", snapf], tmo, cwd)
        if a.timeout:
            return Outcome("timeout", "snapshot run timed out", "snapshot", k, expected=expected, got=a.out)
        if is_crash(a):
            return Outcome("crash", first_err(a.err) or f"exit {a.rc}", "snapshot", k,
                           expected=expected, got=a.out + a.err)
        fail = re.search(r"things-js: snapshot failed: (.*)", a.err)
        if fail:
            if a.out != expected or a.rc != 0:
                return Outcome("differ_refused", fail.group(1), "snapshot", k,
                               expected=expected, got=a.out + a.err)
            return Outcome("refused", fail.group(1), "snapshot", k)
        if not os.path.exists(snapf):
            if a.out == expected and a.rc == 0:
                return Outcome("refused", "no snapshot written: " + first_err(a.err), "snapshot", k)
            return Outcome("differ_restore", "no snapshot, output differs: " + first_err(a.err),
                           "snapshot", k, expected=expected, got=a.out + a.err)
        if a.rc != 0:
            return Outcome("differ_restore", f"snapshot run exit {a.rc}: {first_err(a.err)}", "snapshot",
                           k, expected=expected, got=a.out + a.err)
        b = run([self.bin, "restore", snapf], tmo, cwd)
        try:
            os.unlink(snapf)
        except OSError:
            pass
        if b.timeout:
            return Outcome("timeout", "restore timed out", "restore", k, expected=expected, got=a.out + b.out)
        if is_crash(b):
            return Outcome("crash", first_err(b.err) or f"exit {b.rc}", "restore", k,
                           expected=expected, got=a.out + "<<RESTORE>>\n" + b.out + b.err)
        if a.out + b.out != expected or b.rc != 0:
            msg = f"exit {b.rc}: {first_err(b.err)}" if b.rc != 0 else "stdout"
            return Outcome("differ_restore", msg, "restore", k, expected=expected,
                           got=a.out + "<<RESTORE>>\n" + b.out + b.err)
        return Outcome("agree", "", "restore", k)

    def check(self, src, seed, npoints, cwd):
        path = os.path.join(cwd, "prog.js")
        with open(path, "w") as f:
            f.write(src)
        expected = self.node_run("prog.js", cwd)
        if expected is None:
            return Outcome("invalid")
        o, yields = self.tj_run("prog.js", cwd, expected)
        if o:
            return o
        if not yields:
            return Outcome("agree", yields=0)
        pr = random.Random(f"{seed}-points")
        pts = sorted(pr.sample(range(1, yields + 1), min(npoints, yields)))
        refusals = []
        for k in pts:
            o = self.snap("prog.js", cwd, expected, k)
            o.yields = yields
            if o.kind == "refused":
                refusals.append((k, o.msg))
            elif o.kind != "agree":
                o.refusals = refusals
                return o
        return Outcome("agree", yields=yields, refusals=refusals, extra=str(pts))


# ---------------------------------------------------------------------------
# Minimizing
# ---------------------------------------------------------------------------

def net_braces(line):
    s = re.sub(r"'[^']*'", "", line)
    return s.count("{") - s.count("}")


HELPERS = ("function errv(", "function tagsum(", "function* subg(", "const sleep =")


def span_end(lines, i):
    """Last line of the statement starting at line i (its block if it opens one)."""
    d = 0
    for j in range(i, len(lines)):
        d += net_braces(lines[j])
        if d <= 0:
            return j
    return len(lines) - 1


class Node:
    """A statement: one line, or a block (its opening line, then children
    and the structural lines such as `} else {` and the closing `}`)."""

    def __init__(self, line, parts=None):
        self.line, self.parts, self.gone, self.flat = line, parts, False, False

    def emit(self, out):
        if self.gone:
            return
        if self.flat:  # unwrapped: the children without the block around them
            for k in self.kids():
                k.emit(out)
            return
        out.append(self.line)
        for p in self.parts or ():
            if isinstance(p, Node):
                p.emit(out)
            else:
                out.append(p)

    def kids(self):
        return [p for p in self.parts or () if isinstance(p, Node)]


def parse_tree(lines):
    pos = 0

    def seq():
        nonlocal pos
        items = []
        while pos < len(lines):
            ln = lines[pos]
            if ln.strip().startswith("}"):
                return items
            pos += 1
            if net_braces(ln) > 0:
                parts = []
                while True:
                    parts += seq()
                    if pos >= len(lines):
                        break
                    closer = lines[pos]
                    pos += 1
                    parts.append(closer)
                    if net_braces(closer) < 0:
                        break
                items.append(Node(ln, parts))
            else:
                items.append(Node(ln))
        return items

    top = seq()
    rest = lines[pos:]  # unbalanced tail (should not happen)
    return Node(None, top + rest)


def emit_tree(root):
    out = []
    for p in root.parts:
        if isinstance(p, Node):
            p.emit(out)
        else:
            out.append(p)
    return out


def unit_groups(lines):
    """Line indices of each generated unit: its top-level lines (from
    `let sN = ` to the next unit) plus its lines in step() and the summary."""
    starts = [(i, int(m.group(1))) for i, ln in enumerate(lines)
              for m in [re.match(r"let s(\d+) = ", ln)] if m]
    end = next((i for i, ln in enumerate(lines)
                if re.match(r"(async )?function step\(", ln)), len(lines))
    groups = []
    for j, (i, u) in enumerate(starts):
        stop = starts[j + 1][0] if j + 1 < len(starts) else end
        g = set(range(i, stop))
        for k in range(end, len(lines)):
            if re.search(rf"\bu{u}\(it\)|'sum', {u},", lines[k]):
                g.add(k)
        groups.append(g)
    return groups


class Minimizer:
    """Hierarchical delta debugging over the program's statement tree, then
    fewer driver iterations, while the failure keeps its kind and message."""

    def __init__(self, checker, outcome, seed, deadline):
        self.ck, self.o, self.seed, self.deadline = checker, outcome, seed, deadline
        self.tests = 0
        self.frac = (outcome.point / outcome.yields) if outcome.point and outcome.yields else None
        self.cwd = tempfile.mkdtemp(prefix="things-js-min-")
        self.tmo = min(checker.tmo, 20.0) if outcome.kind == "timeout" else checker.tmo
        self.got, self.expected, self.point = outcome.got, outcome.expected, outcome.point
        self.cache = {}

    def same(self, o):
        return o is not None and o.kind == self.o.kind and norm(o.msg) == norm(self.o.msg)

    def test(self, lines):
        src = "\n".join(lines) + "\n"
        if src in self.cache:
            return self.cache[src]
        if time.monotonic() > self.deadline:
            return False
        self.tests += 1
        ok = self._test(src)
        self.cache[src] = ok
        return ok

    def _test(self, src):
        with open(os.path.join(self.cwd, "prog.js"), "w") as f:
            f.write(src)
        expected = self.ck.node_run("prog.js", self.cwd)
        if expected is None:
            return False
        if self.o.phase == "run":
            o, _ = self.ck.tj_run("prog.js", self.cwd, expected, self.tmo)
            if self.same(o):
                self.got, self.expected = o.got, expected
                return True
            return False
        # A snapshot-phase failure: try the last failing point first, then
        # the same fraction of the run; a run that differs does not count.
        tried = set()

        def at(k):
            tried.add(k)
            so = self.ck.snap("prog.js", self.cwd, expected, k, self.tmo)
            return so if self.same(so) else None

        so = at(self.point) if self.point else None
        o, yields = self.ck.tj_run("prog.js", self.cwd, expected, self.tmo)
        if o is not None or not yields:
            return False
        if so is None and self.frac:
            k = max(1, min(yields, round(self.frac * yields)))
            if k not in tried:
                so = at(k)
                if so:
                    self.point = k
        if so is None:
            return False
        self.got, self.expected = so.got, expected
        return True

    def ddmin(self, root, items):
        """Remove as many of items (siblings) as possible."""
        active = [n for n in items if not n.gone and not n.line.startswith(HELPERS)]
        n = 2
        while active and time.monotonic() < self.deadline:
            size = max(1, (len(active) + n - 1) // n)
            progress = False
            for start in range(0, len(active), size):
                chunk = active[start:start + size]
                for x in chunk:
                    x.gone = True
                if self.test(emit_tree(root)):
                    active = [x for x in active if not x.gone]
                    n = max(2, n - 1)
                    progress = True
                    break
                for x in chunk:
                    x.gone = False
            if not progress:
                if size == 1:
                    break
                n = min(len(active), 2 * n)
        return active

    def hdd(self, root):
        level = [root]
        while level and time.monotonic() < self.deadline:
            nxt = []
            for node in level:
                kids = self.ddmin(root, node.kids())
                nxt += [k for k in kids if k.parts]
            level = nxt

    def run(self, src):
        lines = src.rstrip("\n").split("\n")
        # 1. fewer driver iterations
        for i, ln in enumerate(lines):
            m = re.match(r"(\s*for \(let it = 0; it < )(\d+)(; it\+\+\) \{)", ln)
            if m:
                n = int(m.group(2))
                for cand_n in (1, 2, 3, 5, 8, n // 4, n // 2):
                    if 1 <= cand_n < n:
                        cand = lines[:]
                        cand[i] = m.group(1) + str(cand_n) + m.group(3)
                        if self.test(cand):
                            lines = cand
                            break
        # 2. whole units: a unit's definitions with its call and summary lines
        groups = unit_groups(lines)
        if len(groups) > 1:
            active = list(range(len(groups)))
            n = 2
            while len(active) > 0 and time.monotonic() < self.deadline:
                size = max(1, (len(active) + n - 1) // n)
                progress = False
                for start in range(0, len(active), size):
                    drop = set(active[start:start + size])
                    gone = set().union(*(groups[g] for g in drop))
                    cand = [ln for i, ln in enumerate(lines) if i not in gone]
                    if self.test(cand):
                        active = [g for g in active if g not in drop]
                        n = max(2, n - 1)
                        progress = True
                        break
                if not progress:
                    if size == 1:
                        break
                    n = min(len(active), 2 * n)
            gone = set().union(*(groups[g] for g in range(len(groups)) if g not in active))
            lines = [ln for i, ln in enumerate(lines) if i not in gone]
        # 3. remove statements, level by level, until nothing changes
        while time.monotonic() < self.deadline:
            before = len(lines)
            root = parse_tree(lines)
            self.hdd(root)
            lines = emit_tree(root)
            # 4. unwrap blocks: keep a block's body without its head
            root = parse_tree(lines)
            stack = list(root.kids())
            while stack and time.monotonic() < self.deadline:
                node = stack.pop()
                if not node.parts:
                    continue
                stack += node.kids()
                closers = [p for p in node.parts if not isinstance(p, Node)]
                if len(closers) != 1 or closers[0].strip() not in ("}", "};", "});"):
                    continue
                node.flat = True
                if not self.test(emit_tree(root)):
                    node.flat = False
            lines = emit_tree(root)
            if len(lines) >= before:
                break
        # 5. the helpers (kept so far: errv guards against ReferenceErrors)
        for h in HELPERS:
            idx = [i for i, ln in enumerate(lines) if ln.startswith(h)]
            if idx:
                name = re.match(r"(?:function\*? |const )(\w+)", h).group(1)
                if not any(name in ln for i, ln in enumerate(lines) if i != idx[0]):
                    cand = lines[:idx[0]] + lines[span_end(lines, idx[0]) + 1:]
                    if self.test(cand):
                        lines = cand
        shutil.rmtree(self.cwd, ignore_errors=True)
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------



class Fuzzer:
    def __init__(self, args):
        self.a = args
        self.ck = Checker(args.bin, args.node, args.timeout)
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.refused_points = collections.Counter()
        self.refused_programs = 0
        self.sigs = collections.OrderedDict()  # sig -> list of dirs
        self.minimized = collections.Counter()
        self.t0 = time.monotonic()
        self.deadline = self.t0 + args.seconds
        self.next_seed = args.seed
        self.started = 0
        self.yields = []
        Path(args.keep).mkdir(parents=True, exist_ok=True)

    def take_seed(self):
        with self.lock:
            if time.monotonic() > self.deadline:
                return None
            if self.a.count and self.started >= self.a.count:
                return None
            s = self.next_seed
            self.next_seed += 1
            self.started += 1
            return s

    def worker(self):
        while True:
            seed = self.take_seed()
            if seed is None:
                return
            src = generate(seed, self.a.without)
            cwd = tempfile.mkdtemp(prefix="things-js-fuzz-")
            try:
                o = self.ck.check(src, seed, self.a.points, cwd)
            finally:
                shutil.rmtree(cwd, ignore_errors=True)
            self.record(seed, src, o)

    def record(self, seed, src, o):
        with self.lock:
            self.counts["programs"] += 1
            if o.kind == "invalid":
                self.counts["invalid"] += 1
                if self.a.keep_invalid:
                    d = Path(self.a.keep) / f"invalid-{seed}"
                    d.mkdir(exist_ok=True)
                    (d / "prog.js").write_text(src)
                return
            self.counts[o.kind] += 1
            if o.yields:
                self.yields.append(o.yields)
            for k, msg in o.refusals:
                self.refused_points[norm(msg)] += 1
            if o.refusals:
                self.refused_programs += 1
            if o.kind == "agree":
                for k, msg in o.refusals:
                    key = "refused: " + norm(msg)
                    if key not in self.sigs:
                        self.sigs[key] = []
                    if len(self.sigs[key]) < 1:
                        d = Path(self.a.keep) / f"refused-{seed}"
                        d.mkdir(exist_ok=True)
                        (d / "prog.js").write_text(src)
                        (d / "info.txt").write_text(
                            f"seed {seed}\nrefused at yield {k}: {msg}\n"
                            f"{self.a.bin} run prog.js --snapshot-at-yield {k} -o snap.json\n")
                        self.sigs[key].append(str(d))
                return
            sig = o.sig
            d = Path(self.a.keep) / f"{o.kind}-{seed}"
            d.mkdir(exist_ok=True)
            (d / "prog.js").write_text(src)
            (d / "expected.txt").write_text(o.expected)
            (d / "got.txt").write_text(o.got)
            (d / "info.txt").write_text(self.info(seed, o))
            self.sigs.setdefault(sig, []).append(str(d))
            do_min = (not self.a.no_minimize and self.minimized[sig] < self.a.min_per_sig)
            if do_min:
                self.minimized[sig] += 1
            print(f"[{self.elapsed()}] seed {seed}: {sig} ({o.phase}"
                  + (f" at yield {o.point}/{o.yields}" if o.point else "") + f") -> {d}",
                  file=sys.stderr, flush=True)
        if do_min:
            self.minimize(seed, src, o, d)

    def info(self, seed, o):
        lines = [f"seed {seed}", f"kind {o.kind}", f"message {o.msg}", f"phase {o.phase}"]
        if o.point:
            lines.append(f"point {o.point} of {o.yields} yields")
            lines.append(f"{self.a.bin} run prog.js --snapshot-at-yield {o.point} -o snap.json && "
                         f"{self.a.bin} restore snap.json")
        else:
            lines.append(f"{self.a.bin} run prog.js")
        lines.append("node prog.js")
        return "\n".join(lines) + "\n"

    def minimize(self, seed, src, o, d):
        t0 = time.monotonic()
        mz = Minimizer(self.ck, o, seed, t0 + self.a.min_seconds)
        small = mz.run(src)
        (d / "prog.min.js").write_text(small)
        (d / "min_expected.txt").write_text(mz.expected)
        (d / "min_got.txt").write_text(mz.got)
        with open(d / "info.txt", "a") as f:
            f.write(f"minimized: {len(src.splitlines())} -> {len(small.splitlines())} lines, "
                    f"{mz.tests} tests, {time.monotonic() - t0:.0f} s"
                    + (f", failing point {mz.point}" if mz.point else "") + "\n")
        with self.lock:
            print(f"[{self.elapsed()}] seed {seed}: minimized to {len(small.splitlines())} lines "
                  f"({mz.tests} tests) -> {d}/prog.min.js", file=sys.stderr, flush=True)

    def elapsed(self):
        return f"{time.monotonic() - self.t0:6.0f}s"

    def line(self):
        c = self.counts
        return (f"[{self.elapsed()}] programs {c['programs']} agree {c['agree']} "
                f"differ_run {c['differ_run']} differ_run_raw {c['differ_run_raw']} "
                f"differ_restore {c['differ_restore']} differ_refused {c['differ_refused']} crash {c['crash']} timeout {c['timeout']} "
                f"refused_points {sum(self.refused_points.values())} invalid {c['invalid']}")

    def main(self):
        stop = threading.Event()

        def ticker():
            while not stop.wait(30):
                with self.lock:
                    print(self.line(), file=sys.stderr, flush=True)

        th = threading.Thread(target=ticker, daemon=True)
        th.start()
        with concurrent.futures.ThreadPoolExecutor(self.a.jobs) as ex:
            futs = [ex.submit(self.worker) for _ in range(self.a.jobs)]
            for f in futs:
                f.result()
        stop.set()
        self.report()

    def report(self):
        c = self.counts
        n = c["programs"] - c["invalid"]
        ys = sorted(self.yields)
        print(f"things-js fuzz: seeds {self.a.seed}..{self.next_seed - 1}, {self.elapsed().strip()}, "
              f"{self.a.points} snapshot points per program, binary {self.a.bin}")
        if ys:
            print(f"yield points per program: min {ys[0]}, median {ys[len(ys) // 2]}, max {ys[-1]}")
        rows = [("programs (valid)", n), ("agree", c["agree"]),
                ("  of which with a refused snapshot", self.refused_programs),
                ("differ in run", c["differ_run"]),
                ("differ in run, raw QuickJS too (engine)", c["differ_run_raw"]),
                ("differ after restore", c["differ_restore"]),
                ("differ after a refused snapshot (run went on)", c["differ_refused"]),
                ("refused snapshots (points)", sum(self.refused_points.values())),
                ("crashes", c["crash"]), ("timeouts", c["timeout"]),
                ("discarded (node rejected / too slow)", c["invalid"])]
        w = max(len(r[0]) for r in rows)
        for name, v in rows:
            print(f"  {name:<{w}}  {v:>6}")
        if self.refused_points:
            print("refusals:")
            for msg, k in self.refused_points.most_common():
                print(f"  {k:>5}  {msg}")
        fails = [(s, ds) for s, ds in self.sigs.items() if not s.startswith("refused")]
        if fails:
            print("failures (kind: message, count, kept in):")
            for s, ds in fails:
                print(f"  {s}  x{len(ds)}")
                for d in ds[:3]:
                    mark = " (minimized)" if (Path(d) / "prog.min.js").exists() else ""
                    print(f"      {d}{mark}")


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=300, help="stop starting programs after this (default 300)")
    ap.add_argument("--seed", type=int, default=1, help="first seed; program i uses seed+i (default 1)")
    ap.add_argument("--count", type=int, default=0, help="stop after this many programs (default: no limit)")
    ap.add_argument("--bin", default=DEFAULT_BIN, help=f"things-js binary (default {DEFAULT_BIN})")
    ap.add_argument("--node", default="node", help="reference node binary (default node)")
    ap.add_argument("--jobs", type=int, default=2, help="programs checked in parallel (default 2)")
    ap.add_argument("--keep", default="/tmp/things-js-fuzz/", help="where failing programs go")
    ap.add_argument("--points", type=int, default=3, help="snapshot/restore points per program (default 3)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per things-js process (default 60)")
    ap.add_argument("--min-seconds", type=float, default=240, help="time cap per minimization (default 240)")
    ap.add_argument("--min-per-sig", type=int, default=3,
                    help="minimize at most this many failures of one kind+message (default 3)")
    ap.add_argument("--no-minimize", action="store_true", help="keep failures unminimized")
    ap.add_argument("--keep-invalid", action="store_true", help="also keep programs node rejected")
    ap.add_argument("--emit", type=int, metavar="SEED", help="print the program for SEED and exit")
    ap.add_argument("--without", default="", metavar="F,G",
                    help="leave generator features out, to look past a known bug; statement kinds, unit "
                         "kinds, arrow-arguments (arguments inside arrows), labeled-dowhile. "
                         "--without list prints them")
    a = ap.parse_args()
    a.without = [w for w in a.without.split(",") if w]
    if a.without == ["list"]:
        print(" ".join(FEATURES))
        return
    bad = [w for w in a.without if w not in FEATURES]
    if bad:
        sys.exit(f"fuzz.py: unknown --without feature(s): {', '.join(bad)} (see --without list)")
    if a.emit is not None:
        sys.stdout.write(generate(a.emit, a.without))
        return
    if not os.path.exists(a.bin):
        sys.exit(f"fuzz.py: no binary at {a.bin} (use --bin)")
    Fuzzer(a).main()


if __name__ == "__main__":
    main()
