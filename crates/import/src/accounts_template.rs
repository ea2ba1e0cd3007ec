//! The .xlsx template MoHA fills in to issue accounts in bulk: the columns the importer reads, a
//! dropdown of roles, and an instructions sheet with the campaign's unit codes.

use crate::accounts::Column;
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

/// Role labels offered in the dropdown; the importer accepts each of them.
pub const ROLE_LABELS: [&str; 5] = [
    "Quản trị Bộ Nội vụ",
    "Thẩm định viên Bộ Nội vụ",
    "Cán bộ đầu mối",
    "Lãnh đạo đơn vị",
    "Người xem",
];

/// Rows of the data sheet that carry the role dropdown.
const ROWS: u32 = 5_000;

/// `units` are (code, short name) of the campaign the accounts are for.
pub fn build(units: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name("Tài khoản")?;
    for (i, c) in Column::ALL.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, c.header(), &bold)?;
        ws.set_column_width(col, 28)?;
    }
    let roles = DataValidation::new()
        .allow_list_strings(&ROLE_LABELS)?
        .set_input_title("Vai trò")?
        .set_input_message("Chọn vai trò trong danh sách")?
        .set_error_message("Vai trò phải là một giá trị trong danh sách")?;
    ws.add_data_validation(1, 3, ROWS, 3, &roles)?;

    let help = wb.add_worksheet().set_name("Hướng dẫn")?;
    let lines = [
        "Mỗi dòng của trang \"Tài khoản\" là một tài khoản. Không đổi tên các cột.",
        "Tên đăng nhập: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang hoặc @; 3–64 ký tự.",
        "Vai trò: chọn trong danh sách. Tài khoản Bộ Nội vụ để trống Mã đơn vị; tài khoản của đơn vị phải có Mã đơn vị.",
        "Nếu tệp có lỗi, không tài khoản nào được tạo; hệ thống liệt kê từng lỗi theo dòng và cột.",
        "Mật khẩu tạm thời hiển thị một lần sau khi nhập; người dùng phải đổi ở lần đăng nhập đầu tiên.",
    ];
    help.set_column_width(0, 16)?;
    help.set_column_width(1, 60)?;
    let mut row = 0u32;
    for l in lines {
        help.write_string(row, 0, l)?;
        row += 1;
    }
    row += 1;
    help.write_string_with_format(row, 0, "Mã đơn vị", &bold)?;
    help.write_string_with_format(row, 1, "Đơn vị", &bold)?;
    for (code, name) in units {
        row += 1;
        help.write_string(row, 0, code)?;
        help.write_string(row, 1, name)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{accounts, table};
    use std::collections::{HashMap, HashSet};

    #[test]
    fn a_filled_template_imports_and_every_role_label_is_understood() {
        let bytes = build(&[("QNI".into(), "Tỉnh Quảng Ninh".into())]).expect("template");
        let mut rows = table::read(&bytes, table::Limits::default()).expect("readable");
        assert_eq!(
            rows[0],
            Column::ALL
                .iter()
                .map(|c| c.header().to_string())
                .collect::<Vec<_>>()
        );
        for (i, label) in ROLE_LABELS.iter().enumerate() {
            let unit = if i < 2 { "" } else { "QNI" };
            rows.push(vec![
                format!("user{i}"),
                "Nguyễn Văn An".into(),
                format!("u{i}@quangninh.gov.vn"),
                (*label).into(),
                unit.into(),
            ]);
        }
        let units = HashMap::from([("QNI".to_string(), 7)]);
        let ok = accounts::validate(&rows, &units, &HashSet::new()).expect("valid");
        assert_eq!(ok.len(), ROLE_LABELS.len());
    }
}
