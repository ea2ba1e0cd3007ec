//! Rules for MoHA administrators managing accounts. The accounts page asks these before offering a
//! form, and every action calls them.

use crate::ids::UserId;
use crate::role::Role;

/// The accounts every unit has in a campaign: an officer, a leader and a viewer.
pub const STANDARD_ROLES: [Role; 3] = [Role::UnitOfficer, Role::UnitLeader, Role::UnitViewer];

/// The username of a unit's standard account in the campaign of `year`, e.g. "btp.canbo.2024"; the
/// same name a roll-over gives last year's "btp.canbo", so the two never make a second officer.
pub fn standard_username(unit_code: &str, role: Role, year: i64) -> Option<String> {
    let what = match role {
        Role::UnitOfficer => "canbo",
        Role::UnitLeader => "lanhdao",
        Role::UnitViewer => "xem",
        Role::MohaAdmin | Role::MohaAppraiser => return None,
    };
    let code: String = unit_code
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(format!("{code}.{what}.{year}"))
}

/// The standard roles a unit has no active account for, given the roles of those it has.
pub fn missing_standard(roles: &[Role]) -> Vec<Role> {
    STANDARD_ROLES
        .into_iter()
        .filter(|r| !roles.contains(r))
        .collect()
}

/// Why an administrator may not switch `account_id` on or off, or `None` when they may: never
/// their own account (an administrator who deactivated themselves could lock MoHA out).
pub fn active_refusal(admin_id: UserId, account_id: UserId) -> Option<&'static str> {
    (admin_id == account_id).then_some("account-cannot-deactivate-self")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_accounts_are_named_for_their_unit_role_and_year() {
        assert_eq!(
            standard_username("BTP", Role::UnitOfficer, 2024).as_deref(),
            Some("btp.canbo.2024")
        );
        assert_eq!(
            standard_username("HN-01", Role::UnitViewer, 2025).as_deref(),
            Some("hn-01.xem.2025")
        );
        assert_eq!(standard_username("BTP", Role::MohaAdmin, 2024), None);
        assert_eq!(
            missing_standard(&[Role::UnitOfficer, Role::UnitOfficer]),
            vec![Role::UnitLeader, Role::UnitViewer]
        );
        assert!(missing_standard(&STANDARD_ROLES).is_empty());
    }

    #[test]
    fn an_administrator_never_switches_their_own_account() {
        assert_eq!(active_refusal(UserId(1), UserId(2)), None);
        assert_eq!(
            active_refusal(UserId(3), UserId(3)),
            Some("account-cannot-deactivate-self")
        );
    }
}
