//! Respondent lists over HTTP, on SQLite and PostgreSQL: the template, an import with errors (the
//! report on screen and the unit's own file back with an "Errors" column, nothing stored), the fixed
//! import with the People's Council merge, searching, the rules, exceptions, sending, MoHA's review,
//! the list deadline, and the national view.

#![allow(clippy::unwrap_used)]

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use parindex_domain::UnitId;
use parindex_tests::app::{location, visible_text};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;

const HEADERS: [&str; 7] = [
    "STT",
    "Họ và tên",
    "Chức vụ",
    "Cơ quan/đơn vị",
    "Nhóm đối tượng",
    "Email công vụ",
    "Số điện thoại",
];

/// An .xlsx like the one a unit fills in: the phone typed as a number, as Excel stores it.
fn xlsx(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_number(row, 0, f64::from(row)).unwrap();
        for (j, cell) in r.iter().enumerate() {
            let col = (j + 1) as u16;
            match cell.parse::<f64>() {
                Ok(n) if j == 5 => ws.write_number(row, col, n).unwrap(),
                _ => ws.write_string(row, col, *cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    unit: UnitId,
    bytes: Vec<u8>,
    name: &'static str,
) -> reqwest::Response {
    c.post(app.url(&format!("/unit/{unit}/respondents/import")))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        ))
        .send()
        .await
        .unwrap()
}

fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

mod import_and_send;
mod list_api;

mod deadline_and_national;
