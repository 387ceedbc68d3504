//! The ops the JS library calls: output, the clock, control polling, and the
//! hand-over of snapshots between JS and the host.

use std::io::Write;
use std::time::Instant;

use deno_core::{op2, OpState};

use super::control::{Control, Decision};
use super::pipe::{emit, Event};
use super::snapshot::Snapshot;

/// A program run by a worker (`things-js host`): what a snapshot document needs.
pub struct Piped {
    pub filename: String,
    pub source: String,
    /// The program waits for `Resume` before it runs.
    pub paused: bool,
}

/// Host-side state shared with the ops through `OpState`.
pub struct HostState {
    /// Set when a worker drives the program over the pipe protocol.
    pub piped: Option<Piped>,
    pub control: Control,
    pub started: Instant,
    /// Milliseconds until the next timer, as reported after each turn; negative
    /// when nothing is pending.
    pub wait_ms: f64,
    /// A snapshot document produced by the JS side.
    pub snapshot: Option<String>,
    /// The snapshot document a restore starts from.
    pub restore_doc: Option<String>,
    /// Set when the program asked to end (or failed) with this exit code.
    pub exit_code: Option<i32>,
    /// JSON configuration read once by the JS library at start-up.
    pub config: String,
    /// Yield-point hits counted when the program ended.
    pub yield_hits: f64,
    /// A snapshot was refused (what could not be captured went to stderr).
    pub refused: bool,
}

#[op2(fast)]
pub fn op_things_write(state: &mut OpState, #[string] text: &str, to_stderr: bool) {
    if state.borrow::<HostState>().piped.is_some() {
        let stream = if to_stderr { "err" } else { "out" };
        emit(&Event::Output {
            stream: stream.into(),
            text: text.into(),
        });
        return;
    }
    // A closed pipe must not crash the program; node ignores EPIPE on stdout too.
    if to_stderr {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}

/// The program's clock: time since it started, not counting pauses.
#[op2(fast)]
pub fn op_things_now(state: &mut OpState) -> f64 {
    let host = state.borrow::<HostState>();
    let ran = host
        .started
        .elapsed()
        .saturating_sub(host.control.paused_for());
    ran.as_secs_f64() * 1000.0
}

/// Called at yield points: a paused program waits here.
#[op2(fast)]
pub fn op_things_poll(state: &mut OpState) -> u32 {
    let control = &state.borrow::<HostState>().control;
    control.wait_while_paused();
    control.pending() as u32
}

/// The program's state is in place and it is about to run.
#[op2(fast)]
pub fn op_things_running(state: &mut OpState) {
    if state.borrow::<HostState>().piped.is_some() {
        emit(&Event::Running);
    }
}

#[op2(fast)]
pub fn op_things_report_wait(state: &mut OpState, wait_ms: f64) {
    state.borrow_mut::<HostState>().wait_ms = wait_ms;
}

/// Takes the snapshot the JS library made; returns whether the program goes
/// on in this process (a worker decides; a local run stops).
#[op2(fast)]
pub fn op_things_put_snapshot(state: &mut OpState, #[string] body: String) -> bool {
    let host = state.borrow_mut::<HostState>();
    host.control.clear();
    let Some(piped) = &host.piped else {
        host.snapshot = Some(body);
        return false;
    };
    match Snapshot::from_body(&piped.filename, &piped.source, &body) {
        Ok(doc) => emit(&Event::Snapshot { doc }),
        Err(err) => {
            emit(&Event::SnapshotFailed {
                reason: err.to_string(),
            });
            return true;
        }
    }
    // Waiting for the decision is not the program's time (a paused program
    // stays paused).
    let was_paused = host.control.is_paused();
    host.control.pause();
    let decision = host.control.wait_for_decision();
    if !was_paused {
        host.control.resume();
    }
    match decision {
        Decision::Continue => true,
        Decision::Stop => {
            host.exit_code = Some(0);
            false
        }
    }
}

/// A snapshot could not be taken; the program keeps running.
#[op2(fast)]
pub fn op_things_snapshot_failed(state: &mut OpState, #[string] reason: &str) {
    let host = state.borrow_mut::<HostState>();
    host.control.clear();
    host.refused = true;
    if host.piped.is_some() {
        emit(&Event::SnapshotFailed {
            reason: reason.into(),
        });
    } else {
        eprintln!("things-js: snapshot failed: {reason} (the program keeps running)");
    }
}

#[op2]
#[string]
pub fn op_things_take_restore(state: &mut OpState) -> String {
    state
        .borrow_mut::<HostState>()
        .restore_doc
        .take()
        .unwrap_or_default()
}

#[op2]
#[string]
pub fn op_things_config(state: &mut OpState) -> String {
    state.borrow::<HostState>().config.clone()
}

#[op2(fast)]
pub fn op_things_report_hits(state: &mut OpState, hits: f64) {
    state.borrow_mut::<HostState>().yield_hits = hits;
}

#[op2(fast)]
pub fn op_things_exit(state: &mut OpState, code: i32) {
    state
        .borrow_mut::<HostState>()
        .exit_code
        .get_or_insert(code);
}

deno_core::extension!(
    things_host,
    ops = [
        op_things_write,
        op_things_now,
        op_things_poll,
        op_things_report_wait,
        op_things_put_snapshot,
        op_things_snapshot_failed,
        op_things_take_restore,
        op_things_config,
        op_things_exit,
        op_things_report_hits,
        op_things_running,
        super::dynamic::op_things_make_function,
    ],
);
