//! The .xlsx template a unit fills in with its respondents: Vietnamese headers, a dropdown of the
//! level's groups, and an instructions sheet with each group's rule. The importer reads it back by
//! header name.

use parindex_domain::respondents::{Column, Group, Rule};
use parindex_i18n::Lang;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};

/// Rows of the data sheet that carry the group dropdown.
const ROWS: u32 = 20_000;

/// The columns of the template for a level: stand-ins only where a group takes them.
pub fn columns(groups: &[Group]) -> Vec<Column> {
    Column::ALL
        .into_iter()
        .filter(|c| *c != Column::StandIn || groups.iter().any(|g| g.stand_ins))
        .collect()
}

fn rule_vi(rule: Rule) -> String {
    match rule {
        Rule::All => "Tất cả".into(),
        Rule::PerOrganisation { exactly } => format!("Đúng {exactly} người mỗi cơ quan, đơn vị"),
        Rule::MaxOrganisations { max } => {
            format!("Toàn bộ lãnh đạo của tối đa {max} hội, hiệp hội")
        }
    }
}

/// `title` names the unit and campaign, e.g. "Tỉnh Quảng Ninh — Chỉ số CCHC năm 2023".
pub fn build(title: &str, groups: &[Group], domains: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let cols = columns(groups);
    let ws = wb.add_worksheet().set_name("Danh sách")?;
    ws.write_string_with_format(0, 0, "STT", &bold)?;
    ws.set_column_width(0, 6)?;
    for (i, c) in cols.iter().enumerate() {
        let col = u16::try_from(i + 1).unwrap_or(0);
        ws.write_string_with_format(0, col, Lang::Vi.t(c.header_key()), &bold)?;
        ws.set_column_width(col, if *c == Column::Group { 44 } else { 26 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    let group_col = cols
        .iter()
        .position(|c| *c == Column::Group)
        .and_then(|i| u16::try_from(i + 1).ok())
        .unwrap_or(4);
    let last = groups.len().max(1);
    let list = DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "='Nhóm đối tượng'!$A$2:$A${}",
            last + 1
        )))
        .set_input_title("Nhóm đối tượng")?
        .set_input_message("Chọn nhóm trong danh sách")?
        .set_error_message("Nhóm đối tượng phải là một giá trị trong danh sách")?;
    ws.add_data_validation(1, group_col, ROWS, group_col, &list)?;

    let gs = wb.add_worksheet().set_name("Nhóm đối tượng")?;
    gs.write_string_with_format(0, 0, "Nhóm đối tượng", &bold)?;
    gs.write_string_with_format(0, 1, "Quy định", &bold)?;
    gs.write_string_with_format(0, 2, "Mã", &bold)?;
    gs.set_column_width(0, 56)?;
    gs.set_column_width(1, 48)?;
    for (i, g) in groups.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        gs.write_string(r, 0, &g.name_vi)?;
        gs.write_string(r, 1, rule_vi(g.rule))?;
        gs.write_string(r, 2, &g.code)?;
    }

    let help = wb.add_worksheet().set_name("Hướng dẫn")?;
    help.set_column_width(0, 110)?;
    let mut lines = vec![
        format!("Danh sách đối tượng khảo sát: {title}"),
        String::new(),
        "Mỗi dòng của trang \"Danh sách\" là một người. Không đổi tên các cột; có thể thêm dòng tiêu đề phía trên.".into(),
        "Bắt buộc: Họ và tên, Chức vụ, Cơ quan/đơn vị, Nhóm đối tượng, Email công vụ. Số điện thoại không bắt buộc nhưng giúp phát hiện trùng người.".into(),
        format!("Email công vụ nên thuộc tên miền của đơn vị ({domains}); email khác vẫn nhận nhưng được nhắc."),
        "Số điện thoại ghi dạng nào cũng được (0912 345 678, +84 912 345 678, hoặc dạng số đã mất số 0 đầu).".into(),
        "Mỗi người chỉ có trong một nhóm. Người là đại biểu HĐND và thuộc nhóm khác được giữ ở nhóm đại biểu HĐND; hệ thống báo từng trường hợp đã gộp.".into(),
        "Nếu tệp có lỗi, không dòng nào được nhập; hệ thống liệt kê từng lỗi theo dòng và cột, và cho tải lại chính tệp này kèm cột \"Lỗi\".".into(),
    ];
    if groups.iter().any(|g| g.stand_ins) {
        lines.push("Người thay thế: ghi \"x\" cho lãnh đạo văn phòng hoặc phòng, ban được cử thay lãnh đạo hội, hiệp hội.".into());
    }
    lines.push(String::new());
    lines.push("Nhóm đối tượng và quy định:".into());
    for g in groups {
        lines.push(format!("• {} — {}", g.name_vi, rule_vi(g.rule)));
    }
    for (i, l) in lines.iter().enumerate() {
        help.write_string(u32::try_from(i).unwrap_or(u32::MAX), 0, l)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{respondent_rows, table};
    use parindex_domain::respondents::{GroupSet, check};

    #[test]
    fn a_filled_template_reads_back_through_the_import() {
        let groups = GroupSet::defaults_2023().ministry;
        let bytes = build("Bộ Tư pháp — 2023", &groups, "moj.gov.vn").expect("template");
        let mut rows = table::read(&bytes, table::Limits::default()).expect("readable");
        assert_eq!(rows[0][0], "STT");
        assert!(rows[0].contains(&"Người thay thế".to_string()));
        for (i, g) in groups.iter().enumerate() {
            let mut row = vec![
                (i + 1).to_string(),
                format!("Người số {i}"),
                "Vụ trưởng".into(),
                format!("Đơn vị {i}"),
                g.name_vi.clone(),
                format!("p{i}@moj.gov.vn"),
                String::new(),
                String::new(),
            ];
            row.truncate(rows[0].len());
            rows.push(row);
        }
        let raw = respondent_rows::to_raw_rows(&rows).expect("headers");
        let c = check(&raw, &groups, &["moj.gov.vn".into()], &[]);
        assert_eq!(c.rows.len(), groups.len(), "{:?}", c.problems);
        assert!(c.ok(), "{:?}", c.problems);
        // A province has no stand-ins column.
        assert!(!columns(&GroupSet::defaults_2023().province).contains(&Column::StandIn));
    }
}
