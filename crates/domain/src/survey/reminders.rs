//! Who gets a reminder: respondents who have not completed, whose last e-mail reached their mailbox,
//! who have had fewer than the maximum number of reminders, and whose last e-mail is at least the
//! minimum interval old.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPolicy {
    pub min_interval_ms: i64,
    pub max_reminders: i64,
}

impl Default for ReminderPolicy {
    /// At most 3 reminders, at least 2 days apart.
    fn default() -> Self {
        ReminderPolicy {
            min_interval_ms: 2 * 24 * 3_600_000,
            max_reminders: 3,
        }
    }
}

/// What the policy needs to know of one invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderCandidate {
    pub completed: bool,
    pub delivered: bool,
    pub reminders: i64,
    pub last_mailed_at_ms: i64,
}

impl ReminderPolicy {
    pub fn due(&self, c: ReminderCandidate, now_ms: i64) -> bool {
        !c.completed
            && c.delivered
            && c.reminders < self.max_reminders
            && now_ms - c.last_mailed_at_ms >= self.min_interval_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_responders_past_the_interval_below_the_maximum() {
        let p = ReminderPolicy {
            min_interval_ms: 100,
            max_reminders: 2,
        };
        let c = ReminderCandidate {
            completed: false,
            delivered: true,
            reminders: 0,
            last_mailed_at_ms: 0,
        };
        assert!(p.due(c, 100));
        assert!(!p.due(c, 99));
        assert!(!p.due(
            ReminderCandidate {
                completed: true,
                ..c
            },
            1_000
        ));
        assert!(!p.due(
            ReminderCandidate {
                delivered: false,
                ..c
            },
            1_000
        ));
        assert!(!p.due(ReminderCandidate { reminders: 2, ..c }, 1_000));
    }
}
