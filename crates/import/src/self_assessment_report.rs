//! The self-assessment report as a spreadsheet: a heading, the table of every item with its max
//! points, method, self score, explanation and evidence, the totals, and the unit's difficulties and
//! recommendations. Numbers are written as numbers, so the report can be summed in Excel.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

pub struct ReportRow {
    /// 0 field, 1 criterion, 2 sub-criterion.
    pub depth: u8,
    pub code: String,
    pub name: String,
    pub max: f64,
    pub method: String,
    pub score: Option<f64>,
    pub explanation: String,
    pub evidence: String,
}

pub struct Report {
    /// The sheet's name, in the reader's language.
    pub sheet: String,
    pub title: String,
    pub subtitle: String,
    pub state: String,
    pub rows: Vec<ReportRow>,
    pub total_self_max: f64,
    pub total_self_score: f64,
    pub difficulties: String,
    /// Column headers in the reader's language.
    pub headers: [String; 7],
    pub total_label: String,
    pub difficulties_label: String,
}

pub fn build(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let num = Format::new()
        .set_num_format("0.00")
        .set_align(FormatAlign::Top);
    let field = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xEEF1F4));
    let ws = wb.add_worksheet().set_name(&r.sheet)?;
    for (c, w) in [10.0, 60.0, 10.0, 16.0, 10.0, 50.0, 40.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(u16::try_from(c).unwrap_or(0), *w)?;
    }
    ws.write_string_with_format(0, 0, &r.title, &bold)?;
    ws.write_string(1, 0, &r.subtitle)?;
    ws.write_string(2, 0, &r.state)?;
    let top = 4u32;
    for (c, h) in r.headers.iter().enumerate() {
        ws.write_string_with_format(top, u16::try_from(c).unwrap_or(0), h, &head)?;
    }
    let mut row = top;
    for item in &r.rows {
        row += 1;
        let name_fmt = if item.depth == 0 { &field } else { &wrap };
        let indent = "    ".repeat(usize::from(item.depth));
        ws.write_string_with_format(row, 0, &item.code, name_fmt)?;
        ws.write_string_with_format(row, 1, format!("{indent}{}", item.name), name_fmt)?;
        ws.write_number_with_format(row, 2, item.max, &num)?;
        ws.write_string_with_format(row, 3, &item.method, &wrap)?;
        if let Some(s) = item.score {
            ws.write_number_with_format(row, 4, s, &num)?;
        }
        ws.write_string_with_format(row, 5, &item.explanation, &wrap)?;
        ws.write_string_with_format(row, 6, &item.evidence, &wrap)?;
    }
    row += 2;
    ws.write_string_with_format(row, 1, &r.total_label, &bold)?;
    ws.write_number_with_format(row, 2, r.total_self_max, &num)?;
    ws.write_number_with_format(row, 4, r.total_self_score, &num)?;
    row += 2;
    ws.write_string_with_format(row, 0, &r.difficulties_label, &bold)?;
    ws.write_string_with_format(row + 1, 0, &r.difficulties, &wrap)?;
    ws.set_freeze_panes(top + 1, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    #[test]
    fn the_report_reads_back_with_numbers_as_numbers() {
        let report = Report {
            sheet: "Báo cáo".into(),
            title: "Báo cáo tự đánh giá · Bộ Tư pháp".into(),
            subtitle: "Chỉ số CCHC năm 2023".into(),
            state: "Đã gửi Bộ Nội vụ".into(),
            rows: vec![
                ReportRow {
                    depth: 0,
                    code: "1".into(),
                    name: "Công tác chỉ đạo".into(),
                    max: 14.0,
                    method: String::new(),
                    score: None,
                    explanation: String::new(),
                    evidence: String::new(),
                },
                ReportRow {
                    depth: 2,
                    code: "1.1.1".into(),
                    name: "Kế hoạch".into(),
                    max: 1.75,
                    method: "Tự đánh giá".into(),
                    score: Some(1.25),
                    explanation: "Ban hành chậm 5 ngày".into(),
                    evidence: "KH-123.pdf (trang 2)".into(),
                },
            ],
            total_self_max: 68.5,
            total_self_score: 1.25,
            difficulties: "Thiếu nhân lực CNTT".into(),
            headers: [
                "Mã",
                "Nội dung",
                "Điểm tối đa",
                "Phương pháp",
                "Điểm tự chấm",
                "Giải trình",
                "Tài liệu kiểm chứng",
            ]
            .map(String::from),
            total_label: "Tổng điểm tự đánh giá".into(),
            difficulties_label: "Khó khăn, vướng mắc và kiến nghị".into(),
        };
        let bytes = build(&report).expect("xlsx");
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("readable");
        let range = wb.worksheet_range("Báo cáo").expect("sheet");
        assert_eq!(range.get_value((6, 4)), Some(&Data::Float(1.25)));
        assert_eq!(
            range.get_value((6, 5)),
            Some(&Data::String("Ban hành chậm 5 ngày".into()))
        );
        assert_eq!(range.get_value((8, 2)), Some(&Data::Float(68.5)));
        assert_eq!(
            range.get_value((11, 0)),
            Some(&Data::String("Thiếu nhân lực CNTT".into()))
        );
    }
}
