//! Respondent groups per level and their rules, as a campaign stores them. The 2023 defaults ship in
//! `frameworks/2023/groups.toml`; later campaigns change them without code (the 2025 two-tier local
//! government replaces district leaders with commune leaders).

use crate::text;
use serde::{Deserialize, Serialize};

/// How many of a group a unit lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Everyone who qualifies.
    #[default]
    All,
    /// Exactly this many per organisation (e.g. 2 PAR officials per unit of the ministry).
    PerOrganisation { exactly: u32 },
    /// Everyone from at most this many organisations (e.g. the leaders of at most 5 associations).
    MaxOrganisations { max: u32 },
}

impl Rule {
    /// How an organisation listing `got` people stands against the rule: `Less` short of its
    /// quota, `Greater` over it, `Equal` when it fits (or the rule sets no quota per organisation).
    pub fn organisation(self, got: usize) -> std::cmp::Ordering {
        match self {
            Rule::PerOrganisation { exactly } => {
                got.cmp(&usize::try_from(exactly).unwrap_or(usize::MAX))
            }
            Rule::All | Rule::MaxOrganisations { .. } => std::cmp::Ordering::Equal,
        }
    }

    /// How many organisations beyond the rule's limit `organisations` are (0 without a limit).
    pub fn organisations_over(self, organisations: usize) -> usize {
        match self {
            Rule::MaxOrganisations { max } => {
                organisations.saturating_sub(usize::try_from(max).unwrap_or(usize::MAX))
            }
            Rule::All | Rule::PerOrganisation { .. } => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Stable code, e.g. "hdnd".
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub rule: Rule,
    /// Where one person qualifies for several groups, this group wins (the People's Council).
    #[serde(default)]
    pub priority: bool,
    /// Rows may be marked as stand-ins (an association's office or division leaders).
    #[serde(default)]
    pub stand_ins: bool,
    /// Which addresses are expected of the group's members, for the note on others.
    #[serde(default)]
    pub emails: EmailRule,
}

/// Which e-mail addresses a group's members are expected to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailRule {
    /// They work for the unit itself: its own domains.
    #[default]
    Unit,
    /// They work for other state bodies (a sector's provincial departments): any official
    /// domain (`gov.vn`).
    Official,
    /// Associations and others with their own addresses: no note.
    Any,
}

/// The domain every official address of the Vietnamese state ends with.
pub const OFFICIAL_DOMAIN: &str = "gov.vn";

/// The group whose code is `code`, among `groups`.
pub fn by_code<'a>(groups: &'a [Group], code: &str) -> Option<&'a Group> {
    groups.iter().find(|g| g.code == code)
}

/// The groups of both levels.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSet {
    #[serde(default)]
    pub ministry: Vec<Group>,
    #[serde(default)]
    pub province: Vec<Group>,
}

impl GroupSet {
    pub fn for_level(&self, level: &str) -> &[Group] {
        match level {
            "ministry" => &self.ministry,
            "province" => &self.province,
            _ => &[],
        }
    }

    /// The set in the groups file format (what `parse` reads back).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Any group of either level, by code.
    pub fn all(&self) -> impl Iterator<Item = &Group> {
        self.ministry.iter().chain(self.province.iter())
    }

    /// The shipped 2023 defaults.
    pub fn defaults_2023() -> GroupSet {
        parse(include_str!("../../../../frameworks/2023/groups.toml")).unwrap_or_default()
    }
}

/// Finds the group a cell names: its code, its Vietnamese or English name, or its number in the
/// list ("1"), compared without tones or case.
pub fn find<'a>(groups: &'a [Group], cell: &str) -> Option<&'a Group> {
    let key = text::search_key(cell);
    if key.is_empty() {
        return None;
    }
    if let Ok(n) = key.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| groups.get(i));
    }
    groups.iter().find(|g| {
        text::search_key(&g.code) == key
            || text::search_key(&g.name_vi) == key
            || (!g.name_en.is_empty() && text::search_key(&g.name_en) == key)
    })
}

/// Reads a groups file and checks it: codes unique within a level, names present, quotas positive.
pub fn parse(input: &str) -> Result<GroupSet, Vec<String>> {
    let set: GroupSet = toml::from_str(input).map_err(|e| vec![e.message().to_string()])?;
    let mut problems = Vec::new();
    for (level, groups) in [("ministry", &set.ministry), ("province", &set.province)] {
        let mut seen = std::collections::HashSet::new();
        for g in groups {
            if g.code.trim().is_empty() || !seen.insert(g.code.as_str()) {
                problems.push(format!(
                    "{level}: group code \"{}\" is empty or repeated",
                    g.code
                ));
            }
            if g.name_vi.trim().is_empty() {
                problems.push(format!("{level}/{}: name_vi is missing", g.code));
            }
            match g.rule {
                Rule::PerOrganisation { exactly: 0 } | Rule::MaxOrganisations { max: 0 } => {
                    problems.push(format!("{level}/{}: a quota must be at least 1", g.code));
                }
                _ => {}
            }
        }
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_says_how_an_organisation_and_a_list_stand() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let two = Rule::PerOrganisation { exactly: 2 };
        assert_eq!(
            [1, 2, 3].map(|n| two.organisation(n)),
            [Less, Equal, Greater]
        );
        assert_eq!(two.organisations_over(40), 0);
        let five = Rule::MaxOrganisations { max: 5 };
        assert_eq!(five.organisation(9), Equal);
        assert_eq!([4, 5, 7].map(|n| five.organisations_over(n)), [0, 0, 2]);
        assert_eq!(
            (Rule::All.organisation(0), Rule::All.organisations_over(99)),
            (Equal, 0)
        );
    }

    #[test]
    fn the_2023_defaults_follow_the_dispatch() {
        let set = GroupSet::defaults_2023();
        assert_eq!(set.ministry.len(), 5);
        assert_eq!(set.province.len(), 4);
        assert!(
            set.ministry
                .iter()
                .any(|g| g.rule == Rule::PerOrganisation { exactly: 2 })
        );
        assert!(
            set.ministry
                .iter()
                .any(|g| g.rule == Rule::MaxOrganisations { max: 5 } && g.stand_ins)
        );
        let hdnd: Vec<_> = set.province.iter().filter(|g| g.priority).collect();
        assert_eq!(hdnd.len(), 1);
        assert!(hdnd[0].name_vi.contains("Hội đồng nhân dân"));
    }

    #[test]
    fn a_cell_names_a_group_by_code_name_or_number() {
        let set = GroupSet::defaults_2023();
        let p = &set.province;
        assert_eq!(find(p, "hdnd").map(|g| g.code.as_str()), Some("hdnd"));
        assert_eq!(
            find(p, "1").map(|g| g.code.as_str()),
            Some(p[0].code.as_str())
        );
        let typed = text::search_key(&p[1].name_vi).to_uppercase();
        assert_eq!(
            find(p, &typed).map(|g| g.code.as_str()),
            Some(p[1].code.as_str())
        );
        assert!(find(p, "9").is_none());
        assert!(find(p, "").is_none());
        assert!(find(p, "nhóm lạ").is_none());
    }

    #[test]
    fn a_set_round_trips_through_its_file_format() {
        let set = GroupSet::defaults_2023();
        assert_eq!(parse(&set.to_toml()), Ok(set));
    }

    #[test]
    fn a_bad_file_is_refused_with_reasons() {
        let bad = "[[province]]\ncode = \"a\"\nname_vi = \"\"\nrule = { kind = \"per_organisation\", exactly = 0 }\n[[province]]\ncode = \"a\"\nname_vi = \"B\"\n";
        let problems = parse(bad).expect_err("refused");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(parse("[[province]]\nkode = 1").is_err());
    }
}
