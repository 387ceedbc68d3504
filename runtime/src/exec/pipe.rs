//! The pipe protocol between a worker and the host process that runs one of
//! its programs (`things-js host`): JSON lines, commands on the host's stdin,
//! events on its stdout. The program's console output travels as events too,
//! so nothing it prints can be mistaken for protocol.

use std::io::Write;

use serde::{Deserialize, Serialize};

/// What the worker tells the host. The first line is always `Start`.
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// The program to run: its name, source and instrumented script, and the
    /// snapshot document to continue from (none for a fresh run); `paused`:
    /// it waits for `Resume` before it runs.
    Start {
        filename: String,
        source: String,
        script: String,
        snapshot: Option<String>,
        seed: u32,
        paused: bool,
    },
    /// Stop at the next safe point and wait (the clock the program sees stops too).
    Pause,
    /// Go on after `Pause`.
    Resume,
    /// Capture at the next safe point, send `Event::Snapshot`, and wait for
    /// `Continue` or `Stop`.
    Snapshot,
    /// After a snapshot: the program goes on.
    Continue,
    /// After a snapshot: the program ends (it now runs elsewhere).
    Stop,
}

/// What the host tells the worker.
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The program's state is in place and it is about to run.
    Running,
    /// Console output (`stream`: "out" or "err").
    Output { stream: String, text: String },
    /// A complete snapshot document; the host now waits for `Continue` or `Stop`.
    Snapshot { doc: String },
    /// The snapshot could not be taken (the program keeps running).
    SnapshotFailed { reason: String },
    /// The program ended with this exit code.
    Exit { code: i32 },
}

/// Writes one event line to stdout (the host process's side of the pipe).
pub fn emit(event: &Event) {
    let mut line = serde_json::to_string(event).expect("events serialize");
    line.push('\n');
    // The worker going away must not crash the program's host.
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    let _ = std::io::stdout().lock().flush();
}
