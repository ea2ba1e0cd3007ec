//! Checking an imported respondent list, row by row and then as a whole:
//!
//! 1. every row: required cells, e-mail, phone (any common Vietnamese form, normalised), group, stand-in
//!    mark; text to NFC with stray spaces trimmed; empty rows ignored;
//! 2. one person, one row: the same person is the same normalised e-mail, or the same name (without
//!    tones) and phone. Where one of the person's groups has priority (the People's Council), that row
//!    is kept and the others are merged into it, each merge reported; otherwise a repeat is a problem;
//! 3. the group rules over the list as it would be after the import.
//!
//! Every problem carries its row and column. Nothing here stops at the first problem.

use super::groups::{self, EmailRule, Group, Rule};
use super::problem::{Column, Problem, ProblemKind};
use crate::{Email, phone, text};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// The longest text a cell may hold.
pub const MAX_CELL_CHARS: usize = 200;

/// One row as read from the file, cells as text. `line` is the row number the spreadsheet shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub full_name: String,
    pub position: String,
    pub organisation: String,
    pub group: String,
    pub email: String,
    pub phone: String,
    pub stand_in: String,
}

impl RawRow {
    fn cell(&self, c: Column) -> &str {
        match c {
            Column::FullName => &self.full_name,
            Column::Position => &self.position,
            Column::Organisation => &self.organisation,
            Column::Group => &self.group,
            Column::Email => &self.email,
            Column::Phone => &self.phone,
            Column::StandIn => &self.stand_in,
        }
    }

    pub fn is_empty(&self) -> bool {
        Column::ALL
            .iter()
            .all(|c| text::clean(self.cell(*c)).is_empty())
    }
}

/// A checked respondent: clean text, the group's code, the e-mail lower-cased, the phone in national
/// form (or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Respondent {
    pub full_name: String,
    pub position: String,
    pub organisation: String,
    pub group: String,
    pub email: String,
    pub phone: String,
    pub stand_in: bool,
}

impl Respondent {
    /// The keys that identify the same person: the e-mail, and the name without tones with the phone.
    pub fn keys(&self) -> Vec<String> {
        let mut k = vec![format!("e:{}", self.email)];
        if !self.phone.is_empty() {
            k.push(format!(
                "n:{}|{}",
                text::search_key(&self.full_name),
                self.phone
            ));
        }
        k
    }
}

/// One person listed in two groups, merged into the row of the priority group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    pub kept_line: usize,
    pub dropped_line: usize,
    /// The group kept (the priority group) and the one dropped.
    pub kept_group: String,
    pub dropped_group: String,
    /// Matched by e-mail (else by name and phone).
    pub by_email: bool,
}

impl Merge {
    /// What happened to the dropped row, for the user.
    pub fn message(&self) -> crate::message::Message {
        let key = if self.by_email {
            "rp-merged-same-email"
        } else {
            "rp-merged-same-name-phone"
        };
        crate::message::Message::new(key)
            .with("dropped_line", self.dropped_line)
            .with("kept_line", self.kept_line)
            .with("kept_group", &self.kept_group)
            .with("dropped_group", &self.dropped_group)
    }
}

/// A person already in the unit's list.
pub type Existing = Respondent;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// The rows to add, with their line, after merging.
    pub rows: Vec<(usize, Respondent)>,
    pub merges: Vec<Merge>,
    pub problems: Vec<Problem>,
    /// Rows that were entirely empty and ignored.
    pub empty_rows: usize,
}

impl Checked {
    /// No errors (warnings allowed): the import may be stored.
    pub fn ok(&self) -> bool {
        self.problems.iter().all(Problem::warning)
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| !p.warning()).count()
    }
}

fn truthy(cell: &str) -> bool {
    matches!(
        text::search_key(cell).as_str(),
        "x" | "co" | "yes" | "1" | "true" | "thay the"
    )
}

/// Excel stores phone numbers as numbers: "912345678", "912345678.0" or "9.12345678E8" all arrive.
fn phone_text(cell: &str) -> String {
    let t = cell.trim();
    if let Some((mantissa, exp)) = t.split_once(['E', 'e'])
        && let (Ok(m), Ok(e)) = (
            mantissa.parse::<rust_decimal::Decimal>(),
            exp.parse::<u32>(),
        )
        && e <= 15
    {
        let v = m * rust_decimal::Decimal::from(10u64.pow(e));
        return v.trunc().to_string();
    }
    t.strip_suffix(".0").unwrap_or(t).to_string()
}

fn one_row(
    raw: &RawRow,
    groups: &[Group],
    domains: &[String],
    problems: &mut Vec<Problem>,
) -> Option<Respondent> {
    let before = problems.len();
    let mut at = |column: Column, kind: ProblemKind| {
        problems.push(Problem {
            line: raw.line,
            column: Some(column),
            kind,
        })
    };
    let cells: HashMap<Column, String> = Column::ALL
        .iter()
        .map(|c| (*c, text::clean(raw.cell(*c))))
        .collect();
    let get = |c: Column| cells.get(&c).cloned().unwrap_or_default();
    for c in Column::ALL {
        let v = get(c);
        if c.required() && v.is_empty() {
            at(c, ProblemKind::Missing);
        } else if v.chars().count() > MAX_CELL_CHARS {
            at(c, ProblemKind::TooLong);
        }
    }
    let email = match get(Column::Email) {
        e if e.is_empty() => None,
        e => match Email::parse(&e) {
            Ok(e) => Some(e),
            Err(_) => {
                at(Column::Email, ProblemKind::InvalidEmail);
                None
            }
        },
    };
    let phone = match phone_text(&get(Column::Phone)) {
        p if p.is_empty() => String::new(),
        p => phone::normalize(&p).unwrap_or_else(|_| {
            at(Column::Phone, ProblemKind::InvalidPhone);
            String::new()
        }),
    };
    let group = match get(Column::Group) {
        g if g.is_empty() => None,
        g => {
            let found = groups::find(groups, &g);
            if found.is_none() {
                at(Column::Group, ProblemKind::UnknownGroup);
            }
            found
        }
    };
    let stand_in = truthy(&get(Column::StandIn));
    if stand_in && group.is_some_and(|g| !g.stand_ins) {
        at(Column::StandIn, ProblemKind::StandInNotAllowed);
    }
    if let Some(e) = &email {
        let own = e.in_domains(domains.iter().map(String::as_str));
        match group.map(|g| g.emails).unwrap_or_default() {
            EmailRule::Unit if !domains.is_empty() && !own => at(
                Column::Email,
                ProblemKind::OutsideDomains {
                    domains: domains.join(", "),
                },
            ),
            EmailRule::Official if !own && !e.in_domains([groups::OFFICIAL_DOMAIN]) => {
                at(Column::Email, ProblemKind::OutsideOfficialDomains)
            }
            _ => {}
        }
    }
    let errors = problems[before..].iter().any(|p| !p.warning());
    match (errors, email, group) {
        (false, Some(email), Some(group)) => Some(Respondent {
            full_name: get(Column::FullName),
            position: get(Column::Position),
            organisation: get(Column::Organisation),
            group: group.code.clone(),
            email: email.as_str().to_string(),
            phone,
            stand_in,
        }),
        _ => None,
    }
}

fn group_name(groups: &[Group], code: &str) -> String {
    groups
        .iter()
        .find(|g| g.code == code)
        .map_or_else(|| code.to_string(), |g| g.name_vi.clone())
}

/// Checks the rows of one import against the level's groups, the unit's official e-mail domains and
/// the people already in its list.
pub fn check(
    rows: &[RawRow],
    groups: &[Group],
    domains: &[String],
    existing: &[Existing],
) -> Checked {
    let mut out = Checked::default();
    let priority = |code: &str| groups.iter().any(|g| g.code == code && g.priority);
    // Who is already listed, by key.
    let mut listed: HashMap<String, &Existing> = HashMap::new();
    for e in existing {
        for k in e.keys() {
            listed.insert(k, e);
        }
    }
    // Kept rows, and which kept row each key points to.
    let mut kept: Vec<Option<(usize, Respondent)>> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for raw in rows {
        if raw.is_empty() {
            out.empty_rows += 1;
            continue;
        }
        let Some(r) = one_row(raw, groups, domains, &mut out.problems) else {
            continue;
        };
        let keys = r.keys();
        if let Some(e) = keys.iter().find_map(|k| listed.get(k)) {
            out.problems.push(Problem {
                line: raw.line,
                column: Some(Column::Email),
                kind: ProblemKind::AlreadyListed {
                    group: group_name(groups, &e.group),
                },
            });
            continue;
        }
        let Some((&slot, by_email)) = keys
            .iter()
            .find_map(|k| by_key.get(k).map(|s| (s, k.starts_with("e:"))))
        else {
            for k in keys {
                by_key.insert(k, kept.len());
            }
            kept.push(Some((raw.line, r)));
            continue;
        };
        let Some((first_line, first)) = kept.get(slot).cloned().flatten() else {
            continue;
        };
        let column = Some(if by_email {
            Column::Email
        } else {
            Column::FullName
        });
        if first.group == r.group {
            out.problems.push(Problem {
                line: raw.line,
                column,
                kind: ProblemKind::Duplicate { first_line },
            });
        } else if priority(&first.group) || priority(&r.group) {
            let new_wins = priority(&r.group) && !priority(&first.group);
            let (kept_line, kept_r, dropped_line, dropped_r) = if new_wins {
                (raw.line, r.clone(), first_line, first.clone())
            } else {
                (first_line, first.clone(), raw.line, r.clone())
            };
            out.merges.push(Merge {
                kept_line,
                dropped_line,
                kept_group: group_name(groups, &kept_r.group),
                dropped_group: group_name(groups, &dropped_r.group),
                by_email,
            });
            for k in kept_r.keys() {
                by_key.insert(k, slot);
            }
            kept[slot] = Some((kept_line, kept_r));
        } else {
            out.problems.push(Problem {
                line: raw.line,
                column: Some(Column::Group),
                kind: ProblemKind::SeveralGroups {
                    other_line: first_line,
                },
            });
        }
    }
    out.rows = kept.into_iter().flatten().collect();
    out.rows.sort_by_key(|(line, _)| *line);
    quotas(groups, existing, &mut out);
    out
}

/// The group rules over the existing list plus the new rows. Problems point at the first new row of
/// the organisation concerned (line 0 when only existing rows break the rule).
fn quotas(groups: &[Group], existing: &[Existing], out: &mut Checked) {
    for g in groups {
        // organisation key → (display name, count, first new line, how many were listed already)
        let mut orgs: BTreeMap<String, (String, usize, Option<usize>, usize)> = BTreeMap::new();
        let members = existing
            .iter()
            .map(|e| (None, e))
            .chain(out.rows.iter().map(|(l, r)| (Some(*l), r)))
            .filter(|(_, r)| r.group == g.code);
        for (line, r) in members {
            let e = orgs.entry(text::search_key(&r.organisation)).or_insert((
                r.organisation.clone(),
                0,
                None,
                0,
            ));
            e.1 += 1;
            if line.is_none() {
                e.3 += 1;
            }
            if e.2.is_none() {
                e.2 = line;
            }
        }
        if let Rule::PerOrganisation { exactly } = g.rule {
            for (name, got, line, listed) in orgs.values() {
                let organisation = name.clone();
                let kind = match g.rule.organisation(*got) {
                    Ordering::Equal => continue,
                    Ordering::Greater => ProblemKind::OverQuota {
                        organisation,
                        exactly,
                        got: *got,
                        listed: *listed,
                    },
                    Ordering::Less => ProblemKind::UnderQuota {
                        organisation,
                        exactly,
                        got: *got,
                    },
                };
                out.problems.push(Problem {
                    line: line.unwrap_or(0),
                    column: Some(Column::Organisation),
                    kind,
                });
            }
        }
        if let Rule::MaxOrganisations { max } = g.rule {
            // The organisations beyond the limit, in the order the file brings them.
            let over = g.rule.organisations_over(orgs.len());
            let mut extra: Vec<usize> = orgs.values().filter_map(|o| o.2).collect();
            extra.sort_unstable();
            for line in extra.into_iter().rev().take(over) {
                out.problems.push(Problem {
                    line,
                    column: Some(Column::Organisation),
                    kind: ProblemKind::TooManyOrganisations { max },
                });
            }
        }
    }
    out.problems.sort_by_key(|p| p.line);
}
