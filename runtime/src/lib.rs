//! things-js runtime: the execution half (a deno_core host that runs one
//! instrumented program and can snapshot and restore it). The network half
//! (broker, worker, dispatcher) reaches programs only through the host.

pub mod exec;
pub mod net;

pub use exec::host::{run_program, serve_worker, HostOptions, HostOutcome, Start};
pub use exec::snapshot::Snapshot;
