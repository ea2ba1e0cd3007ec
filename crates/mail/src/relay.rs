//! A plain SMTP relay on the local network (`smtp://host:port`: no TLS, no login), through this
//! crate's own small pool of connections that send with `TCP_NODELAY`. lettre's pooled transport
//! leaves Nagle's algorithm on and writes the end-of-data marker as a separate small packet, so each
//! message waits about 40 ms for the server's delayed acknowledgement; with `TCP_NODELAY` it does
//! not. Relays with TLS or a login go through lettre's own transport.

use lettre::Message;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use parindex_domain::survey::Attempt;
use std::time::Duration;
use tokio::sync::Mutex;

pub struct Relay {
    addr: String,
    hello: ClientId,
    timeout: Duration,
    max_idle: usize,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
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

    /// Sends one message over an idle connection, or a new one. A connection that failed in any
    /// way is closed (lettre aborts it); a good one goes back to the pool.
    pub async fn send(&self, message: &Message) -> Attempt {
        let pooled = self.idle.lock().await.pop();
        let mut conn = match pooled {
            Some(c) if !c.has_broken() => c,
            _ => match self.connect().await {
                Ok(c) => c,
                Err(e) => return Attempt::Temporary(e),
            },
        };
        let bytes = message.formatted();
        match tokio::time::timeout(self.timeout, conn.send(message.envelope(), &bytes)).await {
            Err(_) => Attempt::Temporary(format!("sending to {}: timed out", self.addr)),
            Ok(Ok(_)) => {
                let mut idle = self.idle.lock().await;
                if idle.len() < self.max_idle {
                    idle.push(conn);
                }
                Attempt::Sent
            }
            Ok(Err(e)) if e.is_permanent() => Attempt::Permanent(e.to_string()),
            Ok(Err(e)) => Attempt::Temporary(e.to_string()),
        }
    }
}
