//! How a unit's list stands against each group's rule: the count, the organisations, and whether the
//! rule is met, met by an exception, or not yet met. A list can be sent when every group is met or
//! has an exception the unit recorded (MoHA accepts or rejects it with the list).

use super::check::Respondent;
use super::groups::Group;
use crate::text;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    /// Nobody listed yet.
    Empty,
    /// Some organisation has fewer than the rule asks.
    Under,
    /// Some organisation has more, or too many organisations.
    Over,
    /// Not met, but the unit recorded an exception (pending or accepted).
    Excepted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Empty => "empty",
            Status::Under => "under",
            Status::Over => "over",
            Status::Excepted => "excepted",
        }
    }

    pub fn sendable(self) -> bool {
        matches!(self, Status::Met | Status::Excepted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub group: String,
    pub count: usize,
    pub organisations: usize,
    pub status: Status,
}

/// `excepted` holds the groups with an exception that is pending or accepted.
pub fn coverage(groups: &[Group], people: &[&Respondent], excepted: &[String]) -> Vec<Coverage> {
    groups
        .iter()
        .map(|g| {
            let mut orgs: BTreeMap<String, usize> = BTreeMap::new();
            for p in people.iter().filter(|p| p.group == g.code) {
                *orgs.entry(text::search_key(&p.organisation)).or_default() += 1;
            }
            let count: usize = orgs.values().sum();
            let against = |o: Ordering| orgs.values().any(|n| g.rule.organisation(*n) == o);
            let raw = if count == 0 {
                Status::Empty
            } else if against(Ordering::Greater) || g.rule.organisations_over(orgs.len()) > 0 {
                Status::Over
            } else if against(Ordering::Less) {
                Status::Under
            } else {
                Status::Met
            };
            let status = if raw != Status::Met && raw != Status::Over && excepted.contains(&g.code)
            {
                Status::Excepted
            } else {
                raw
            };
            Coverage {
                group: g.code.clone(),
                count,
                organisations: orgs.len(),
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::respondents::GroupSet;

    fn p(group: &str, org: &str) -> Respondent {
        Respondent {
            full_name: "A".into(),
            position: "B".into(),
            organisation: org.into(),
            group: group.into(),
            email: "a@b.vn".into(),
            phone: String::new(),
            stand_in: false,
        }
    }

    #[test]
    fn each_rule_is_measured_and_an_exception_covers_a_gap() {
        let groups = GroupSet::defaults_2023().ministry;
        let people = [
            p("lanh_dao_vu", "Vụ Pháp chế"),
            p("cong_chuc_cchc", "Vụ Pháp chế"),
            p("cong_chuc_cchc", "vu phap che"),
            p("cong_chuc_cchc", "Cục Con nuôi"),
        ];
        let refs: Vec<&Respondent> = people.iter().collect();
        let c = coverage(&groups, &refs, &["lanh_dao_hoi".into()]);
        let status = |code: &str| c.iter().find(|x| x.group == code).map(|x| x.status);
        assert_eq!(status("lanh_dao_vu"), Some(Status::Met));
        assert_eq!(
            status("cong_chuc_cchc"),
            Some(Status::Under),
            "Cục Con nuôi has 1 of 2"
        );
        assert_eq!(status("lanh_dao_so"), Some(Status::Empty));
        assert_eq!(status("lanh_dao_hoi"), Some(Status::Excepted));
        assert_eq!(
            c.iter()
                .find(|x| x.group == "cong_chuc_cchc")
                .map(|x| x.organisations),
            Some(2)
        );
        assert!(!c.iter().all(|x| x.status.sendable()));
    }
}
