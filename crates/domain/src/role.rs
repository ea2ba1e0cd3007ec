//! The roles an account can hold. MoHA roles have no unit; unit roles belong to exactly one unit.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    MohaAdmin,
    MohaAppraiser,
    UnitOfficer,
    UnitLeader,
    UnitViewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::MohaAdmin,
        Role::MohaAppraiser,
        Role::UnitOfficer,
        Role::UnitLeader,
        Role::UnitViewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::MohaAdmin => "moha_admin",
            Role::MohaAppraiser => "moha_appraiser",
            Role::UnitOfficer => "unit_officer",
            Role::UnitLeader => "unit_leader",
            Role::UnitViewer => "unit_viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// MoHA staff work across all units.
    pub fn is_moha(self) -> bool {
        matches!(self, Role::MohaAdmin | Role::MohaAppraiser)
    }

    /// A unit role must be attached to a unit; a MoHA role must not be.
    pub fn needs_unit(self) -> bool {
        !self.is_moha()
    }
}

crate::stored_name::stored_name!(Role, "role", as_str, Role::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(
            Role::try_from("unit_leader".to_string()),
            Ok(Role::UnitLeader)
        );
        assert_eq!(
            Role::try_from("root".to_string()),
            Err(crate::stored_name::UnknownName {
                what: "role",
                name: "root".to_string()
            })
        );
    }

    #[test]
    fn only_unit_roles_need_a_unit() {
        assert!(!Role::MohaAdmin.needs_unit());
        assert!(!Role::MohaAppraiser.needs_unit());
        assert!(Role::UnitOfficer.needs_unit());
        assert!(Role::UnitLeader.needs_unit());
        assert!(Role::UnitViewer.needs_unit());
    }
}
