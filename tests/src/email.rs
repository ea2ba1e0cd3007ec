//! Reading what the outbox sent: the plain-text part of a raw message, decoded, and the personal
//! survey link in it.

use mail_parser::MessageParser;

pub fn text_part(raw: &str) -> String {
    MessageParser::default()
        .parse(raw.as_bytes())
        .and_then(|m| m.body_text(0).map(|t| t.to_string()))
        .unwrap_or_default()
}

pub fn html_part(raw: &str) -> String {
    MessageParser::default()
        .parse(raw.as_bytes())
        .and_then(|m| m.body_html(0).map(|t| t.to_string()))
        .unwrap_or_default()
}

pub fn subject(raw: &str) -> String {
    MessageParser::default()
        .parse(raw.as_bytes())
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_default()
}

/// The `/s/<token>` path of the personal link in a message's text.
pub fn survey_path(raw: &str) -> Option<String> {
    let text = text_part(raw);
    let start = text.find("/s/")?;
    let token: String = text[start + 3..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (token.len() == 64).then(|| format!("/s/{token}"))
}

/// The whole personal link (`http…/s/<token>`) in a message's text.
pub fn survey_url(raw: &str) -> Option<String> {
    let text = text_part(raw);
    let path = survey_path(raw)?;
    let end = text.find(&path)? + path.len();
    let start = text[..end].rfind("http")?;
    Some(text[start..end].to_string())
}
