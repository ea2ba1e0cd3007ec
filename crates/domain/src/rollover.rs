//! Rolling a campaign over to a later year: what is proposed for the new campaign from the old one.
//! Nothing of last year's answers, lists or scores is carried; only the set-up is.

use time::Date;

/// Why a roll-over is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The new year is not a year after the campaign copied, or outside 2000–2100.
    YearNotLater,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::YearNotLater => "rollover-year-not-later",
        }
    }
}

/// The year a campaign of `from` may be copied to: a later one, within the years a campaign may have.
pub fn check_year(from: i64, to: i64) -> Result<(), Refusal> {
    if to > from && (2000..=2100).contains(&to) {
        Ok(())
    } else {
        Err(Refusal::YearNotLater)
    }
}

/// `day` moved `years` years later (29 February becomes 28 February in a year without it).
pub fn later(day: Date, years: i64) -> Option<Date> {
    let year = i32::try_from(i64::from(day.year()) + years).ok()?;
    let last = time::util::days_in_month(day.month(), year);
    Date::from_calendar_date(year, day.month(), day.day().min(last)).ok()
}

/// The name proposed for the new campaign: each mention of the old year becomes the new year, and a
/// name that does not mention it gets the new year at its end.
pub fn name(old: &str, from: i64, to: i64) -> String {
    let (from, to) = (from.to_string(), to.to_string());
    if old.contains(&from) {
        old.replace(&from, &to)
    } else {
        format!("{} {to}", old.trim_end())
    }
}

/// The longest username an account may have.
pub const MAX_USERNAME: usize = 64;

/// The username of an account's copy in the campaign of year `to`: the old one with its year suffix
/// (".2023") replaced, or ".2024" added; "-2", "-3", … follow when that is `taken`.
pub fn username(old: &str, from: i64, to: i64, taken: impl Fn(&str) -> bool) -> String {
    let base = old.strip_suffix(&format!(".{from}")).unwrap_or(old);
    let mut n = 1u32;
    loop {
        let tail = if n == 1 {
            format!(".{to}")
        } else {
            format!(".{to}-{n}")
        };
        let keep = MAX_USERNAME.saturating_sub(tail.len());
        let head: String = base.chars().take(keep).collect();
        let candidate = format!("{head}{tail}");
        if !taken(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_year_must_be_later_and_plausible() {
        assert_eq!(check_year(2023, 2024), Ok(()));
        assert_eq!(check_year(2023, 2026), Ok(()));
        assert_eq!(check_year(2023, 2023), Err(Refusal::YearNotLater));
        assert_eq!(check_year(2023, 2022), Err(Refusal::YearNotLater));
        assert_eq!(check_year(2023, 2101), Err(Refusal::YearNotLater));
    }

    #[test]
    fn deadlines_move_a_year_and_a_leap_day_stays_in_february() {
        assert_eq!(later(date!(2023 - 12 - 15), 1), Some(date!(2024 - 12 - 15)));
        assert_eq!(later(date!(2024 - 01 - 25), 1), Some(date!(2025 - 01 - 25)));
        assert_eq!(later(date!(2024 - 02 - 29), 1), Some(date!(2025 - 02 - 28)));
        assert_eq!(later(date!(2024 - 02 - 29), 4), Some(date!(2028 - 02 - 29)));
        assert_eq!(later(date!(2024 - 01 - 10), 2), Some(date!(2026 - 01 - 10)));
    }

    #[test]
    fn names_take_the_new_year() {
        assert_eq!(
            name("Chỉ số CCHC năm 2023", 2023, 2024),
            "Chỉ số CCHC năm 2024"
        );
        assert_eq!(name("PAR Index", 2023, 2024), "PAR Index 2024");
    }

    #[test]
    fn usernames_carry_the_new_year_and_avoid_taken_ones() {
        let none = |_: &str| false;
        assert_eq!(username("btp.canbo", 2023, 2024, none), "btp.canbo.2024");
        assert_eq!(
            username("btp.canbo.2023", 2023, 2024, none),
            "btp.canbo.2024"
        );
        let taken = |u: &str| u == "btp.canbo.2024" || u == "btp.canbo.2024-2";
        assert_eq!(username("btp.canbo", 2023, 2024, taken), "btp.canbo.2024-3");
        let long = "a".repeat(MAX_USERNAME);
        let rolled = username(&long, 2023, 2024, none);
        assert_eq!(rolled.len(), MAX_USERNAME);
        assert!(rolled.ends_with(".2024"));
    }
}
