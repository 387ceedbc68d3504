//! Requests that reach a running program from outside its JS thread (a timer,
//! a signal, later the worker's pipe). The JS side polls them at yield points
//! and between event-loop turns; nothing here touches the engine.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// What the host wants the program to do at its next safe point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Request {
    None = 0,
    /// Stop at the next yield point, write a snapshot, exit.
    Snapshot = 1,
}

/// A shared slot holding the pending request.
#[derive(Clone, Default)]
pub struct Control(Arc<AtomicU32>);

impl Control {
    pub fn request(&self, r: Request) {
        self.0.store(r as u32, Ordering::SeqCst);
    }

    pub fn pending(&self) -> Request {
        match self.0.load(Ordering::SeqCst) {
            1 => Request::Snapshot,
            _ => Request::None,
        }
    }

    pub fn clear(&self) {
        self.0.store(Request::None as u32, Ordering::SeqCst);
    }
}
