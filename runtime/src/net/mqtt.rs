//! Connecting to the broker: `mqtt://host[:port]` URLs, client options, and
//! an MQTT client whose incoming messages arrive on a channel.

use std::time::Duration;

use anyhow::Context;
use rumqttc::{AsyncClient, Event, LastWill, MqttOptions, Packet, QoS};
use tokio::sync::mpsc;

pub const DEFAULT_PORT: u16 = 1883;
/// The largest message (snapshots travel in one; they can be large).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

/// Parses `mqtt://host[:port]` (the scheme may be left out).
pub fn parse_url(url: &str) -> anyhow::Result<Endpoint> {
    let rest = match url.split_once("://") {
        Some(("mqtt" | "tcp", rest)) => rest,
        Some((scheme, _)) => {
            anyhow::bail!("unsupported scheme {scheme}:// in {url} (use mqtt://host[:port])")
        }
        None => url,
    };
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (
            host,
            port.parse()
                .with_context(|| format!("bad port in {url} (use mqtt://host[:port])"))?,
        ),
        None => (rest, DEFAULT_PORT),
    };
    if host.is_empty() {
        anyhow::bail!("no host in {url} (use mqtt://host[:port])");
    }
    Ok(Endpoint {
        host: host.to_string(),
        port,
    })
}

/// What a client hears from the broker.
#[derive(Debug)]
pub enum Incoming {
    Connected,
    Subscribed,
    Message {
        topic: String,
        payload: Vec<u8>,
    },
    /// The connection failed or dropped (the client reconnects if polled on).
    Lost(String),
}

/// Starts a client: its handle, and the channel of what it hears. With
/// `reconnect`, the client keeps trying after a lost connection (a second
/// apart); without, it stops at the first failure.
pub fn start(
    client_id: &str,
    endpoint: &Endpoint,
    will: Option<LastWill>,
    reconnect: bool,
) -> (AsyncClient, mpsc::UnboundedReceiver<Incoming>) {
    let mut opts = MqttOptions::new(client_id, endpoint.host.clone(), endpoint.port);
    opts.set_keep_alive(Duration::from_secs(5));
    opts.set_max_packet_size(MAX_MESSAGE, MAX_MESSAGE);
    opts.set_clean_session(true);
    if let Some(will) = will {
        opts.set_last_will(will);
    }
    let (client, mut eventloop) = AsyncClient::new(opts, 256);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let heard = match eventloop.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(_))) => Incoming::Connected,
                Ok(Event::Incoming(Packet::SubAck(_))) => Incoming::Subscribed,
                Ok(Event::Incoming(Packet::Publish(p))) => Incoming::Message {
                    topic: p.topic,
                    payload: p.payload.to_vec(),
                },
                Ok(_) => continue,
                Err(err) => {
                    let lost = tx.send(Incoming::Lost(err.to_string()));
                    if !reconnect || lost.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if tx.send(heard).is_err() {
                return;
            }
        }
    });
    (client, rx)
}

/// Publishes JSON with QoS 1.
pub async fn publish_json<T: serde::Serialize>(
    client: &AsyncClient,
    topic: &str,
    value: &T,
    retain: bool,
) -> anyhow::Result<()> {
    let payload = serde_json::to_vec(value)?;
    if payload.len() > MAX_MESSAGE {
        anyhow::bail!(
            "a message of {} MiB is more than MQTT may carry here ({} MiB)",
            payload.len() >> 20,
            MAX_MESSAGE >> 20
        );
    }
    client
        .publish(topic, QoS::AtLeastOnce, retain, payload)
        .await
        .context("the MQTT client stopped")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_host_and_port() {
        assert_eq!(
            parse_url("mqtt://192.168.0.100").unwrap(),
            Endpoint {
                host: "192.168.0.100".into(),
                port: 1883
            }
        );
        assert_eq!(parse_url("mqtt://localhost:18830/").unwrap().port, 18830);
        assert_eq!(parse_url("localhost").unwrap().host, "localhost");
        assert!(parse_url("http://x").is_err());
        assert!(parse_url("mqtt://x:port").is_err());
    }
}
