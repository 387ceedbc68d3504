//! `things-js demo`: the tutorial in one command. Starts the embedded broker
//! and two workers on loopback, runs a sample program on worker-A, migrates
//! it to worker-B after a few seconds, and shows both consoles, labelled,
//! until the program ends.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use things_js_runtime::net::dispatch::{inspect, Dispatcher};
use things_js_runtime::net::protocol::{Action, Outcome, ProgramInfo};

const PROGRAM: &str = include_str!("demo/counter.js");
const MIGRATE_AFTER: Duration = Duration::from_secs(3);

/// Child processes, ended with the demo.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn demo() -> anyhow::Result<u8> {
    let exe = std::env::current_exe()?;
    let dir = std::env::temp_dir().join(format!("things-js-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    // A free port: a broker already on 1883 (Mosquitto, say) is left alone.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let url = format!("mqtt://127.0.0.1:{port}");
    let (lines_tx, lines) = mpsc::channel::<(String, String)>();
    let mut children = Children(Vec::new());

    println!("== things-js demo: a broker and two workers on this machine ==");
    println!("$ things-js pubsub -p {port} --bind 127.0.0.1");
    let mut broker = Command::new(&exe);
    broker.args(["pubsub", "-p", &port.to_string(), "--bind", "127.0.0.1"]);
    children
        .0
        .push(spawn_labelled(&mut broker, "pubsub", &lines_tx)?);
    wait_for(&lines, "listening", Duration::from_secs(10))?;
    for id in ["worker-A", "worker-B"] {
        let home = dir.join(id);
        std::fs::create_dir_all(&home)?;
        std::fs::write(
            home.join("my-worker.conf"),
            format!("{{\"pubsub_url\": \"{url}\", \"id\": \"{id}\"}}\n"),
        )?;
        println!(
            "$ things-js worker my-worker.conf     # in {}",
            home.display()
        );
        let mut worker = Command::new(&exe);
        worker.current_dir(&home).args(["worker", "my-worker.conf"]);
        children.0.push(spawn_labelled(&mut worker, id, &lines_tx)?);
        wait_for(
            &lines,
            &format!("[Engine:{id}] connected"),
            Duration::from_secs(10),
        )?;
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let program = rt.block_on(async {
        let mut d = Dispatcher::connect(&url).await?;
        println!("$ things-js dispatch {url} run worker-A counter.js");
        let run = Action::Run {
            file: "counter.js".into(),
            source: PROGRAM.into(),
        };
        let started = expect_program(d.request("worker-A", run, Duration::from_secs(15)).await?)?;
        println!("{}", inspect(&started));
        d.close().await;
        anyhow::Ok(started)
    })?;
    show_until(&lines, |_| false, MIGRATE_AFTER);
    let moved = rt.block_on(async {
        let mut d = Dispatcher::connect(&url).await?;
        println!(
            "$ things-js dispatch {url} migrate worker-A worker-B counter.js {}",
            program.id
        );
        let migrate = Action::Migrate {
            id: program.id.clone(),
            to: "worker-B".into(),
            file: "counter.js".into(),
        };
        let moved = expect_program(
            d.request("worker-A", migrate, Duration::from_secs(40))
                .await?,
        )?;
        println!("{}", inspect(&moved));
        d.close().await;
        anyhow::Ok(moved)
    })?;
    let ended = format!("program {} exited", moved.id);
    show_until(
        &lines,
        |line| line.contains(&ended),
        Duration::from_secs(60),
    );
    println!("== the program ran on worker-A, then on worker-B, from the same point ==");
    drop(children);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(0)
}

fn expect_program(outcome: Outcome) -> anyhow::Result<ProgramInfo> {
    match outcome {
        Outcome::Program(p) => Ok(p),
        Outcome::Error { message } => anyhow::bail!("{message}"),
        Outcome::Snapshot { .. } => anyhow::bail!("unexpected reply"),
    }
}

/// Starts a process whose output lines arrive on `lines`, labelled.
fn spawn_labelled(
    cmd: &mut Command,
    label: &str,
    lines: &mpsc::Sender<(String, String)>,
) -> anyhow::Result<Child> {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let streams: [Box<dyn std::io::Read + Send>; 2] = [
        Box::new(child.stdout.take().expect("piped")),
        Box::new(child.stderr.take().expect("piped")),
    ];
    for stream in streams {
        let (label, tx) = (label.to_string(), lines.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send((label.clone(), line)).is_err() {
                    break;
                }
            }
        });
    }
    Ok(child)
}

fn print_line(label: &str, line: &str) {
    println!("{label:>9} | {line}");
}

/// Shows lines until one contains `needle`.
fn wait_for(
    lines: &mpsc::Receiver<(String, String)>,
    needle: &str,
    limit: Duration,
) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let (label, line) = lines
            .recv_timeout(left)
            .map_err(|_| anyhow::anyhow!("the demo did not see {needle:?} within {limit:?}"))?;
        print_line(&label, &line);
        if line.contains(needle) {
            return Ok(());
        }
    }
}

/// Shows lines for `limit`, or until one satisfies `stop`.
fn show_until(
    lines: &mpsc::Receiver<(String, String)>,
    stop: impl Fn(&str) -> bool,
    limit: Duration,
) {
    let deadline = std::time::Instant::now() + limit;
    while let Ok((label, line)) =
        lines.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        print_line(&label, &line);
        if stop(&line) {
            return;
        }
    }
}
