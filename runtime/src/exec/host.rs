//! The host: runs one program (fresh or from a snapshot) on its own thread,
//! drives its event loop, and hands back its exit code and any snapshot.

use std::time::{Duration, Instant};

use deno_core::JsRuntime;

use super::control::{Control, Decision, Request};
use super::engine::{new_engine, THREAD_STACK_BYTES};
use super::ops::{HostState, Piped};
use super::pipe::{emit, Command, Event};

/// How the program starts.
pub enum Start {
    /// Run the program from its beginning.
    Fresh,
    /// Continue from a snapshot document (JSON text).
    Restore(String),
}

pub struct HostOptions {
    /// The script to load: instrumented (or, for `--raw`, wrapped) program text.
    pub script: String,
    /// The program as written, when the script is its capturable form
    /// started fresh: the engine compiles it first (runs none of it), so
    /// its early errors refuse the program as they do when it runs as written.
    pub written: Option<String>,
    /// The program's file name, shown in stack traces.
    pub filename: String,
    pub start: Start,
    /// Take a snapshot at the first safe point after this long, then stop.
    pub snapshot_after: Option<Duration>,
    /// Take a snapshot at exactly this yield-point hit (deterministic; for tests).
    pub snapshot_at_yield: Option<u64>,
    /// Take a snapshot before this event-loop turn (deterministic; for tests).
    pub snapshot_at_turn: Option<u64>,
    /// Seed for Math.random on a fresh start.
    pub seed: u32,
    /// The script is the program as written (native promises, no capture).
    pub raw: bool,
    /// Driven by a worker over the pipe protocol (stdin/stdout).
    pub piped: Option<Piped>,
}

#[derive(Debug)]
pub struct HostOutcome {
    pub exit_code: i32,
    /// Set when the program stopped to be captured.
    pub snapshot: Option<String>,
    /// Event-loop turns the program ran after its main script.
    pub turns: u64,
    /// A snapshot was asked for and refused (the program went on).
    pub refused: bool,
    /// Yield points the program passed (when it ran to its end).
    pub yield_hits: u64,
}

/// Runs the program to completion (or to its snapshot) on a thread whose
/// native stack is large enough for deep recursion.
pub fn run_program(opts: HostOptions) -> anyhow::Result<HostOutcome> {
    std::thread::Builder::new()
        .name("things-js".into())
        .stack_size(THREAD_STACK_BYTES)
        .spawn(move || drive(opts))?
        .join()
        .map_err(|_| anyhow::anyhow!("the program's thread panicked"))?
}

fn drive(opts: HostOptions) -> anyhow::Result<HostOutcome> {
    let control = Control::default();
    let config = serde_json::json!({
        "filename": opts.filename,
        "seed": opts.seed,
        "snapshotAtYield": opts.snapshot_at_yield,
        "raw": opts.raw,
    });
    let (restore_doc, entry) = match opts.start {
        Start::Fresh => (None, "__things.start()"),
        Start::Restore(doc) => (Some(doc), "__things.restore()"),
    };
    if let Some(piped) = &opts.piped {
        if piped.paused {
            control.pause();
        }
        let control = control.clone();
        std::thread::spawn(move || follow_commands(&control));
    }
    let state = HostState {
        piped: opts.piped,
        control: control.clone(),
        started: Instant::now(),
        wait_ms: -1.0,
        snapshot: None,
        restore_doc,
        exit_code: None,
        config: config.to_string(),
        yield_hits: 0.0,
        refused: false,
    };
    let mut rt = new_engine(state)?;
    if let Some(after) = opts.snapshot_after {
        let control = control.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            control.request(Request::Snapshot);
        });
    }
    let deadline = opts.snapshot_after.map(|d| Instant::now() + d);
    let mut turns: u64 = 0;

    if let Some(source) = &opts.written {
        let check = things_js_instrumenter::compile_only(source);
        run(&mut rt, opts.filename.clone(), check)?;
    }
    run(&mut rt, opts.filename.clone(), opts.script)?;
    run(&mut rt, "things:start", entry.to_string())?;
    loop {
        let (exit, snapshot, wait, refused) = {
            let op_state = rt.op_state();
            let mut op_state = op_state.borrow_mut();
            let host = op_state.borrow_mut::<HostState>();
            (
                host.exit_code,
                host.snapshot.take(),
                host.wait_ms,
                host.refused,
            )
        };
        if let Some(code) = exit {
            return Ok(HostOutcome {
                exit_code: code,
                snapshot: None,
                turns,
                refused,
                yield_hits: 0,
            });
        }
        if snapshot.is_some() {
            return Ok(HostOutcome {
                exit_code: 0,
                snapshot,
                turns,
                refused,
                yield_hits: 0,
            });
        }
        if control.pending() == Request::Snapshot {
            run(&mut rt, "things:snapshot", "__things.snapshotIdle()".into())?;
            measure_wait(&mut rt)?;
            continue;
        }
        if control.is_paused() {
            control.wait_while_paused();
            measure_wait(&mut rt)?;
            continue;
        }
        if wait < 0.0 {
            run(
                &mut rt,
                "things:count",
                "__things.ops.op_things_report_hits(__things.yieldHits())".into(),
            )?;
            let yield_hits = rt.op_state().borrow().borrow::<HostState>().yield_hits as u64;
            return Ok(HostOutcome {
                exit_code: 0,
                snapshot: None,
                turns,
                refused,
                yield_hits,
            });
        }
        turns += 1;
        if opts.snapshot_at_turn == Some(turns) {
            control.request(Request::Snapshot);
            continue;
        }
        let mut until = Instant::now() + Duration::from_secs_f64(wait / 1000.0);
        if let Some(d) = deadline {
            until = until.min(d.max(Instant::now()));
        }
        control.sleep_until(until);
        if control.pending() == Request::Snapshot || control.is_paused() {
            continue;
        }
        run(&mut rt, "things:turn", "__things.hostTurn()".into())?;
    }
}

/// Time passed since the wait until the next timer was reported (a pause,
/// a snapshot): it is measured again.
fn measure_wait(rt: &mut JsRuntime) -> anyhow::Result<()> {
    run(
        rt,
        "things:wait",
        "__things.ops.op_things_report_wait(__things.nextWait())".into(),
    )
}

/// The host process a worker starts for one program (`things-js host`):
/// reads `Start` from stdin, runs the program under the worker's commands,
/// and reports its end. Returns the exit code.
pub fn serve_worker() -> anyhow::Result<i32> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let Command::Start {
        filename,
        source,
        script,
        snapshot,
        seed,
        paused,
    } = serde_json::from_str(&line)?
    else {
        anyhow::bail!("the first command must be start: {line}");
    };
    let outcome = run_program(HostOptions {
        script,
        written: snapshot.is_none().then(|| source.clone()),
        filename: filename.clone(),
        start: snapshot.map_or(Start::Fresh, Start::Restore),
        snapshot_after: None,
        snapshot_at_yield: None,
        snapshot_at_turn: None,
        seed,
        raw: false,
        piped: Some(Piped {
            filename,
            source,
            paused,
        }),
    })?;
    emit(&Event::Exit {
        code: outcome.exit_code,
    });
    Ok(outcome.exit_code)
}

/// Applies the worker's commands (after the first, `Start`) as they come in.
/// The worker going away ends the program: it is the worker's to run.
fn follow_commands(control: &Control) {
    for line in std::io::stdin().lines() {
        let Ok(line) = line else { break };
        match serde_json::from_str::<Command>(&line) {
            Ok(Command::Pause) => control.pause(),
            Ok(Command::Resume) => control.resume(),
            Ok(Command::Snapshot) => control.request(Request::Snapshot),
            Ok(Command::Continue) => control.decide(Decision::Continue),
            Ok(Command::Stop) => control.decide(Decision::Stop),
            Ok(Command::Start { .. }) | Err(_) => {
                eprintln!("things-js host: unexpected command: {line}");
            }
        }
    }
    std::process::exit(0);
}

/// Executes a script; the unwinding that ends a program (after an uncaught
/// error the library printed, or once a snapshot is taken) is not a host error.
fn run(rt: &mut JsRuntime, name: impl Into<String>, code: String) -> anyhow::Result<()> {
    match rt.execute_script(name.into(), code) {
        Ok(_) => Ok(()),
        Err(err) => {
            let ended = {
                let state = rt.op_state();
                let state = state.borrow();
                let host = state.borrow::<HostState>();
                host.exit_code.is_some() || host.snapshot.is_some()
            };
            if ended {
                Ok(())
            } else {
                Err(anyhow::anyhow!("{err}"))
            }
        }
    }
}
