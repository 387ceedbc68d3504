#!/usr/bin/env python3
"""test262 conformance runner for things-js.

Runs tests from a test262 checkout through the `things-js` binary in up to
three modes and writes a summary table and a failure list:

  raw           `things-js run --raw`: the engine as is (the baseline).
  instrumented  `things-js run`: the program in its capturable form.
  snapshot      `things-js run --snapshot-at-yield P -o snap.json`, then
                `things-js restore snap.json`, at up to four yield points P
                spread through the run; the two halves' output together must
                pass as a whole run would.

Instrumented and snapshot results are counted only among the tests the raw
engine passes: the point is what the capturable form loses, not what the
engine lacks. docs/conformance-failures.txt lists each such loss on one
sorted line, so a diff (or --compare) between two runs shows what changed.

Python 3.11, standard library only. Example:

  python3 scripts/test262.py --test262 ../test262 --sample 10 --jobs 2
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import dataclasses
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The release build if there is one, else the debug build.
DEFAULT_BIN = next(
    (str(p) for p in (REPO / "target/release/things-js", REPO / "target/debug/things-js") if p.exists()),
    str(REPO / "target/debug/things-js"),
)
MODES = ("raw", "instrumented", "snapshot")

# The project's targets: all of test/language and these built-ins.
DEFAULT_BUILTINS = (
    "Array Map Set WeakMap Promise Symbol JSON Object RegExp TypedArray "
    "GeneratorPrototype AsyncGeneratorPrototype Proxy Reflect"
).split()
DEFAULT_PATHS = ["language"] + [f"built-ins/{b}" for b in DEFAULT_BUILTINS]

# Tests needing host hooks the runner cannot provide (see SKIP_REASONS).
SKIP_FEATURES = {
    "cross-realm": "needs a second realm ($262.createRealm)",
    "IsHTMLDDA": "needs the host's document.all-like object ($262.IsHTMLDDA)",
    "host-gc-required": "needs the host's garbage collector hook ($262.gc)",
}
# Loading other files: things-js runs one CommonJS script and has no module
# system, so import() and friends can only fail (unless the test checks
# syntax only, i.e. is a parse-phase negative test).
MODULE_LOADING_FEATURES = {
    "dynamic-import", "import-defer", "source-phase-imports",
    "source-phase-imports-module-source", "import-attributes", "json-modules",
    "import-text", "import-bytes",
}
SKIP_TEXT = {
    "$262.agent": "needs agents (worker threads, $262.agent)",
    "$262.createRealm": "needs a second realm ($262.createRealm)",
    "$262.evalScript": "needs global-scope script evaluation ($262.evalScript)",
    "$262.AbstractModuleSource": "needs module source objects",
    "$262.gc": "needs the host's garbage collector hook ($262.gc)",
    "$262.IsHTMLDDA": "needs the host's document.all-like object ($262.IsHTMLDDA)",
}
SKIP_FLAGS = {
    # Which one holds depends on whether the host lets the main agent block
    # in Atomics.wait: an agent question the runner does not answer.
    "CanBlockIsTrue": "depends on the host's [[CanBlock]] (Atomics.wait)",
    "CanBlockIsFalse": "depends on the host's [[CanBlock]] (Atomics.wait)",
}

# Runs of the binary: print and a minimal $262, before the harness.
PREAMBLE = """\
var print = function () { console.log.apply(console, arguments); };
var $262 = (function () {
  var transfer = ArrayBuffer.prototype.transfer;
  return {
    global: globalThis,
    detachArrayBuffer: function (buffer) {
      if (typeof transfer !== "function") {
        throw new TypeError("no way to detach an ArrayBuffer (ArrayBuffer.prototype.transfer)");
      }
      transfer.call(buffer);  // transfer detaches its receiver
      return null;
    },
  };
})();
"""

ASYNC_DONE = "Test262:AsyncTestComplete"
ASYNC_FAIL = "Test262:AsyncTestFailure"
# The instrumenter's parse errors: `FILE:LINE:COL: message`, no error type.
INSTRUMENTER_PARSE_ERROR = re.compile(r"^\S+?:\d+:\d+: ", re.M)
COUNT_LINE = re.compile(r"^things-js: (yields|turns): (\d+)$", re.M)
NO_SNAPSHOT = "no snapshot was written"
SNAPSHOT_FAILED = "things-js: snapshot failed:"


# ---------------------------------------------------------------- tests


@dataclasses.dataclass
class Test:
    path: str                     # relative to test/, e.g. language/types/x.js
    source: str
    includes: list[str]
    flags: set[str]
    features: set[str]
    negative_phase: str | None = None
    negative_type: str | None = None

    @property
    def is_async(self) -> bool:
        return "async" in self.flags

    def variants(self, choice: str) -> list[str]:
        """The strictness variants to run: test262's rule unless narrowed."""
        if "onlyStrict" in self.flags:
            return ["strict"]
        if self.flags & {"noStrict", "raw"}:
            return ["sloppy"]
        return {"both": ["sloppy", "strict"], "sloppy": ["sloppy"],
                "strict": ["strict"]}[choice]


def parse_frontmatter(text: str) -> dict:
    """The YAML between /*--- and ---*/, with the few shapes test262 uses:
    `key: value`, `key: [a, b]`, block lists (`- a`), one level of nested
    maps (negative: phase/type) and block scalars (`|`, `>`), skipped."""
    m = re.search(r"/\*---(.*?)---\*/", text, re.S)
    if not m:
        return {}
    meta: dict = {}
    key = None
    for line in m.group(1).splitlines():
        if not line.strip():
            continue
        indented = line[0] in " \t"
        stripped = line.strip()
        if not indented:
            k, _, v = stripped.partition(":")
            key, v = k.strip(), v.strip()
            if v.startswith("[") and v.endswith("]"):
                meta[key] = [x.strip() for x in v[1:-1].split(",") if x.strip()]
            elif v in ("", "|", ">", "|-", ">-", "|+", ">+"):
                meta[key] = None  # filled by the indented lines, if they are data
            else:
                meta[key] = v
        elif key is not None and key in meta and not isinstance(meta[key], str):
            if stripped.startswith("- "):
                if meta[key] is None:
                    meta[key] = []
                if isinstance(meta[key], list):
                    meta[key].append(stripped[2:].strip())
            elif re.match(r"^[\w-]+:", stripped) and key == "negative":
                if meta[key] is None:
                    meta[key] = {}
                k, _, v = stripped.partition(":")
                meta[key][k.strip()] = v.strip()
            # else: a block scalar's text (description, info): not needed
    return meta


def load_test(root: Path, path: Path) -> Test:
    source = path.read_text(encoding="utf-8", errors="surrogateescape")
    meta = parse_frontmatter(source)
    neg = meta.get("negative") if isinstance(meta.get("negative"), dict) else {}
    as_list = lambda v: v if isinstance(v, list) else []  # noqa: E731
    return Test(
        path=path.relative_to(root / "test").as_posix(),
        source=source,
        includes=as_list(meta.get("includes")),
        flags=set(as_list(meta.get("flags"))),
        features=set(as_list(meta.get("features"))),
        negative_phase=neg.get("phase"),
        negative_type=neg.get("type"),
    )


def skip_reason(test: Test) -> str | None:
    """Why the runner does not run a test, or None."""
    if "module" in test.flags:
        return "not applicable: ES module (things-js runs CommonJS scripts)"
    for flag, why in SKIP_FLAGS.items():
        if flag in test.flags:
            return f"{flag}: {why}"
    for feature, why in SKIP_FEATURES.items():
        if feature in test.features:
            return f"{feature}: {why}"
    loading = test.features & MODULE_LOADING_FEATURES
    if loading and test.negative_phase != "parse":
        return f"{sorted(loading)[0]}: loads another file (things-js has no module system)"
    for text, why in SKIP_TEXT.items():
        if text in test.source:
            return f"{text}: {why}"
    return None


def sampled(path: str, k: int) -> bool:
    """Stable across runs and machines: crc32 of the path under test/."""
    return k <= 1 or zlib.crc32(path.encode()) % k == 0


def collect(root: Path, scopes: list[str], k: int) -> list[Path]:
    files: list[Path] = []
    for scope in scopes:
        base = root / "test" / scope
        if base.is_file():
            found = [base]
        elif base.is_dir():
            found = sorted(base.rglob("*.js"))
        else:
            sys.exit(f"test262.py: no such test path: {base}")
        for f in found:
            rel = f.relative_to(root / "test").as_posix()
            if "_FIXTURE" not in f.name and sampled(rel, k):
                files.append(f)
    return sorted(set(files))


class Harness:
    """harness/*.js, read once."""

    def __init__(self, root: Path):
        self.dir = root / "harness"
        self.cache: dict[str, str] = {}

    def get(self, name: str) -> str:
        if name not in self.cache:
            self.cache[name] = (self.dir / name).read_text(encoding="utf-8")
        return self.cache[name]

    def build(self, test: Test, variant: str) -> str:
        """The file to run: [use strict] preamble assert sta [doneprint]
        includes test; `raw` tests run exactly as written."""
        if "raw" in test.flags:
            return test.source
        parts = ['"use strict";\n'] if variant == "strict" else []
        parts.append(PREAMBLE)
        names = ["assert.js", "sta.js"]
        if test.is_async:
            names.append("doneprintHandle.js")
        names += [n for n in test.includes if n not in names]
        for n in names:
            parts.append(self.get(n) + "\n")
            if n == "doneprintHandle.js":
                # The file runs inside a function (CommonJS): asyncTest looks
                # for $DONE on the global object, as a script would define it.
                parts.append("globalThis.$DONE = $DONE;\n")
        parts.append(test.source)
        return "".join(parts)


# ---------------------------------------------------------------- running


@dataclasses.dataclass
class Run:
    code: int | None              # None: timed out
    stdout: str
    stderr: str


@dataclasses.dataclass
class Outcome:
    ok: bool
    reason: str = ""


class Runner:
    def __init__(self, binary: str, timeout: float):
        self.binary = binary
        self.timeout = timeout
        self.local = threading.local()
        self.dirs: list[str] = []

    def workdir(self) -> Path:
        """One temp dir per worker thread (files are overwritten per run)."""
        if not hasattr(self.local, "dir"):
            self.local.dir = tempfile.mkdtemp(prefix="test262-")
            self.dirs.append(self.local.dir)
        return Path(self.local.dir)

    def cleanup(self) -> None:
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)

    def exec(self, *args: str) -> Run:
        # nice: others build on the same cores.
        cmd = ["nice", "-n", "19", self.binary, *args]
        try:
            p = subprocess.run(cmd, cwd=self.workdir(), capture_output=True,
                               timeout=self.timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            return Run(None, _text(e.stdout), _text(e.stderr))
        return Run(p.returncode, _text(p.stdout), _text(p.stderr))


def _text(b: bytes | str | None) -> str:
    if b is None:
        return ""
    return b if isinstance(b, str) else b.decode("utf-8", "replace")


def first_message(stderr: str) -> str:
    """The first stderr line that says something (not the count lines); an
    inspected object spread over lines (`Uncaught Test262Error {`) is joined."""
    lines = [l.strip() for l in stderr.splitlines()]
    lines = [l for l in lines if l and not COUNT_LINE.match(l)]
    if not lines:
        return ""
    message = lines[0]
    if message.endswith("{"):
        for line in lines[1:]:
            message += " " + line
            if line.startswith("}"):
                break
    return message[:300]


def judge(test: Test, run: Run, mode: str) -> Outcome:
    """test262's pass criteria for one (possibly two-part) run."""
    if run.code is None:
        return Outcome(False, "timeout")
    if test.negative_type:
        if run.code == 0:
            return Outcome(False, f"no error (expected {test.negative_type})")
        if test.negative_type in run.stderr:
            return Outcome(True)
        # The instrumenter reports syntax errors as FILE:LINE:COL: message,
        # without a type: that is a SyntaxError at parse time.
        if (mode != "raw" and test.negative_phase == "parse"
                and test.negative_type == "SyntaxError"
                and INSTRUMENTER_PARSE_ERROR.search(run.stderr)):
            return Outcome(True)
        got = first_message(run.stderr) or f"exit {run.code}, no message"
        return Outcome(False, f"expected {test.negative_type}, got: {got}")
    if run.code != 0:
        return Outcome(False, first_message(run.stderr) or f"exit {run.code}, no message")
    if test.is_async:
        for line in run.stdout.splitlines():
            if line.startswith(ASYNC_FAIL):
                return Outcome(False, line[len(ASYNC_FAIL) + 1:].strip()[:300])
        if ASYNC_DONE not in run.stdout:
            return Outcome(False, "no completion message")
    return Outcome(True)


def yield_count(stderr: str) -> int:
    counts = dict((k, int(v)) for k, v in COUNT_LINE.findall(stderr))
    return counts.get("yields", 0)


def snapshot_points(yields: int) -> list[int]:
    """1 and up to three more spread through the run, each ≤ yields."""
    if yields < 1:
        return []
    points = [1] + [round(yields * q / 4) for q in (1, 2, 3)]
    return sorted({p for p in points if 1 <= p <= yields})


def run_snapshot_point(runner: Runner, test: Test, point: int) -> Outcome | None:
    """Stop at yield `point`, restore, judge the two halves as one run.
    None: the program ended before that point (nothing to judge)."""
    snap = runner.workdir() / "snap.json"
    snap.unlink(missing_ok=True)
    first = runner.exec("run", "test.js", "--snapshot-at-yield", str(point), "-o", str(snap))
    failed = [l for l in first.stderr.splitlines() if l.startswith(SNAPSHOT_FAILED)]
    if failed:
        return Outcome(False, f"at yield {point}: " + failed[0][len("things-js: "):][:300])
    if first.code is None or not snap.exists():
        if first.code == 0 and NO_SNAPSHOT in first.stderr:
            return None
        # It ended (an error, or a timeout) before writing a snapshot: that
        # run is the whole run (a negative test may pass here).
        out = judge(test, first, "snapshot")
        if not out.ok:
            out.reason = f"at yield {point}, stopping: {out.reason}"
        return out
    second = runner.exec("restore", str(snap))
    whole = Run(second.code, first.stdout + second.stdout, first.stderr + second.stderr)
    out = judge(test, whole, "snapshot")
    if not out.ok:
        out.reason = f"at yield {point}: {out.reason}"
    return out


def run_variant(runner: Runner, harness: Harness, test: Test, variant: str,
                modes: list[str]) -> dict[str, Outcome]:
    (runner.workdir() / "test.js").write_text(harness.build(test, variant), encoding="utf-8",
                                               errors="surrogateescape")
    results: dict[str, Outcome] = {}
    if "raw" in modes:
        results["raw"] = judge(test, runner.exec("run", "--raw", "test.js"), "raw")
    if "instrumented" in modes or "snapshot" in modes:
        # One instrumented run also counts the yield points for the snapshots.
        counted = runner.exec("run", "test.js", "--report-counts")
        instrumented = judge(test, counted, "instrumented")
        if "instrumented" in modes:
            results["instrumented"] = instrumented
        if "snapshot" in modes:
            points = snapshot_points(yield_count(counted.stderr))
            if not points and counted.code not in (0, None):
                # An uncaught error ends the run without a count: try the first point.
                points = [1]
            # No point to stop at: it is the plain run.
            snapshot = dataclasses.replace(instrumented)
            for p in points:
                out = run_snapshot_point(runner, test, p)
                if out is not None:
                    snapshot = out
                    if not out.ok:
                        break
            results["snapshot"] = snapshot
    return results


def run_test(runner: Runner, harness: Harness, test: Test, modes: list[str],
             variants: str) -> dict[str, Outcome]:
    """All variants; a mode passes only if every variant passes."""
    combined: dict[str, Outcome] = {}
    for variant in test.variants(variants):
        for mode, out in run_variant(runner, harness, test, variant, modes).items():
            if not out.ok and len(test.variants(variants)) > 1:
                out.reason = f"[{variant}] {out.reason}"
            if mode not in combined or (combined[mode].ok and not out.ok):
                combined[mode] = out
    return combined


# ---------------------------------------------------------------- reporting


def group_of(path: str) -> str:
    """language/expressions, built-ins/Array, ... (two path components)."""
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "–"


def reason_pattern(reason: str) -> str:
    """A failure reason with the specifics taken out, to count alike ones together."""
    r = re.sub(r"^\[(sloppy|strict)\] ", "", reason)
    r = r.replace("Test262Error: Test262Error: ", "Test262Error: ")  # async: $DONE's prefix
    r = re.sub(r"^at yield \d+(, stopping)?: ", lambda m: "stopping: " if m.group(1) else "", r)
    r = re.sub(r"(got: |^stopping: |^)\S+?:\d+:\d+: ", r"\1parse error: ", r)
    r = r.replace(" (the program keeps running)", "")
    # An inspected Test262Error: its message is the useful part.
    r = re.sub(r"Uncaught Test262Error \{ message: (['\"])(.*)\1 \}", r"Test262Error: \2", r)
    r = re.sub(r"«[^»]*»", "«…»", r)
    r = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", r)
    r = re.sub(r"\b\d+\b", "N", r)
    return r[:160]


def table(results: dict[str, dict[str, Outcome]], modes: list[str]) -> list[str]:
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for path in results:
        groups[group_of(path)].append(path)
    cols = ["directory", "tests run"]
    cols += ["raw passes"] if "raw" in modes else []
    cols += [f"{m} passes (of raw passes)" for m in modes if m != "raw"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]

    def row(name: str, paths: list[str]) -> str:
        raw_ok = [p for p in paths if results[p].get("raw", Outcome(True)).ok]
        cells = [name, str(len(paths))]
        if "raw" in modes:
            cells.append(f"{len(raw_ok)} ({pct(len(raw_ok), len(paths))})")
        for m in modes:
            if m != "raw":
                n = sum(1 for p in raw_ok if results[p][m].ok)
                cells.append(f"{n} ({pct(n, len(raw_ok))})")
        return "| " + " | ".join(cells) + " |"

    lines += [row(g, groups[g]) for g in sorted(groups)]
    lines.append(row("**total**", list(results)))
    return lines


def failure_lines(results: dict[str, dict[str, Outcome]], modes: list[str]) -> list[str]:
    """mode TAB path TAB reason, for tests raw passes and a mode fails."""
    out = []
    for path, res in results.items():
        if "raw" in res and not res["raw"].ok:
            continue
        for m in modes:
            if m != "raw" and not res[m].ok:
                reason = res[m].reason.replace("\t", " ").replace("\n", " ")
                out.append(f"{m}\t{path}\t{reason}")
    return sorted(out)


def top_reasons(results, mode: str, n: int, raw_passing_only: bool) -> list[tuple[str, int]]:
    counts: collections.Counter = collections.Counter()
    for res in results.values():
        if mode not in res or res[mode].ok:
            continue
        if raw_passing_only and "raw" in res and not res["raw"].ok:
            continue
        counts[reason_pattern(res[mode].reason)] += 1
    return counts.most_common(n)


def write_markdown(path: Path, args, results, skipped: dict[str, str], command: str,
                   elapsed: float, commit: str) -> None:
    modes = args.modes
    skip_counts = collections.Counter(
        "ES module (flag `module`)" if r.startswith("not applicable") else r
        for r in skipped.values())
    lines = [
        "# test262 conformance",
        "",
        "How much of test262 things-js passes when it runs programs as written",
        "(`run --raw`), in the capturable form (`run`), and when the capturable",
        "form is stopped into a snapshot and continued from it in a fresh process",
        "(`run --snapshot-at-yield P -o snap.json` then `restore snap.json`).",
        "Instrumented and snapshot passes are counted among the tests the raw",
        "engine passes: the goal is that the capturable form keeps at least",
        "99.5 % of them and snapshots at least 99 %.",
        "",
        "## How to run",
        "",
        "```",
        command,
        "```",
        "",
        "(test262 itself is not in this repository: check it out anywhere, e.g.",
        "`git clone https://github.com/tc39/test262`, and give its path.) To see what a",
        "change loses, run the same command with `--out /tmp/c.md --failures /tmp/f.txt",
        "--compare docs/conformance-failures.txt`: it prints the tests failing now that",
        "were not failing here and exits 1 if there are any.",
        "",
        f"- date: {datetime.date.today().isoformat()}",
        f"- binary: `{args.bin}`",
        f"- test262: commit `{commit}`" if commit else "- test262: (commit unknown)",
        f"- scope: {', '.join('test/' + p for p in args.paths)}",
        f"- sample: {'all tests' if args.sample <= 1 else f'tests whose `zlib.crc32(path under test/) % {args.sample} == 0` (1 in {args.sample}, the same set on every run)'}",
        f"- strictness: {variants_text(args.variants)}",
        f"- modes: {', '.join(modes)}; timeout {args.timeout:g} s per process; {args.jobs} jobs",
        f"- run time: {elapsed / 60:.1f} min",
        "",
        "Pass criteria (test262's): a test passes when it exits 0 (async tests: prints",
        f"`{ASYNC_DONE}` and no `{ASYNC_FAIL}`); a negative test passes when it exits",
        "non-zero and its error type's name appears on stderr. The instrumenter reports",
        "a syntax error as `FILE:LINE:COL: message` without the type; for `phase: parse`",
        "SyntaxError tests, the instrumented and snapshot modes count that as the",
        "SyntaxError. Snapshot mode: an instrumented run with `--report-counts` gives the",
        "number Y of yield points; the test is stopped at yield 1, round(Y/4), round(Y/2)",
        "and round(3Y/4) (distinct, ≤ Y), each time restored in a fresh process; the",
        "stdout of both halves, the restore's exit code and both stderrs are judged as",
        "one run, and the test passes only if every point passes. A run that ends with",
        "an uncaught error reports no count: it is tried at yield 1 only. A test with no",
        "yield point is judged by its instrumented run. A snapshot that cannot be taken",
        "(`things-js: snapshot failed: …`; the program goes on) fails the point.",
        "",
        "Each test file is: `\"use strict\";` (strict variant), a preamble defining",
        "`print` (console.log) and a minimal `$262` (`global`, `detachArrayBuffer` through",
        "`ArrayBuffer.prototype.transfer`), harness/assert.js, sta.js, doneprintHandle.js",
        "(async tests, followed by `globalThis.$DONE = $DONE`, which asyncHelpers.js",
        "looks for), the `includes`, then the test. `raw`-flagged tests run as",
        "written. things-js runs a file as node runs a CommonJS module (inside a",
        "function: top-level `var`s are not global properties, `this` is",
        "`module.exports`), which costs the raw engine the tests that depend on",
        "global-scope semantics.",
        "",
        "Limits of the runner: the phase of a negative test is not checked, only the",
        "non-zero exit and the error type's name (parse-phase tests start with",
        "`$DONOTEVALUATE()`, so one that runs fails anyway). The snapshot points depend",
        "on the yield count, which changes when the instrumenter does: two runs with",
        "different binaries stop the same test at different points. The failure reasons",
        "keep the yield number, so a diff of the failure list shows a moved point as a",
        "changed line; `--compare` matches on mode and test only.",
        "",
        "## Results",
        "",
        *table(results, modes),
        "",
        f"Tests raw passes that a mode fails are listed in `{rel(args.failures)}`",
        "(`mode<TAB>test<TAB>reason`, sorted).",
        "",
    ]
    for m in modes:
        if m == "raw":
            continue
        top = top_reasons(results, m, 15, True)
        if top:
            lines += [f"### Most common {m} failure reasons (among raw passes)", "",
                      "| count | reason (specifics replaced by N / '…') |", "|---|---|"]
            lines += [f"| {c} | {md_cell(r)} |" for r, c in top] + [""]
    if "raw" in modes:
        top = top_reasons(results, "raw", 15, False)
        if top:
            lines += ["### Most common raw failure reasons", "",
                      "| count | reason (specifics replaced by N / '…') |", "|---|---|"]
            lines += [f"| {c} | {md_cell(r)} |" for r, c in top] + [""]
    if args.notes.is_file():
        lines += [args.notes.read_text(encoding="utf-8").rstrip("\n"), ""]
    lines += [
        "## Not run",
        "",
        "`_FIXTURE` files are not tests (other tests import them). Of the sampled",
        f"files, {len(skipped)} were not run:",
        "",
        "| count | why |",
        "|---|---|",
        *[f"| {c} | {md_cell(r)} |" for r, c in skip_counts.most_common()],
        "",
        "- ES modules (`flags: [module]`) are not applicable: things-js runs",
        "  CommonJS-style scripts, not modules.",
        "- `$262.agent`, `$262.createRealm`, `$262.evalScript`, `$262.gc`,",
        "  `$262.IsHTMLDDA`, `$262.AbstractModuleSource` (and the features",
        "  cross-realm, IsHTMLDDA, host-gc-required): host hooks the runner does not",
        "  provide (other agents, realms, global script evaluation, a GC hook,",
        "  document.all).",
        "- CanBlockIsTrue / CanBlockIsFalse: whether the main agent can block in",
        "  Atomics.wait is a host property the runner does not define.",
        "- Features that load other files (dynamic-import, import-attributes,",
        "  json-modules, import-defer, source-phase-imports, import-text/bytes),",
        "  except parse-phase negative tests: things-js has no module system.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def variants_text(choice: str) -> str:
    if choice == "both":
        return ("test262's rule: onlyStrict tests strict, noStrict/raw tests as written, "
                "the others both ways (passing only if both pass)")
    return f"onlyStrict tests strict, noStrict/raw as written, the others {choice} only"


def md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def rel(p: Path) -> str:
    try:
        return p.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(p)


def compare(old_file: Path, new_lines: list[str], ran: set[str] | None = None) -> int:
    """Print failures in new_lines not in old_file (by mode and test); 1 if any.
    Meaningful between runs of the same paths and --sample; `ran` (the tests
    run now) keeps the old run's other tests out of the "no longer failing" count."""
    if not old_file.is_file():
        print(f"test262.py: no such failures file: {old_file}", file=sys.stderr)
        return 2
    key = lambda line: tuple(line.split("\t")[:2])  # noqa: E731
    old = {key(l) for l in old_file.read_text(encoding="utf-8").splitlines() if l.strip()}
    if ran is not None:
        old = {k for k in old if k[1] in ran}
    new = [l for l in new_lines if key(l) not in old]
    gone = len(old - {key(l) for l in new_lines})
    for line in new:
        print(f"NEW FAILURE\t{line}")
    print(f"test262.py: {len(new)} newly failing, {gone} no longer failing vs. {old_file}",
          file=sys.stderr)
    return 1 if new else 0


def test262_commit(root: Path) -> str:
    """The checkout's commit, if it is a git work tree (or says so in a file)."""
    for f in (root / ".git" / "HEAD", root / "COMMIT"):
        if f.is_file():
            return f.read_text().strip()
    return ""


# ---------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Run test262 through things-js in raw, instrumented and snapshot "
                    "modes; write a conformance table and a list of the tests the "
                    "capturable form loses.",
        epilog="Default scope: " + ", ".join("test/" + s for s in DEFAULT_PATHS),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="directories or files under test/ (default: the project's targets)")
    p.add_argument("--test262", type=Path,
                   help="a test262 checkout (with test/ and harness/); required unless "
                        "--compare-only")
    p.add_argument("--bin", default=DEFAULT_BIN, help=f"the things-js binary (default {DEFAULT_BIN})")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel tests")
    p.add_argument("--sample", type=int, default=1, metavar="K",
                   help="run 1 test in K: those whose crc32(path) %% K == 0 (deterministic)")
    p.add_argument("--modes", default=",".join(MODES),
                   help="comma-separated, from raw,instrumented,snapshot (default all)")
    p.add_argument("--variants", choices=("both", "sloppy", "strict"), default="both",
                   help="for tests without a strictness flag: run both (test262's rule, "
                        "default) or just one")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per process (default 10)")
    p.add_argument("--out", type=Path, default=REPO / "docs" / "conformance.md",
                   help="the Markdown summary to write")
    p.add_argument("--failures", type=Path, default=REPO / "docs" / "conformance-failures.txt",
                   help="the failure list to write (mode, test, reason per line)")
    p.add_argument("--notes", type=Path, default=REPO / "docs" / "conformance-notes.md",
                   metavar="FILE",
                   help="hand-written Markdown (what changed, why the remaining tests "
                        "fail) put in the summary after the tables, if the file exists "
                        "(default docs/conformance-notes.md)")
    p.add_argument("--raw-failures", type=Path, metavar="FILE",
                   help="also write the tests the raw engine fails (test, reason per line)")
    p.add_argument("--compare", type=Path, metavar="OLD_FAILURES",
                   help="after the run, print tests failing now but not in OLD_FAILURES "
                        "(a run of the same paths and --sample); exit 1 if any")
    p.add_argument("--compare-only", action="store_true",
                   help="with --compare: compare the existing --failures file, run nothing")
    p.add_argument("--list-skipped", action="store_true",
                   help="print the skipped tests and why, run nothing")
    args = p.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in args.modes if m not in MODES]
    if bad or not args.modes:
        p.error(f"unknown mode(s) {bad}; choose from {','.join(MODES)}")
    args.modes = [m for m in MODES if m in args.modes]
    args.paths = [s.strip("/").removeprefix("test/") for s in args.paths] or DEFAULT_PATHS
    return args


def check_setup(args) -> None:
    if args.test262 is None:
        print("test262.py: give the test262 checkout with --test262 PATH", file=sys.stderr)
        sys.exit(2)
    if not (args.test262 / "test").is_dir() or not (args.test262 / "harness").is_dir():
        print(f"test262.py: {args.test262} is not a test262 checkout (needs test/ and harness/)",
              file=sys.stderr)
        sys.exit(2)
    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        print(f"test262.py: the things-js binary {args.bin} does not exist or is not executable "
              "(give it with --bin)", file=sys.stderr)
        sys.exit(2)
    if args.jobs < 1 or args.sample < 1 or args.timeout <= 0:
        print("test262.py: --jobs, --sample and --timeout must be positive", file=sys.stderr)
        sys.exit(2)


def command_line(argv: list[str]) -> str:
    return "python3 scripts/test262.py " + " ".join(_quote(a) for a in argv)


def _quote(a: str) -> str:
    return a if re.fullmatch(r"[\w./,=:+-]+", a) else "'" + a.replace("'", "'\\''") + "'"


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.compare_only:
        if not args.compare:
            print("test262.py: --compare-only needs --compare OLD_FAILURES", file=sys.stderr)
            return 2
        lines = args.failures.read_text(encoding="utf-8").splitlines() if args.failures.is_file() else []
        return compare(args.compare, [l for l in lines if l.strip()])
    check_setup(args)
    root = args.test262.resolve()

    tests: list[Test] = []
    skipped: dict[str, str] = {}
    for f in collect(root, args.paths, args.sample):
        t = load_test(root, f)
        why = skip_reason(t)
        if why:
            skipped[t.path] = why
        else:
            tests.append(t)
    if args.list_skipped:
        for path, why in sorted(skipped.items()):
            print(f"{path}\t{why}")
        return 0
    print(f"test262.py: {len(tests)} tests to run ({len(skipped)} skipped), "
          f"modes {','.join(args.modes)}, {args.jobs} jobs", file=sys.stderr)

    harness = Harness(root)
    runner = Runner(os.path.abspath(args.bin), args.timeout)
    start = time.monotonic()
    try:
        results = run_all(tests, runner, harness, args, start)
    except KeyboardInterrupt:
        print("test262.py: interrupted; nothing written", file=sys.stderr)
        return 130
    finally:
        runner.cleanup()
    elapsed = time.monotonic() - start
    results = dict(sorted(results.items()))

    lines = failure_lines(results, args.modes)
    args.failures.parent.mkdir(parents=True, exist_ok=True)
    args.failures.write_text("".join(l + "\n" for l in lines), encoding="utf-8")
    if args.raw_failures and "raw" in args.modes:
        raw_lines = [f"{p}\t{r['raw'].reason}" for p, r in results.items() if not r["raw"].ok]
        args.raw_failures.write_text("".join(l + "\n" for l in raw_lines), encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_markdown(args.out, args, results, skipped, command_line(argv), elapsed,
                   test262_commit(root))
    print(f"test262.py: wrote {args.out} and {args.failures} ({len(lines)} failures) "
          f"in {elapsed / 60:.1f} min", file=sys.stderr)
    print("\n".join(table(results, args.modes)))
    return compare(args.compare, lines, set(results)) if args.compare else 0


def run_all(tests: list[Test], runner: Runner, harness: Harness, args,
            start: float) -> dict[str, dict[str, Outcome]]:
    """Runs the tests in parallel (threads, each driving one subprocess at a time)."""
    results: dict[str, dict[str, Outcome]] = {}
    pool = concurrent.futures.ThreadPoolExecutor(args.jobs)
    try:
        futures = {pool.submit(run_test, runner, harness, t, args.modes, args.variants): t
                   for t in tests}
        for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            results[futures[fut].path] = fut.result()
            if i % 200 == 0 or i == len(tests):
                progress(i, len(tests), start, results, args.modes)
    finally:
        # On an interrupt, drop the queued tests (the running ones finish).
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def on_sigterm(_signum, _frame):
    raise KeyboardInterrupt  # the same clean stop as Ctrl-C (temp dirs removed)


def progress(done: int, total: int, start: float, results, modes) -> None:
    elapsed = time.monotonic() - start
    passed = {m: sum(1 for r in results.values() if m in r and r[m].ok) for m in modes}
    rate = done / elapsed if elapsed else 0
    eta = (total - done) / rate if rate else 0
    print(f"test262.py: {done}/{total} done, {elapsed / 60:.1f} min elapsed, ~{eta / 60:.1f} min left; "
          + ", ".join(f"{m} {n}" for m, n in passed.items()), file=sys.stderr, flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_sigterm)
    sys.exit(main(sys.argv[1:]))
