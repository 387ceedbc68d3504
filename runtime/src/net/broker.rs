//! `things-js pubsub`: an MQTT 3.1.1 broker (rumqttd) for workers and
//! dispatchers. Clients connect to a small front that relays each
//! connection to rumqttd on a private loopback port; with `-d` the front
//! logs each connection and each publish (rumqttd does not say which client
//! published what).

use std::net::SocketAddr;
use std::time::SystemTime;

use bytes::BytesMut;
use rumqttc::mqttbytes::v4::Packet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::mqtt::MAX_MESSAGE;

pub struct BrokerOptions {
    pub bind: SocketAddr,
    /// Log connections and publishes on stdout.
    pub debug: bool,
}

/// Runs the broker until the process ends.
pub async fn run_broker(opts: BrokerOptions) -> anyhow::Result<()> {
    let front = TcpListener::bind(opts.bind).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {}: {e} (is another broker running? try -p PORT)",
            opts.bind
        )
    })?;
    let inner = start_rumqttd()?;
    println!("things-js pubsub: MQTT broker listening on {}", opts.bind);
    loop {
        let (client, peer) = match front.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of file descriptors, say: the broker goes on.
                eprintln!("things-js pubsub: cannot accept a connection: {err}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let debug = opts.debug;
        tokio::spawn(async move {
            if let Err(err) = relay(client, peer, inner, debug).await {
                if debug {
                    log(&format!("connection from {peer} ended: {err}"));
                }
            }
        });
    }
}

/// Starts rumqttd on a free loopback port, on its own threads.
fn start_rumqttd() -> anyhow::Result<SocketAddr> {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let connections = rumqttd::ConnectionSettings {
        connection_timeout_ms: 60_000,
        max_payload_size: MAX_MESSAGE,
        max_inflight_count: 200,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    let server = rumqttd::ServerSettings {
        name: "v4".into(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 1,
        connections,
    };
    let config = rumqttd::Config {
        id: 0,
        router: rumqttd::RouterConfig {
            max_connections: 10_000,
            max_outgoing_packet_count: 200,
            // Room for a snapshot or two in flight; old messages are not kept.
            max_segment_size: MAX_MESSAGE,
            max_segment_count: 2,
            custom_segment: None,
            initialized_filters: None,
            shared_subscriptions_strategy: Default::default(),
        },
        v4: Some([("v4".to_string(), server)].into_iter().collect()),
        ..Default::default()
    };
    let mut broker = rumqttd::Broker::new(config);
    std::thread::Builder::new()
        .name("rumqttd".into())
        .spawn(move || {
            if let Err(err) = broker.start() {
                eprintln!("things-js pubsub: broker stopped: {err}");
                std::process::exit(1);
            }
        })?;
    Ok(addr)
}

/// Relays one client connection to rumqttd, reading the client's packets
/// on the way when they are to be logged.
async fn relay(
    client: TcpStream,
    peer: SocketAddr,
    inner: SocketAddr,
    debug: bool,
) -> anyhow::Result<()> {
    let broker = connect_inner(inner).await?;
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut broker_rd, mut broker_wr) = broker.into_split();
    let down = tokio::spawn(async move { tokio::io::copy(&mut broker_rd, &mut client_wr).await });
    let mut buf = BytesMut::with_capacity(4096);
    let mut client_id = String::from("?");
    let mut logging = debug;
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = client_rd.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        broker_wr.write_all(&chunk[..n]).await?;
        if !logging {
            continue;
        }
        buf.extend_from_slice(&chunk[..n]);
        loop {
            match Packet::read(&mut buf, MAX_MESSAGE) {
                Ok(Packet::Connect(c)) => {
                    client_id = c.client_id;
                    log(&format!("connect {client_id} from {peer}"));
                }
                Ok(Packet::Publish(p)) => log(&format!(
                    "publish {} from {client_id}: {}",
                    p.topic,
                    payload_start(&p.payload)
                )),
                Ok(Packet::Disconnect) => log(&format!("disconnect {client_id}")),
                Ok(_) => {}
                Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => break,
                Err(err) => {
                    // Out of step with the stream: the rest of it is relayed unread.
                    log(&format!(
                        "unreadable packet from {client_id} ({err:?}); no more logging of it"
                    ));
                    logging = false;
                    buf.clear();
                    break;
                }
            }
        }
    }
    if debug {
        log(&format!("connection closed: {client_id}"));
    }
    let _ = broker_wr.shutdown().await;
    let _ = down.await;
    Ok(())
}

/// rumqttd starts on its own thread: the first connections may come before it listens.
async fn connect_inner(inner: SocketAddr) -> anyhow::Result<TcpStream> {
    for _ in 0..50 {
        if let Ok(s) = TcpStream::connect(inner).await {
            return Ok(s);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    anyhow::bail!("the embedded broker is not listening on {inner}")
}

fn payload_start(payload: &[u8]) -> String {
    const SHOWN: usize = 60;
    let text = String::from_utf8_lossy(&payload[..payload.len().min(SHOWN)]);
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if payload.len() > SHOWN {
        format!("{text}... ({} bytes)", payload.len())
    } else {
        text
    }
}

fn log(text: &str) {
    let t = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = t.as_secs();
    println!(
        "[{:02}:{:02}:{:02}.{:03}] {text}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60,
        t.subsec_millis()
    );
}
