//! Any text in any single form field or upload name, through the parsers that turn it into the
//! project's types: names and other free text, e-mail addresses and domains, phone numbers, points,
//! dates, passwords, uploaded file names and kinds, and a survey page's answers. None may panic,
//! and each keeps its promise:
//!
//! - free text comes back NFC, without control characters (but line breaks in several paragraphs),
//!   and cleaning it again changes nothing;
//! - an upload's stored name has no path separator, no control character, never starts with a dot
//!   and is at most 120 characters: no path traversal, whatever the browser sent;
//! - points are never negative and have at most two decimals;
//! - a survey page accepts only the options its questions offer.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run form_fields -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;
use parindex_domain::survey::{answering, parse};
use parindex_domain::{Email, Points, deadline, email, evidence, password_policy, phone, text};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();

    let cleaned = text::clean(s);
    assert_eq!(text::clean(&cleaned), cleaned);
    assert!(cleaned.chars().eq(cleaned.nfc()));
    assert!(!cleaned.chars().any(char::is_control));
    let paragraphs = text::clean_paragraphs(s);
    assert_eq!(text::clean_paragraphs(&paragraphs), paragraphs);
    assert!(!paragraphs.chars().any(|c| c.is_control() && c != '\n'));
    let _ = text::search_key(s);
    let _ = text::matches(s, &cleaned);
    let _ = text::compare_names(s, &cleaned);

    if let Ok(e) = Email::parse(s) {
        assert!(e.as_str().contains('@'));
        let _ = e.in_domains(["quangninh.gov.vn"]);
    }
    let _ = email::parse_domains(s);
    let _ = phone::normalize(s);
    if let Ok(p) = Points::parse(s) {
        assert!(!p.decimal().is_sign_negative() || p.decimal().is_zero());
        assert!(p.decimal().scale() <= 2, "{}", p.decimal());
    }
    if let Some(d) = deadline::parse_date(s) {
        let _ = deadline::closes_at(d);
        let _ = deadline::display(d);
    }
    let _ = password_policy::check(s, "canbo", "old-password");

    let Some(kind) = evidence::sniff(data).or_else(|| evidence::sniff(b"%PDF-1.4")) else {
        return;
    };
    let name = evidence::safe_name(s, kind);
    assert!(!name.contains('/') && !name.contains('\\'), "{name}");
    assert!(!name.starts_with('.'), "{name}");
    assert!(!name.chars().any(char::is_control), "{name}");
    assert!(name.chars().count() <= 120, "{name}");
    assert!(!name.is_empty());

    // A survey page's form: every field name and value from the input.
    let set = parse(include_str!("../../frameworks/2023/questionnaires/province.toml"))
        .expect("the shipped questionnaire parses");
    let q = &set.questionnaires[0];
    let mut form = HashMap::new();
    for (i, part) in s.split('&').enumerate() {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let key = if i % 2 == 0 {
            answering::field_name(&q.questions[i % q.questions.len()].code)
        } else {
            k.to_string()
        };
        form.insert(key, v.to_string());
    }
    for page in 0..=answering::page_count(q) + 1 {
        let questions = answering::page(q, page);
        if let Ok(answers) = answering::read_page(&set, questions, &form) {
            for (code, key) in answers {
                let question = questions.iter().find(|x| x.code == code).expect("asked");
                assert!(set.options(question).iter().any(|o| o.key == key));
            }
        }
    }
});
