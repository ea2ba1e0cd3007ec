//! The appraisal's stages for one unit. It begins when the unit submits its report:
//!
//! round 1 (MoHA decides every self-assessed leaf) → sent to the unit → explaining (the unit explains
//! the adjusted leaves until the window closes, or sends its explanations earlier) → round 2 (MoHA
//! decides the adjusted leaves again) → final. A round 1 without adjustments goes straight to final.
//! Final is final: only a new recorded decision outside this flow could change it.

use crate::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Round1,
    Explaining,
    Round2,
    Final,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Round1,
        Stage::Explaining,
        Stage::Round2,
        Stage::Final,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Round1 => "round1",
            Stage::Explaining => "explaining",
            Stage::Round2 => "round2",
            Stage::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// May the unit see the round-1 decisions? Only once they were sent.
    pub fn round1_visible_to_unit(self) -> bool {
        self != Stage::Round1
    }

    /// May the unit see the round-2 decisions? Only when final.
    pub fn round2_visible_to_unit(self) -> bool {
        self == Stage::Final
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// MoHA sends round 1 to the unit.
    SendRound1,
    /// The unit sends its explanations before the window closes.
    SendExplanations,
    /// MoHA starts round 2 once the window has closed.
    StartRound2,
    /// MoHA makes the scores final.
    Finalize,
}

impl Step {
    pub fn role_may(self, role: Role) -> bool {
        match self {
            Step::SendExplanations => role == Role::UnitOfficer,
            _ => role == Role::MohaAppraiser,
        }
    }
}

/// What the flow needs to know about the unit's appraisal at the moment of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepInput {
    /// Every self-assessed leaf has a round-1 decision.
    pub round1_complete: bool,
    /// How many leaves round 1 adjusted.
    pub adjusted: usize,
    /// The explanation window is still open.
    pub window_open: bool,
    /// Every adjusted leaf has a round-2 decision.
    pub round2_complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("this role may not take this step")]
    WrongRole,
    #[error("not possible at the appraisal's current stage")]
    WrongStage,
    #[error("some leaves have no decision yet")]
    Undecided,
    #[error("the explanation window is still open")]
    WindowOpen,
    #[error("the explanation window has closed")]
    WindowClosed,
}

impl StepError {
    pub fn message_key(&self) -> &'static str {
        match self {
            StepError::WrongRole => "error-forbidden",
            StepError::WrongStage => "ap-wrong-stage",
            StepError::Undecided => "ap-undecided",
            StepError::WindowOpen => "ap-window-open",
            StepError::WindowClosed => "ap-window-closed",
        }
    }
}

/// The stage after `step`, if `role` may take it now.
pub fn next(stage: Stage, step: Step, role: Role, input: StepInput) -> Result<Stage, StepError> {
    if !step.role_may(role) {
        return Err(StepError::WrongRole);
    }
    match (stage, step) {
        (Stage::Round1, Step::SendRound1) if !input.round1_complete => Err(StepError::Undecided),
        (Stage::Round1, Step::SendRound1) if input.adjusted == 0 => Ok(Stage::Final),
        (Stage::Round1, Step::SendRound1) => Ok(Stage::Explaining),
        (Stage::Explaining, Step::SendExplanations) if input.window_open => Ok(Stage::Round2),
        (Stage::Explaining, Step::SendExplanations) => Err(StepError::WindowClosed),
        (Stage::Explaining, Step::StartRound2) if input.window_open => Err(StepError::WindowOpen),
        (Stage::Explaining, Step::StartRound2) => Ok(Stage::Round2),
        (Stage::Round2, Step::Finalize) if input.round2_complete => Ok(Stage::Final),
        (Stage::Round2, Step::Finalize) => Err(StepError::Undecided),
        _ => Err(StepError::WrongStage),
    }
}

/// Why a unit may not explain MoHA's round-one adjustments now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExplainRefusal {
    #[error("only the unit's officers explain")]
    WrongRole,
    #[error("the appraisal is not waiting for explanations")]
    WrongStage,
    #[error("the explanation window has closed")]
    WindowClosed,
}

impl ExplainRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            ExplainRefusal::WrongRole => "error-forbidden",
            ExplainRefusal::WrongStage => "ap-wrong-stage",
            ExplainRefusal::WindowClosed => "ap-window-closed",
        }
    }
}

/// Whether `role` may explain, change the evidence of an adjusted leaf, or send the explanations
/// now: a unit officer, once the report was submitted and round 1 sent, before the explanation
/// window closes. Every such action calls this, and the pages ask it which forms to show.
pub fn may_explain(
    role: Role,
    submitted: bool,
    stage: Stage,
    window_open: bool,
) -> Result<(), ExplainRefusal> {
    if role != Role::UnitOfficer {
        Err(ExplainRefusal::WrongRole)
    } else if !submitted || stage != Stage::Explaining {
        Err(ExplainRefusal::WrongStage)
    } else if !window_open {
        Err(ExplainRefusal::WindowClosed)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_an_officer_explains_while_the_window_is_open() {
        assert_eq!(
            may_explain(Role::UnitOfficer, true, Stage::Explaining, true),
            Ok(())
        );
        assert_eq!(
            may_explain(Role::UnitOfficer, true, Stage::Explaining, false),
            Err(ExplainRefusal::WindowClosed)
        );
        for stage in [Stage::Round1, Stage::Round2, Stage::Final] {
            assert_eq!(
                may_explain(Role::UnitOfficer, true, stage, true),
                Err(ExplainRefusal::WrongStage)
            );
        }
        assert_eq!(
            may_explain(Role::UnitOfficer, false, Stage::Explaining, true),
            Err(ExplainRefusal::WrongStage)
        );
        for r in [Role::UnitLeader, Role::UnitViewer, Role::MohaAppraiser] {
            assert_eq!(
                may_explain(r, true, Stage::Explaining, true),
                Err(ExplainRefusal::WrongRole)
            );
        }
    }

    use super::*;
    use proptest::prelude::*;

    const APPRAISER: Role = Role::MohaAppraiser;

    #[test]
    fn the_two_rounds() {
        let all = StepInput {
            round1_complete: true,
            adjusted: 3,
            window_open: true,
            round2_complete: true,
        };
        let s = next(Stage::Round1, Step::SendRound1, APPRAISER, all).expect("send");
        assert_eq!(s, Stage::Explaining);
        assert_eq!(
            next(s, Step::StartRound2, APPRAISER, all),
            Err(StepError::WindowOpen)
        );
        let s = next(s, Step::SendExplanations, Role::UnitOfficer, all).expect("explain");
        assert_eq!(s, Stage::Round2);
        let s = next(s, Step::Finalize, APPRAISER, all).expect("finalize");
        assert_eq!(s, Stage::Final);
    }

    #[test]
    fn without_adjustments_round_one_is_final() {
        let input = StepInput {
            round1_complete: true,
            ..StepInput::default()
        };
        assert_eq!(
            next(Stage::Round1, Step::SendRound1, APPRAISER, input),
            Ok(Stage::Final)
        );
    }

    #[test]
    fn rules_are_enforced() {
        let none = StepInput::default();
        assert_eq!(
            next(Stage::Round1, Step::SendRound1, APPRAISER, none),
            Err(StepError::Undecided)
        );
        assert_eq!(
            next(Stage::Round1, Step::SendRound1, Role::MohaAdmin, none),
            Err(StepError::WrongRole)
        );
        assert_eq!(
            next(
                Stage::Explaining,
                Step::SendExplanations,
                Role::UnitLeader,
                none
            ),
            Err(StepError::WrongRole)
        );
        assert_eq!(
            next(
                Stage::Explaining,
                Step::SendExplanations,
                Role::UnitOfficer,
                none
            ),
            Err(StepError::WindowClosed)
        );
        assert_eq!(
            next(Stage::Explaining, Step::StartRound2, APPRAISER, none),
            Ok(Stage::Round2)
        );
        assert_eq!(
            next(Stage::Round2, Step::Finalize, APPRAISER, none),
            Err(StepError::Undecided)
        );
        assert_eq!(
            next(Stage::Round1, Step::Finalize, APPRAISER, none),
            Err(StepError::WrongStage)
        );
    }

    fn any_step() -> impl Strategy<Value = Step> {
        prop::sample::select(vec![
            Step::SendRound1,
            Step::SendExplanations,
            Step::StartRound2,
            Step::Finalize,
        ])
    }

    proptest! {
        /// Nothing leaves the final stage, and the stages only move forward.
        #[test]
        fn final_is_final_and_stages_only_advance(
            steps in proptest::collection::vec(
                (any_step(), prop::sample::select(Role::ALL.to_vec()), any::<bool>(), 0usize..3, any::<bool>(), any::<bool>()),
                0..30,
            ),
        ) {
            let order = |s: Stage| Stage::ALL.iter().position(|x| *x == s).unwrap_or(0);
            let mut s = Stage::Round1;
            for (step, role, r1, adjusted, open, r2) in steps {
                let input = StepInput { round1_complete: r1, adjusted, window_open: open, round2_complete: r2 };
                let before = s;
                if let Ok(n) = next(s, step, role, input) {
                    prop_assert!(before != Stage::Final);
                    prop_assert!(order(n) > order(before));
                    s = n;
                }
            }
        }
    }
}
