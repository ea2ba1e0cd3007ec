//! Deadline reminders to units: on which days a unit that still has something open before a deadline
//! is reminded (N days before, for each N of the campaign's setting, and on the last day).

use crate::DeadlineKind;
use crate::respondents::ListState;
use crate::self_assessment::State;
use time::{Date, Duration};

/// The days before a deadline a campaign reminds on unless MoHA sets others.
pub const DEFAULT_DAYS: [u32; 2] = [7, 1];

/// The most reminder days a campaign may set, and the furthest ahead.
pub const MAX_DAYS: usize = 5;
pub const MAX_AHEAD: u32 = 60;

/// Reads "7, 1" (commas, semicolons or spaces): whole numbers from 1 to 60, at most five, largest
/// first. Blank means the default. `None` when it is not that.
pub fn parse_days(input: &str) -> Option<Vec<u32>> {
    if input.trim().is_empty() {
        return Some(DEFAULT_DAYS.to_vec());
    }
    let mut days = Vec::new();
    for part in input
        .split([',', ';', ' '])
        .filter(|p| !p.trim().is_empty())
    {
        let n: u32 = part.trim().parse().ok()?;
        if !(1..=MAX_AHEAD).contains(&n) {
            return None;
        }
        if !days.contains(&n) {
            days.push(n);
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    (days.len() <= MAX_DAYS).then_some(days)
}

/// The days as stored and shown: "7, 1".
pub fn days_text(days: &[u32]) -> String {
    days.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `today` (in Vietnam) is a reminder day for a deadline on `day`: `Some(n)` for n days
/// before, `Some(0)` on the last day, `None` otherwise (and after the deadline).
pub fn due(today: Date, day: Date, days: &[u32]) -> Option<u32> {
    if today == day {
        return Some(0);
    }
    days.iter()
        .copied()
        .find(|n| day.checked_sub(Duration::days(i64::from(*n))) == Some(today))
}

/// Where a unit stands on the tasks deadlines close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitState {
    /// Focal contacts registered (and, when copied from last year, confirmed).
    pub focal_done: bool,
    pub list: ListState,
    /// The self-assessment report's state and its items not finished yet; none while the unit's
    /// level has no criteria set to assess against.
    pub self_assessment: Option<(State, usize)>,
}

/// What is still open before a deadline of `kind`: a message key and the count it names. Nothing
/// for the survey's answers, which are the respondents' to give, not the unit's.
pub fn open(kind: DeadlineKind, s: &UnitState) -> Option<(&'static str, usize)> {
    match kind {
        DeadlineKind::FocalRegistration if !s.focal_done => Some(("reminder-open-focal", 0)),
        DeadlineKind::RespondentList if s.list == ListState::Draft => {
            Some(("reminder-open-list", 0))
        }
        DeadlineKind::SelfAssessment => match s.self_assessment {
            Some((_, unfinished)) if unfinished > 0 => {
                Some(("reminder-open-sa-unfinished", unfinished))
            }
            Some((report, _)) if report != State::Submitted => Some(("reminder-open-sa-unsent", 0)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_what_the_unit_still_owes_is_open() {
        let done = UnitState {
            focal_done: true,
            list: ListState::Sent,
            self_assessment: Some((State::Submitted, 0)),
        };
        for k in DeadlineKind::ALL {
            assert_eq!(open(k, &done), None, "{k:?}");
        }
        let behind = UnitState {
            focal_done: false,
            list: ListState::Draft,
            self_assessment: Some((State::Draft, 12)),
        };
        assert_eq!(
            open(DeadlineKind::FocalRegistration, &behind),
            Some(("reminder-open-focal", 0))
        );
        assert_eq!(
            open(DeadlineKind::RespondentList, &behind),
            Some(("reminder-open-list", 0))
        );
        assert_eq!(
            open(DeadlineKind::SelfAssessment, &behind),
            Some(("reminder-open-sa-unfinished", 12))
        );
        assert_eq!(open(DeadlineKind::SurveyAnswers, &behind), None);
        let approved = UnitState {
            self_assessment: Some((State::Approved, 0)),
            ..behind
        };
        assert_eq!(
            open(DeadlineKind::SelfAssessment, &approved),
            Some(("reminder-open-sa-unsent", 0))
        );
        let no_set = UnitState {
            self_assessment: None,
            ..behind
        };
        assert_eq!(open(DeadlineKind::SelfAssessment, &no_set), None);
    }

    #[test]
    fn days_read_as_a_short_list_largest_first() {
        assert_eq!(parse_days(""), Some(vec![7, 1]));
        assert_eq!(parse_days("1, 7"), Some(vec![7, 1]));
        assert_eq!(parse_days("14;3 3"), Some(vec![14, 3]));
        assert_eq!(parse_days("0"), None);
        assert_eq!(parse_days("61"), None);
        assert_eq!(parse_days("bảy"), None);
        assert_eq!(parse_days("1,2,3,4,5,6"), None);
        assert_eq!(days_text(&[7, 1]), "7, 1");
    }

    #[test]
    fn a_reminder_falls_n_days_before_and_on_the_last_day() {
        let day = date!(2023 - 12 - 15);
        assert_eq!(due(date!(2023 - 12 - 08), day, &[7, 1]), Some(7));
        assert_eq!(due(date!(2023 - 12 - 14), day, &[7, 1]), Some(1));
        assert_eq!(due(day, day, &[7, 1]), Some(0));
        assert_eq!(due(date!(2023 - 12 - 10), day, &[7, 1]), None);
        assert_eq!(due(date!(2023 - 12 - 16), day, &[7, 1]), None);
        assert_eq!(
            due(date!(2024 - 02 - 28), date!(2024 - 03 - 01), &[2]),
            Some(2)
        );
    }
}
