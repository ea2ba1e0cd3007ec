//! A plain SMTP relay on the local network (`smtp://host:port`: no TLS, no login), through this
//! crate's own small pool of connections that send with `TCP_NODELAY`. lettre's pooled transport
//! leaves Nagle's algorithm on and writes the end-of-data marker as a separate small packet, so each
//! message waits about 40 ms for the server's delayed acknowledgement; with `TCP_NODELAY` it does
//! not. Relays with TLS or a login go through lettre's own transport.

use lettre::Message;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use parindex_domain::survey::Attempt;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A connection idle longer than this is checked with NOOP before it carries a message: relays close
/// idle connections (Postfix after 300 s), and the pool only learns of it by using one.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(5);

pub struct Relay {
    addr: String,
    hello: ClientId,
    timeout: Duration,
    max_idle: usize,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Relay({})", self.addr)
    }
}

impl Relay {
    /// `addr` is `host:port`; at most `max_idle` connections are kept open between messages.
    pub fn new(addr: String, max_idle: usize, timeout: Duration) -> Relay {
        Relay {
            addr,
            hello: ClientId::default(),
            timeout,
            max_idle: max_idle.max(1),
            idle: Mutex::new(Vec::new()),
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let tcp = tokio::time::timeout(self.timeout, tokio::net::TcpStream::connect(&self.addr))
            .await
            .map_err(|_| format!("connecting to {}: timed out", self.addr))?
            .map_err(|e| format!("connecting to {}: {e}", self.addr))?;
        tcp.set_nodelay(true)
            .map_err(|e| format!("connecting to {}: {e}", self.addr))?;
        tokio::time::timeout(
            self.timeout,
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello),
        )
        .await
        .map_err(|_| format!("greeting {}: timed out", self.addr))?
        .map_err(|e| format!("greeting {}: {e}", self.addr))
    }

    /// A pooled connection that still works, if there is one: broken ones are dropped, and one idle
    /// for a while must answer NOOP first.
    async fn pooled(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut conn, since) = self.idle.lock().await.pop()?;
            let usable = !conn.has_broken()
                && (since.elapsed() < CHECK_AFTER_IDLE
                    || tokio::time::timeout(self.timeout, conn.test_connected())
                        .await
                        .unwrap_or(false));
            if usable {
                return Some(conn);
            }
            conn.abort().await;
        }
    }

    /// Sends one message over an idle connection, or a new one. A connection that failed in any
    /// way is closed (lettre aborts it); a good one goes back to the pool. When a pooled connection
    /// turns out dead without the relay having answered anything (it was closed meanwhile), the
    /// message goes again at once over a new connection: that is not a failed attempt.
    pub async fn send(&self, message: &Message) -> Attempt {
        if let Some(conn) = self.pooled().await {
            match self.send_on(conn, message).await {
                Err(Dead(_)) => {}
                Ok(attempt) => return attempt,
            }
        }
        let conn = match self.connect().await {
            Ok(c) => c,
            Err(e) => return Attempt::Temporary(e),
        };
        match self.send_on(conn, message).await {
            Ok(attempt) => attempt,
            Err(Dead(e)) => Attempt::Temporary(e),
        }
    }

    async fn send_on(
        &self,
        mut conn: AsyncSmtpConnection,
        message: &Message,
    ) -> Result<Attempt, Dead> {
        let bytes = message.formatted();
        match tokio::time::timeout(self.timeout, conn.send(message.envelope(), &bytes)).await {
            Err(_) => Ok(Attempt::Temporary(format!(
                "sending to {}: timed out",
                self.addr
            ))),
            Ok(Ok(_)) => {
                let mut idle = self.idle.lock().await;
                if idle.len() < self.max_idle {
                    idle.push((conn, Instant::now()));
                }
                Ok(Attempt::Sent)
            }
            // 421: the relay is closing this connection (an idle timeout), not judging the message.
            Ok(Err(e)) if e.status().is_some_and(|c| c.to_string() == "421") => {
                Err(Dead(format!("sending to {}: {e}", self.addr)))
            }
            Ok(Err(e)) if e.is_permanent() => Ok(Attempt::Permanent(e.to_string())),
            Ok(Err(e)) if e.is_transient() => Ok(Attempt::Temporary(e.to_string())),
            // No SMTP answer at all (closed, reset, a cut-off reply): the connection is dead.
            Ok(Err(e)) => Err(Dead(format!("sending to {}: {e}", self.addr))),
        }
    }
}

/// The connection failed without an SMTP answer (closed, reset): the relay said nothing about the
/// message.
struct Dead(String);
