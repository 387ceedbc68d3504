//! The snapshot document's envelope, as the Rust side sees it: a versioned
//! JSON object whose body the JS library writes and reads. Rust checks that a
//! file is a snapshot of a known version before any engine starts.

use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "things-js/snapshot";
pub const VERSION: u32 = 1;

/// What Rust reads of a snapshot document. The rest (the state and the
/// history the JS library wrote) stays text Rust never parses into values:
/// a program's strings may hold lone surrogates, which JSON escapes carry
/// but a Rust string cannot.
#[derive(Serialize, Deserialize, Debug)]
pub struct Snapshot {
    pub schema: String,
    pub version: u32,
    /// The program's original source and file name.
    pub program: Program,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Program {
    pub filename: String,
    pub source: String,
    pub hash: String,
}

/// The envelope's fields as found, before they are checked.
#[derive(Deserialize)]
struct Found {
    schema: Option<serde_json::Value>,
    version: Option<u32>,
    program: Option<Program>,
}

impl Snapshot {
    /// Parses and validates a snapshot document.
    pub fn parse(text: &str) -> anyhow::Result<Snapshot> {
        let found: Found = serde_json::from_str(text)
            .map_err(|e| anyhow::anyhow!("not a things-js snapshot: invalid JSON ({e})"))?;
        if found.schema.as_ref().and_then(|s| s.as_str()) != Some(SCHEMA) {
            anyhow::bail!("not a things-js snapshot: missing \"schema\": \"{SCHEMA}\"");
        }
        let (Some(version), Some(program)) = (found.version, found.program) else {
            anyhow::bail!(
                "not a valid things-js snapshot: its \"version\" or \"program\" is missing"
            );
        };
        if program.hash != source_hash(&program.source) {
            anyhow::bail!("the snapshot's program text does not match its hash");
        }
        if version != VERSION {
            anyhow::bail!(
                "snapshot version {version} is not supported (this things-js reads version {VERSION})"
            );
        }
        Ok(Snapshot {
            schema: SCHEMA.into(),
            version,
            program,
        })
    }

    /// Wraps the body the JS library produced (a JSON object) into a
    /// complete document: the envelope's fields first, then the body's.
    pub fn from_body(filename: &str, source: &str, body: &str) -> anyhow::Result<String> {
        let fields = body
            .trim_start()
            .strip_prefix('{')
            .ok_or_else(|| anyhow::anyhow!("the library's snapshot is not a JSON object"))?;
        let head = Snapshot {
            schema: SCHEMA.into(),
            version: VERSION,
            program: Program {
                filename: filename.into(),
                source: source.into(),
                hash: source_hash(source),
            },
        };
        let head = serde_json::to_string(&head)?;
        let head = &head[..head.len() - 1]; // without its closing brace
        let sep = if fields.trim_start().starts_with('}') {
            ""
        } else {
            ","
        };
        Ok(format!("{head}{sep}{fields}"))
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
