//! Setting up a campaign: what MoHA may still change once units have started work. A level's
//! criteria set, its questionnaires, the respondent groups and a unit's level each shape work that
//! units have already done; changing them underneath would orphan scores, answers or lists. One
//! function says which change is still possible; the database applies it inside the transaction
//! that makes the change, and the pages ask it which forms to show. (Who may set up a campaign at
//! all, the MoHA administrator, is the route's access rule.)

/// What has already happened within the scope of a change: a campaign, one of its levels or one
/// unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Started {
    /// Some self-assessment score or explanation is saved.
    pub scored: bool,
    /// Some respondent is on a list, sent or not.
    pub listed: bool,
    /// Some respondent list was sent to MoHA.
    pub lists_sent: bool,
    /// Some unit's survey is open (or was).
    pub survey_opened: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Pin a different criteria set for a level.
    CriteriaSet,
    /// Load a level's questionnaires.
    Questionnaires,
    /// Replace the campaign's respondent groups.
    Groups,
    /// Move a unit to the other level.
    UnitLevel,
    /// Take a unit out of the campaign (a units file without it).
    RemoveUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("units of this level have scored against the criteria set, or its survey is open")]
    CriteriaSetInUse,
    #[error("the survey of this level is open")]
    QuestionnairesInUse,
    #[error("a unit has sent its respondent list")]
    GroupsInUse,
    #[error("the unit has scores, respondents or an open survey")]
    UnitLevelInUse,
    #[error("the unit to remove has scores, respondents or an open survey")]
    RemoveUnitInUse,
}

impl Refusal {
    /// The message key for the user.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::CriteriaSetInUse => "criteria-set-in-use",
            Refusal::QuestionnairesInUse => "qn-locked",
            Refusal::GroupsInUse => "rl-groups-locked",
            Refusal::UnitLevelInUse => "unit-level-in-use",
            Refusal::RemoveUnitInUse => "unit-remove-in-use",
        }
    }
}

/// Whether `change` is still possible, given what has started in its scope.
pub fn may(change: Change, started: &Started) -> Result<(), Refusal> {
    match change {
        Change::CriteriaSet if started.scored || started.survey_opened => {
            Err(Refusal::CriteriaSetInUse)
        }
        Change::Questionnaires if started.survey_opened => Err(Refusal::QuestionnairesInUse),
        Change::Groups if started.lists_sent => Err(Refusal::GroupsInUse),
        Change::UnitLevel if started.scored || started.listed || started.survey_opened => {
            Err(Refusal::UnitLevelInUse)
        }
        Change::RemoveUnit if started.scored || started.listed || started.survey_opened => {
            Err(Refusal::RemoveUnitInUse)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Change; 5] = [
        Change::CriteriaSet,
        Change::Questionnaires,
        Change::Groups,
        Change::UnitLevel,
        Change::RemoveUnit,
    ];

    #[test]
    fn before_any_work_everything_can_change() {
        for c in ALL {
            assert_eq!(may(c, &Started::default()), Ok(()), "{c:?}");
        }
    }

    #[test]
    fn each_kind_of_work_locks_what_it_rests_on_and_nothing_else() {
        let scored = Started {
            scored: true,
            ..Started::default()
        };
        assert_eq!(
            may(Change::CriteriaSet, &scored),
            Err(Refusal::CriteriaSetInUse)
        );
        assert_eq!(
            may(Change::UnitLevel, &scored),
            Err(Refusal::UnitLevelInUse)
        );
        assert_eq!(
            may(Change::RemoveUnit, &scored),
            Err(Refusal::RemoveUnitInUse)
        );
        assert_eq!(may(Change::Questionnaires, &scored), Ok(()));
        assert_eq!(may(Change::Groups, &scored), Ok(()));

        let listed = Started {
            listed: true,
            ..Started::default()
        };
        assert_eq!(
            may(Change::UnitLevel, &listed),
            Err(Refusal::UnitLevelInUse)
        );
        assert_eq!(
            may(Change::Groups, &listed),
            Ok(()),
            "a draft list can follow"
        );

        let sent = Started {
            listed: true,
            lists_sent: true,
            ..Started::default()
        };
        assert_eq!(may(Change::Groups, &sent), Err(Refusal::GroupsInUse));

        let opened = Started {
            survey_opened: true,
            ..Started::default()
        };
        assert_eq!(
            may(Change::Questionnaires, &opened),
            Err(Refusal::QuestionnairesInUse)
        );
        assert_eq!(
            may(Change::CriteriaSet, &opened),
            Err(Refusal::CriteriaSetInUse)
        );
        assert_eq!(
            may(Change::UnitLevel, &opened),
            Err(Refusal::UnitLevelInUse)
        );
    }

    #[test]
    fn every_refusal_has_a_message() {
        for r in [
            Refusal::CriteriaSetInUse,
            Refusal::QuestionnairesInUse,
            Refusal::GroupsInUse,
            Refusal::UnitLevelInUse,
        ] {
            assert!(!r.key().is_empty());
        }
    }
}
