//! Requests that reach a running program from outside its JS thread (a timer,
//! a signal, the worker's pipe). The JS side polls them at yield points and
//! between event-loop turns; nothing here touches the engine.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the host wants the program to do at its next safe point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Request {
    None = 0,
    /// Stop at the next yield point and write a snapshot.
    Snapshot = 1,
}

/// After a snapshot: whether the program goes on in this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Continue,
    Stop,
}

/// Shared between the program's thread and whoever controls it.
#[derive(Clone, Default)]
pub struct Control(Arc<Inner>);

#[derive(Default)]
struct Inner {
    request: AtomicU32,
    gate: Mutex<Gate>,
    changed: Condvar,
}

#[derive(Default)]
struct Gate {
    paused_since: Option<Instant>,
    /// Time spent paused so far (the program's clock does not count it).
    paused_total: Duration,
    decision: Option<Decision>,
}

impl Control {
    pub fn request(&self, r: Request) {
        // Under the lock: a waiter checks the request, then sleeps, atomically.
        let _gate = self.0.gate.lock().expect("control lock");
        self.0.request.store(r as u32, Ordering::SeqCst);
        self.0.changed.notify_all();
    }

    pub fn pending(&self) -> Request {
        match self.0.request.load(Ordering::SeqCst) {
            1 => Request::Snapshot,
            _ => Request::None,
        }
    }

    pub fn clear(&self) {
        self.0.request.store(Request::None as u32, Ordering::SeqCst);
    }

    pub fn pause(&self) {
        let mut gate = self.0.gate.lock().expect("control lock");
        gate.paused_since.get_or_insert_with(Instant::now);
        self.0.changed.notify_all();
    }

    pub fn is_paused(&self) -> bool {
        self.0
            .gate
            .lock()
            .expect("control lock")
            .paused_since
            .is_some()
    }

    /// Sleeps until `until`, or until a request or a pause comes in.
    pub fn sleep_until(&self, until: Instant) {
        let gate = self.0.gate.lock().expect("control lock");
        let _woken = self
            .0
            .changed
            .wait_timeout_while(gate, until.saturating_duration_since(Instant::now()), |g| {
                g.paused_since.is_none() && self.pending() == Request::None
            })
            .expect("control lock");
    }

    pub fn resume(&self) {
        let mut gate = self.0.gate.lock().expect("control lock");
        if let Some(since) = gate.paused_since.take() {
            gate.paused_total += since.elapsed();
        }
        self.0.changed.notify_all();
    }

    /// Blocks while the program is paused, unless a snapshot is asked for.
    pub fn wait_while_paused(&self) {
        let gate = self.0.gate.lock().expect("control lock");
        let _unpaused = self
            .0
            .changed
            .wait_while(gate, |g| {
                g.paused_since.is_some() && self.pending() != Request::Snapshot
            })
            .expect("control lock");
    }

    /// Time spent paused, up to now.
    pub fn paused_for(&self) -> Duration {
        let gate = self.0.gate.lock().expect("control lock");
        gate.paused_total + gate.paused_since.map_or(Duration::ZERO, |s| s.elapsed())
    }

    pub fn decide(&self, d: Decision) {
        self.0.gate.lock().expect("control lock").decision = Some(d);
        self.0.changed.notify_all();
    }

    /// Waits for the decision after a snapshot (and takes it).
    pub fn wait_for_decision(&self) -> Decision {
        let gate = self.0.gate.lock().expect("control lock");
        let mut gate = self
            .0
            .changed
            .wait_while(gate, |g| g.decision.is_none())
            .expect("control lock");
        gate.decision.take().expect("a decision")
    }
}
