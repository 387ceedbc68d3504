//! The ops the JS library calls: output, the clock, control polling, and the
//! hand-over of snapshots between JS and the host.

use std::io::Write;
use std::time::Instant;

use deno_core::{op2, OpState};

use super::control::Control;

/// Host-side state shared with the ops through `OpState`.
pub struct HostState {
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
}

#[op2(fast)]
pub fn op_things_write(#[string] text: &str, to_stderr: bool) {
    // A closed pipe must not crash the program; node ignores EPIPE on stdout too.
    if to_stderr {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}

#[op2(fast)]
pub fn op_things_now(state: &mut OpState) -> f64 {
    state.borrow::<HostState>().started.elapsed().as_secs_f64() * 1000.0
}

#[op2(fast)]
pub fn op_things_poll(state: &mut OpState) -> u32 {
    state.borrow::<HostState>().control.pending() as u32
}

#[op2(fast)]
pub fn op_things_report_wait(state: &mut OpState, wait_ms: f64) {
    state.borrow_mut::<HostState>().wait_ms = wait_ms;
}

#[op2(fast)]
pub fn op_things_put_snapshot(state: &mut OpState, #[string] doc: String) {
    let host = state.borrow_mut::<HostState>();
    host.snapshot = Some(doc);
    host.control.clear();
}

/// A snapshot could not be taken; the program keeps running.
#[op2(fast)]
pub fn op_things_snapshot_failed(state: &mut OpState, #[string] reason: &str) {
    eprintln!("things-js: snapshot failed: {reason} (the program keeps running)");
    state.borrow_mut::<HostState>().control.clear();
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
    ],
);
