//! Every log line, from any crate at any level, passes through here on its way out: a run of 64 or
//! more hexadecimal digits (the length of every secret token parindex hands out, such as a survey
//! link or a session cookie) is replaced by `[token]`. A span or event that carries a URI, a header
//! or a body with a token can therefore never print it, whichever library logged it.

use std::borrow::Cow;
use std::io::{self, Write};
use tracing_subscriber::fmt::MakeWriter;

/// The shortest run of hex digits taken for a token.
const TOKEN_HEX: usize = 64;

/// `buf` with every run of at least 64 hex digits replaced.
pub fn redact(buf: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    let mut copied = 0;
    while i < buf.len() {
        if !buf[i].is_ascii_hexdigit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < buf.len() && buf[i].is_ascii_hexdigit() {
            i += 1;
        }
        if i - start >= TOKEN_HEX {
            let o = out.get_or_insert_with(|| Vec::with_capacity(buf.len()));
            o.extend_from_slice(&buf[copied..start]);
            o.extend_from_slice(b"[token]");
            copied = i;
        }
    }
    match out {
        None => Cow::Borrowed(buf),
        Some(mut o) => {
            o.extend_from_slice(&buf[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Wraps a log destination so that what is written to it is redacted first.
pub struct Redacting<M>(pub M);

pub struct RedactingWriter<W>(W);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // The formatter writes each line whole, so a token is never split across two writes.
        self.0.write_all(&redact(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_replaced_wherever_they_stand() {
        let t = "ab".repeat(32);
        let line = format!("GET /s/{t}/page/2 cookie=parindex_session={t}; id=42 sha=deadbeef\n");
        let out = String::from_utf8(redact(line.as_bytes()).into_owned()).expect("utf-8");
        assert_eq!(
            out,
            "GET /s/[token]/page/2 cookie=parindex_session=[token]; id=42 sha=deadbeef\n"
        );
        assert!(!out.contains(&t));
        let longer = "f".repeat(100);
        assert_eq!(redact(longer.as_bytes()).as_ref(), b"[token]");
    }

    #[test]
    fn lines_without_tokens_are_left_alone() {
        let line = b"outbox round: 12 sent, id 0123456789abcdef";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }
}
