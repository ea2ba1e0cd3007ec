//! Sending a respondent's invitation again, possibly to another address: who may do it, to which
//! address, and in which state of the invitation.
//!
//! A new address revokes the links already sent, so whoever chooses the address holds the only
//! working link. The rules keep that from becoming a way to answer for someone else or to read their
//! saved answers:
//! - nobody re-addresses an invitation that was answered, opened or started;
//! - the unit's officer may only act on a delivery that failed, and only to an address in one of the
//!   unit's official domains;
//! - MoHA staff may correct any address of an invitation not yet opened (a list correction MoHA
//!   approves by making it), in any domain.
//!
//! The same function tells the pages which rows get the form, and the service refuses anything else.

use crate::email::Email;
use crate::role::Role;
use crate::survey::Delivery;

/// Who is asking, as far as this rule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The officer of the invitation's own unit.
    UnitOfficer,
    /// A MoHA administrator or appraiser.
    Moha,
}

impl Sender {
    /// The sender an account acts as for a unit's invitation; `None` for roles that may not resend
    /// at all (a leader, a viewer, or an officer of another unit).
    pub fn of(role: Role, own_unit: bool) -> Option<Sender> {
        match role {
            Role::MohaAdmin | Role::MohaAppraiser => Some(Sender::Moha),
            Role::UnitOfficer if own_unit => Some(Sender::UnitOfficer),
            _ => None,
        }
    }
}

/// The invitation as it stands, read in the same transaction as the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationFacts {
    pub delivery: Delivery,
    pub opened: bool,
    pub started: bool,
    pub completed: bool,
    /// The survey still takes answers: its deadline (with the unit's extension) has not passed.
    pub answers_open: bool,
}

/// Why a resend is refused. Each has a message key in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The role may not resend invitations of this unit.
    Role,
    /// The survey's deadline has passed: no invitation goes out any more.
    Closed,
    /// The respondent has answered.
    Completed,
    /// The respondent has opened the link or started answering: the link is theirs.
    Opened,
    /// The unit may only resend after a failed delivery.
    NotFailed,
    /// The unit may only send to its official domains.
    OutsideDomains,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::Role => "error-forbidden",
            Refusal::Closed => "sv-resend-closed",
            Refusal::Completed => "sv-already-completed",
            Refusal::Opened => "sv-resend-opened",
            Refusal::NotFailed => "sv-resend-not-failed",
            Refusal::OutsideDomains => "sv-resend-domain",
        }
    }
}

/// May `sender` send this invitation again at all (to some address)? The pages show the form only
/// where this is `Ok`.
pub fn may_resend(sender: Option<Sender>, facts: &InvitationFacts) -> Result<Sender, Refusal> {
    let sender = sender.ok_or(Refusal::Role)?;
    if !facts.answers_open {
        return Err(Refusal::Closed);
    }
    if facts.completed {
        return Err(Refusal::Completed);
    }
    if facts.opened || facts.started {
        return Err(Refusal::Opened);
    }
    if sender == Sender::UnitOfficer && facts.delivery != Delivery::Failed {
        return Err(Refusal::NotFailed);
    }
    Ok(sender)
}

/// May `sender` send this invitation to `to`, given the unit's official domains?
pub fn check(
    sender: Option<Sender>,
    facts: &InvitationFacts,
    to: &Email,
    official_domains: &[&str],
) -> Result<(), Refusal> {
    let sender = may_resend(sender, facts)?;
    if sender == Sender::UnitOfficer && !to.in_domains(official_domains.iter().copied()) {
        return Err(Refusal::OutsideDomains);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(delivery: Delivery) -> InvitationFacts {
        InvitationFacts {
            delivery,
            opened: false,
            started: false,
            completed: false,
            answers_open: true,
        }
    }

    fn email(s: &str) -> Email {
        Email::parse(s).expect("valid")
    }

    const DOMAINS: &[&str] = &["quangninh.gov.vn"];

    #[test]
    fn an_officer_may_fix_a_failed_delivery_within_the_official_domains() {
        let officer = Sender::of(Role::UnitOfficer, true);
        let failed = facts(Delivery::Failed);
        assert_eq!(
            check(officer, &failed, &email("a@sonv.quangninh.gov.vn"), DOMAINS),
            Ok(())
        );
        assert_eq!(
            check(officer, &failed, &email("a@gmail.com"), DOMAINS),
            Err(Refusal::OutsideDomains)
        );
    }

    #[test]
    fn an_officer_may_not_touch_a_delivered_or_queued_invitation() {
        let officer = Sender::of(Role::UnitOfficer, true);
        for d in [Delivery::Sent, Delivery::Queued] {
            assert_eq!(
                check(officer, &facts(d), &email("a@quangninh.gov.vn"), DOMAINS),
                Err(Refusal::NotFailed)
            );
        }
    }

    #[test]
    fn nothing_is_resent_after_the_survey_deadline() {
        for sender in [Sender::UnitOfficer, Sender::Moha] {
            let mut f = facts(Delivery::Failed);
            f.answers_open = false;
            assert_eq!(may_resend(Some(sender), &f), Err(Refusal::Closed));
        }
    }

    #[test]
    fn nobody_re_addresses_an_opened_started_or_answered_invitation() {
        for sender in [Sender::UnitOfficer, Sender::Moha] {
            let mut f = facts(Delivery::Failed);
            f.opened = true;
            assert_eq!(may_resend(Some(sender), &f), Err(Refusal::Opened));
            let mut f = facts(Delivery::Failed);
            f.started = true;
            assert_eq!(may_resend(Some(sender), &f), Err(Refusal::Opened));
            let mut f = facts(Delivery::Failed);
            f.completed = true;
            assert_eq!(may_resend(Some(sender), &f), Err(Refusal::Completed));
        }
    }

    #[test]
    fn moha_may_correct_any_unopened_address_in_any_domain() {
        let moha = Sender::of(Role::MohaAppraiser, false);
        for d in [Delivery::Sent, Delivery::Queued, Delivery::Failed] {
            assert_eq!(
                check(moha, &facts(d), &email("a@gmail.com"), DOMAINS),
                Ok(())
            );
        }
    }

    #[test]
    fn other_roles_and_other_units_may_not_resend() {
        for (role, own) in [
            (Role::UnitLeader, true),
            (Role::UnitViewer, true),
            (Role::UnitOfficer, false),
        ] {
            assert_eq!(
                may_resend(Sender::of(role, own), &facts(Delivery::Failed)),
                Err(Refusal::Role)
            );
        }
    }
}
