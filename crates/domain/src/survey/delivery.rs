//! What happens to an e-mail after a sending attempt: temporary failures (SMTP 4xx, timeouts, dropped
//! connections) are retried with a growing pause, permanent ones (SMTP 5xx) end that recipient's
//! message, and a message that keeps failing temporarily gives up after a maximum number of attempts.

use serde::{Deserialize, Serialize};

/// How a sending attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// 4xx, a timeout or a dropped connection: worth trying again.
    Temporary(String),
    /// 5xx: the server refused this recipient or message for good.
    Permanent(String),
}

/// What the outbox does next with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Sent,
    RetryAt { at_ms: i64, error: String },
    Failed { error: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// The first pause, doubled after each further failure.
    pub first_pause_ms: i64,
    /// The longest pause.
    pub max_pause_ms: i64,
    /// After this many attempts a temporary failure counts as permanent.
    pub max_attempts: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first_pause_ms: 30_000,
            max_pause_ms: 30 * 60_000,
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// The pause after the `attempts`-th failed attempt (1-based).
    pub fn pause_ms(&self, attempts: i64) -> i64 {
        let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
        self.first_pause_ms
            .saturating_mul(1_i64 << doublings)
            .min(self.max_pause_ms)
    }

    /// The next step after attempt number `attempts` (counting this one) ended as `outcome` at `now_ms`.
    pub fn next(&self, attempts: i64, outcome: Attempt, now_ms: i64) -> Next {
        match outcome {
            Attempt::Sent => Next::Sent,
            Attempt::Permanent(error) => Next::Failed { error },
            Attempt::Temporary(error) if attempts >= self.max_attempts => Next::Failed {
                error: format!("{error} (gave up after {attempts} attempts)"),
            },
            Attempt::Temporary(error) => Next::RetryAt {
                at_ms: now_ms + self.pause_ms(attempts),
                error,
            },
        }
    }
}

/// The delivery status a unit sees for a respondent's newest e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Queued,
    Sent,
    Failed,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Delivery> {
        [Delivery::Queued, Delivery::Sent, Delivery::Failed]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

crate::stored_name::stored_name!(Delivery, "delivery", as_str, Delivery::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_failures_back_off_and_then_give_up() {
        let p = RetryPolicy {
            first_pause_ms: 1_000,
            max_pause_ms: 5_000,
            max_attempts: 4,
        };
        assert_eq!(p.pause_ms(1), 1_000);
        assert_eq!(p.pause_ms(2), 2_000);
        assert_eq!(p.pause_ms(3), 4_000);
        assert_eq!(p.pause_ms(4), 5_000);
        assert_eq!(p.pause_ms(400), 5_000);
        assert_eq!(
            p.next(1, Attempt::Temporary("451".into()), 10),
            Next::RetryAt {
                at_ms: 1_010,
                error: "451".into()
            }
        );
        assert!(matches!(
            p.next(4, Attempt::Temporary("451".into()), 10),
            Next::Failed { .. }
        ));
    }

    #[test]
    fn permanent_failures_end_at_once_and_success_is_success() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.next(1, Attempt::Permanent("550 no such user".into()), 0),
            Next::Failed {
                error: "550 no such user".into()
            }
        );
        assert_eq!(p.next(3, Attempt::Sent, 0), Next::Sent);
    }

    #[test]
    fn delivery_round_trips() {
        for d in [Delivery::Queued, Delivery::Sent, Delivery::Failed] {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Delivery::parse("x"), None);
    }
}
