//! The local commands: instrument, run and restore.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use things_js_runtime::{run_program, HostOptions, Snapshot, Start};

/// Options shared by `run` and `restore` for stopping the program into a snapshot.
#[derive(Args)]
pub struct SnapshotArgs {
    /// Stop at the first safe point after MS milliseconds and write a snapshot.
    #[arg(long, value_name = "MS", requires = "output")]
    snapshot_after: Option<u64>,
    /// Stop at exactly the N-th yield point and write a snapshot (deterministic;
    /// for tests).
    #[arg(long, value_name = "N", requires = "output", hide = true)]
    snapshot_at_yield: Option<u64>,
    /// Stop before the N-th event-loop turn and write a snapshot
    /// (deterministic; for tests).
    #[arg(long, value_name = "N", requires = "output", hide = true)]
    snapshot_at_turn: Option<u64>,
    /// Print the numbers of event-loop turns and yield points on stderr at
    /// exit (for tests).
    #[arg(long, hide = true)]
    report_counts: bool,
    /// Where to write the snapshot.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Seed for Math.random (a restore continues the snapshot's sequence).
    #[arg(long, default_value_t = 0)]
    seed: u32,
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub fn instrument(file: &Path) -> anyhow::Result<u8> {
    let source = read(file)?;
    match things_js_instrumenter::instrument(&source, &display_name(file)) {
        Ok(out) => {
            print!("{}", out.code);
            report_notes(&out.notes);
            Ok(0)
        }
        Err(err) => {
            eprintln!("{}:{err}", file.display());
            Ok(1)
        }
    }
}

/// Tells which constructs keep functions from being captured mid-call.
fn report_notes(notes: &[things_js_instrumenter::Note]) {
    let mut counts: Vec<(things_js_instrumenter::Note, usize)> = Vec::new();
    for note in notes {
        match counts.iter_mut().find(|(n, _)| n == note) {
            Some((_, c)) => *c += 1,
            None => counts.push((*note, 1)),
        }
    }
    for (note, count) in counts {
        let effect = if note.generator {
            "generator(s) or async function(s) cannot be captured while suspended (a snapshot that reaches one fails)"
        } else {
            "function(s) run without stack capture (a snapshot waits until they return)"
        };
        eprintln!("things-js: note: {count} {effect}: {}", note.reason);
    }
}

pub fn run(file: &Path, raw: bool, snap: &SnapshotArgs) -> anyhow::Result<u8> {
    let source = read(file)?;
    let name = display_name(file);
    let script = if raw {
        things_js_instrumenter::wrap_raw(&source)
    } else {
        match things_js_instrumenter::instrument(&source, &name) {
            Ok(out) => out.code,
            Err(err) => {
                eprintln!("{}:{err}", file.display());
                return Ok(1);
            }
        }
    };
    execute(script, name, source, Start::Fresh, snap, raw)
}

pub fn restore(path: &Path, snap: &SnapshotArgs) -> anyhow::Result<u8> {
    let text = read(path)?;
    let doc = Snapshot::parse(&text).with_context(|| format!("{}", path.display()))?;
    let program = doc.program.clone();
    let script = things_js_instrumenter::instrument(&program.source, &program.filename)
        .map_err(|e| anyhow::anyhow!("the snapshot's program does not parse: {e}"))?
        .code;
    execute(
        script,
        program.filename,
        program.source,
        Start::Restore(text),
        snap,
        false,
    )
}

fn execute(
    script: String,
    filename: String,
    source: String,
    start: Start,
    snap: &SnapshotArgs,
    raw: bool,
) -> anyhow::Result<u8> {
    let written = (!raw && matches!(start, Start::Fresh)).then(|| source.clone());
    let outcome = run_program(HostOptions {
        script,
        written,
        filename: filename.clone(),
        start,
        snapshot_after: snap.snapshot_after.map(Duration::from_millis),
        snapshot_at_yield: snap.snapshot_at_yield,
        snapshot_at_turn: snap.snapshot_at_turn,
        seed: snap.seed,
        raw,
        piped: None,
    })?;
    if snap.report_counts {
        eprintln!("things-js: turns: {}", outcome.turns);
        eprintln!("things-js: yields: {}", outcome.yield_hits);
    }
    let asked = snap.snapshot_after.is_some()
        || snap.snapshot_at_yield.is_some()
        || snap.snapshot_at_turn.is_some();
    if asked && outcome.snapshot.is_none() && outcome.exit_code == 0 && !outcome.refused {
        eprintln!(
            "things-js: the program ended before the snapshot point; no snapshot was written"
        );
    }
    if let Some(body) = outcome.snapshot {
        let out = snap
            .output
            .as_ref()
            .context("a snapshot was taken but no -o FILE was given")?;
        let doc = Snapshot::from_body(&filename, &source, &body)?;
        std::fs::write(out, doc).with_context(|| format!("cannot write {}", out.display()))?;
    }
    Ok(u8::try_from(outcome.exit_code).unwrap_or(1))
}
