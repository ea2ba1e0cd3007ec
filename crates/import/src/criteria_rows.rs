//! A criteria set from a spreadsheet, one row per node, so MoHA can load the official tables without a
//! programmer. Columns: Mã (code), Tên (Vietnamese name), Tên tiếng Anh, Điểm tối đa (max points),
//! Phương pháp (method: self / survey / imported, or tự đánh giá / điều tra XHH / nhập), Hướng dẫn chấm,
//! Hướng dẫn chấm (tiếng Anh). The depth comes from the code: "1" a field, "1.2" a criterion, "1.2.3" a
//! sub-criterion. The set's own details (code, level, names, total) come with the upload.

use parindex_domain::criteria::problems::Problem;
use parindex_domain::criteria::{CriteriaSet, Method, Node, validate};
use parindex_domain::text::{clean, search_key};
use parindex_domain::{Level, Points};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Header {
    pub code: String,
    pub level: String,
    pub name_vi: String,
    pub name_en: String,
    pub legal_basis: String,
    pub total: String,
    pub illustrative: bool,
}

/// A problem and the spreadsheet row it comes from (1 = the header row), when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: Option<usize>,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Code,
    Name,
    NameEn,
    Max,
    Method,
    Guidance,
    GuidanceEn,
}

const COLUMNS: [(Col, &str, &[&str]); 7] = [
    (Col::Code, "Mã", &["ma", "code", "ma tieu chi"]),
    (
        Col::Name,
        "Tên",
        &["ten", "name", "name_vi", "ten tieu chi", "noi dung"],
    ),
    (
        Col::NameEn,
        "Tên tiếng Anh",
        &["ten tieng anh", "name_en", "english name"],
    ),
    (Col::Max, "Điểm tối đa", &["diem toi da", "max", "diem"]),
    (
        Col::Method,
        "Phương pháp",
        &["phuong phap", "method", "phuong phap danh gia"],
    ),
    (
        Col::Guidance,
        "Hướng dẫn chấm",
        &["huong dan cham", "guidance", "guidance_vi", "huong dan"],
    ),
    (
        Col::GuidanceEn,
        "Hướng dẫn chấm (tiếng Anh)",
        &["huong dan cham (tieng anh)", "guidance_en"],
    ),
];

fn method(s: &str) -> Option<Method> {
    Method::parse(&s.to_lowercase()).or(match search_key(s).as_str() {
        "tu danh gia" | "tu cham" | "tham dinh" => Some(Method::SelfAssessed),
        "dieu tra xhh" | "dieu tra xa hoi hoc" | "khao sat" | "xhh" => Some(Method::Survey),
        "nhap" | "nhap ngoai" | "so lieu ngoai" | "sipas" => Some(Method::Imported),
        _ => None,
    })
}

pub fn from_rows(h: &Header, rows: &[Vec<String>]) -> Result<CriteriaSet, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let at = |row: Option<usize>, problem: Problem| RowProblem { row, problem };
    let header = rows.first().cloned().unwrap_or_default();
    let mut index: HashMap<Col, usize> = HashMap::new();
    for (i, cell) in header.iter().enumerate() {
        let key = search_key(cell);
        if let Some((c, _, _)) = COLUMNS
            .iter()
            .find(|(_, _, aliases)| aliases.contains(&key.as_str()))
        {
            index.entry(*c).or_insert(i);
        }
    }
    for (c, label, _) in COLUMNS.iter().take(5) {
        if !index.contains_key(c) {
            problems.push(at(Some(1), Problem::MissingColumn((*label).to_string())));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let cell = |r: &[String], c: Col| {
        index
            .get(&c)
            .and_then(|i| r.get(*i))
            .map(|s| clean(s))
            .unwrap_or_default()
    };
    let mut fields: Vec<Node> = Vec::new();
    let mut row_of: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        let row = i + 1;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let code = cell(r, Col::Code).trim_end_matches('.').to_string();
        let raw_max = cell(r, Col::Max);
        let max = Points::parse(&raw_max).unwrap_or_else(|_| {
            problems.push(at(
                Some(row),
                Problem::BadPoints {
                    code: code.clone(),
                    value: raw_max.clone(),
                },
            ));
            Points::ZERO
        });
        let raw_method = cell(r, Col::Method);
        let m = if raw_method.is_empty() {
            None
        } else {
            let m = method(&raw_method);
            if m.is_none() {
                problems.push(at(
                    Some(row),
                    Problem::UnknownMethod {
                        code: code.clone(),
                        value: raw_method.clone(),
                    },
                ));
            }
            m
        };
        let node = Node {
            code: code.clone(),
            name_vi: cell(r, Col::Name),
            name_en: cell(r, Col::NameEn),
            max,
            method: m,
            guidance_vi: cell(r, Col::Guidance),
            guidance_en: cell(r, Col::GuidanceEn),
            children: Vec::new(),
        };
        row_of.entry(code.clone()).or_insert(row);
        let parts: Vec<&str> = code.split('.').collect();
        let parent = parts[..parts.len().saturating_sub(1)].join(".");
        let placed = match parts.len() {
            1 => {
                fields.push(node);
                true
            }
            2 => match fields.iter_mut().find(|f| f.code == parent) {
                Some(f) => {
                    f.children.push(node);
                    true
                }
                None => false,
            },
            3 => match fields
                .iter_mut()
                .flat_map(|f| f.children.iter_mut())
                .find(|c| c.code == parent)
            {
                Some(c) => {
                    c.children.push(node);
                    true
                }
                None => false,
            },
            _ => {
                problems.push(at(Some(row), Problem::TooDeep(code.clone())));
                true
            }
        };
        if !placed {
            problems.push(at(Some(row), Problem::NoParent { code, parent }));
        }
    }
    let level = Level::parse(&h.level);
    if level.is_none() {
        problems.push(at(None, Problem::UnknownLevel(h.level.clone())));
    }
    let total = Points::parse(&h.total).unwrap_or_else(|_| {
        problems.push(at(
            None,
            Problem::BadPoints {
                code: "total".into(),
                value: h.total.clone(),
            },
        ));
        Points::ZERO
    });
    let set = CriteriaSet {
        code: clean(&h.code),
        level: level.unwrap_or(Level::Ministry),
        name_vi: clean(&h.name_vi),
        name_en: clean(&h.name_en),
        legal_basis: clean(&h.legal_basis),
        illustrative: h.illustrative,
        total,
        fields,
    };
    if set.code.is_empty() {
        problems.push(at(None, Problem::EmptyCode));
    }
    for p in validate::check(&set) {
        let code = match &p {
            Problem::DuplicateCode(c)
            | Problem::EmptyName(c)
            | Problem::LeafWithoutMethod(c)
            | Problem::MethodOnBranch(c)
            | Problem::FieldWithoutCriteria(c)
            | Problem::ChildrenDoNotAddUp { code: c, .. }
            | Problem::CodeOutsideParent { code: c, .. } => Some(c.clone()),
            _ => None,
        };
        problems.push(at(code.and_then(|c| row_of.get(&c).copied()), p));
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
    use parindex_domain::criteria::file;
    use parindex_domain::criteria::summary::summarize;

    fn header() -> Header {
        Header {
            code: "876-2023-ministry-xlsx".into(),
            level: "ministry".into(),
            name_vi: "Bộ tiêu chí cấp bộ".into(),
            name_en: "Ministry set".into(),
            legal_basis: "876/QĐ-BNV".into(),
            total: "100".into(),
            illustrative: true,
        }
    }

    /// The shipped illustrative set written out as rows, as a spreadsheet would hold it.
    fn rows_of(set: &CriteriaSet) -> Vec<Vec<String>> {
        let mut rows = vec![
            COLUMNS
                .iter()
                .map(|(_, l, _)| (*l).to_string())
                .collect::<Vec<_>>(),
        ];
        for (_, n) in set.walk() {
            let m = match n.method {
                Some(Method::SelfAssessed) => "Tự đánh giá",
                Some(Method::Survey) => "Điều tra XHH",
                Some(Method::Imported) => "imported",
                None => "",
            };
            rows.push(vec![
                n.code.clone(),
                n.name_vi.clone(),
                n.name_en.clone(),
                n.max.to_fixed().replace('.', ","),
                m.into(),
                n.guidance_vi.clone(),
                n.guidance_en.clone(),
            ]);
        }
        rows
    }

    #[test]
    fn rows_rebuild_the_same_tree_as_the_toml_file() {
        let from_toml =
            file::parse(include_str!("../../../frameworks/2023/ministry.toml")).expect("valid");
        let from_rows = from_rows(&header(), &rows_of(&from_toml)).expect("valid rows");
        assert_eq!(from_rows.fields, from_toml.fields);
        let s = summarize(&from_rows);
        assert_eq!((s.fields, s.criteria, s.sub_criteria), (7, 38, 97));
    }

    #[test]
    fn problems_point_at_their_rows() {
        let set =
            file::parse(include_str!("../../../frameworks/2023/ministry.toml")).expect("valid");
        let mut rows = rows_of(&set);
        rows[3][3] = "abc".into();
        rows[5][0] = "9.9.9".into();
        rows[7][4] = "đoán".into();
        let errs = from_rows(&header(), &rows).expect_err("invalid");
        assert!(
            errs.iter()
                .any(|e| e.row == Some(4) && matches!(e.problem, Problem::BadPoints { .. })),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.row == Some(6) && matches!(e.problem, Problem::NoParent { .. })),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.row == Some(8) && matches!(e.problem, Problem::UnknownMethod { .. })),
            "{errs:?}"
        );
        let missing =
            from_rows(&header(), &[vec!["Mã".into(), "Tên".into()]]).expect_err("invalid");
        assert_eq!(missing.len(), 3);
    }
}
