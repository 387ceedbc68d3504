//! The worker ("engine"): connects to the broker, runs each program in its
//! own host process (`things-js host`, driven over the pipe protocol), and
//! answers dispatchers' requests. Migration is two-phase: the source keeps
//! its copy (held after its snapshot) until the target says the program runs
//! there, and resumes it on refusal or timeout.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rumqttc::{AsyncClient, LastWill, QoS};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

pub use super::config::WorkerConfig;
use super::mqtt::{self, Incoming};
use super::protocol::*;
use crate::exec::pipe::{Command, Event};

/// How long a program has to take its snapshot.
const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a restored program has to be running on the target.
const RESTORE_DEADLINE: Duration = Duration::from_secs(10);
/// How long a fresh program has to start.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A program this worker runs.
struct Program {
    info: ProgramInfo,
    host: mpsc::UnboundedSender<ToHost>,
    /// Waiting for the host to say the program runs.
    running: Option<oneshot::Sender<()>>,
    /// Waiting for a snapshot (the document, or why there is none).
    snapshot: Option<oneshot::Sender<Result<String, String>>>,
}

enum ToHost {
    Command(Command),
    Kill,
}

struct Worker {
    id: String,
    device: Option<String>,
    url: String,
    client: AsyncClient,
    reply_topic: String,
    exe: PathBuf,
    programs: Mutex<HashMap<String, Program>>,
    /// Replies awaited by this worker's own requests (migration).
    awaiting: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    /// Other workers as the registry shows them: id -> online.
    peers: Mutex<HashMap<String, bool>>,
}

/// Runs the worker until Ctrl-C. Prints what the tutorial shows.
pub async fn run_worker(conf: WorkerConfig) -> anyhow::Result<i32> {
    let endpoint = mqtt::parse_url(&conf.pubsub_url)?;
    let offline = WorkerInfo {
        id: conf.id.clone(),
        online: false,
        programs: vec![],
        device: conf.device.clone(),
    };
    let will = LastWill::new(
        registry_topic(&conf.id),
        serde_json::to_vec(&offline)?,
        QoS::AtLeastOnce,
        true,
    );
    let client_id = format!("things-js-worker-{}", conf.id);
    let (client, mut incoming) = mqtt::start(&client_id, &endpoint, Some(will), true);
    let worker = Arc::new(Worker {
        id: conf.id.clone(),
        device: conf.device.clone(),
        url: conf.pubsub_url.clone(),
        client,
        reply_topic: reply_topic(&client_id),
        exe: std::env::current_exe()?,
        programs: Mutex::new(HashMap::new()),
        awaiting: Mutex::new(HashMap::new()),
        peers: Mutex::new(HashMap::new()),
    });
    worker.say("Initialized");
    let mut connected_once = false;
    // Said once per outage, not at every retry.
    let mut said_unreachable = false;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            heard = incoming.recv() => match heard {
                Some(Incoming::Connected) => {
                    worker.on_connect().await?;
                    let verb = if connected_once { "reconnected" } else { "connected" };
                    worker.say(&format!("{verb} to Pub/Sub at {}", worker.url));
                    connected_once = true;
                    said_unreachable = false;
                }
                Some(Incoming::Lost(err)) => {
                    if !said_unreachable {
                        worker.say(&format!("Pub/Sub at {} unreachable ({err}); retrying", worker.url));
                        said_unreachable = true;
                    }
                }
                Some(Incoming::Message { topic, payload }) => worker.on_message(&topic, &payload),
                Some(Incoming::Subscribed) => {}
                None => break,
            }
        }
    }
    worker.shut_down(offline).await;
    Ok(0)
}

impl Worker {
    fn say(&self, text: &str) {
        println!("[Engine:{}] {text}", self.id);
    }

    async fn on_connect(&self) -> anyhow::Result<()> {
        self.client
            .subscribe(request_topic(&self.id), QoS::AtLeastOnce)
            .await?;
        self.client
            .subscribe(&self.reply_topic, QoS::AtLeastOnce)
            .await?;
        self.client
            .subscribe(REGISTRY_FILTER, QoS::AtLeastOnce)
            .await?;
        self.publish_registry().await;
        Ok(())
    }

    fn on_message(self: &Arc<Self>, topic: &str, payload: &[u8]) {
        if topic == request_topic(&self.id) {
            match serde_json::from_slice::<Request>(payload) {
                Ok(request) => {
                    let worker = self.clone();
                    tokio::spawn(async move { worker.serve(request).await });
                }
                Err(err) => self.say(&format!("ignored a malformed request: {err}")),
            }
        } else if topic == self.reply_topic {
            if let Ok(reply) = serde_json::from_slice::<Reply>(payload) {
                if let Some(waiter) = self.awaiting.lock().unwrap().remove(&reply.req) {
                    let _ = waiter.send(reply.outcome);
                }
            }
        } else if let Ok(info) = serde_json::from_slice::<WorkerInfo>(payload) {
            self.peers.lock().unwrap().insert(info.id, info.online);
        }
    }

    async fn serve(self: Arc<Self>, request: Request) {
        let outcome = match self.clone().act(request.action).await {
            Ok(outcome) => outcome,
            Err(err) => Outcome::Error {
                message: format!("{err:#}"),
            },
        };
        // The registry first: a dispatch sent right after the reply sees the change.
        self.publish_registry().await;
        let reply = Reply {
            req: request.req,
            outcome,
        };
        if let Err(err) = mqtt::publish_json(&self.client, &request.reply_to, &reply, false).await {
            self.say(&format!("could not reply: {err:#}"));
        }
    }

    async fn act(self: Arc<Self>, action: Action) -> anyhow::Result<Outcome> {
        match action {
            Action::Run { file, source } => {
                let info = self
                    .start(new_id(), file, source, None, false, START_TIMEOUT)
                    .await?;
                Ok(Outcome::Program(info))
            }
            Action::Pause { id } => self.command(&id, Command::Pause, Status::Paused),
            Action::Resume { id } => self.command(&id, Command::Resume, Status::Running),
            Action::Kill { id } => {
                self.settled(&id)?;
                let mut programs = self.programs.lock().unwrap();
                let mut program = programs.remove(&id).ok_or_else(|| self.no_program(&id))?;
                let _ = program.host.send(ToHost::Kill);
                program.info.status = Status::Killed;
                Ok(Outcome::Program(program.info))
            }
            Action::Snapshot { id } => {
                self.settled(&id)?;
                let doc = self.snapshot(&id).await?;
                self.send(&id, Command::Continue)?;
                Ok(Outcome::Snapshot {
                    program: self.info(&id)?,
                    doc,
                })
            }
            Action::Migrate { id, to, file } => self.migrate(&id, &to, &file).await,
            Action::Restore {
                id,
                snapshot,
                paused,
                deadline_ms,
            } => {
                let left = deadline_ms.saturating_sub(now_ms());
                if left == 0 {
                    anyhow::bail!(
                        "worker '{}' got the restore request after its deadline; the program was not started",
                        self.id
                    );
                }
                let program = crate::Snapshot::parse(&snapshot)?.program;
                let limit = Duration::from_millis(left);
                let info = self
                    .start(
                        id,
                        program.filename,
                        program.source,
                        Some(snapshot),
                        paused,
                        limit,
                    )
                    .await?;
                if now_ms() > deadline_ms {
                    self.kill(&info.id);
                    anyhow::bail!(
                        "the program was not running on '{}' before the deadline",
                        self.id
                    );
                }
                Ok(Outcome::Program(info))
            }
        }
    }

    /// Marks the program as migrating (checked and set at once: one
    /// migration at a time); returns the status it had.
    fn begin_migration(&self, id: &str) -> anyhow::Result<Status> {
        let mut programs = self.programs.lock().unwrap();
        let p = programs.get_mut(id).ok_or_else(|| self.no_program(id))?;
        if p.info.status == Status::Migrating {
            return Err(busy(id));
        }
        Ok(std::mem::replace(&mut p.info.status, Status::Migrating))
    }

    /// The program, unless a migration is moving it (then nothing else may).
    fn settled(&self, id: &str) -> anyhow::Result<ProgramInfo> {
        let info = self.info(id)?;
        if info.status == Status::Migrating {
            return Err(busy(id));
        }
        Ok(info)
    }

    fn no_program(&self, id: &str) -> anyhow::Error {
        anyhow::anyhow!("no program with id '{id}' on worker '{}'", self.id)
    }

    fn info(&self, id: &str) -> anyhow::Result<ProgramInfo> {
        let programs = self.programs.lock().unwrap();
        Ok(programs
            .get(id)
            .ok_or_else(|| self.no_program(id))?
            .info
            .clone())
    }

    fn send(&self, id: &str, command: Command) -> anyhow::Result<()> {
        let programs = self.programs.lock().unwrap();
        let program = programs.get(id).ok_or_else(|| self.no_program(id))?;
        program
            .host
            .send(ToHost::Command(command))
            .map_err(|_| anyhow::anyhow!("program '{id}' has ended"))
    }

    fn set_status(&self, id: &str, status: Status) {
        if let Some(p) = self.programs.lock().unwrap().get_mut(id) {
            p.info.status = status;
        }
    }

    fn command(&self, id: &str, command: Command, status: Status) -> anyhow::Result<Outcome> {
        self.settled(id)?;
        self.send(id, command)?;
        self.set_status(id, status);
        Ok(Outcome::Program(self.info(id)?))
    }

    fn kill(&self, id: &str) {
        if let Some(p) = self.programs.lock().unwrap().remove(id) {
            let _ = p.host.send(ToHost::Kill);
        }
    }

    /// Starts a host process for the program (fresh, or from a snapshot) and
    /// waits until it says the program runs.
    async fn start(
        self: &Arc<Self>,
        id: String,
        file: String,
        source: String,
        snapshot: Option<String>,
        paused: bool,
        limit: Duration,
    ) -> anyhow::Result<ProgramInfo> {
        // Instrumenting a large program takes a while: off the async threads.
        let (text, name) = (source.clone(), file.clone());
        let script =
            tokio::task::spawn_blocking(move || things_js_instrumenter::instrument(&text, &name))
                .await?
                .map_err(|e| anyhow::anyhow!("{file}:{e}"))?
                .code;
        let mut child = tokio::process::Command::new(&self.exe)
            .arg("host")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            // Ctrl-C at the worker's terminal is the worker's to handle: it
            // ends its programs itself.
            .process_group(0)
            .spawn()?;
        let pid = child.id().unwrap_or(0);
        let start = Command::Start {
            filename: file.clone(),
            source,
            script,
            snapshot,
            seed: 0,
            paused,
        };
        let (host_tx, host_rx) = mpsc::unbounded_channel();
        host_tx.send(ToHost::Command(start)).expect("just made");
        let (running_tx, running_rx) = oneshot::channel();
        let info = ProgramInfo {
            engine: self.id.clone(),
            id: id.clone(),
            pid,
            status: if paused {
                Status::Paused
            } else {
                Status::Running
            },
            file,
        };
        {
            // Checked and taken under one lock: a repeated request cannot start two.
            let mut programs = self.programs.lock().unwrap();
            if programs.contains_key(&id) {
                anyhow::bail!("worker '{}' already runs a program with id '{id}'", self.id);
            }
            programs.insert(
                id.clone(),
                Program {
                    info: info.clone(),
                    host: host_tx,
                    running: Some(running_tx),
                    snapshot: None,
                },
            );
        }
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        tokio::spawn(feed_host(stdin, host_rx, child));
        let worker = self.clone();
        tokio::spawn(async move { worker.follow_host(id, pid, stdout).await });
        match tokio::time::timeout(limit, running_rx).await {
            Ok(Ok(())) => Ok(info),
            Ok(Err(_)) => anyhow::bail!(
                "program '{}' ended before it started on '{}'",
                info.id,
                self.id
            ),
            Err(_) => {
                self.kill(&info.id);
                anyhow::bail!(
                    "program '{}' did not start on '{}' within {} ms",
                    info.id,
                    self.id,
                    limit.as_millis()
                )
            }
        }
    }

    /// Reads the host's events until it ends.
    async fn follow_host(
        self: Arc<Self>,
        id: String,
        pid: u32,
        stdout: tokio::process::ChildStdout,
    ) {
        let mut lines = BufReader::new(stdout).lines();
        let mut code = None;
        while let Ok(Some(line)) = lines.next_line().await {
            let Ok(event) = serde_json::from_str::<Event>(&line) else {
                continue;
            };
            match event {
                Event::Output { text, stream } => {
                    if stream == "err" {
                        eprint!("{text}");
                    } else {
                        print!("{text}");
                    }
                    use std::io::Write;
                    let _ = std::io::stdout().flush();
                    // Never waits: with the broker away, output is not held up.
                    let _ =
                        self.client
                            .try_publish(console_topic(&id), QoS::AtLeastOnce, false, text);
                }
                Event::Running => self.notify(&id, pid, |p| {
                    if let Some(t) = p.running.take() {
                        let _ = t.send(());
                    }
                }),
                // A snapshot nobody waits for any more (it came too late): the
                // program goes on.
                Event::Snapshot { doc } => self.notify(&id, pid, |p| {
                    let taken = p.snapshot.take().map(|t| t.send(Ok(doc)));
                    if !matches!(taken, Some(Ok(()))) {
                        let _ = p.host.send(ToHost::Command(Command::Continue));
                    }
                }),
                Event::SnapshotFailed { reason } => self.notify(&id, pid, |p| {
                    if let Some(t) = p.snapshot.take() {
                        let _ = t.send(Err(reason));
                    }
                }),
                Event::Exit { code: c } => code = Some(c),
            }
        }
        // The host is gone (or unreadable: then it is ended): forget the
        // program if it is still this one's.
        let removed = {
            let mut programs = self.programs.lock().unwrap();
            match programs.get(&id) {
                Some(p) if p.info.pid == pid => programs.remove(&id),
                _ => None,
            }
        };
        if let Some(p) = &removed {
            let _ = p.host.send(ToHost::Kill);
        }
        if removed.is_some() {
            match code {
                Some(c) => self.say(&format!("program {id} exited (code {c})")),
                None => self.say(&format!("program {id} ended abnormally")),
            }
            self.publish_registry().await;
        }
    }

    /// Runs `f` on the program if it is still the one this host runs.
    fn notify(&self, id: &str, pid: u32, f: impl FnOnce(&mut Program)) {
        if let Some(p) = self.programs.lock().unwrap().get_mut(id) {
            if p.info.pid == pid {
                f(p);
            }
        }
    }

    /// Asks the program for a snapshot; it then waits for `Continue` or `Stop`.
    async fn snapshot(&self, id: &str) -> anyhow::Result<String> {
        let (tx, rx) = oneshot::channel();
        {
            let mut programs = self.programs.lock().unwrap();
            let p = programs.get_mut(id).ok_or_else(|| self.no_program(id))?;
            if p.snapshot.is_some() {
                anyhow::bail!("a snapshot of '{id}' is already being taken");
            }
            p.snapshot = Some(tx);
        }
        self.send(id, Command::Snapshot)?;
        match tokio::time::timeout(SNAPSHOT_TIMEOUT, rx).await {
            Ok(Ok(Ok(doc))) => Ok(doc),
            Ok(Ok(Err(reason))) => {
                anyhow::bail!("snapshot of '{id}' failed: {reason} (the program keeps running)")
            }
            Ok(Err(_)) => anyhow::bail!("program '{id}' ended before its snapshot"),
            Err(_) => {
                // If it comes later, `follow_host` lets the program go on.
                if let Some(p) = self.programs.lock().unwrap().get_mut(id) {
                    p.snapshot = None;
                }
                anyhow::bail!(
                    "program '{id}' did not hand over a snapshot within {} s (it keeps running)",
                    SNAPSHOT_TIMEOUT.as_secs()
                )
            }
        }
    }

    async fn migrate(self: &Arc<Self>, id: &str, to: &str, file: &str) -> anyhow::Result<Outcome> {
        let info = self.info(id)?;
        let given = std::path::Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if given != info.file {
            anyhow::bail!("program '{id}' runs {}, not {file}", info.file);
        }
        if to == self.id {
            anyhow::bail!("program '{id}' already runs on '{to}'");
        }
        if self.peers.lock().unwrap().get(to) != Some(&true) {
            anyhow::bail!("unknown worker '{to}' (not online)");
        }
        let before = self.begin_migration(id)?;
        self.publish_registry().await;
        let doc = match self.snapshot(id).await {
            Ok(doc) => doc,
            Err(err) => {
                self.set_status(id, before);
                return Err(err);
            }
        };
        let restore = Action::Restore {
            id: id.to_string(),
            snapshot: doc,
            paused: before == Status::Paused,
            deadline_ms: now_ms() + RESTORE_DEADLINE.as_millis() as u64,
        };
        // A little longer than the target may take, for its reply to arrive.
        let answer = self
            .ask(to, restore, RESTORE_DEADLINE + Duration::from_secs(2))
            .await;
        if let Ok(Outcome::Program(there)) = answer {
            // The program runs there: this copy ends (if it has not already).
            let _ = self.send(id, Command::Stop);
            self.programs.lock().unwrap().remove(id);
            self.say(&format!("program {id} migrated to {to}"));
            return Ok(Outcome::Program(there));
        }
        // No: the program goes on here. A target that started it too late
        // (its reply lost, say) is told to end its copy.
        let _ = self.send(id, Command::Continue);
        self.set_status(id, before);
        if answer.is_err() {
            let kill = Action::Kill { id: id.to_string() };
            let _ = self.ask(to, kill, Duration::from_secs(2)).await;
        }
        let why = match answer {
            Ok(Outcome::Error { message }) => message,
            Ok(_) => "an unexpected reply".into(),
            Err(err) => format!("{err:#}"),
        };
        anyhow::bail!(
            "migration of '{id}' to '{to}' failed: {why}; it goes on on '{}'",
            self.id
        )
    }

    /// Sends a request to another worker and waits for its reply.
    async fn ask(&self, to: &str, action: Action, limit: Duration) -> anyhow::Result<Outcome> {
        let req = new_id();
        let (tx, rx) = oneshot::channel();
        self.awaiting.lock().unwrap().insert(req.clone(), tx);
        let request = Request {
            req: req.clone(),
            reply_to: self.reply_topic.clone(),
            action,
        };
        mqtt::publish_json(&self.client, &request_topic(to), &request, false).await?;
        let answer = tokio::time::timeout(limit, rx).await;
        self.awaiting.lock().unwrap().remove(&req);
        match answer {
            Ok(Ok(outcome)) => Ok(outcome),
            _ => anyhow::bail!("worker '{to}' did not answer within {} s", limit.as_secs()),
        }
    }

    fn status(&self, online: bool) -> WorkerInfo {
        let mut programs: Vec<ProgramInfo> = self
            .programs
            .lock()
            .unwrap()
            .values()
            .map(|p| p.info.clone())
            .collect();
        programs.sort_by(|a, b| a.id.cmp(&b.id));
        WorkerInfo {
            id: self.id.clone(),
            online,
            programs,
            device: self.device.clone(),
        }
    }

    async fn publish_registry(&self) {
        let status = self.status(true);
        let _ = mqtt::publish_json(&self.client, &registry_topic(&self.id), &status, true).await;
    }

    /// Ctrl-C: the programs end with the worker, which leaves the registry.
    async fn shut_down(&self, offline: WorkerInfo) {
        let ids: Vec<String> = self.programs.lock().unwrap().keys().cloned().collect();
        for id in &ids {
            self.kill(id);
        }
        let _ = mqtt::publish_json(&self.client, &registry_topic(&self.id), &offline, true).await;
        // Let the publish leave before disconnecting.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = self.client.disconnect().await;
        self.say(&format!("stopped ({} program(s) ended)", ids.len()));
    }
}

fn busy(id: &str) -> anyhow::Error {
    anyhow::anyhow!("program '{id}' is being migrated; try again when that is done")
}

/// Writes commands to the host's stdin; kills it when asked (or when the
/// program is forgotten and the channel closes).
async fn feed_host(
    mut stdin: tokio::process::ChildStdin,
    mut commands: mpsc::UnboundedReceiver<ToHost>,
    mut child: tokio::process::Child,
) {
    loop {
        tokio::select! {
            _ = child.wait() => return,
            msg = commands.recv() => match msg {
                Some(ToHost::Command(c)) => {
                    let mut line = serde_json::to_string(&c).expect("commands serialize");
                    line.push('\n');
                    if stdin.write_all(line.as_bytes()).await.is_err() {
                        return;
                    }
                }
                Some(ToHost::Kill) => {
                    let _ = child.kill().await;
                    return;
                }
                // Forgotten after a migration: the host ends by itself after `Stop`.
                None => {
                    let _ = child.wait().await;
                    return;
                }
            }
        }
    }
}
