//! Publishing a draft result: the one rule that every path (the results page, `parindex compute
//! --publish`, the demo's simulation) goes through. Only the MoHA administrator publishes, only the
//! draft that was reviewed (its input hash), only with the confirmation ticked, and, while units
//! flagged for interference have no decision recorded, only with an explicit acknowledgement of
//! those units, which the audit log keeps.

use crate::Role;

/// What the database holds at the moment of publishing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The input hash of the current draft, if there is one.
    pub draft_hash: Option<String>,
    /// Codes of the units flagged by the newest detection run with no integrity decision in force.
    pub undecided: Vec<String>,
    /// Codes of the units whose survey results MoHA cancelled by the decision in force.
    pub cancelled: Vec<String>,
}

impl Facts {
    /// Whether publishing must be acknowledged unit by unit: some flagged unit is undecided.
    pub fn needs_acknowledgement(&self) -> bool {
        !self.undecided.is_empty()
    }
}

/// What the publisher asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    pub role: Role,
    /// The input hash of the draft the publisher reviewed.
    pub reviewed_hash: &'a str,
    /// "I have reviewed this draft and want to publish it."
    pub confirmed: bool,
    /// "I publish although these flagged units have no decision."
    pub acknowledged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    WrongRole,
    NoDraft,
    /// The draft was computed again after the publisher reviewed it.
    Stale,
    NotConfirmed,
    /// Flagged units without a decision, and no acknowledgement.
    Unacknowledged,
}

impl Problem {
    /// The message key for the user.
    pub fn key(self) -> &'static str {
        match self {
            Problem::WrongRole => "error-forbidden",
            Problem::NoDraft => "res-publish-no-draft",
            Problem::Stale => "res-publish-stale",
            Problem::NotConfirmed => "res-confirm-required",
            Problem::Unacknowledged => "res-publish-flags-unacknowledged",
        }
    }

    /// The form field the problem belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Problem::Unacknowledged => "acknowledge",
            _ => "confirm",
        }
    }
}

/// Whether `role` is offered the publish form now: the administrator, while there is a draft.
pub fn offered(role: Role, facts: &Facts) -> bool {
    role == Role::MohaAdmin && facts.draft_hash.is_some()
}

/// Checks a publication against the facts. Every problem is returned at once; a wrong role or a
/// missing draft is the only problem reported, since nothing else matters then.
pub fn check(facts: &Facts, req: &Request) -> Result<(), Vec<Problem>> {
    if req.role != Role::MohaAdmin {
        return Err(vec![Problem::WrongRole]);
    }
    let Some(draft) = facts.draft_hash.as_deref() else {
        return Err(vec![Problem::NoDraft]);
    };
    let mut problems = Vec::new();
    if draft != req.reviewed_hash.trim() {
        problems.push(Problem::Stale);
    }
    if !req.confirmed {
        problems.push(Problem::NotConfirmed);
    }
    if facts.needs_acknowledgement() && !req.acknowledged {
        problems.push(Problem::Unacknowledged);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(undecided: &[&str]) -> Facts {
        Facts {
            draft_hash: Some("abc".into()),
            undecided: undecided.iter().map(|s| s.to_string()).collect(),
            cancelled: Vec::new(),
        }
    }

    fn req(role: Role, hash: &str, confirmed: bool, acknowledged: bool) -> Request<'_> {
        Request {
            role,
            reviewed_hash: hash,
            confirmed,
            acknowledged,
        }
    }

    #[test]
    fn the_administrator_publishes_the_reviewed_draft_when_confirmed() {
        assert_eq!(
            check(&facts(&[]), &req(Role::MohaAdmin, "abc", true, false)),
            Ok(())
        );
    }

    #[test]
    fn nobody_else_publishes_whatever_they_send() {
        for role in Role::ALL.into_iter().filter(|r| *r != Role::MohaAdmin) {
            assert_eq!(
                check(&facts(&[]), &req(role, "abc", true, true)),
                Err(vec![Problem::WrongRole])
            );
            assert!(!offered(role, &facts(&[])));
        }
        assert!(offered(Role::MohaAdmin, &facts(&[])));
    }

    #[test]
    fn without_a_draft_there_is_nothing_to_publish_or_offer() {
        let none = Facts::default();
        assert_eq!(
            check(&none, &req(Role::MohaAdmin, "abc", true, true)),
            Err(vec![Problem::NoDraft])
        );
        assert!(!offered(Role::MohaAdmin, &none));
    }

    #[test]
    fn every_problem_is_said_at_once() {
        assert_eq!(
            check(&facts(&["AGG"]), &req(Role::MohaAdmin, "old", false, false)),
            Err(vec![
                Problem::Stale,
                Problem::NotConfirmed,
                Problem::Unacknowledged
            ])
        );
    }

    #[test]
    fn undecided_flags_need_an_acknowledgement_and_decided_ones_do_not() {
        let flagged = facts(&["AGG", "HPG"]);
        assert!(flagged.needs_acknowledgement());
        assert_eq!(
            check(&flagged, &req(Role::MohaAdmin, "abc", true, false)),
            Err(vec![Problem::Unacknowledged])
        );
        assert_eq!(
            check(&flagged, &req(Role::MohaAdmin, "abc", true, true)),
            Ok(())
        );
        assert!(!facts(&[]).needs_acknowledgement());
    }

    #[test]
    fn problems_name_their_field_and_message() {
        assert_eq!(Problem::Unacknowledged.field(), "acknowledge");
        assert_eq!(Problem::Stale.field(), "confirm");
        assert_eq!(
            Problem::Unacknowledged.key(),
            "res-publish-flags-unacknowledged"
        );
    }
}
