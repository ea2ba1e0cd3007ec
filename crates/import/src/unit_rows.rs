//! The year's units as a file MoHA uploads: Mã đơn vị/code, Tên đầy đủ/name, Tên ngắn/short_name,
//! Cấp/level, and optionally Tên miền thư/email_domains, Không xếp hạng/not_ranked and
//! Đơn vị tiền nhiệm/predecessors (codes in the campaign before, with optional weights: "HNI, HTY" or
//! "VPC:1,5; HPG:2"). Vietnamese or English headers, in any order. An optional column the file leaves
//! out changes nothing: each unit keeps its own domains and "not ranked". All or nothing: every
//! problem is reported, and one problem means nothing changes.

use crate::header::Columns;
use parindex_domain::crosswalk::{self, Link};
use parindex_domain::text::search_key;
use parindex_domain::{Level, email, unit_code};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Code,
    Name,
    ShortName,
    Level,
    EmailDomains,
    NotRanked,
    Predecessors,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Code,
        Column::Name,
        Column::ShortName,
        Column::Level,
        Column::EmailDomains,
        Column::NotRanked,
        Column::Predecessors,
    ];

    /// The header the template uses (Vietnamese).
    pub fn header(self) -> &'static str {
        match self {
            Column::Code => "Mã đơn vị",
            Column::Name => "Tên đầy đủ",
            Column::ShortName => "Tên ngắn",
            Column::Level => "Cấp",
            Column::EmailDomains => "Tên miền thư",
            Column::NotRanked => "Không xếp hạng",
            Column::Predecessors => "Đơn vị tiền nhiệm",
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Column::Code | Column::Name | Column::ShortName | Column::Level
        )
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Code => &["ma don vi", "ma", "code", "unit_code", "unit code"],
            Column::Name => &["ten day du", "ten don vi", "ten", "name", "official name"],
            Column::ShortName => &["ten ngan", "ten rut gon", "short_name", "short name"],
            Column::Level => &["cap", "level", "loai"],
            Column::EmailDomains => &[
                "ten mien thu",
                "ten mien",
                "email_domains",
                "email domains",
                "domains",
            ],
            Column::NotRanked => &["khong xep hang", "not_ranked", "not ranked"],
            Column::Predecessors => &[
                "don vi tien nhiem",
                "tien nhiem",
                "predecessors",
                "predecessor",
            ],
        }
    }
}

/// A level as the file may name it.
fn parse_level(s: &str) -> Option<Level> {
    match search_key(s).as_str() {
        "ministry" | "bo" | "bo, nganh" | "bo nganh" | "bo, co quan ngang bo" => {
            Some(Level::Ministry)
        }
        "province" | "tinh" | "tinh, thanh pho" | "tinh thanh pho" | "tinh, thanh" => {
            Some(Level::Province)
        }
        _ => None,
    }
}

/// A yes/no cell: empty is no.
fn parse_flag(s: &str) -> Option<bool> {
    match search_key(s).as_str() {
        "" | "khong" | "no" | "0" | "false" => Some(false),
        "x" | "co" | "yes" | "1" | "true" => Some(true),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnitRow {
    /// The row number in the file (1 = the header row).
    pub row: usize,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub level: Level,
    /// Comma-separated, cleaned; `None` when the file has no such column (the unit keeps its own).
    pub email_domains: Option<String>,
    /// `None` when the file has no such column (the unit keeps its own).
    pub not_ranked: Option<bool>,
    /// (code in the campaign before, weight as written).
    pub predecessors: Vec<(String, String)>,
}

impl UnitRow {
    pub fn links(&self) -> Vec<Link> {
        self.predecessors
            .iter()
            .filter_map(|(code, w)| {
                Some(Link {
                    code: code.clone(),
                    weight: w.parse().ok()?,
                })
            })
            .collect()
    }
}

/// `rows` as a file again, header first, without the optional columns the first row was read
/// without: what [`validate`] reads back into the same rows.
pub fn table(rows: &[UnitRow]) -> Vec<Vec<String>> {
    let (domains, flag) = rows.first().map_or((true, true), |r| {
        (r.email_domains.is_some(), r.not_ranked.is_some())
    });
    let keep = |i: usize| match Column::ALL[i] {
        Column::EmailDomains => domains,
        Column::NotRanked => flag,
        _ => true,
    };
    let pick = |cells: Vec<String>| -> Vec<String> {
        cells
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, c)| c)
            .collect()
    };
    std::iter::once(pick(header()))
        .chain(rows.iter().map(|r| pick(cells(r))))
        .collect()
}

/// The file's header row, as the template has it.
pub fn header() -> Vec<String> {
    Column::ALL.iter().map(|c| c.header().to_string()).collect()
}

/// A row as the template writes it and [`validate`] reads it back.
pub fn cells(r: &UnitRow) -> Vec<String> {
    let links: Vec<String> = r
        .predecessors
        .iter()
        .map(|(code, w)| {
            if w == "1" {
                code.clone()
            } else {
                format!("{code}:{w}")
            }
        })
        .collect();
    vec![
        r.code.clone(),
        r.name.clone(),
        r.short_name.clone(),
        r.level.as_str().to_string(),
        r.email_domains.clone().unwrap_or_default(),
        if r.not_ranked == Some(true) { "x" } else { "" }.to_string(),
        links.join("; "),
    ]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: usize,
    pub column: Option<Column>,
    /// Message key; `value` is what the cell held.
    pub key: &'static str,
    pub value: String,
}

/// Checks every row. `before` holds the codes of the campaign before (none when there is none, and
/// then the predecessors column must stay empty).
pub fn validate(
    rows: &[Vec<String>],
    before: Option<&HashSet<String>>,
) -> Result<Vec<UnitRow>, Vec<Problem>> {
    let Some(header) = rows.first() else {
        return Err(vec![problem(1, None, "import-empty", "")]);
    };
    let columns = Columns::read(header, &Column::ALL, Column::aliases);
    let missing: Vec<Problem> = Column::ALL
        .into_iter()
        .filter(|c| c.required() && !columns.has(*c))
        .map(|c| problem(1, Some(c), "import-missing-column", c.header()))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let cell = |r: &Vec<String>, c: Column| columns.cell(r, c);
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = i + 1;
        let before_count = problems.len();
        let mut bad = |c: Column, key: &'static str, value: &str| {
            problems.push(problem(row, Some(c), key, value));
        };
        let raw_code = cell(r, Column::Code);
        let code = unit_code::parse(&raw_code);
        match &code {
            None => bad(Column::Code, "unit-code-invalid", &raw_code),
            Some(c) => {
                if let Some(first) = seen.get(c) {
                    bad(
                        Column::Code,
                        "units-file-code-twice",
                        &format!("{c} ({first})"),
                    );
                }
            }
        }
        let name = cell(r, Column::Name);
        let short_name = cell(r, Column::ShortName);
        for (c, v) in [(Column::Name, &name), (Column::ShortName, &short_name)] {
            if v.is_empty() {
                bad(c, "field-required", v);
            } else if v.chars().count() > 200 {
                bad(c, "field-too-long", v);
            }
        }
        let raw_level = cell(r, Column::Level);
        let level = parse_level(&raw_level);
        if level.is_none() {
            bad(Column::Level, "level-invalid", &raw_level);
        }
        let raw_domains = cell(r, Column::EmailDomains);
        let domains = email::parse_domains(&raw_domains).unwrap_or_else(|d| {
            bad(Column::EmailDomains, "units-file-domain-invalid", &d);
            Vec::new()
        });
        let raw_flag = cell(r, Column::NotRanked);
        let not_ranked = parse_flag(&raw_flag).unwrap_or_else(|| {
            bad(Column::NotRanked, "units-file-flag-invalid", &raw_flag);
            false
        });
        let raw_links = cell(r, Column::Predecessors);
        let links = match crosswalk::parse(&raw_links) {
            Ok(l) => l,
            Err(key) => {
                bad(Column::Predecessors, key, &raw_links);
                Vec::new()
            }
        };
        match before {
            None if !links.is_empty() => bad(
                Column::Predecessors,
                "units-file-no-predecessor-campaign",
                &raw_links,
            ),
            Some(codes) => {
                for l in links.iter().filter(|l| !codes.contains(&l.code)) {
                    bad(
                        Column::Predecessors,
                        "units-file-predecessor-unknown",
                        &l.code,
                    );
                }
            }
            None => {}
        }
        let (Some(code), Some(level), true) = (code, level, problems.len() == before_count) else {
            continue;
        };
        seen.insert(code.clone(), row);
        out.push(UnitRow {
            row,
            code,
            name,
            short_name,
            level,
            email_domains: columns
                .has(Column::EmailDomains)
                .then(|| domains.join(", ")),
            not_ranked: columns.has(Column::NotRanked).then_some(not_ranked),
            predecessors: links
                .into_iter()
                .map(|l| (l.code, l.weight.normalize().to_string()))
                .collect(),
        });
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(problem(1, None, "import-empty", ""));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn problem(row: usize, column: Option<Column>, key: &'static str, value: &str) -> Problem {
    Problem {
        row,
        column,
        key,
        value: value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_good_file_reads_with_its_merges() {
        let before: HashSet<String> = ["VPC", "HPG", "BTP"].map(String::from).into();
        let r = validate(
            &rows(&[
                &[
                    "Mã đơn vị",
                    "Tên đầy đủ",
                    "Tên ngắn",
                    "Cấp",
                    "Đơn vị tiền nhiệm",
                    "Không xếp hạng",
                ],
                &["btp", "Bộ Tư pháp", "Bộ Tư pháp", "Bộ", "", ""],
                &[
                    "HPG",
                    "Ủy ban nhân dân thành phố Hải Phòng",
                    "TP Hải Phòng",
                    "Tỉnh",
                    "HPG:2; VPC:1,5",
                    "x",
                ],
            ]),
            Some(&before),
        )
        .expect("valid");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].code, "BTP");
        assert_eq!(r[0].level, Level::Ministry);
        assert_eq!(r[1].not_ranked, Some(true));
        // No domains column: each unit keeps its own.
        assert_eq!(r[0].email_domains, None);
        assert_eq!(
            r[1].predecessors,
            vec![("HPG".into(), "2".into()), ("VPC".into(), "1.5".into())]
        );
        assert_eq!(r[1].links()[1].weight.to_string(), "1.5");
    }

    #[test]
    fn rows_read_back_as_written() {
        let before: HashSet<String> = ["VPC", "HPG"].map(String::from).into();
        let file = rows(&[
            &[
                "code",
                "name",
                "short_name",
                "level",
                "predecessors",
                "not_ranked",
            ],
            &[
                "HPG",
                "Thành phố Hải Phòng",
                "TP Hải Phòng",
                "province",
                "HPG:2; VPC:1,5",
                "x",
            ],
        ]);
        let read = validate(&file, Some(&before)).expect("valid");
        let mut twice = validate(&table(&read), Some(&before)).expect("valid");
        twice[0].row = read[0].row;
        assert_eq!(twice, read);
    }

    /// A shipped pair of files, before and after: both read and check, and every unit before is a
    /// predecessor exactly once. Returns the rows after.
    fn shipped_pair(before: &str, after: &str, counts: (usize, usize)) -> Vec<UnitRow> {
        let read = |t: &str| {
            let rows = crate::table::read(t.as_bytes(), crate::table::Limits::default());
            rows.expect("readable")
        };
        let before = validate(&read(before), None).expect("valid");
        let codes: HashSet<String> = before.iter().map(|r| r.code.clone()).collect();
        let after = validate(&read(after), Some(&codes)).expect("valid");
        assert_eq!((before.len(), after.len()), counts);
        let mut seen: Vec<&str> = after
            .iter()
            .flat_map(|r| r.predecessors.iter().map(|(c, _)| c.as_str()))
            .collect();
        seen.sort_unstable();
        let mut all: Vec<&str> = codes.iter().map(String::as_str).collect();
        all.sort_unstable();
        assert_eq!(seen, all, "each earlier unit once");
        assert!(
            after
                .iter()
                .all(|r| r.predecessors.iter().all(|(_, w)| w == "1"))
        );
        after
    }

    /// The shipped 2025 merger: 34 provinces formed from all 63 earlier ones, each exactly once, and
    /// the 11 that stayed as their own predecessor.
    #[test]
    fn the_shipped_2025_merger_reads_and_covers_every_earlier_province() {
        let after = shipped_pair(
            include_str!("../../../frameworks/2025/provinces-before-2025.csv"),
            include_str!("../../../frameworks/2025/provinces-2025.csv"),
            (63, 34),
        );
        let stayed = after
            .iter()
            .filter(|r| r.predecessors.len() == 1 && r.predecessors[0].0 == r.code)
            .count();
        assert_eq!(stayed, 11);
        assert!(after.iter().all(|r| r.level == Level::Province));
    }

    /// The shipped 2025 ministries: 14 from the 19 before, five of them merged.
    #[test]
    fn the_shipped_2025_ministries_file_maps_19_bodies_onto_14() {
        let after = shipped_pair(
            include_str!("../../../frameworks/2025/ministries-before-2025.csv"),
            include_str!("../../../frameworks/2025/ministries-2025.csv"),
            (19, 14),
        );
        let merged: Vec<&str> = after
            .iter()
            .filter(|r| r.predecessors.len() > 1)
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(merged, ["BNV", "BTC", "BNNMT", "BXD", "BKHCN"]);
        assert!(after.iter().all(|r| r.level == Level::Ministry));
        assert!(after.iter().all(|r| r.email_domains.is_none()));
    }

    #[test]
    fn every_problem_is_reported_with_its_row_and_column() {
        let before: HashSet<String> = ["VPC"].map(String::from).into();
        let e = validate(
            &rows(&[
                &[
                    "code",
                    "name",
                    "short_name",
                    "level",
                    "predecessors",
                    "email_domains",
                ],
                &["Hà Nội", "", "HN", "district", "XYZ", "not a domain"],
                &["BTP", "Bộ Tư pháp", "BTP", "ministry", "", ""],
                &["btp", "Bộ Tư pháp", "BTP", "ministry", "VPC:0", ""],
            ]),
            Some(&before),
        )
        .expect_err("refused");
        let keys: Vec<(usize, &str)> = e.iter().map(|p| (p.row, p.key)).collect();
        assert!(keys.contains(&(2, "unit-code-invalid")), "{keys:?}");
        assert!(keys.contains(&(2, "field-required")), "{keys:?}");
        assert!(keys.contains(&(2, "level-invalid")), "{keys:?}");
        assert!(
            keys.contains(&(2, "units-file-predecessor-unknown")),
            "{keys:?}"
        );
        assert!(keys.contains(&(2, "units-file-domain-invalid")), "{keys:?}");
        assert!(keys.contains(&(4, "units-file-code-twice")), "{keys:?}");
        assert!(keys.contains(&(4, "crosswalk-weight-invalid")), "{keys:?}");
        let none = validate(&rows(&[&["code", "name"]]), None).expect_err("refused");
        assert!(none.iter().any(|p| p.key == "import-missing-column"));
        let orphan = validate(
            &rows(&[
                &["code", "name", "short_name", "level", "predecessors"],
                &["A", "A", "A", "tỉnh", "B"],
            ]),
            None,
        )
        .expect_err("refused");
        assert_eq!(orphan[0].key, "units-file-no-predecessor-campaign");
    }
}
