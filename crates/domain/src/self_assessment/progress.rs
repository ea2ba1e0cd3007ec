//! Where a unit's self-assessment stands across its whole life, as MoHA's dashboard counts it: not
//! started, in progress, with the leader, approved, submitted, then the appraisal's stages. One
//! rule, so that the dashboard and anything else that counts units agree.

use super::State;
use crate::appraisal::Stage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Progress {
    /// A draft with no score, explanation or evidence yet.
    NotStarted,
    /// A draft with something in it.
    InProgress,
    AwaitingApproval,
    Approved,
    /// Sent to MoHA, appraisal not begun.
    Submitted,
    /// In MoHA's first or second round.
    InAppraisal,
    /// Returned to the unit for explanations.
    Explaining,
    /// Appraisal final.
    Final,
}

impl Progress {
    /// In the order a report moves through them, as the dashboard lists its totals.
    pub const ALL: [Progress; 8] = [
        Progress::NotStarted,
        Progress::InProgress,
        Progress::AwaitingApproval,
        Progress::Approved,
        Progress::Submitted,
        Progress::InAppraisal,
        Progress::Explaining,
        Progress::Final,
    ];

    /// The name used in message keys (`sa-stage-…`) and style classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::NotStarted => "not_started",
            Progress::InProgress => "in_progress",
            Progress::AwaitingApproval => "awaiting_approval",
            Progress::Approved => "approved",
            Progress::Submitted => "submitted",
            Progress::InAppraisal => "in_appraisal",
            Progress::Explaining => "explaining",
            Progress::Final => "final",
        }
    }

    /// `started`: the unit has saved a leaf or attached evidence. `appraisal`: MoHA's stage for
    /// the unit, if its appraisal has begun.
    pub fn of(state: State, started: bool, appraisal: Option<Stage>) -> Progress {
        match state {
            State::Draft if !started => Progress::NotStarted,
            State::Draft => Progress::InProgress,
            State::AwaitingApproval => Progress::AwaitingApproval,
            State::Approved => Progress::Approved,
            State::Submitted => match appraisal {
                None => Progress::Submitted,
                Some(Stage::Round1 | Stage::Round2) => Progress::InAppraisal,
                Some(Stage::Explaining) => Progress::Explaining,
                Some(Stage::Final) => Progress::Final,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_started_once_anything_is_in_it() {
        assert_eq!(
            Progress::of(State::Draft, false, None),
            Progress::NotStarted
        );
        assert_eq!(Progress::of(State::Draft, true, None), Progress::InProgress);
    }

    #[test]
    fn a_submitted_report_follows_the_appraisal() {
        let of = |s| Progress::of(State::Submitted, true, s);
        assert_eq!(of(None), Progress::Submitted);
        assert_eq!(of(Some(Stage::Round1)), Progress::InAppraisal);
        assert_eq!(of(Some(Stage::Round2)), Progress::InAppraisal);
        assert_eq!(of(Some(Stage::Explaining)), Progress::Explaining);
        assert_eq!(of(Some(Stage::Final)), Progress::Final);
    }

    #[test]
    fn the_leaders_states_pass_through() {
        assert_eq!(
            Progress::of(State::AwaitingApproval, true, None),
            Progress::AwaitingApproval
        );
        assert_eq!(
            Progress::of(State::Approved, true, None),
            Progress::Approved
        );
    }
}
