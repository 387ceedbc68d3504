//! The MQTT protocol between dispatchers and workers (and between workers,
//! for migration): topics and JSON message types. Every request carries a
//! request id and the topic its one reply goes to. QoS 1 throughout.
//!
//! Topics:
//! - `things-js/worker/<worker>/request`: requests to a worker;
//! - `things-js/reply/<client>`: replies to a client (dispatcher or worker);
//! - `things-js/registry/<worker>`: a worker's status, retained (its last
//!   will marks it offline);
//! - `things-js/program/<id>/console`: a program's console output.

use serde::{Deserialize, Serialize};

pub fn request_topic(worker: &str) -> String {
    format!("things-js/worker/{worker}/request")
}

pub fn reply_topic(client: &str) -> String {
    format!("things-js/reply/{client}")
}

pub const REGISTRY_FILTER: &str = "things-js/registry/+";

pub fn registry_topic(worker: &str) -> String {
    format!("things-js/registry/{worker}")
}

pub fn console_topic(program: &str) -> String {
    format!("things-js/program/{program}/console")
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Request {
    /// Unique per client; the reply carries it back.
    pub req: String,
    pub reply_to: String,
    #[serde(flatten)]
    pub action: Action,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Run a program (its file name and text).
    Run {
        file: String,
        source: String,
    },
    Pause {
        id: String,
    },
    Resume {
        id: String,
    },
    Kill {
        id: String,
    },
    /// Snapshot a program; it keeps running.
    Snapshot {
        id: String,
    },
    /// Move a program to another worker (`file`: its name, as the user gave it).
    Migrate {
        id: String,
        to: String,
        file: String,
    },
    /// Worker to worker: continue a program from this snapshot document
    /// (which holds its source), paused if it was, unless `deadline_ms`
    /// (Unix time: the workers' clocks are assumed to agree, as NTP keeps
    /// them) has passed.
    Restore {
        id: String,
        snapshot: String,
        paused: bool,
        deadline_ms: u64,
    },
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Reply {
    pub req: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Program(ProgramInfo),
    Snapshot { program: ProgramInfo, doc: String },
    Error { message: String },
}

/// A program as replies and the registry show it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ProgramInfo {
    pub engine: String,
    pub id: String,
    pub pid: u32,
    pub status: Status,
    pub file: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Paused,
    Migrating,
    Killed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "Running",
            Status::Paused => "Paused",
            Status::Migrating => "Migrating",
            Status::Killed => "Killed",
        }
    }
}

/// A worker's registry entry.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WorkerInfo {
    pub id: String,
    pub online: bool,
    pub programs: Vec<ProgramInfo>,
    #[serde(default)]
    pub device: Option<String>,
}

/// A new id: 8 random alphanumerics (`HwJIiOTD`).
pub fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let mut bits = hasher.finish();
    (0..8)
        .map(|_| {
            let c = CHARS[(bits % CHARS.len() as u64) as usize];
            bits /= CHARS.len() as u64;
            c as char
        })
        .collect()
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
