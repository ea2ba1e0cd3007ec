//! Short notices e-mailed by the application itself (an integrity decision to a unit, a password
//! change to its account), written once in Vietnamese and once in English in the same message, so
//! they read right whatever language the recipient uses the site in.

use crate::i18n::Lang;
use parindex_db::outbox::OutMail;

/// The notice from the message keys `subject` and `body` (with `args`), Vietnamese first.
pub fn bilingual(to: &str, subject: &str, body: &str, args: &[(&str, String)]) -> OutMail {
    bilingual_with(to, subject, body, |_| args.to_vec())
}

/// [`bilingual`] with arguments that differ by language (e.g. a list naming roles).
pub fn bilingual_with<'a>(
    to: &str,
    subject: &str,
    body: &str,
    args: impl Fn(Lang) -> Vec<(&'a str, String)>,
) -> OutMail {
    let (vi, en) = (Lang::Vi, Lang::En);
    let text_vi = vi.t_args(body, &args(vi));
    let text_en = en.t_args(body, &args(en));
    OutMail {
        to: to.to_string(),
        subject: format!("{} / {}", vi.t(subject), en.t(subject)),
        text: format!("{text_vi}\n\n---\n\n{text_en}\n"),
        html: format!(
            "<p>{}</p><hr><p>{}</p>",
            escape(&text_vi).replace('\n', "<br>"),
            escape(&text_en).replace('\n', "<br>"),
        ),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_in_both_languages_and_escapes_what_users_typed() {
        let m = bilingual(
            "a@b.vn",
            "ig-mail-subject",
            "ig-mail-clear",
            &[
                ("unit", "Bộ <Tư pháp>".to_string()),
                ("reason", "a & b".to_string()),
            ],
        );
        assert_eq!(m.to, "a@b.vn");
        assert!(m.subject.contains("Quyết định") && m.subject.contains("Decision"));
        assert!(m.text.contains("Bộ <Tư pháp>") && m.text.contains("---"));
        assert!(m.html.contains("Bộ &lt;Tư pháp&gt;") && m.html.contains("a &amp; b"));
        assert!(!m.html.contains("<Tư"));
    }
}
