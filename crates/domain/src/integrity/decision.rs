//! MoHA's decision on a unit after reviewing the evidence: clear, or cancel the unit's survey results.
//! A decision states its reason; a cancellation also names the person held responsible, as MoHA
//! states it. Decisions are never edited: a new one supersedes the old.

use crate::text::clean;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Clear,
    Cancel,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Clear => "clear",
            Outcome::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "clear" => Some(Outcome::Clear),
            "cancel" => Some(Outcome::Cancel),
            _ => None,
        }
    }
}

/// The longest reason and name kept.
pub const MAX_REASON: usize = 4000;
pub const MAX_RESPONSIBLE: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    NoReason,
    ReasonTooLong,
    NoResponsible,
    ResponsibleTooLong,
}

impl Problem {
    /// The message key of the problem.
    pub fn key(self) -> &'static str {
        match self {
            Problem::NoReason => "ig-err-reason",
            Problem::ReasonTooLong => "ig-err-reason-long",
            Problem::NoResponsible => "ig-err-responsible",
            Problem::ResponsibleTooLong => "ig-err-responsible-long",
        }
    }
}

/// A decision ready to record: texts trimmed and in NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub outcome: Outcome,
    pub reason: String,
    pub responsible: String,
}

pub fn check(outcome: Outcome, reason: &str, responsible: &str) -> Result<Checked, Problem> {
    let reason = nfc(reason.trim());
    let responsible = clean(responsible);
    if reason.is_empty() {
        return Err(Problem::NoReason);
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Problem::ReasonTooLong);
    }
    if outcome == Outcome::Cancel && responsible.is_empty() {
        return Err(Problem::NoResponsible);
    }
    if responsible.chars().count() > MAX_RESPONSIBLE {
        return Err(Problem::ResponsibleTooLong);
    }
    Ok(Checked {
        outcome,
        reason,
        responsible,
    })
}

/// NFC, keeping line breaks (a reason may have paragraphs), without other control characters.
fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().filter(|c| !c.is_control() || *c == '\n').collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_cancellation_needs_a_reason_and_a_responsible_person() {
        assert_eq!(check(Outcome::Clear, "  ", ""), Err(Problem::NoReason));
        assert_eq!(
            check(Outcome::Cancel, "Một người trả lời nhiều phiếu", " "),
            Err(Problem::NoResponsible)
        );
        let ok = check(Outcome::Cancel, " Trả lời hộ ", "Ông Nguyễn Văn A").unwrap();
        assert_eq!(ok.reason, "Trả lời hộ");
        assert!(check(Outcome::Clear, "Không có vi phạm", "").is_ok());
        let long = "x".repeat(MAX_REASON + 1);
        assert_eq!(
            check(Outcome::Clear, &long, ""),
            Err(Problem::ReasonTooLong)
        );
        assert_eq!(Outcome::parse("cancel"), Some(Outcome::Cancel));
        assert_eq!(Outcome::parse("delete"), None);
    }

    #[test]
    fn texts_are_kept_in_nfc() {
        // "Hủy" written with a combining hook above.
        let decomposed = "Hu\u{031B}\u{0309}y";
        let ok = check(Outcome::Clear, decomposed, "").unwrap();
        assert_eq!(ok.reason, nfc(decomposed));
        assert_ne!(ok.reason, decomposed);
    }
}
