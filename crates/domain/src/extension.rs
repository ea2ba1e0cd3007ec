//! MoHA extends one deadline for one unit: which deadline, to which day, and why. The day must be
//! later than the campaign's own deadline of that kind (an extension never shortens one), and the
//! reason is kept for the record. One function checks all of it, for the page and for the
//! database write alike.

use crate::deadline::{self, DeadlineKind};
use crate::text;
use time::Date;

/// The shortest and longest reason kept, in characters.
const MIN_REASON: usize = 5;
const MAX_REASON: usize = 1000;

/// An extension ready to record: the reason cleaned and in NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub kind: DeadlineKind,
    pub day: Date,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    UnknownKind,
    BadDay,
    /// Not later than the campaign's deadline of that kind.
    NotLater,
    Reason,
}

impl Problem {
    /// The message key for the user.
    pub fn key(self) -> &'static str {
        match self {
            Problem::UnknownKind => "deadline-kind-invalid",
            Problem::BadDay => "date-invalid",
            Problem::NotLater => "extension-not-later",
            Problem::Reason => "extension-reason-required",
        }
    }

    /// The form field the problem belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Problem::UnknownKind => "kind",
            Problem::BadDay | Problem::NotLater => "due_date",
            Problem::Reason => "reason",
        }
    }
}

/// Checks an extension as MoHA typed it. `campaign_day` gives the campaign's own deadline of a
/// kind, if it has one. Every problem is returned at once.
pub fn check(
    kind: &str,
    day: &str,
    reason: &str,
    campaign_day: impl Fn(DeadlineKind) -> Option<Date>,
) -> Result<Grant, Vec<Problem>> {
    let mut problems = Vec::new();
    let kind = DeadlineKind::parse(kind);
    if kind.is_none() {
        problems.push(Problem::UnknownKind);
    }
    let day = deadline::parse_date(day);
    if day.is_none() {
        problems.push(Problem::BadDay);
    }
    if let (Some(k), Some(d)) = (kind, day)
        && campaign_day(k).is_some_and(|c| d <= c)
    {
        problems.push(Problem::NotLater);
    }
    let reason = text::clean(reason);
    if !(MIN_REASON..=MAX_REASON).contains(&reason.chars().count()) {
        problems.push(Problem::Reason);
    }
    match (kind, day) {
        (Some(kind), Some(day)) if problems.is_empty() => Ok(Grant { kind, day, reason }),
        _ => Err(problems),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dec15(_: DeadlineKind) -> Option<Date> {
        deadline::parse_date("15/12/2023")
    }

    #[test]
    fn a_later_day_with_a_reason_is_granted() {
        let g = check("respondent_list", "22/12/2023", "  Công văn số 12  ", dec15).unwrap();
        assert_eq!(g.kind, DeadlineKind::RespondentList);
        assert_eq!(deadline::iso(g.day), "2023-12-22");
        assert_eq!(g.reason, "Công văn số 12");
    }

    #[test]
    fn an_extension_never_shortens_or_repeats_the_campaign_deadline() {
        for day in ["15/12/2023", "10/12/2023"] {
            assert_eq!(
                check("respondent_list", day, "Công văn số 12", dec15),
                Err(vec![Problem::NotLater])
            );
        }
        // Without a campaign deadline of that kind, any day extends.
        assert!(check("respondent_list", "10/12/2023", "Công văn số 12", |_| None).is_ok());
    }

    #[test]
    fn every_problem_is_said_at_once() {
        assert_eq!(
            check("tomorrow", "32/13/2023", "ok", dec15),
            Err(vec![Problem::UnknownKind, Problem::BadDay, Problem::Reason])
        );
        let long = "x".repeat(1001);
        assert_eq!(
            check("survey_answers", "2024-02-01", &long, dec15),
            Err(vec![Problem::Reason])
        );
        assert_eq!(Problem::NotLater.field(), "due_date");
    }
}
