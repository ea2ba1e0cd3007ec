//! When detection runs: continuously while the survey is open (every `interval_minutes`, when new
//! responses came in), and once more after the answer deadline, again if late responses (a unit's
//! extension) arrive after that.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Continuous,
    Close,
    Manual,
}

impl RunKind {
    pub fn code(self) -> &'static str {
        match self {
            RunKind::Continuous => "continuous",
            RunKind::Close => "close",
            RunKind::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<RunKind> {
        [RunKind::Continuous, RunKind::Close, RunKind::Manual]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

crate::stored_name::stored_name!(RunKind, "run kind", code, RunKind::parse);

/// What the scheduler knows of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub now_ms: i64,
    pub interval_ms: i64,
    pub deadline_passed: bool,
    /// The newest submission so far.
    pub latest_completion: Option<i64>,
    /// The newest run: when, and the newest submission it read.
    pub last_run: Option<(i64, Option<i64>)>,
    /// The newest submission the newest close run read, if there was one.
    pub last_close: Option<Option<i64>>,
}

/// The run due now, if any.
pub fn due(s: &State) -> Option<RunKind> {
    s.latest_completion?;
    if s.deadline_passed {
        return match s.last_close {
            None => Some(RunKind::Close),
            Some(read) if s.latest_completion > read => Some(RunKind::Close),
            Some(_) => None,
        };
    }
    match s.last_run {
        None => Some(RunKind::Continuous),
        Some((at, read)) if s.now_ms - at >= s.interval_ms && s.latest_completion > read => {
            Some(RunKind::Continuous)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn state() -> State {
        State {
            now_ms: 100 * MIN,
            interval_ms: 15 * MIN,
            deadline_passed: false,
            latest_completion: Some(90 * MIN),
            last_run: None,
            last_close: None,
        }
    }

    #[test]
    fn runs_while_open_at_most_every_interval_and_only_for_new_responses() {
        assert_eq!(due(&state()), Some(RunKind::Continuous));
        let none_yet = State {
            latest_completion: None,
            ..state()
        };
        assert_eq!(due(&none_yet), None);
        let recent = State {
            last_run: Some((95 * MIN, Some(80 * MIN))),
            ..state()
        };
        assert_eq!(due(&recent), None, "ran five minutes ago");
        let stale = State {
            last_run: Some((80 * MIN, Some(80 * MIN))),
            ..state()
        };
        assert_eq!(due(&stale), Some(RunKind::Continuous));
        let nothing_new = State {
            last_run: Some((60 * MIN, Some(90 * MIN))),
            ..state()
        };
        assert_eq!(due(&nothing_new), None);
    }

    #[test]
    fn runs_once_at_the_close_and_again_for_late_responses() {
        let closed = State {
            deadline_passed: true,
            last_run: Some((99 * MIN, Some(90 * MIN))),
            ..state()
        };
        assert_eq!(due(&closed), Some(RunKind::Close));
        let done = State {
            last_close: Some(Some(90 * MIN)),
            ..closed
        };
        assert_eq!(due(&done), None);
        let late = State {
            latest_completion: Some(95 * MIN),
            ..done
        };
        assert_eq!(due(&late), Some(RunKind::Close));
        assert_eq!(RunKind::parse("close"), Some(RunKind::Close));
    }
}
