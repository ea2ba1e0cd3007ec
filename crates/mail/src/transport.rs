//! Where e-mails go: an SMTP server through lettre (pooled connections, STARTTLS or TLS as the URL
//! says), or `.eml` files in a folder, one per outbox message, for installations without SMTP (the
//! demo): a newcomer opens them in any mail program.

use crate::relay::Relay;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use parindex_db::outbox::Claimed;
use parindex_domain::survey::Attempt;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A plain relay on the local network, with connections that send without delay.
    Relay(std::sync::Arc<Relay>),
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => write!(f, "Transport::Smtp"),
            Transport::Relay(r) => write!(f, "Transport::{r:?}"),
            Transport::Files(d) => write!(f, "Transport::Files({})", d.display()),
        }
    }
}

impl Transport {
    /// An SMTP transport from a URL: `smtp://host:port` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host:465` (TLS).
    pub fn smtp(url: &str, pool_size: u32, timeout: Duration) -> Result<Transport, String> {
        if let Some(addr) = plain_relay(url) {
            let relay = Relay::new(addr, pool_size as usize, timeout);
            return Ok(Transport::Relay(std::sync::Arc::new(relay)));
        }
        let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP URL: {e}"))?
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(pool_size.max(1)))
            .build();
        Ok(Transport::Smtp(t))
    }

    /// `.eml` files in `dir` (created if missing).
    pub fn files(dir: PathBuf) -> std::io::Result<Transport> {
        std::fs::create_dir_all(&dir)?;
        Ok(Transport::Files(dir))
    }

    /// Sends one claimed message, dated `now_ms` (the injected clock), and says how it went.
    pub async fn send(&self, from: &Mailbox, m: &Claimed, now_ms: i64) -> Attempt {
        let message = match build(from, m, now_ms) {
            Ok(msg) => msg,
            Err(e) => return Attempt::Permanent(e),
        };
        match self {
            Transport::Smtp(t) => match t.send(message).await {
                Ok(_) => Attempt::Sent,
                Err(e) if e.is_permanent() => Attempt::Permanent(e.to_string()),
                Err(e) => Attempt::Temporary(e.to_string()),
            },
            Transport::Relay(r) => r.send(&message).await,
            Transport::Files(dir) => {
                let path = dir.join(format!("{:08}.eml", m.id));
                let tmp = dir.join(format!(".{:08}.eml.tmp", m.id));
                let bytes = message.formatted();
                let written = tokio::fs::write(&tmp, &bytes).await;
                match written.and(tokio::fs::rename(&tmp, &path).await) {
                    Ok(()) => Attempt::Sent,
                    Err(e) => Attempt::Temporary(format!("writing {}: {e}", path.display())),
                }
            }
        }
    }
}

/// The MIME message: plain text and HTML alternatives, a Message-ID fixed per outbox message so a
/// receiving server can recognise a repeat.
fn build(from: &Mailbox, m: &Claimed, now_ms: i64) -> Result<Message, String> {
    let to: Mailbox = m
        .to_addr
        .parse()
        .map_err(|e| format!("invalid recipient address {:?}: {e}", m.to_addr))?;
    let domain = from.email.domain().to_string();
    let date = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(now_ms).unwrap_or(0));
    Message::builder()
        .date(date)
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(format!("<parindex-outbox-{}@{domain}>", m.id)))
        .multipart(MultiPart::alternative_plain_html(
            m.body_text.clone(),
            m.body_html.clone(),
        ))
        .map_err(|e| format!("building the message: {e}"))
}

/// `host:port` when the URL names a plain relay: `smtp://host[:port]` with no login and no TLS
/// parameter (port 25 by default).
fn plain_relay(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("smtp://")?;
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest.contains(['@', '?', '/']) {
        return None;
    }
    let has_port = rest
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    Some(if has_port {
        rest.to_string()
    } else {
        format!("{rest}:25")
    })
}

/// The sender from a setting such as `Bộ Nội vụ <khaosat@moha.gov.vn>`.
pub fn parse_from(s: &str) -> Result<Mailbox, String> {
    s.parse::<Mailbox>()
        .map_err(|e| format!("invalid sender address {s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(to: &str) -> Claimed {
        Claimed {
            id: 7,
            invitation_id: Some(1),
            to_addr: to.into(),
            subject: "Khảo sát Chỉ số CCHC".into(),
            body_text: "Kính gửi Ông/Bà".into(),
            body_html: "<p>Kính gửi Ông/Bà</p>".into(),
            attempts: 1,
        }
    }

    #[tokio::test]
    async fn files_transport_writes_one_eml_per_message_and_rewrites_it_on_a_retry() {
        let dir = tempfile::tempdir().expect("dir");
        let t = Transport::files(dir.path().join("outbox")).expect("files");
        let from = parse_from("Bộ Nội vụ <khaosat@moha.gov.vn>").expect("from");
        // 10/12/2023 09:00 in Hanoi.
        let at = 1_702_173_600_000;
        assert_eq!(
            t.send(&from, &claimed("a@b.gov.vn"), at).await,
            Attempt::Sent
        );
        assert_eq!(
            t.send(&from, &claimed("a@b.gov.vn"), at).await,
            Attempt::Sent
        );
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .expect("read")
            .collect();
        assert_eq!(files.len(), 1);
        let eml = std::fs::read_to_string(dir.path().join("outbox/00000007.eml")).expect("eml");
        assert!(eml.contains("To: a@b.gov.vn"));
        assert!(eml.contains("multipart/alternative"));
        assert!(eml.contains("Message-ID: <parindex-outbox-7@moha.gov.vn>"));
        assert!(
            eml.contains("Date: Sun, 10 Dec 2023 02:00:00 +0000"),
            "{eml}"
        );
    }

    #[tokio::test]
    async fn plain_relays_are_recognised_and_the_rest_left_to_lettre() {
        assert_eq!(
            plain_relay("smtp://127.0.0.1:2525"),
            Some("127.0.0.1:2525".into())
        );
        assert_eq!(
            plain_relay("smtp://relay.gov.vn"),
            Some("relay.gov.vn:25".into())
        );
        assert_eq!(plain_relay("smtp://user:pw@relay.gov.vn:587"), None);
        assert_eq!(plain_relay("smtp://relay.gov.vn:587?tls=required"), None);
        assert_eq!(plain_relay("smtps://relay.gov.vn"), None);
        assert!(matches!(
            Transport::smtp("smtp://127.0.0.1:2525", 4, Duration::from_secs(5)),
            Ok(Transport::Relay(_))
        ));
        assert!(matches!(
            Transport::smtp("smtps://relay.gov.vn", 4, Duration::from_secs(5)),
            Ok(Transport::Smtp(_))
        ));
    }

    #[tokio::test]
    async fn an_unusable_address_fails_for_good() {
        let dir = tempfile::tempdir().expect("dir");
        let t = Transport::files(dir.path().to_path_buf()).expect("files");
        let from = parse_from("khaosat@moha.gov.vn").expect("from");
        assert!(matches!(
            t.send(&from, &claimed("not an address"), 0).await,
            Attempt::Permanent(_)
        ));
    }
}
