//! `things-js`: the command line. It parses arguments and prints; the work is
//! done by the instrumenter and runtime libraries.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Live-migrate running JavaScript programs between machines.
///
/// A program runs in a capturable form: at any safe point it can be stopped,
/// written out as a snapshot (heap, closures, timers, call stack), and
/// continued from that snapshot in another process or on another machine.
#[derive(Parser)]
#[command(name = "things-js", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print FILE rewritten into its capturable form.
    Instrument {
        /// A JavaScript program (a node-style script).
        file: PathBuf,
    },
    /// Run FILE; its console output goes to stdout/stderr as with `node FILE`.
    Run {
        /// A JavaScript program (a node-style script).
        file: PathBuf,
        /// Run the program as written, without instrumentation (cannot be
        /// snapshotted; the baseline for benchmarks).
        #[arg(long, conflicts_with_all = ["snapshot_after", "snapshot_at_yield"])]
        raw: bool,
        #[command(flatten)]
        snap: commands::SnapshotArgs,
    },
    /// Continue a program from a snapshot written by `run -o` or `restore -o`.
    Restore {
        /// A snapshot file (JSON).
        snapshot: PathBuf,
        #[command(flatten)]
        snap: commands::SnapshotArgs,
    },
    /// Run one program for a worker, driven over stdin/stdout (internal).
    #[command(hide = true)]
    Host,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Instrument { file } => commands::instrument(&file),
        Command::Run { file, raw, snap } => commands::run(&file, raw, &snap),
        Command::Restore { snapshot, snap } => commands::restore(&snapshot, &snap),
        Command::Host => {
            things_js_runtime::serve_worker().map(|code| u8::try_from(code).unwrap_or(1))
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("things-js: {err:#}");
            ExitCode::from(1)
        }
    }
}
