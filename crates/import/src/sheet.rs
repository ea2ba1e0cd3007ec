//! A plain table as an .xlsx file: a bold header row, then text and number cells. Used by exports that
//! need no layout of their own (survey progress, respondents still to chase).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

pub fn table(sheet: &str, headers: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let ws = wb.add_worksheet().set_name(sheet)?;
    for (j, h) in headers.iter().enumerate() {
        let col = u16::try_from(j).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, h, &bold)?;
        ws.set_column_width(col, if j == 0 { 30 } else { 16 })?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (j, cell) in row.iter().enumerate() {
            let col = u16::try_from(j).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(s) => ws.write_string(r, col, s)?,
                Cell::Number(n) => ws.write_number(r, col, *n)?,
            };
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn a_table_reads_back() {
        let bytes = table(
            "Tiến độ",
            &["Đơn vị".to_string(), "Hoàn thành".to_string()],
            &[vec!["Tỉnh Quảng Ninh".into(), 12_i64.into()]],
        )
        .expect("xlsx");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let range = wb.worksheet_range("Tiến độ").expect("sheet");
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0], vec!["Đơn vị", "Hoàn thành"]);
        assert_eq!(rows[1], vec!["Tỉnh Quảng Ninh", "12"]);
    }
}
