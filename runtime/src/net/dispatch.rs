//! The dispatcher: a short-lived client that sends one request to a worker
//! and returns its reply. It reads the registry first, so an unknown worker
//! or program id is an answer at once, not a timeout.

use std::collections::BTreeMap;
use std::time::Duration;

use rumqttc::{AsyncClient, QoS};
use tokio::sync::mpsc;
use tokio::time::{timeout_at, Instant};

use super::mqtt::{self, Incoming};
use super::protocol::*;

/// How long to wait for the broker to accept the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retained registry entries arrive right after subscribing; this much
/// silence means all have.
const REGISTRY_QUIET: Duration = Duration::from_millis(300);

pub struct Dispatcher {
    url: String,
    client: AsyncClient,
    incoming: mpsc::UnboundedReceiver<Incoming>,
    reply_topic: String,
    /// Workers as the registry shows them (online or not).
    pub workers: BTreeMap<String, WorkerInfo>,
}

impl Dispatcher {
    pub async fn connect(url: &str) -> anyhow::Result<Dispatcher> {
        let endpoint = mqtt::parse_url(url)?;
        let client_id = format!("things-js-dispatch-{}", new_id());
        let (client, mut incoming) = mqtt::start(&client_id, &endpoint, None, false);
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        loop {
            match timeout_at(deadline, incoming.recv()).await {
                Ok(Some(Incoming::Connected)) => break,
                Ok(Some(Incoming::Lost(err))) => {
                    anyhow::bail!("cannot reach the Pub/Sub broker at {url}: {err}")
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => anyhow::bail!(
                    "cannot reach the Pub/Sub broker at {url}: no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ),
            }
        }
        let reply_topic = reply_topic(&client_id);
        client.subscribe(&reply_topic, QoS::AtLeastOnce).await?;
        client.subscribe(REGISTRY_FILTER, QoS::AtLeastOnce).await?;
        let mut d = Dispatcher {
            url: url.to_string(),
            client,
            incoming,
            reply_topic,
            workers: BTreeMap::new(),
        };
        d.read_registry().await?;
        Ok(d)
    }

    async fn read_registry(&mut self) -> anyhow::Result<()> {
        let mut acks = 0;
        loop {
            let quiet = if acks < 2 {
                CONNECT_TIMEOUT
            } else {
                REGISTRY_QUIET
            };
            match tokio::time::timeout(quiet, self.incoming.recv()).await {
                Ok(Some(Incoming::Subscribed)) => acks += 1,
                Ok(Some(other)) => self.hear(other)?,
                Ok(None) => anyhow::bail!("lost the connection to {}", self.url),
                Err(_) if acks < 2 => {
                    anyhow::bail!("the broker at {} did not confirm subscriptions", self.url)
                }
                Err(_) => return Ok(()),
            }
        }
    }

    fn hear(&mut self, heard: Incoming) -> anyhow::Result<()> {
        match heard {
            Incoming::Message { topic, payload } if topic.starts_with("things-js/registry/") => {
                if let Ok(info) = serde_json::from_slice::<WorkerInfo>(&payload) {
                    self.workers.insert(info.id.clone(), info);
                }
                Ok(())
            }
            Incoming::Lost(err) => anyhow::bail!("lost the connection to {}: {err}", self.url),
            _ => Ok(()),
        }
    }

    /// The online worker with this id, or an error listing the known ones.
    pub fn worker(&self, id: &str) -> anyhow::Result<&WorkerInfo> {
        match self.workers.get(id) {
            Some(w) if w.online => Ok(w),
            _ => anyhow::bail!("unknown worker '{id}' (online: {})", self.online_names()),
        }
    }

    fn online_names(&self) -> String {
        let names: Vec<&str> = self
            .workers
            .values()
            .filter(|w| w.online)
            .map(|w| w.id.as_str())
            .collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    }

    /// The worker that runs this program.
    pub fn owner_of(&self, program: &str) -> anyhow::Result<&WorkerInfo> {
        self.workers
            .values()
            .filter(|w| w.online)
            .find(|w| w.programs.iter().any(|p| p.id == program))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no program with id '{program}' on any worker (online: {})",
                    self.online_names()
                )
            })
    }

    /// Sends `action` to `worker` and waits up to `limit` for its reply.
    pub async fn request(
        &mut self,
        worker: &str,
        action: Action,
        limit: Duration,
    ) -> anyhow::Result<Outcome> {
        let req = new_id();
        let request = Request {
            req: req.clone(),
            reply_to: self.reply_topic.clone(),
            action,
        };
        mqtt::publish_json(&self.client, &request_topic(worker), &request, false).await?;
        let deadline = Instant::now() + limit;
        loop {
            let heard = match timeout_at(deadline, self.incoming.recv()).await {
                Ok(Some(h)) => h,
                Ok(None) => anyhow::bail!("lost the connection to {}", self.url),
                Err(_) => anyhow::bail!(
                    "worker '{worker}' did not answer within {} s",
                    limit.as_secs()
                ),
            };
            match heard {
                Incoming::Message { topic, payload } if topic == self.reply_topic => {
                    match serde_json::from_slice::<Reply>(&payload) {
                        Ok(reply) if reply.req == req => return Ok(reply.outcome),
                        _ => {}
                    }
                }
                other => self.hear(other)?,
            }
        }
    }

    pub async fn close(self) {
        let _ = self.client.disconnect().await;
    }
}

/// A reply as node's `util.inspect` prints such an object: one line when it
/// fits in 72 columns, else one property per line.
pub fn inspect(p: &ProgramInfo) -> String {
    let entries = [
        format!("engine: '{}'", p.engine),
        format!("id: '{}'", p.id),
        format!("pid: {}", p.pid),
        format!("status: '{}'", p.status.as_str()),
    ];
    let line = format!("{{ {} }}", entries.join(", "));
    if line.len() <= 72 {
        line
    } else {
        format!("{{\n  {}\n}}", entries.join(",\n  "))
    }
}
