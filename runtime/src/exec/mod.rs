//! Execution: the engine, the ops the JS library calls, the host loop that
//! drives one program, and the snapshot document.

pub mod control;
pub mod dynamic;
pub mod engine;
pub mod host;
pub mod ops;
pub mod pipe;
pub mod snapshot;
