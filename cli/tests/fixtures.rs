//! Every fixture, run as a user would: `things-js run` prints what `node`
//! printed (the committed `.out`), and timer-driven fixtures snapshotted while
//! waiting on timers and restored in a fresh process (also over three hops)
//! print the same, byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Fixtures captured mid-task, at yield points spread through their run
/// (inside loops, deep recursion, callbacks, timers); every point must give
/// a snapshot that restores to the rest of the output.
const STACK_SNAPSHOT: &[&str] = &[
    "arrays_special_values",
    "async_generators",
    "async_generators_delegate",
    "async_parallel",
    "async_params",
    "async_sequential",
    "bank_simulation",
    "bigint_math",
    "buffers_detached",
    "buffers_resizable",
    "builtins_replaced",
    "callbacks_long",
    "capturable_shapes",
    "classes_basic",
    "classes_computed_keys",
    "classes_inheritance",
    "classes_private",
    "closures_loop_let",
    "closures_shared",
    "collections_live_iteration",
    "collections_map_set",
    "console_count",
    "console_group_table",
    "counter",
    "cycles_shared_refs",
    "dates_utc",
    "destructuring",
    "errors_custom",
    "errors_in_callbacks",
    "event_emitter",
    "factorial",
    "functions_bound",
    "functions_params",
    "functions_text",
    "fuzz_arrow_arguments",
    "fuzz_finally_throw",
    "fuzz_labeled_do_while",
    "fuzz_param_default_captured",
    "fuzz_throw_for_of",
    "implicit_calls_apart",
    "implicit_conversions",
    "iterables_symbol_methods",
    "game_of_life",
    "generators_basic",
    "generators_timers",
    "globals_builtins",
    "json_state",
    "params_calls",
    "params_closures",
    "strict_by_context",
    "strings_lone_surrogates",
    "loop_collatz",
    "loop_mandelbrot",
    "loop_sieve",
    "loops_labels",
    "lru_cache",
    "native_callbacks",
    "objects_computed_methods",
    "operators_modern",
    "priority_scheduler",
    "promise_chains",
    "property_attributes",
    "prototype_classes",
    "prototypes_chain",
    "proxies",
    "recursion_deep",
    "regexp_exec",
    "scopes_blocks",
    "sensor_pipeline",
    "switch_vm",
    "symbols_keys",
    "templates_tagged",
    "text_wordfreq",
    "this_binding",
    "timers_mixed",
    "try_finally",
    "typed_arrays",
    "unbound_names",
    "using_resources",
    "weak_collections",
];

/// Fixtures driven by the event loop (timers, pending awaits, suspended
/// generators between turns): a snapshot before any turn must restore.
const IDLE_SNAPSHOT: &[&str] = &[
    "async_generators",
    "async_generators_delegate",
    "async_parallel",
    "async_sequential",
    "bank_simulation",
    "console_count",
    "counter",
    "generators_timers",
    "priority_scheduler",
    "sensor_pipeline",
    "timers_mixed",
    "game_of_life",
    "event_emitter",
    "closures_loop_let",
    "collections_live_iteration",
    "lru_cache",
    "promise_chains",
    "switch_vm",
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// Runs things-js; a run that does not end within a minute is killed and fails the test.
fn things_js(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_things-js"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("things-js starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("things-js {args:?} did not end within a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join(format!("{name}.out"))).expect("fixture output")
}

fn fixture(name: &str) -> String {
    fixtures_dir()
        .join(format!("{name}.js"))
        .display()
        .to_string()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_fixture_prints_what_node_prints() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".js")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 30,
        "at least 30 fixtures, found {}",
        names.len()
    );
    let mut failures = Vec::new();
    for name in &names {
        let out = things_js(&["run", &fixture(name)]);
        if !out.status.success() || stdout(&out) != expected(name) {
            failures.push(format!(
                "{name}: exit {:?}\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures that differ from node:\n{}",
        failures.join("\n")
    );
}

/// How a hop chooses its snapshot point.
#[derive(Clone, Copy, Debug)]
enum Point {
    /// `--snapshot-after MS`: wall-clock time, as a user would.
    After(u64),
    /// `--snapshot-at-turn N`: before the N-th event-loop turn (deterministic).
    Turn(u64),
    /// `--snapshot-at-yield N`: at the N-th yield point (deterministic).
    Yield(u64),
    /// At 1/D of the yield points left to run from where this hop starts.
    YieldShare(u64),
}

/// Runs a fixture, snapshots it at each point in turn, restoring each
/// snapshot in a fresh process; returns the concatenated stdout.
fn run_with_hops(name: &str, points: &[Point], dir: &Path) -> String {
    let mut text = String::new();
    let mut previous: Option<PathBuf> = None;
    for (i, point) in points.iter().enumerate() {
        let snap = dir.join(format!("{name}.{i}.snap.json"));
        let _ = std::fs::remove_file(&snap);
        let source = match &previous {
            None => vec!["run".to_string(), fixture(name)],
            Some(p) => vec!["restore".to_string(), p.display().to_string()],
        };
        let point = match point {
            Point::YieldShare(d) => {
                let args: Vec<&str> = source.iter().map(String::as_str).collect();
                let left = count_of(&args, "yields");
                // A capture held off inside a built-in that calls back is
                // taken later; a program with no yield point left is done hopping.
                if left < *d {
                    break;
                }
                Point::Yield(left / d)
            }
            other => *other,
        };
        let (flag, value) = match point {
            Point::After(ms) => ("--snapshot-after", ms.to_string()),
            Point::Turn(n) => ("--snapshot-at-turn", n.to_string()),
            Point::Yield(n) => ("--snapshot-at-yield", n.to_string()),
            Point::YieldShare(_) => unreachable!("resolved above"),
        };
        let snap_arg = snap.display().to_string();
        let mut args: Vec<&str> = source.iter().map(String::as_str).collect();
        args.extend([flag, &value, "-o", &snap_arg]);
        let out = things_js(&args);
        assert!(
            out.status.success(),
            "{name} hop {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            snap.exists(),
            "{name} hop {i}: no snapshot was taken: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        text += &stdout(&out);
        previous = Some(snap);
    }
    let out = things_js(&["restore", &previous.expect("one hop").display().to_string()]);
    assert!(
        out.status.success(),
        "{name} final restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text + &stdout(&out)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("things-js-test-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A count an uninterrupted run reports (`turns` or `yields`).
fn count(name: &str, what: &str) -> u64 {
    count_of(&["run", &fixture(name)], what)
}

/// The count `things-js ARGS --report-counts` reports.
fn count_of(args: &[&str], what: &str) -> u64 {
    let mut args = args.to_vec();
    args.push("--report-counts");
    let out = things_js(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "things-js {args:?}: {err}");
    let prefix = format!("things-js: {what}: ");
    err.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|n| n.trim().parse().ok())
        .expect("a count")
}

fn turns(name: &str) -> u64 {
    count(name, "turns")
}

/// A snapshot of fixture `name` at yield point `point` (of `total`),
/// restored, finishes with node's output.
fn assert_restores_at(name: &str, point: u64, total: u64, dir: &Path) {
    let text = run_with_hops(name, &[Point::Yield(point)], dir);
    assert_eq!(
        text,
        expected(name),
        "{name} snapshotted at yield point {point} of {total}"
    );
}

#[test]
fn fixtures_continue_after_a_snapshot_at_five_yield_points() {
    let dir = temp_dir("yields");
    for name in STACK_SNAPSHOT {
        let total = count(name, "yields");
        for k in 1..=5 {
            assert_restores_at(name, total * k / 6, total, &dir);
        }
    }
}

#[test]
fn fixtures_survive_three_hops_mid_task() {
    let dir = temp_dir("yield-hops");
    for name in STACK_SNAPSHOT {
        // Each hop stops a third of the way through what is left of the run.
        let points = [
            Point::YieldShare(3),
            Point::YieldShare(3),
            Point::YieldShare(3),
        ];
        let text = run_with_hops(name, &points, &dir);
        assert_eq!(text, expected(name), "{name} over three hops mid-task");
    }
}

#[test]
fn fixtures_continue_after_a_snapshot_between_any_two_turns() {
    let dir = temp_dir("points");
    for name in IDLE_SNAPSHOT {
        let total = turns(name);
        assert!(total >= 3, "{name} runs {total} turns");
        // Every turn, or ten spread over the run.
        let points: Vec<u64> = (0..total.min(10))
            .map(|k| 1 + (total - 1) * k / total.min(10))
            .collect();
        for turn in points {
            let text = run_with_hops(name, &[Point::Turn(turn)], &dir);
            assert_eq!(
                text,
                expected(name),
                "{name} snapshotted before turn {turn} of {total}"
            );
        }
    }
}

#[test]
fn fixtures_survive_three_hops() {
    let dir = temp_dir("hops");
    for name in IDLE_SNAPSHOT {
        let step = (turns(name) / 4).max(1);
        let points = [Point::Turn(step), Point::Turn(step), Point::Turn(step)];
        let text = run_with_hops(name, &points, &dir);
        assert_eq!(
            text,
            expected(name),
            "{name} over three hops of {step} turns"
        );
    }
}

#[test]
fn snapshot_after_a_time_lands_inside_a_long_synchronous_loop() {
    // factorial.js computes in one task, with no event-loop turn to wait
    // for: the snapshot can only come from a yield point inside its loop.
    let dir = temp_dir("after-sync");
    // 5 ms after the engine starts is inside main on any machine (the
    // program computes for tens of ms here, and polls every 10,000 yield points).
    let text = run_with_hops("factorial", &[Point::After(5)], &dir);
    assert_eq!(text, expected("factorial"));
}

#[test]
fn snapshot_after_a_time_continues_the_counter() {
    let dir = temp_dir("after");
    let text = run_with_hops("counter", &[Point::After(300), Point::After(250)], &dir);
    assert_eq!(text, expected("counter"));
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let dir = temp_dir("syntax");
    let bad = dir.join("bad.js");
    std::fs::write(&bad, "let x = 1;\nlet = = 2;\n").unwrap();
    for cmd in ["instrument", "run"] {
        let out = things_js(&[cmd, &bad.display().to_string()]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!("{}:2:", bad.display())),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn restoring_something_that_is_not_a_snapshot_fails_clearly() {
    let dir = temp_dir("notsnap");
    let file = dir.join("x.json");
    std::fs::write(&file, "{\"hello\": 1}").unwrap();
    let out = things_js(&["restore", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a things-js snapshot"));
}

#[test]
fn uncaught_errors_exit_1_with_the_message_on_stderr() {
    let dir = temp_dir("uncaught");
    let file = dir.join("boom.js");
    std::fs::write(
        &file,
        "console.log('before');\nsetTimeout(() => { throw new TypeError('boom'); }, 5);\n",
    )
    .unwrap();
    let out = things_js(&["run", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "before\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("TypeError: boom"));
}

#[test]
fn uncaught_errors_name_the_programs_own_lines_also_after_a_restore() {
    let dir = temp_dir("places");
    let file = dir.join("places.js");
    std::fs::write(
        &file,
        "function check(n) {\n  if (n > 40) {\n    throw new RangeError('too far: ' + n);\n  }\n}\n\
         let i = 0;\nfor (;;) {\n  check(i);\n  i++;\n}\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let expect = ["at check (places.js:3:11)", "(places.js:8:3)"];
    let out = things_js(&["run", &path]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for place in expect {
        assert!(err.contains(place), "{place} in: {err}");
    }
    let snap = dir.join("places.snap.json").display().to_string();
    let out = things_js(&["run", &path, "--snapshot-at-yield", "20", "-o", &snap]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = things_js(&["restore", &snap]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("RangeError: too far: 41"), "{err}");
    for place in expect {
        assert!(err.contains(place), "{place} after a restore, in: {err}");
    }
}

#[test]
fn a_snapshot_lands_inside_a_callback_of_reduce() {
    // Half-way through its yield points, callbacks_long.js is inside the
    // reduce: the output so far stops before the reduce's result.
    let dir = temp_dir("callback");
    let total = count("callbacks_long", "yields");
    let snap = dir.join("cb.snap.json");
    let snap_arg = snap.display().to_string();
    let point = (total / 4).to_string();
    let out = things_js(&[
        "run",
        &fixture("callbacks_long"),
        "--snapshot-at-yield",
        &point,
        "-o",
        &snap_arg,
    ]);
    let before = stdout(&out);
    assert!(
        before.contains("row 50") && !before.contains("total"),
        "{before}"
    );
    let after = stdout(&things_js(&["restore", &snap_arg]));
    assert_eq!(before + &after, expected("callbacks_long"));
}

#[test]
fn errors_made_inside_callbacks_continue_from_every_yield_point() {
    // The engine builds a thrown value's frames with the program's
    // `Array.prototype.map`: no capture may stop inside that use of it.
    let dir = temp_dir("every");
    let name = "errors_in_callbacks";
    let total = count(name, "yields");
    for point in 1..=total {
        assert_restores_at(name, point, total, &dir);
    }
}

#[test]
fn early_errors_refuse_the_program_as_when_it_runs_as_written() {
    // SWC's parser accepts this redeclaration; the engine does not.
    let dir = temp_dir("early");
    let bad = dir.join("early.js");
    std::fs::write(
        &bad,
        "console.log('ran');\n{ const f = 0; function* f() {} }\n",
    )
    .unwrap();
    let path = bad.display().to_string();
    let raw = things_js(&["run", "--raw", &path]);
    let out = things_js(&["run", &path]);
    for (mode, out) in [("raw", &raw), ("instrumented", &out)] {
        assert_eq!(out.status.code(), Some(1), "{mode}");
        assert_eq!(stdout(out), "", "{mode}: nothing runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("SyntaxError: invalid redefinition of lexical identifier"),
            "{mode}: {err}"
        );
        assert!(err.contains("early.js:2:"), "{mode}: {err}");
    }
}
