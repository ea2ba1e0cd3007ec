//! Imported figures (e.g. the SIPAS satisfaction index) from an .xlsx or .csv file: one row per unit
//! and item, columns unit code, item code, value (a percentage 0–100, decimal comma or dot, at most two
//! decimals) and an optional source. All or nothing: every bad row is reported, and nothing is kept
//! while any is bad. The template lists every unit and imported item of the campaign.

use crate::sheet::{self, Cell};
use crate::table::{self, Limits, TableError};
use parindex_domain::scoring::parse_percentage;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub unit_code: String,
    pub leaf_code: String,
    pub value: Decimal,
    pub source: String,
}

/// A problem with one row: its number in the file (1 = the header), the column letter and the
/// message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub column: &'static str,
    pub key: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiguresError {
    File(TableError),
    Rows(Vec<RowProblem>),
}

/// Reads and checks the file against the campaign's unit codes and imported item codes (by unit
/// code, the items of that unit's level).
pub fn parse(
    bytes: &[u8],
    items_by_unit: &HashMap<String, HashSet<String>>,
) -> Result<Vec<Figure>, FiguresError> {
    let rows = table::read(
        bytes,
        Limits {
            max_rows: 5_000,
            max_cols: 10,
            ..Limits::default()
        },
    )
    .map_err(FiguresError::File)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        let cell = |j: usize| r.get(j).map(String::as_str).unwrap_or("").trim();
        let n = i + 1;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let (unit, leaf, value) = (cell(0), cell(1), cell(2));
        let Some(items) = items_by_unit.get(unit) else {
            problems.push(RowProblem {
                row: n,
                column: "A",
                key: "fig-unknown-unit",
            });
            continue;
        };
        if !items.contains(leaf) {
            problems.push(RowProblem {
                row: n,
                column: "B",
                key: "fig-not-imported-item",
            });
            continue;
        }
        if value.is_empty() {
            continue;
        }
        let Some(v) = parse_percentage(value) else {
            problems.push(RowProblem {
                row: n,
                column: "C",
                key: "fig-bad-value",
            });
            continue;
        };
        if !seen.insert((unit.to_string(), leaf.to_string())) {
            problems.push(RowProblem {
                row: n,
                column: "A",
                key: "fig-repeated",
            });
            continue;
        }
        out.push(Figure {
            unit_code: unit.to_string(),
            leaf_code: leaf.to_string(),
            value: v,
            source: cell(3).chars().take(200).collect(),
        });
    }
    if !problems.is_empty() {
        return Err(FiguresError::Rows(problems));
    }
    if out.is_empty() {
        return Err(FiguresError::File(TableError::Empty));
    }
    Ok(out)
}

/// The template: a row for every (unit, imported item), with the current value if any, on a sheet
/// named `sheet`.
pub fn template(
    sheet: &str,
    headers: &[String],
    rows: &[(String, String, String, Option<Decimal>, String)],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(unit, name, leaf, value, source)| {
            vec![
                unit.as_str().into(),
                leaf.as_str().into(),
                value.map(|v| v.to_string()).unwrap_or_default().into(),
                source.as_str().into(),
                name.as_str().into(),
            ]
        })
        .collect();
    sheet::table(sheet, headers, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> HashMap<String, HashSet<String>> {
        [
            ("QNI".to_string(), ["8.4.3".to_string()].into()),
            ("HPG".to_string(), ["8.4.3".to_string()].into()),
        ]
        .into()
    }

    #[test]
    fn a_value_beyond_a_decimals_range_is_a_bad_value_not_a_panic() {
        // The input the fuzzer found (figure_rows): 9.9 × 10^26 overflowed the rounding step.
        let file = "Mã đơn vị,Mã tiêu chí,Giá trị\nQNI,8.4.3,988888888888888888888888881.4,SIPAS\n";
        match parse(file.as_bytes(), &items()) {
            Err(FiguresError::Rows(p)) => assert_eq!(p[0].key, "fig-bad-value"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn good_rows_are_read_with_either_decimal_mark() {
        let csv = "Mã đơn vị,Mã tiêu chí,Giá trị (%),Nguồn\nQNI,8.4.3,\"90,61\",SIPAS 2023\nHPG,8.4.3,88.5,\n";
        let f = parse(csv.as_bytes(), &items()).expect("ok");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].value, "90.61".parse::<Decimal>().expect("d"));
        assert_eq!(f[0].source, "SIPAS 2023");
        assert_eq!(f[1].value, "88.5".parse::<Decimal>().expect("d"));
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_is_kept() {
        let csv = "a,b,c\nXXX,8.4.3,50\nQNI,1.1,50\nQNI,8.4.3,101\nHPG,8.4.3,1.005\nHPG,8.4.3,-1\nQNI,8.4.3,50\nQNI,8.4.3,60\n";
        let Err(FiguresError::Rows(p)) = parse(csv.as_bytes(), &items()) else {
            panic!("should fail");
        };
        let got: Vec<(usize, &str, &str)> = p.iter().map(|x| (x.row, x.column, x.key)).collect();
        assert_eq!(
            got,
            vec![
                (2, "A", "fig-unknown-unit"),
                (3, "B", "fig-not-imported-item"),
                (4, "C", "fig-bad-value"),
                (5, "C", "fig-bad-value"),
                (6, "C", "fig-bad-value"),
                (8, "A", "fig-repeated"),
            ]
        );
    }

    #[test]
    fn a_file_without_values_is_refused() {
        let csv = "a,b,c\nQNI,8.4.3,\n";
        assert_eq!(
            parse(csv.as_bytes(), &items()),
            Err(FiguresError::File(TableError::Empty))
        );
    }
}
