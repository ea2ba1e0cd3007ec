//! The self-assessment report as .xlsx and as a printable page, with the same totals.

use super::*;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

async fn the_report_downloads_as_xlsx_and_prints_with_the_same_totals(engine: Engine) {
    let app = spawn_app(engine).await;
    let hpg = app.unit_id("HPG").await;
    let officer = app.demo_login("hpg.canbo").await;
    let page = app
        .get(&officer, &format!("/unit/{hpg}/self-assessment/print"))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let total = html
        .split("id=\"report-total\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(html.contains("Khó khăn, vướng mắc và kiến nghị") && html.contains("Đã gửi Bộ Nội vụ"));
    let r = app
        .get(
            &officer,
            &format!("/unit/{hpg}/self-assessment/report.xlsx"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("bao-cao-tu-danh-gia-hpg-2023.xlsx")
    );
    let bytes = r.bytes().await.unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range("Báo cáo").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    // 8 fields + 37 criteria + 88 sub-criteria, under a 5-row heading.
    let items = rows
        .iter()
        .skip(5)
        .take_while(|r| !matches!(r[0], Data::Empty))
        .count();
    assert_eq!(items, 8 + 37 + 88);
    let scored: f64 = rows
        .iter()
        .skip(5)
        .take(items)
        .filter_map(|r| match &r[4] {
            Data::Float(f) => Some(*f),
            _ => None,
        })
        .sum();
    let totals = rows
        .iter()
        .find(|r| matches!(&r[1], Data::String(s) if s.starts_with("Điểm tự chấm")))
        .unwrap();
    let Data::Float(sheet_total) = totals[4] else {
        panic!("total is a number")
    };
    assert!(
        (scored - sheet_total).abs() < 1e-9,
        "{scored} vs {sheet_total}"
    );
    assert_eq!(
        format!("{sheet_total:.2}").replace('.', ","),
        total,
        "the printed page shows the same total"
    );
    // MoHA reads it; another unit does not.
    let appraiser = app.demo_login("moha.thamdinh").await;
    assert_eq!(
        app.get(
            &appraiser,
            &format!("/unit/{hpg}/self-assessment/report.xlsx")
        )
        .await
        .status(),
        StatusCode::OK
    );
    let stranger = app.demo_login("qni.canbo").await;
    assert_eq!(
        app.get(
            &stranger,
            &format!("/unit/{hpg}/self-assessment/report.xlsx")
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(the_report_downloads_as_xlsx_and_prints_with_the_same_totals);
