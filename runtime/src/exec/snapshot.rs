//! The snapshot document's envelope, as the Rust side sees it: a versioned
//! JSON object whose body the JS library writes and reads. Rust checks that a
//! file is a snapshot of a known version before any engine starts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const SCHEMA: &str = "things-js/snapshot";
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize, Debug)]
pub struct Snapshot {
    pub schema: String,
    pub version: u32,
    /// The program's original source and file name.
    pub program: Program,
    /// Everything else, written and read by the JS library.
    #[serde(flatten)]
    pub body: serde_json::Map<String, Value>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Program {
    pub filename: String,
    pub source: String,
    pub hash: String,
}

impl Snapshot {
    /// Parses and validates a snapshot document.
    pub fn parse(text: &str) -> anyhow::Result<Snapshot> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| anyhow::anyhow!("not a things-js snapshot: invalid JSON ({e})"))?;
        if value.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
            anyhow::bail!("not a things-js snapshot: missing \"schema\": \"{SCHEMA}\"");
        }
        let snap: Snapshot = serde_json::from_value(value)
            .map_err(|e| anyhow::anyhow!("not a valid things-js snapshot: {e}"))?;
        if snap.program.hash != source_hash(&snap.program.source) {
            anyhow::bail!("the snapshot's program text does not match its hash");
        }
        if snap.version != VERSION {
            anyhow::bail!(
                "snapshot version {} is not supported (this things-js reads version {VERSION})",
                snap.version
            );
        }
        Ok(snap)
    }
}

impl Snapshot {
    /// Wraps the body the JS library produced into a complete document.
    pub fn from_body(filename: &str, source: &str, body: &str) -> anyhow::Result<String> {
        let body: serde_json::Map<String, Value> = serde_json::from_str(body)?;
        let doc = Snapshot {
            schema: SCHEMA.into(),
            version: VERSION,
            program: Program {
                filename: filename.into(),
                source: source.into(),
                hash: source_hash(source),
            },
            body,
        };
        Ok(serde_json::to_string(&doc)?)
    }
}

/// FNV-1a over the source: enough to tell that a snapshot's program text was
/// not changed by hand (it is not a security measure).
pub fn source_hash(source: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in source.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    format!("fnv1a64:{h:016x}")
}
