//! `things-js`: the command line. It parses arguments and prints; the work is
//! done by the instrumenter and runtime libraries.

mod commands;
mod demo;
mod network;

use std::net::SocketAddr;
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
    /// Run the MQTT broker that workers and dispatchers connect to.
    Pubsub {
        /// Log each client connection and each publish (time, topic, client, payload start).
        #[arg(short = 'd', long)]
        debug: bool,
        /// Port to listen on.
        #[arg(short, long, default_value_t = 1883)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0")]
        bind: std::net::IpAddr,
    },
    /// Run a worker (an "engine") that runs programs sent by `dispatch`.
    ///
    /// CONF is a JSON file: {"pubsub_url": "mqtt://host[:port]", "id": "worker-A"}
    /// and optionally "device" (a description shown by `dispatch ls`). Each
    /// program runs in its own process; its output appears here and on the
    /// topic things-js/program/<id>/console. Ctrl-C ends the worker and its programs.
    Worker {
        /// The worker's JSON config file.
        conf: PathBuf,
    },
    /// Send one command to the workers on a broker and print the reply.
    ///
    /// Examples:
    ///   things-js dispatch mqtt://localhost run worker-A factorial.js
    ///   things-js dispatch mqtt://localhost migrate worker-A worker-B factorial.js HwJIiOTD
    Dispatch {
        /// The broker, mqtt://host[:port] (port 1883 by default).
        url: String,
        /// Print replies as JSON (for scripts).
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        action: network::DispatchAction,
    },
    /// The tutorial in one command: a broker and two workers on this machine,
    /// a sample program started on worker-A and migrated to worker-B.
    Demo,
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
        Command::Pubsub { debug, port, bind } => {
            network::pubsub(SocketAddr::new(bind, port), debug)
        }
        Command::Worker { conf } => network::worker(&conf),
        Command::Demo => demo::demo(),
        Command::Dispatch { url, json, action } => network::dispatch(&url, action, json),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("things-js: {err:#}");
            ExitCode::from(1)
        }
    }
}
