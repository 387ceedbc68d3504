//! The tutorial, end to end, with real processes on loopback: a broker
//! (`things-js pubsub`, or Mosquitto), workers in their own folders with
//! their own config files, and `things-js dispatch` run as a user would.
//! Outputs are checked as a user would check them: the count goes on, on the
//! other worker, with no line lost or repeated.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn things_js() -> &'static str {
    env!("CARGO_BIN_EXE_things-js")
}

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("things-js-e2e-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A process that is killed when the test ends, with its stdout collected.
struct Proc {
    child: Child,
    out: Arc<Mutex<String>>,
}

impl Proc {
    fn spawn(cmd: &mut Command) -> Proc {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let out = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let out = out.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    let mut out = out.lock().unwrap();
                    out.push_str(&line);
                    out.push('\n');
                }
            });
        }
        Proc { child, out }
    }

    fn text(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Waits until the output contains `needle`.
    fn wait_for(&self, needle: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.text().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "waited {limit:?} for {needle:?}; output so far:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, Debug)]
enum BrokerKind {
    ThingsPubsub,
    Mosquitto,
}

/// A broker on a free loopback port.
fn broker(kind: BrokerKind, dir: &Path) -> (Proc, String) {
    let port = free_port();
    let proc = match kind {
        BrokerKind::ThingsPubsub => {
            let p = Proc::spawn(Command::new(things_js()).args([
                "pubsub",
                "-d",
                "--bind",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ]));
            p.wait_for("listening", Duration::from_secs(10));
            p
        }
        BrokerKind::Mosquitto => {
            let conf = dir.join("mosquitto.conf");
            std::fs::write(
                &conf,
                format!("listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"),
            )
            .unwrap();
            let exe = ["/usr/sbin/mosquitto", "mosquitto"]
                .into_iter()
                .find(|e| Command::new(e).arg("-h").output().is_ok())
                .expect("mosquitto is installed (.ci/run installs it)");
            let p = Proc::spawn(Command::new(exe).args(["-c", conf.to_str().unwrap()]));
            let deadline = Instant::now() + Duration::from_secs(10);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "mosquitto did not start: {}",
                    p.text()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            p
        }
    };
    (proc, format!("mqtt://127.0.0.1:{port}"))
}

/// A worker in its own folder, with its own config file, connected.
fn worker(dir: &Path, id: &str, url: &str) -> Proc {
    let home = dir.join(id);
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join("my-worker.conf"),
        format!("{{\"pubsub_url\": \"{url}\", \"id\": \"{id}\"}}"),
    )
    .unwrap();
    let p = Proc::spawn(
        Command::new(things_js())
            .current_dir(&home)
            .args(["worker", "my-worker.conf"]),
    );
    p.wait_for(
        &format!("[Engine:{id}] connected to Pub/Sub at {url}"),
        Duration::from_secs(10),
    );
    assert!(
        p.text()
            .starts_with(&format!("[Engine:{id}] Initialized\n")),
        "{}",
        p.text()
    );
    p
}

/// `things-js dispatch URL args...` from `dir`, as a user types it.
fn dispatch(dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut all = vec!["dispatch", url];
    all.extend(args);
    let mut child = Command::new(things_js())
        .current_dir(dir)
        .args(&all)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("dispatch {args:?} did not end within a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "dispatch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

/// The program id and pid from a reply such as
/// `{ engine: 'worker-A', id: 'HwJIiOTD', pid: 9398, status: 'Running' }`.
fn parse_reply(reply: &str, engine: &str, status: &str) -> (String, u32) {
    let rest = reply
        .strip_prefix(&format!("{{ engine: '{engine}', id: '"))
        .unwrap_or_else(|| panic!("reply {reply:?} is not from {engine}"));
    let (id, rest) = rest.split_once("', pid: ").expect("an id");
    let (pid, rest) = rest.split_once(", status: '").expect("a pid");
    assert_eq!(rest, format!("{status}' }}"), "{reply}");
    assert!(
        id.len() == 8 && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    (id.to_string(), pid.parse().expect("a number"))
}

fn alive(pid: u32) -> bool {
    // A zombie (exited, not yet reaped) counts as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.split(") ").nth(1).unwrap_or("").starts_with('Z'))
        .unwrap_or(false)
}

fn wait_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < deadline, "process {pid} is still alive");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The program's own lines in a worker's console.
fn program_lines(console: &str, prefix: &str) -> Vec<String> {
    console
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

fn expected(program: &str) -> Vec<String> {
    std::fs::read_to_string(programs().join(format!("{program}.out")))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn copy_program(dir: &Path, program: &str) {
    std::fs::copy(
        programs().join(format!("{program}.js")),
        dir.join(format!("{program}.js")),
    )
    .unwrap();
}

fn count_lines(p: &Proc) -> usize {
    program_lines(&p.text(), "count ").len()
}

fn tutorial(kind: BrokerKind) {
    let dir = temp_dir(&format!("tutorial-{kind:?}"));
    let (broker_proc, url) = broker(kind, &dir);
    let a = worker(&dir, "worker-A", &url);
    let b = worker(&dir, "worker-B", &url);
    copy_program(&dir, "ticker");

    // run: the reply in the tutorial's form; the pid is a live process.
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-A", "ticker.js"]));
    let (id, pid_a) = parse_reply(&reply, "worker-A", "Running");
    assert!(alive(pid_a), "pid {pid_a} from the reply is not running");
    a.wait_for("count 5 ", Duration::from_secs(20));

    // pause: the output stops; resume: it goes on.
    let paused = ok(&dispatch(&dir, &url, &["pause", &id]));
    assert_eq!(
        parse_reply(&paused, "worker-A", "Paused"),
        (id.clone(), pid_a)
    );
    std::thread::sleep(Duration::from_millis(200));
    let at_pause = count_lines(&a);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(count_lines(&a), at_pause, "output went on while paused");
    let resumed = ok(&dispatch(&dir, &url, &["resume", &id]));
    parse_reply(&resumed, "worker-A", "Running");
    a.wait_for(&format!("count {} ", at_pause + 3), Duration::from_secs(20));

    // migrate mid-run: worker-B continues the count; worker-A's host is gone.
    let moved = ok(&dispatch(
        &dir,
        &url,
        &["migrate", "worker-A", "worker-B", "ticker.js", &id],
    ));
    let (same_id, pid_b) = parse_reply(&moved, "worker-B", "Running");
    assert_eq!(same_id, id, "the id is kept across the migration");
    assert_ne!(pid_b, pid_a);
    wait_gone(pid_a);
    b.wait_for("ticker done", Duration::from_secs(30));
    let on_a = program_lines(&a.text(), "count ");
    let on_b = program_lines(&b.text(), "count ");
    assert!(
        !on_a.is_empty() && !on_b.is_empty(),
        "A: {on_a:?}\nB: {on_b:?}"
    );
    let mut all = on_a.clone();
    all.extend(on_b);
    all.push("ticker done".into());
    assert_eq!(all, expected("ticker"), "A printed {} lines", on_a.len());

    // kill: a second program ends and its host process with it.
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-B", "ticker.js"]));
    let (id2, pid2) = parse_reply(&reply, "worker-B", "Running");
    let killed = ok(&dispatch(&dir, &url, &["kill", &id2]));
    assert_eq!(
        parse_reply(&killed, "worker-B", "Killed"),
        (id2.clone(), pid2)
    );
    wait_gone(pid2);
    let listed = ok(&dispatch(&dir, &url, &["ls"]));
    assert!(!listed.contains(&id2), "{listed}");

    // `pubsub -d` logged the connections and the publishes.
    if let BrokerKind::ThingsPubsub = kind {
        let log = broker_proc.text();
        assert!(
            log.contains("connect things-js-worker-worker-A from 127.0.0.1"),
            "{log}"
        );
        assert!(
            log.contains("publish things-js/worker/worker-A/request from things-js-dispatch-"),
            "{log}"
        );
        assert!(log.contains("publish things-js/program/"), "{log}");
    }
}

#[test]
fn the_tutorial_works_on_things_js_pubsub() {
    tutorial(BrokerKind::ThingsPubsub);
}

#[test]
fn the_tutorial_works_on_mosquitto() {
    tutorial(BrokerKind::Mosquitto);
}

/// Once `from` has printed `after` more lines starting with `prefix`, moves
/// program `id` (running `file`) from `from` to `to`.
#[allow(clippy::too_many_arguments)]
fn hop(
    dir: &Path,
    url: &str,
    console: &Proc,
    prefix: &str,
    after: usize,
    from: &str,
    to: &str,
    file: &str,
    id: &str,
) {
    let target = program_lines(&console.text(), prefix).len() + after;
    let deadline = Instant::now() + Duration::from_secs(30);
    while program_lines(&console.text(), prefix).len() < target {
        assert!(
            Instant::now() < deadline,
            "{from} stalled:\n{}",
            console.text()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let reply = ok(&dispatch(dir, url, &["migrate", from, to, file, id]));
    assert_eq!(parse_reply(&reply, to, "Running").0, id);
}

#[test]
fn a_program_inside_a_long_synchronous_loop_migrates() {
    let dir = temp_dir("sync-loop");
    let (_broker, url) = broker(BrokerKind::ThingsPubsub, &dir);
    let a = worker(&dir, "worker-A", &url);
    let b = worker(&dir, "worker-B", &url);
    copy_program(&dir, "long_loop");
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-A", "long_loop.js"]));
    let (id, _) = parse_reply(&reply, "worker-A", "Running");
    // The program prints as it computes and never returns to the event loop.
    hop(
        &dir,
        &url,
        &a,
        "",
        8,
        "worker-A",
        "worker-B",
        "long_loop.js",
        &id,
    );
    b.wait_for("leading digits", Duration::from_secs(60));
    let mine = |p: &Proc| -> Vec<String> {
        p.text()
            .lines()
            .filter(|l| l.contains("! has") || l.starts_with("leading"))
            .map(str::to_string)
            .collect()
    };
    let (on_a, on_b) = (mine(&a), mine(&b));
    assert!(
        on_b.len() > 2,
        "worker-B computed part of the loop: {on_b:?}"
    );
    let all: Vec<String> = on_a.into_iter().chain(on_b).collect();
    assert_eq!(all, expected("long_loop"));
}

#[test]
fn a_round_trip_through_three_workers_loses_nothing() {
    let dir = temp_dir("round-trip");
    let (_broker, url) = broker(BrokerKind::ThingsPubsub, &dir);
    let a = worker(&dir, "worker-A", &url);
    let b = worker(&dir, "worker-B", &url);
    let c = worker(&dir, "worker-C", &url);
    copy_program(&dir, "ticker");
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-A", "ticker.js"]));
    let (id, _) = parse_reply(&reply, "worker-A", "Running");
    for (console, from, to) in [
        (&a, "worker-A", "worker-B"),
        (&b, "worker-B", "worker-C"),
        (&c, "worker-C", "worker-A"),
    ] {
        hop(&dir, &url, console, "count ", 5, from, to, "ticker.js", &id);
    }
    a.wait_for("ticker done", Duration::from_secs(30));
    // Every line printed once, somewhere; in count order they are the run.
    let mut all: Vec<String> = [&a, &b, &c]
        .iter()
        .flat_map(|p| program_lines(&p.text(), "count "))
        .collect();
    for p in [&b, &c] {
        assert!(
            !program_lines(&p.text(), "count ").is_empty(),
            "{}",
            p.text()
        );
    }
    let number = |l: &String| l.split(' ').nth(1).unwrap().parse::<u32>().unwrap();
    all.sort_by_key(number);
    all.push("ticker done".into());
    assert_eq!(all, expected("ticker"));
}

#[test]
fn dispatch_errors_name_the_problem_at_once() {
    let dir = temp_dir("errors");
    let (_broker, url) = broker(BrokerKind::ThingsPubsub, &dir);
    let _a = worker(&dir, "worker-A", &url);
    copy_program(&dir, "ticker");
    let cases: [(&[&str], &str); 4] = [
        (&["pause", "NoSuchId"], "no program with id 'NoSuchId'"),
        (
            &["run", "worker-Z", "ticker.js"],
            "unknown worker 'worker-Z' (online: worker-A)",
        ),
        (&["run", "worker-A", "missing.js"], "cannot read missing.js"),
        (
            &["migrate", "worker-A", "worker-Q", "ticker.js", "NoSuchId"],
            "unknown worker 'worker-Q'",
        ),
    ];
    for (args, message) in cases {
        let started = Instant::now();
        let out = dispatch(&dir, &url, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
    // A syntax error comes back from the worker that instruments the program.
    std::fs::write(dir.join("broken.js"), "let x = ;\n").unwrap();
    let out = dispatch(&dir, &url, &["run", "worker-A", "broken.js"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken.js:1:9"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No broker: a clear error, quickly.
    let started = Instant::now();
    let out = dispatch(&dir, &format!("mqtt://127.0.0.1:{}", free_port()), &["ls"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot reach the Pub/Sub broker"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_migration_the_target_does_not_answer_leaves_the_program_running() {
    let dir = temp_dir("refused");
    let (_broker, url) = broker(BrokerKind::ThingsPubsub, &dir);
    let a = worker(&dir, "worker-A", &url);
    let b = worker(&dir, "worker-B", &url);
    copy_program(&dir, "ticker");
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-A", "ticker.js"]));
    let (id, pid) = parse_reply(&reply, "worker-A", "Running");
    a.wait_for("count 3 ", Duration::from_secs(20));
    // worker-B stops answering (still registered online).
    let b_pid = b.child.id().to_string();
    Command::new("kill")
        .args(["-STOP", &b_pid])
        .status()
        .unwrap();
    let migrating = {
        let (dir, url, id) = (dir.clone(), url.clone(), id.clone());
        std::thread::spawn(move || {
            dispatch(
                &dir,
                &url,
                &["migrate", "worker-A", "worker-B", "ticker.js", &id],
            )
        })
    };
    // While the migration waits, the program takes no other command.
    std::thread::sleep(Duration::from_secs(2));
    let busy = dispatch(&dir, &url, &["kill", &id]);
    assert!(!busy.status.success());
    assert!(
        String::from_utf8_lossy(&busy.stderr).contains("is being migrated"),
        "{}",
        String::from_utf8_lossy(&busy.stderr)
    );
    let out = migrating.join().unwrap();
    Command::new("kill")
        .args(["-CONT", &b_pid])
        .status()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did not answer") && err.contains("it goes on on 'worker-A'"),
        "{err}"
    );
    // The program goes on on worker-A, where it was, and ends there.
    assert!(alive(pid));
    a.wait_for("ticker done", Duration::from_secs(30));
    let all: Vec<String> = program_lines(&a.text(), "count ")
        .into_iter()
        .chain(["ticker done".to_string()])
        .collect();
    assert_eq!(all, expected("ticker"));
    // worker-B, woken after the deadline, did not start it.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        program_lines(&b.text(), "count ").is_empty(),
        "{}",
        b.text()
    );
}

#[test]
fn the_demo_shows_the_count_moving_from_worker_a_to_worker_b() {
    let out = Command::new(things_js()).arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = |label: &str| -> Vec<u32> {
        text.lines()
            .filter_map(|l| l.strip_prefix(&format!("{label:>9} | count ")))
            .map(|rest| rest.split(':').next().unwrap().parse().unwrap())
            .collect()
    };
    let (on_a, on_b) = (counts("worker-A"), counts("worker-B"));
    assert!(!on_a.is_empty() && !on_b.is_empty(), "{text}");
    let all: Vec<u32> = on_a.iter().chain(&on_b).copied().collect();
    assert_eq!(all, (1..=30).collect::<Vec<u32>>(), "{text}");
    assert!(
        text.contains("migrate worker-A worker-B counter.js"),
        "{text}"
    );
    assert!(text.contains(" worker-B | done: 30 entries"), "{text}");
}

#[test]
fn a_worker_reconnects_when_the_broker_comes_back_and_ctrl_c_ends_its_programs() {
    let dir = temp_dir("reconnect");
    let port = free_port();
    let url = format!("mqtt://127.0.0.1:{port}");
    let start_broker = || {
        let p = Proc::spawn(Command::new(things_js()).args([
            "pubsub",
            "--bind",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ]));
        p.wait_for("listening", Duration::from_secs(10));
        p
    };
    let first = start_broker();
    let mut a = worker(&dir, "worker-A", &url);
    copy_program(&dir, "ticker");
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-A", "ticker.js"]));
    let (_, pid) = parse_reply(&reply, "worker-A", "Running");
    drop(first);
    a.wait_for("unreachable", Duration::from_secs(20));
    let _second = start_broker();
    a.wait_for(
        "[Engine:worker-A] reconnected to Pub/Sub",
        Duration::from_secs(20),
    );
    // The program kept running meanwhile; the worker answers again.
    let listed = ok(&dispatch(&dir, &url, &["ls"]));
    assert!(
        listed.contains("worker-A: online, 1 program(s)"),
        "{listed}"
    );
    // Ctrl-C: the worker ends its programs, leaves the registry, exits 0.
    Command::new("kill")
        .args(["-INT", &a.child.id().to_string()])
        .status()
        .unwrap();
    let status = a.child.wait().unwrap();
    assert!(status.success(), "{status:?}: {}", a.text());
    wait_gone(pid);
    let listed = ok(&dispatch(&dir, &url, &["ls"]));
    assert!(listed.contains("worker-A: offline"), "{listed}");
}

#[test]
fn a_paused_program_stays_paused_when_migrated() {
    let dir = temp_dir("paused-migration");
    let (_broker, url) = broker(BrokerKind::ThingsPubsub, &dir);
    let a = worker(&dir, "worker-A", &url);
    let b = worker(&dir, "worker-B", &url);
    copy_program(&dir, "ticker");
    let reply = ok(&dispatch(&dir, &url, &["run", "worker-A", "ticker.js"]));
    let (id, _) = parse_reply(&reply, "worker-A", "Running");
    a.wait_for("count 4 ", Duration::from_secs(20));
    ok(&dispatch(&dir, &url, &["pause", &id]));
    let moved = ok(&dispatch(
        &dir,
        &url,
        &["migrate", "worker-A", "worker-B", "ticker.js", &id],
    ));
    parse_reply(&moved, "worker-B", "Paused");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        count_lines(&b),
        0,
        "the program ran while paused:\n{}",
        b.text()
    );
    let resumed = ok(&dispatch(&dir, &url, &["resume", &id]));
    parse_reply(&resumed, "worker-B", "Running");
    b.wait_for("ticker done", Duration::from_secs(30));
    let mut all = program_lines(&a.text(), "count ");
    all.extend(program_lines(&b.text(), "count "));
    all.push("ticker done".into());
    assert_eq!(all, expected("ticker"));
}

#[test]
fn dispatch_snapshot_writes_a_file_that_restore_continues_and_json_replies() {
    let dir = temp_dir("snapshot");
    let (_broker, url) = broker(BrokerKind::ThingsPubsub, &dir);
    let a = worker(&dir, "worker-A", &url);
    copy_program(&dir, "ticker");
    let reply = ok(&dispatch(
        &dir,
        &url,
        &["--json", "run", "worker-A", "ticker.js"],
    ));
    let reply: serde_json::Value = serde_json::from_str(&reply).expect("a JSON reply");
    assert_eq!(reply["engine"], "worker-A");
    assert_eq!(reply["status"], "Running");
    let id = reply["id"].as_str().unwrap().to_string();
    a.wait_for("count 10 ", Duration::from_secs(20));
    let reply = ok(&dispatch(&dir, &url, &["snapshot", &id, "-o", "snap.json"]));
    parse_reply(&reply, "worker-A", "Running");
    // The program goes on where it runs...
    a.wait_for("ticker done", Duration::from_secs(30));
    let mut on_a = program_lines(&a.text(), "count ");
    on_a.push("ticker done".into());
    assert_eq!(on_a, expected("ticker"));
    // ... and the file continues it from the snapshot's point, here.
    let out = Command::new(things_js())
        .current_dir(&dir)
        .args(["restore", "snap.json"])
        .output()
        .unwrap();
    let rest: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let all = expected("ticker");
    assert!(rest.len() > 1 && rest.len() < all.len() - 10, "{rest:?}");
    assert_eq!(rest, all[all.len() - rest.len()..], "a suffix of the run");
    let listed = ok(&dispatch(&dir, &url, &["ls", "--json"]));
    let workers: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(workers[0]["id"], "worker-A");
    assert_eq!(workers[0]["online"], true);
}
