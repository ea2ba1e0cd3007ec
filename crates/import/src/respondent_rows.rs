//! A respondent list file (the template, or any sheet with the same headers) as rows for the domain
//! check, and the same file handed back with an "Errors" column. Headers are found by name, without
//! tones or case, in the first rows, so a title above them or columns in another order still work.

use parindex_domain::respondents::{Checked, Column, RawRow};
use parindex_domain::text;
use parindex_i18n::Lang;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::collections::HashMap;

/// How far down the header row may be (a title and a blank row above it are common).
const HEADER_SEARCH_ROWS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("required columns are missing")]
pub struct MissingColumns(pub Vec<Column>);

fn column_of(header: &str) -> Option<Column> {
    let k = text::search_key(header);
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if has(&["ho va ten", "ho ten", "full name"]) {
        Some(Column::FullName)
    } else if has(&["chuc vu", "position"]) {
        Some(Column::Position)
    } else if has(&["co quan", "don vi", "organisation", "organization"]) {
        Some(Column::Organisation)
    } else if has(&["nhom", "group"]) {
        Some(Column::Group)
    } else if has(&["email", "e-mail", "thu dien tu"]) {
        Some(Column::Email)
    } else if has(&["dien thoai", "phone", "sdt"]) {
        Some(Column::Phone)
    } else if has(&["thay the", "stand-in", "stand in"]) {
        Some(Column::StandIn)
    } else {
        None
    }
}

/// The header row's index and where each column is.
fn header(rows: &[Vec<String>]) -> Result<(usize, HashMap<Column, usize>), MissingColumns> {
    let mut best: (usize, HashMap<Column, usize>) = (0, HashMap::new());
    for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let mut found = HashMap::new();
        for (j, cell) in row.iter().enumerate() {
            if let Some(c) = column_of(cell) {
                found.entry(c).or_insert(j);
            }
        }
        if found.len() > best.1.len() {
            best = (i, found);
        }
    }
    let missing: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| c.required() && !best.1.contains_key(c))
        .collect();
    if missing.is_empty() {
        Ok(best)
    } else {
        Err(MissingColumns(missing))
    }
}

/// The data rows under the header, each with the row number the spreadsheet shows.
pub fn to_raw_rows(rows: &[Vec<String>]) -> Result<Vec<RawRow>, MissingColumns> {
    let (at, cols) = header(rows)?;
    let get = |row: &Vec<String>, c: Column| {
        cols.get(&c)
            .and_then(|j| row.get(*j))
            .cloned()
            .unwrap_or_default()
    };
    Ok(rows
        .iter()
        .enumerate()
        .skip(at + 1)
        .map(|(i, row)| RawRow {
            line: i + 1,
            full_name: get(row, Column::FullName),
            position: get(row, Column::Position),
            organisation: get(row, Column::Organisation),
            group: get(row, Column::Group),
            email: get(row, Column::Email),
            phone: get(row, Column::Phone),
            stand_in: get(row, Column::StandIn),
        })
        .collect())
}

/// The uploaded rows as they were, with an "Errors" column (Vietnamese) listing each row's problems
/// and merges, so the unit fixes its own file.
pub fn with_errors(rows: &[Vec<String>], checked: &Checked) -> Result<Vec<u8>, XlsxError> {
    let mut notes: HashMap<usize, Vec<String>> = HashMap::new();
    for p in &checked.problems {
        let column = p
            .column
            .map(|c| format!("{}: ", Lang::Vi.t(c.header_key())))
            .unwrap_or_default();
        let text = format!("{column}{}", Lang::Vi.say(&p.message()));
        let note = if p.warning() {
            Lang::Vi.t_args("rp-warning", &[("text", text)])
        } else {
            text
        };
        notes.entry(p.line).or_default().push(note);
    }
    for m in &checked.merges {
        notes
            .entry(m.dropped_line)
            .or_default()
            .push(Lang::Vi.say(&m.message()));
    }
    let (at, _) = header(rows).unwrap_or((0, HashMap::new()));
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let errors_col = u16::try_from(width).unwrap_or(u16::MAX - 1);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let red = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
    let ws = wb.add_worksheet().set_name(Lang::Vi.t("rp-sheet-list"))?;
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i).unwrap_or(u32::MAX);
        for (j, cell) in row.iter().enumerate() {
            ws.write_string(r, u16::try_from(j).unwrap_or(0), cell)?;
        }
        if i == at {
            ws.write_string_with_format(r, errors_col, Lang::Vi.t("rp-errors-column"), &bold)?;
        } else if let Some(n) = notes.get(&(i + 1)) {
            ws.write_string_with_format(r, errors_col, n.join("; "), &red)?;
        }
    }
    ws.set_column_width(errors_col, 80)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table;
    use parindex_domain::respondents::{GroupSet, check};

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn headers_are_found_under_a_title_in_any_order() {
        let rows = vec![
            s(&["DANH SÁCH ĐỐI TƯỢNG KHẢO SÁT"]),
            s(&[]),
            s(&[
                "STT",
                "Email công vụ",
                "HỌ VÀ TÊN",
                "Chức vụ",
                "Cơ quan/đơn vị",
                "Nhóm đối tượng",
                "SĐT",
            ]),
            s(&[
                "1",
                "an@quangninh.gov.vn",
                "Nguyễn Văn An",
                "Giám đốc",
                "Sở Nội vụ",
                "hdnd",
                "0912345678",
            ]),
        ];
        let raw = to_raw_rows(&rows).expect("headers");
        assert_eq!(raw.len(), 1);
        assert_eq!(raw[0].line, 4);
        assert_eq!(raw[0].full_name, "Nguyễn Văn An");
        assert_eq!(raw[0].email, "an@quangninh.gov.vn");
        assert_eq!(raw[0].phone, "0912345678");
    }

    #[test]
    fn missing_columns_are_named() {
        let rows = vec![s(&["Họ và tên", "Email"])];
        let MissingColumns(missing) = to_raw_rows(&rows).expect_err("missing");
        assert_eq!(
            missing,
            vec![Column::Position, Column::Organisation, Column::Group]
        );
    }

    #[test]
    fn the_file_comes_back_with_an_errors_column() {
        let rows = vec![
            s(&[
                "STT",
                "Họ và tên",
                "Chức vụ",
                "Cơ quan/đơn vị",
                "Nhóm đối tượng",
                "Email công vụ",
            ]),
            s(&[
                "1",
                "Nguyễn Văn An",
                "Giám đốc",
                "Sở Nội vụ",
                "hdnd",
                "sai-email",
            ]),
            s(&[
                "2",
                "Trần Thị Bình",
                "Phó Giám đốc",
                "Sở Y tế",
                "lanh_dao_so",
                "binh@quangninh.gov.vn",
            ]),
        ];
        let raw = to_raw_rows(&rows).expect("headers");
        let checked = check(&raw, &GroupSet::defaults_2023().province, &[], &[]);
        let bytes = with_errors(&rows, &checked).expect("xlsx");
        let back = table::read(&bytes, table::Limits::default()).expect("readable");
        assert_eq!(back[0].last().map(String::as_str), Some("Lỗi"));
        assert!(
            back[1]
                .last()
                .is_some_and(|c| c.contains("Email công vụ: Email không hợp lệ"))
        );
        assert_eq!(back[2][6], "", "a good row has an empty error cell");
    }

    /// A file written by openpyxl (see tests/fixtures/respondents/make_fixtures.py) with the rows units
    /// really send: a title, an empty row, a hidden row, merged cells, numbers for phones, NFD text.
    #[test]
    fn a_file_from_another_writer_with_every_tricky_row() {
        let bytes = include_bytes!("../../../tests/fixtures/respondents/tricky.xlsx");
        let rows = table::read(bytes, table::Limits::default()).expect("readable");
        let raw = to_raw_rows(&rows).expect("headers under the title");
        let c = check(
            &raw,
            &GroupSet::defaults_2023().province,
            &["quangninh.gov.vn".into()],
            &[],
        );
        assert_eq!(c.empty_rows, 1);
        let lines: Vec<usize> = c.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![4, 5, 6, 8, 9, 10], "{:?}", c.problems);
        let at = |l: usize| &c.rows.iter().find(|(x, _)| *x == l).expect("row").1;
        assert_eq!(at(4).full_name, "Trần Thị Bình");
        assert_eq!(at(4).email, "binh@quangninh.gov.vn");
        assert_eq!(at(4).phone, "0912000002");
        assert_eq!(at(5).full_name, "Nguyễn Thị Hồng", "NFD made NFC");
        assert_eq!(at(5).organisation, "Sở Tài chính", "merged cell");
        assert_eq!(at(6).organisation, "Sở Tài chính", "merged cell");
        assert_eq!(
            at(8).phone,
            "02033874123",
            "hidden row, landline typed as a number"
        );
        assert_eq!(at(9).group, "hdnd");
        assert_eq!(
            (c.merges[0].kept_line, c.merges[0].dropped_line),
            (9, 3),
            "the delegate row wins"
        );
        let errors: Vec<usize> = c
            .problems
            .iter()
            .filter(|p| !p.warning())
            .map(|p| p.line)
            .collect();
        assert_eq!(errors, vec![11, 12, 13, 13]);
        assert!(c.problems.iter().any(|p| p.line == 10 && p.warning()));
    }

    #[test]
    fn ten_thousand_rows_from_another_writer() {
        for bytes in [
            &include_bytes!("../../../tests/fixtures/respondents/large.xlsx")[..],
            &include_bytes!("../../../tests/fixtures/respondents/large.csv")[..],
        ] {
            let rows = table::read(bytes, table::Limits::default()).expect("readable");
            let raw = to_raw_rows(&rows).expect("headers");
            let c = check(&raw, &GroupSet::defaults_2023().province, &[], &[]);
            assert!(c.ok(), "{:?}", c.problems.first());
            assert_eq!(c.rows.len(), 10_000);
        }
    }
}
