//! The network commands: pubsub, worker, dispatch (and the demo that puts
//! them together). Each runs the runtime's async side on a Tokio runtime.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use things_js_runtime::net::broker::{run_broker, BrokerOptions};
use things_js_runtime::net::dispatch::{inspect, Dispatcher};
use things_js_runtime::net::protocol::{Action, Outcome, ProgramInfo};
use things_js_runtime::net::worker::{run_worker, WorkerConfig};

fn tokio() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

pub fn pubsub(bind: SocketAddr, debug: bool) -> anyhow::Result<u8> {
    tokio()?.block_on(run_broker(BrokerOptions { bind, debug }))?;
    Ok(0)
}

pub fn worker(conf: &Path) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(conf)
        .with_context(|| format!("cannot read the worker config {}", conf.display()))?;
    let (config, warnings) =
        WorkerConfig::parse(&text).with_context(|| format!("{}", conf.display()))?;
    for w in warnings {
        eprintln!("things-js worker: warning: {}: {w}", conf.display());
    }
    let code = tokio()?.block_on(run_worker(config))?;
    Ok(u8::try_from(code).unwrap_or(1))
}

/// `things-js dispatch URL ACTION ...`
#[derive(Subcommand, Debug, Clone)]
pub enum DispatchAction {
    /// Run FILE (read here, sent as text) on WORKER.
    Run { worker: String, file: PathBuf },
    /// Pause a program: it stops at its next safe point and keeps its state.
    Pause { id: String },
    /// Resume a paused program.
    Resume { id: String },
    /// End a program.
    Kill { id: String },
    /// Move program ID (running FILE) from worker FROM to worker TO; it
    /// continues there from where it was.
    Migrate {
        from: String,
        to: String,
        file: PathBuf,
        id: String,
    },
    /// List the workers, their programs, status and pids.
    Ls,
    /// Write a snapshot of a program (it keeps running).
    Snapshot {
        id: String,
        /// Where to write it (default: ID.snapshot.json).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// How long a worker has to answer: a migration includes the target's start.
fn limit(action: &DispatchAction) -> Duration {
    match action {
        DispatchAction::Migrate { .. } | DispatchAction::Snapshot { .. } => Duration::from_secs(40),
        _ => Duration::from_secs(15),
    }
}

pub fn dispatch(url: &str, action: DispatchAction, json: bool) -> anyhow::Result<u8> {
    tokio()?.block_on(async {
        let mut d = Dispatcher::connect(url).await?;
        let result = send(&mut d, action, json).await;
        d.close().await;
        result
    })
}

async fn send(d: &mut Dispatcher, action: DispatchAction, json: bool) -> anyhow::Result<u8> {
    let wait = limit(&action);
    let (worker, request) = match &action {
        DispatchAction::Ls => {
            print_workers(d, json)?;
            return Ok(0);
        }
        DispatchAction::Run { worker, file } => {
            d.worker(worker)?;
            let source = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            (worker.clone(), Action::Run { file: name, source })
        }
        DispatchAction::Pause { id } => {
            (d.owner_of(id)?.id.clone(), Action::Pause { id: id.clone() })
        }
        DispatchAction::Resume { id } => (
            d.owner_of(id)?.id.clone(),
            Action::Resume { id: id.clone() },
        ),
        DispatchAction::Kill { id } => {
            (d.owner_of(id)?.id.clone(), Action::Kill { id: id.clone() })
        }
        DispatchAction::Snapshot { id, .. } => (
            d.owner_of(id)?.id.clone(),
            Action::Snapshot { id: id.clone() },
        ),
        DispatchAction::Migrate { from, to, file, id } => {
            d.worker(to)?;
            let owner = d.owner_of(id)?;
            if owner.id != *from {
                anyhow::bail!("program '{id}' runs on '{}', not '{from}'", owner.id);
            }
            let migrate = Action::Migrate {
                id: id.clone(),
                to: to.clone(),
                file: file.display().to_string(),
            };
            (from.clone(), migrate)
        }
    };
    match d.request(&worker, request, wait).await? {
        Outcome::Program(p) => print_program(&p, json),
        Outcome::Snapshot { program, doc } => {
            let DispatchAction::Snapshot { id, output } = action else {
                anyhow::bail!("a snapshot came back for a request that did not ask for one");
            };
            let path = output.unwrap_or_else(|| PathBuf::from(format!("{id}.snapshot.json")));
            std::fs::write(&path, doc)
                .with_context(|| format!("cannot write {}", path.display()))?;
            print_program(&program, json)?;
            eprintln!("snapshot written to {}", path.display());
            Ok(0)
        }
        Outcome::Error { message } => anyhow::bail!("{message}"),
    }
}

fn print_program(p: &ProgramInfo, json: bool) -> anyhow::Result<u8> {
    if json {
        println!("{}", serde_json::to_string(p)?);
    } else {
        println!("{}", inspect(p));
    }
    Ok(0)
}

fn print_workers(d: &Dispatcher, json: bool) -> anyhow::Result<()> {
    if json {
        let workers: Vec<_> = d.workers.values().collect();
        println!("{}", serde_json::to_string(&workers)?);
        return Ok(());
    }
    if d.workers.is_empty() {
        println!("no workers have connected to this broker");
    }
    for w in d.workers.values() {
        let state = if w.online { "online" } else { "offline" };
        let device = w
            .device
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        println!("{}{device}: {state}, {} program(s)", w.id, w.programs.len());
        for p in &w.programs {
            println!(
                "  {}  {:<9} pid {:<7} {}",
                p.id,
                p.status.as_str(),
                p.pid,
                p.file
            );
        }
    }
    Ok(())
}
