//! Campaign deadlines. A deadline is a calendar day in Vietnam (Asia/Ho_Chi_Minh, a fixed UTC+7 with no
//! daylight saving since 1975); the action stays open until 23:59:59 local time on that day.

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Vietnam's offset from UTC.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Respondent lists sent to MoHA (15/12/2023 in 2023).
    RespondentList,
    /// Respondents answer the questionnaire (10/01/2024).
    SurveyAnswers,
    /// Self-assessment approved and entered; the software locks itself after (25/01/2024).
    SelfAssessment,
    /// The IT focal officer registered (15/12/2023).
    FocalRegistration,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 4] = [
        DeadlineKind::RespondentList,
        DeadlineKind::SurveyAnswers,
        DeadlineKind::SelfAssessment,
        DeadlineKind::FocalRegistration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::RespondentList => "respondent_list",
            DeadlineKind::SurveyAnswers => "survey_answers",
            DeadlineKind::SelfAssessment => "self_assessment",
            DeadlineKind::FocalRegistration => "focal_registration",
        }
    }

    /// The message key naming the action this deadline closes, for "… closed on dd/mm/yyyy".
    pub fn action_key(self) -> &'static str {
        match self {
            DeadlineKind::RespondentList => "action-respondent_list",
            DeadlineKind::SurveyAnswers => "action-survey_answers",
            DeadlineKind::SelfAssessment => "action-self_assessment",
            DeadlineKind::FocalRegistration => "action-focal_registration",
        }
    }

    pub fn parse(s: &str) -> Option<DeadlineKind> {
        DeadlineKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
}

crate::stored_name::stored_name!(DeadlineKind, "deadline", as_str, DeadlineKind::parse);

/// The first instant after the deadline day, in Vietnam time: the action is open strictly before it.
pub fn closes_at(day: Date) -> OffsetDateTime {
    let next = day.next_day().unwrap_or(day);
    PrimitiveDateTime::new(next, Time::MIDNIGHT).assume_offset(VIETNAM)
}

/// Is an action with this deadline still open at `now`?
pub fn is_open(day: Date, now: OffsetDateTime) -> bool {
    now < closes_at(day)
}

/// What is left before a deadline closes: whole days, then hours, then minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    pub days: i64,
    pub hours: i64,
    pub minutes: i64,
}

/// How long the deadline `day` stays open after `now`; `None` once it has closed.
pub fn countdown(day: Date, now: OffsetDateTime) -> Option<Countdown> {
    let left = closes_at(day) - now;
    if !left.is_positive() {
        return None;
    }
    let minutes = left.whole_minutes();
    Some(Countdown {
        days: minutes / (24 * 60),
        hours: minutes / 60 % 24,
        minutes: minutes % 60,
    })
}

/// The deadline that applies to one unit: its extension where MoHA granted one, else the campaign's.
pub fn effective(campaign: Option<Date>, extension: Option<Date>) -> Option<Date> {
    extension.or(campaign)
}

/// Accepts the forms users type: dd/mm/yyyy (Vietnamese convention), d/m/yyyy and ISO yyyy-mm-dd.
pub fn parse_date(input: &str) -> Option<Date> {
    let s = input.trim();
    if s.contains('/') {
        let parts: Vec<&str> = s.split('/').collect();
        if let [d, m, y] = parts.as_slice() {
            return ymd(y, m, d);
        }
        return None;
    }
    let parts: Vec<&str> = s.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        return ymd(y, m, d);
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<Date> {
    if y.len() != 4 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    let d: u8 = d.parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// ISO form used in storage and in the API.
pub fn iso(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// dd/mm/yyyy, the form both languages show.
pub fn display(day: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

/// dd/mm/yyyy HH:MM in Vietnam time, 24-hour.
pub fn display_instant(t: OffsetDateTime) -> String {
    let l = t.to_offset(VIETNAM);
    format!("{} {:02}:{:02}", display(l.date()), l.hour(), l.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_deadline_day_is_open_until_midnight_vietnam_time() {
        let day = date!(2023 - 12 - 15);
        // 23:59:59 in Hanoi is 16:59:59 UTC.
        assert!(is_open(day, datetime!(2023-12-15 16:59:59 UTC)));
        assert!(!is_open(day, datetime!(2023-12-15 17:00:00 UTC)));
        assert_eq!(closes_at(day), datetime!(2023-12-16 00:00 +7));
    }

    #[test]
    fn the_countdown_is_what_is_left_of_the_deadline_day_in_vietnam() {
        let day = date!(2024 - 01 - 25);
        // 21:30 in Hanoi two days before: 2 days, 2 hours and 30 minutes to midnight of the 25th.
        assert_eq!(
            countdown(day, datetime!(2024-01-23 21:30 +7)),
            Some(Countdown {
                days: 2,
                hours: 2,
                minutes: 30
            })
        );
        // 23:58 on the day itself: two minutes.
        assert_eq!(
            countdown(day, datetime!(2024-01-25 16:58 UTC)),
            Some(Countdown {
                days: 0,
                hours: 0,
                minutes: 2
            })
        );
        assert_eq!(
            countdown(day, datetime!(2024-01-26 00:00 +7)),
            None,
            "closed"
        );
        assert_eq!(countdown(day, datetime!(2024-02-01 00:00 +7)), None);
    }

    #[test]
    fn an_extension_replaces_the_campaign_deadline() {
        let base = date!(2023 - 12 - 15);
        let ext = date!(2023 - 12 - 22);
        assert_eq!(effective(Some(base), Some(ext)), Some(ext));
        assert_eq!(effective(Some(base), None), Some(base));
        assert_eq!(effective(None, None), None);
    }

    #[test]
    fn dates_parse_in_vietnamese_and_iso_forms() {
        assert_eq!(parse_date("15/12/2023"), Some(date!(2023 - 12 - 15)));
        assert_eq!(parse_date(" 5/1/2024 "), Some(date!(2024 - 01 - 05)));
        assert_eq!(parse_date("2024-01-25"), Some(date!(2024 - 01 - 25)));
        assert_eq!(parse_date("31/02/2024"), None);
        assert_eq!(parse_date("15/12/23"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }

    #[test]
    fn dates_display_as_dd_mm_yyyy_and_times_in_vietnam() {
        assert_eq!(display(date!(2024 - 01 - 05)), "05/01/2024");
        assert_eq!(iso(date!(2024 - 01 - 05)), "2024-01-05");
        assert_eq!(
            display_instant(datetime!(2023-12-15 17:30 UTC)),
            "16/12/2023 00:30"
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in DeadlineKind::ALL {
            assert_eq!(DeadlineKind::parse(k.as_str()), Some(k));
        }
    }
}
