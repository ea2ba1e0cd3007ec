//! A real SMTP server for the e-mail tests: `mailin-embedded` in this process, behind a small TCP
//! proxy so a test can take the server "down" (new connections are dropped and open ones are answered
//! 421). Recipients can be scripted to get 451 a number of times, or 550 always. Every accepted
//! message is kept whole.

use mailin_embedded::response::{INTERNAL_ERROR, NO_MAILBOX, NO_SERVICE, OK};
use mailin_embedded::{Handler, Response, Server, SslConfig};
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
}

impl Received {
    /// The Message-ID header's value.
    pub fn message_id(&self) -> String {
        header(&self.raw, "Message-ID")
    }

    /// The decoded plain-text part.
    pub fn text(&self) -> String {
        crate::email::text_part(&self.raw)
    }
}

/// A header's value from a raw message (first occurrence, unfolded).
pub fn header(raw: &str, name: &str) -> String {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    raw.lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
        .unwrap_or_default()
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    temp_fail: Mutex<HashMap<String, usize>>,
    reject: Mutex<HashSet<String>>,
    down: AtomicBool,
    accepted: AtomicUsize,
    down_after: Mutex<Option<usize>>,
    /// Time spent on each recipient before answering (as a relay that looks recipients up).
    delay: Mutex<std::time::Duration>,
}

#[derive(Clone)]
struct Session {
    shared: Arc<Shared>,
    to: Vec<String>,
    data: Vec<u8>,
}

fn bare(addr: &str) -> String {
    addr.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_ascii_lowercase()
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.to.clear();
        self.data.clear();
        if self.shared.down.load(Ordering::SeqCst) {
            NO_SERVICE
        } else {
            OK
        }
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let delay = *self.shared.delay.lock().unwrap();
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let to = bare(to);
        if self.shared.reject.lock().unwrap().contains(&to) {
            return NO_MAILBOX;
        }
        if let Some(n) = self.shared.temp_fail.lock().unwrap().get_mut(&to)
            && *n > 0
        {
            *n -= 1;
            return INTERNAL_ERROR;
        }
        self.to.push(to);
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let raw = String::from_utf8_lossy(&self.data).to_string();
        self.shared.received.lock().unwrap().push(Received {
            to: std::mem::take(&mut self.to),
            raw,
        });
        self.data.clear();
        let n = self.shared.accepted.fetch_add(1, Ordering::SeqCst) + 1;
        if *self.shared.down_after.lock().unwrap() == Some(n) {
            self.shared.down.store(true, Ordering::SeqCst);
        }
        OK
    }
}

pub struct SmtpServer {
    /// Where clients connect (the proxy).
    pub addr: SocketAddr,
    /// Tells every open connection to close, as a relay does to idle ones.
    close: Arc<tokio::sync::Notify>,
    /// Connections open through the proxy now.
    open: Arc<tokio::sync::watch::Sender<usize>>,
    /// The SMTP server itself, without the proxy (it cannot be taken down).
    pub direct: SocketAddr,
    shared: Arc<Shared>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let shared = Arc::new(Shared::default());
        let backend = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let backend_addr = backend.local_addr().unwrap();
        let mut server = Server::new(Session {
            shared: shared.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server
            .with_name("smtp.test.gov.vn")
            .with_num_threads(72)
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_tcp_listener(backend);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        let front = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = front.local_addr().unwrap();
        let s = shared.clone();
        let close = Arc::new(tokio::sync::Notify::new());
        let open = Arc::new(tokio::sync::watch::Sender::new(0usize));
        let (close2, open2) = (close.clone(), open.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = front.accept().await else {
                    continue;
                };
                if s.down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let _ = client.set_nodelay(true);
                let (close, open) = (close2.clone(), open2.clone());
                open.send_modify(|n| *n += 1);
                tokio::spawn(async move {
                    let closing = close.notified();
                    tokio::pin!(closing);
                    closing.as_mut().enable();
                    if let Ok(mut server) = tokio::net::TcpStream::connect(backend_addr).await {
                        let _ = server.set_nodelay(true);
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = closing => {}
                        }
                    }
                    drop(client);
                    open.send_modify(|n| *n -= 1);
                });
            }
        });
        SmtpServer {
            addr,
            close,
            open,
            direct: backend_addr,
            shared,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The server without the proxy in between (for measuring).
    pub fn direct_url(&self) -> String {
        format!("smtp://{}", self.direct)
    }

    /// `to` gets 451 the next `times` times it is named as a recipient.
    pub fn temp_fail(&self, to: &str, times: usize) {
        self.shared
            .temp_fail
            .lock()
            .unwrap()
            .insert(bare(to), times);
    }

    /// `to` is refused for good with 550.
    pub fn reject(&self, to: &str) {
        self.shared.reject.lock().unwrap().insert(bare(to));
    }

    /// Goes down by itself right after accepting its `n`-th message in all.
    pub fn go_down_after(&self, n: usize) {
        *self.shared.down_after.lock().unwrap() = Some(n);
    }

    /// Spends `d` on each recipient before answering, so sending takes a while.
    pub fn set_delay(&self, d: std::time::Duration) {
        *self.shared.delay.lock().unwrap() = d;
    }

    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// Closes every open connection, as a relay closes idle ones after its timeout, and returns
    /// once they are all closed.
    pub async fn close_connections(&self) {
        let mut open = self.open.subscribe();
        self.close.notify_waiters();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            open.wait_for(|n| *n == 0),
        )
        .await
        .expect("connections close")
        .expect("proxy alive");
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}
