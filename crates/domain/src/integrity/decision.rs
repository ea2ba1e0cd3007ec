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
    NoOutcome,
    NoReason,
    ReasonTooLong,
    NoResponsible,
    ResponsibleTooLong,
    /// A cancellation without its confirmation ticked.
    NotConfirmed,
}

impl Problem {
    /// The message key of the problem.
    pub fn key(self) -> &'static str {
        match self {
            Problem::NoOutcome => "ig-err-outcome",
            Problem::NoReason => "ig-err-reason",
            Problem::ReasonTooLong => "ig-err-reason-long",
            Problem::NoResponsible => "ig-err-responsible",
            Problem::ResponsibleTooLong => "ig-err-responsible-long",
            Problem::NotConfirmed => "ig-err-confirm",
        }
    }

    /// The form field the problem belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Problem::NoOutcome => "outcome",
            Problem::NoReason | Problem::ReasonTooLong => "reason",
            Problem::NoResponsible | Problem::ResponsibleTooLong => "responsible",
            Problem::NotConfirmed => "confirm",
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

/// Checks a decision as MoHA typed it: the outcome chosen, a reason, and for a cancellation the
/// person held responsible and the confirmation ticked. Every problem is returned at once, so the
/// form can say all of them in one round.
pub fn check(
    outcome: &str,
    reason: &str,
    responsible: &str,
    confirmed: bool,
) -> Result<Checked, Vec<Problem>> {
    let outcome = Outcome::parse(outcome);
    let reason = nfc(reason.trim());
    let responsible = clean(responsible);
    let mut problems = Vec::new();
    if outcome.is_none() {
        problems.push(Problem::NoOutcome);
    }
    if reason.is_empty() {
        problems.push(Problem::NoReason);
    } else if reason.chars().count() > MAX_REASON {
        problems.push(Problem::ReasonTooLong);
    }
    let cancel = outcome == Some(Outcome::Cancel);
    if cancel && responsible.is_empty() {
        problems.push(Problem::NoResponsible);
    }
    if responsible.chars().count() > MAX_RESPONSIBLE {
        problems.push(Problem::ResponsibleTooLong);
    }
    if cancel && !confirmed {
        problems.push(Problem::NotConfirmed);
    }
    match outcome {
        Some(outcome) if problems.is_empty() => Ok(Checked {
            outcome,
            reason,
            responsible,
        }),
        _ => Err(problems),
    }
}

/// The units flagged by the newest findings that no decision in force covers, in the findings'
/// order (highest risk first). A decision of either outcome settles a flag: MoHA looked at the
/// evidence and said so.
pub fn undecided(
    findings: &[crate::integrity::UnitAssessment],
    decided: &std::collections::HashSet<i64>,
) -> Vec<i64> {
    findings
        .iter()
        .filter(|a| a.flagged && !decided.contains(&a.unit_id))
        .map(|a| a.unit_id)
        .collect()
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

    fn assessed(unit_id: i64, flagged: bool) -> crate::integrity::UnitAssessment {
        crate::integrity::UnitAssessment {
            unit_id,
            responses: 40,
            scored: true,
            risk: if flagged { 9.0 } else { 1.0 },
            flagged,
            seconds_per_item: 8.0,
            campaign_seconds_per_item: 8.0,
            findings: Vec::new(),
        }
    }

    #[test]
    fn a_flag_is_undecided_until_a_decision_of_either_outcome_is_in_force() {
        let findings = [assessed(3, true), assessed(1, true), assessed(2, false)];
        let none = std::collections::HashSet::new();
        assert_eq!(undecided(&findings, &none), vec![3, 1]);
        let decided: std::collections::HashSet<i64> = [1, 2].into_iter().collect();
        assert_eq!(undecided(&findings, &decided), vec![3]);
    }

    #[test]
    fn a_cancellation_needs_a_reason_and_a_responsible_person() {
        assert_eq!(
            check("clear", "  ", "", false),
            Err(vec![Problem::NoReason])
        );
        assert_eq!(
            check("cancel", "Một người trả lời nhiều phiếu", " ", true),
            Err(vec![Problem::NoResponsible])
        );
        let ok = check("cancel", " Trả lời hộ ", "Ông Nguyễn Văn A", true).unwrap();
        assert_eq!(ok.reason, "Trả lời hộ");
        assert_eq!(ok.outcome, Outcome::Cancel);
        assert!(check("clear", "Không có vi phạm", "", false).is_ok());
        let long = "x".repeat(MAX_REASON + 1);
        assert_eq!(
            check("clear", &long, "", false),
            Err(vec![Problem::ReasonTooLong])
        );
        assert_eq!(Outcome::parse("cancel"), Some(Outcome::Cancel));
        assert_eq!(Outcome::parse("delete"), None);
    }

    #[test]
    fn every_problem_is_told_at_once_with_its_field() {
        let all = check("cancel", " ", "", false).unwrap_err();
        assert_eq!(
            all,
            vec![
                Problem::NoReason,
                Problem::NoResponsible,
                Problem::NotConfirmed
            ]
        );
        let fields: Vec<&str> = all.iter().map(|p| p.field()).collect();
        assert_eq!(fields, ["reason", "responsible", "confirm"]);
        assert_eq!(
            check("delete", "", "", false),
            Err(vec![Problem::NoOutcome, Problem::NoReason])
        );
        let long = "x".repeat(MAX_RESPONSIBLE + 1);
        assert_eq!(
            check("clear", "ok", &long, false),
            Err(vec![Problem::ResponsibleTooLong])
        );
    }

    #[test]
    fn texts_are_kept_in_nfc() {
        // "Hủy" written with a combining hook above.
        let decomposed = "Hu\u{031B}\u{0309}y";
        let ok = check("clear", decomposed, "", false).unwrap();
        assert_eq!(ok.reason, nfc(decomposed));
        assert_ne!(ok.reason, decomposed);
    }
}
