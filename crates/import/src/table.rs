//! An uploaded file as rows of cleaned text. The size is checked before parsing and the sheet's
//! dimensions right after, so a huge file is refused rather than parsed. The type is decided by the
//! content (an .xlsx is a zip archive), never by the file name.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_rows: usize,
    pub max_cols: usize,
    /// What an .xlsx (a zip archive) may expand to, by its declared sizes, before anything is parsed.
    pub max_expanded_bytes: u64,
}

/// A 20,000-row list expands to about 10 MiB of XML; this leaves room and stops zip bombs.
pub const MAX_EXPANDED_BYTES: u64 = 64 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 * 1024 * 1024,
            max_rows: 20_000,
            max_cols: 40,
            max_expanded_bytes: MAX_EXPANDED_BYTES,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the file has more than {max} columns")]
    TooManyColumns { max: usize },
    #[error("the spreadsheet expands to more than {max} bytes")]
    TooLargeExpanded { max: u64 },
    #[error("the spreadsheet cannot be read")]
    BadSpreadsheet,
    #[error("the text file is not UTF-8")]
    NotUtf8,
    #[error("the CSV file cannot be read")]
    BadCsv,
    #[error("the file is neither .xlsx nor .csv")]
    UnknownType,
}

impl TableError {
    /// The message key shown to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            TableError::Empty => "import-empty",
            TableError::TooLarge { .. } => "import-too-large",
            TableError::TooManyRows { .. } => "import-too-many-rows",
            TableError::TooManyColumns { .. } => "import-too-many-columns",
            TableError::TooLargeExpanded { .. } => "import-too-large",
            TableError::BadSpreadsheet => "import-bad-xlsx",
            TableError::NotUtf8 => "import-not-utf8",
            TableError::BadCsv => "import-bad-csv",
            TableError::UnknownType => "import-unknown-type",
        }
    }
}

/// Rows of the first sheet (or the CSV), each cell cleaned to NFC with spaces folded. Row 0 is the
/// header. Trailing empty rows are dropped; empty rows inside are kept so row numbers match the file.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<String>>, TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(TableError::TooLarge {
            max: limits.max_bytes,
        });
    }
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, limits)?
    } else if bytes.contains(&0) {
        return Err(TableError::UnknownType);
    } else {
        read_csv(bytes, limits)?
    };
    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(TableError::Empty);
    }
    Ok(rows)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        // Excel stores typed numbers as floats: 912345678.0 is the phone number 912345678.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => parindex_domain::text::clean(&other.to_string()),
    }
}

/// Checks an .xlsx before parsing it: the sizes its parts declare, and the dimension its worksheets
/// declare. A file that lies about them is still bounded by the checks after parsing.
fn guard_xlsx(bytes: &[u8], limits: Limits) -> Result<(), TableError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| TableError::BadSpreadsheet)?;
    let mut expanded: u64 = 0;
    let mut sheets = Vec::new();
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|_| TableError::BadSpreadsheet)?;
        expanded = expanded.saturating_add(f.size());
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            sheets.push(name);
        }
    }
    if expanded > limits.max_expanded_bytes {
        return Err(TableError::TooLargeExpanded {
            max: limits.max_expanded_bytes,
        });
    }
    for name in sheets {
        let Ok(f) = zip.by_name(&name) else { continue };
        let mut head = Vec::with_capacity(4096);
        if std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut head).is_err() {
            return Err(TableError::BadSpreadsheet);
        }
        if let Some((rows, cols)) = declared_dimension(&String::from_utf8_lossy(&head)) {
            if rows > limits.max_rows + 1 {
                return Err(TableError::TooManyRows {
                    max: limits.max_rows,
                });
            }
            if cols > limits.max_cols {
                return Err(TableError::TooManyColumns {
                    max: limits.max_cols,
                });
            }
        }
    }
    Ok(())
}

/// `<dimension ref="A1:G10001"/>` → (10001 rows, 7 columns).
fn declared_dimension(xml: &str) -> Option<(usize, usize)> {
    let at = xml.find("<dimension ref=\"")? + "<dimension ref=\"".len();
    let range = xml[at..].split('"').next()?;
    let end = range.rsplit(':').next()?;
    let letters: String = end.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits: String = end.chars().skip(letters.len()).collect();
    let col = letters
        .to_ascii_uppercase()
        .bytes()
        .try_fold(0usize, |acc, b| {
            acc.checked_mul(26)?.checked_add(usize::from(b - b'A') + 1)
        })?;
    Some((digits.parse().ok()?, col))
}

fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<String>>, TableError> {
    guard_xlsx(bytes, limits)?;
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| TableError::BadSpreadsheet)?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or(TableError::Empty)?
        .map_err(|_| TableError::BadSpreadsheet)?;
    let (h, w) = range.get_size();
    if h > limits.max_rows + 1 {
        return Err(TableError::TooManyRows {
            max: limits.max_rows,
        });
    }
    if w > limits.max_cols {
        return Err(TableError::TooManyColumns {
            max: limits.max_cols,
        });
    }
    // Rows are placed by their position in the sheet, so a blank first row keeps numbering honest.
    let (start, start_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); start];
    rows.extend(range.rows().map(|r| {
        let mut cells = vec![String::new(); start_col];
        cells.extend(r.iter().map(cell_text));
        cells
    }));
    // A merged cell holds its value in its top-left cell only: every cell of the region gets it, so
    // an organisation merged over several rows applies to each of them.
    if let Ok(regions) = wb.merge_cells_by_sheet_id(0) {
        for d in regions {
            let (r0, c0) = (d.start.0 as usize, d.start.1 as usize);
            let value = rows
                .get(r0)
                .and_then(|r| r.get(c0))
                .cloned()
                .unwrap_or_default();
            let last_row = (d.end.0 as usize).min(rows.len().saturating_sub(1));
            for r in r0..=last_row {
                let Some(row) = rows.get_mut(r) else { break };
                let last_col = (d.end.1 as usize).min(row.len().saturating_sub(1));
                for c in c0..=last_col {
                    if let Some(cell) = row.get_mut(c) {
                        cell.clone_from(&value);
                    }
                }
            }
        }
    }
    Ok(rows)
}

fn read_csv(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<String>>, TableError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Vietnamese Excel saves "CSV" as Windows-1258 (tones as combining marks, made NFC by `clean`).
    let decoded;
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(_) => {
            let (t, _, had_errors) = encoding_rs::WINDOWS_1258.decode(body);
            if had_errors {
                return Err(TableError::NotUtf8);
            }
            decoded = t;
            &decoded
        }
    };
    let first = text.lines().next().unwrap_or("");
    let delim = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|_| TableError::BadCsv)?;
        if rows.len() > limits.max_rows {
            return Err(TableError::TooManyRows {
                max: limits.max_rows,
            });
        }
        if rec.len() > limits.max_cols {
            return Err(TableError::TooManyColumns {
                max: limits.max_cols,
            });
        }
        rows.push(rec.iter().map(parindex_domain::text::clean).collect());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn csv_with_bom_semicolons_and_nfd_text() {
        let data = "\u{feff}Họ và tên;Email\nNguye\u{302}\u{303}n  Văn A ; a@x.vn\n\n".as_bytes();
        let rows = read(data, Limits::default()).expect("rows");
        assert_eq!(
            rows,
            vec![vec!["Họ và tên", "Email"], vec!["Nguyễn Văn A", "a@x.vn"]]
        );
    }

    #[test]
    fn windows_1258_csv_as_vietnamese_excel_writes_it() {
        // "Nguyễn Đức" in Windows-1258: ê (0xEA) + combining tilde (0xDE); Đ (0xD0), ư (0xFD) +
        // combining acute (0xEC).
        let data = b"H\xD2 t\xEAn\nNguy\xEA\xDEn \xD0\xFD\xECc\n";
        let rows = read(data, Limits::default()).expect("rows");
        assert_eq!(rows[1], vec!["Nguyễn Đức"]);
    }

    #[test]
    fn merged_cells_fill_their_whole_region() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "name").expect("write");
        ws.write_string(0, 1, "org").expect("write");
        for r in 1..=3 {
            ws.write_string(r, 0, format!("p{r}")).expect("write");
        }
        ws.merge_range(1, 1, 3, 1, "Sở Nội vụ", &rust_xlsxwriter::Format::new())
            .expect("merge");
        let bytes = wb.save_to_buffer().expect("save");
        let rows = read(&bytes, Limits::default()).expect("rows");
        assert!(rows[1..].iter().all(|r| r[1] == "Sở Nội vụ"), "{rows:?}");
    }

    #[test]
    fn xlsx_numbers_become_plain_text() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "phone").expect("write");
        ws.write_number(1, 0, 912_345_678.0).expect("write");
        let bytes = wb.save_to_buffer().expect("save");
        let rows = read(&bytes, Limits::default()).expect("rows");
        assert_eq!(rows, vec![vec!["phone"], vec!["912345678"]]);
    }

    #[test]
    fn limits_are_enforced_before_and_after_parsing() {
        let big = vec![b'a'; 100];
        assert_eq!(
            read(
                &big,
                Limits {
                    max_bytes: 10,
                    ..Limits::default()
                }
            ),
            Err(TableError::TooLarge { max: 10 })
        );
        let many = "a\n".repeat(50);
        assert_eq!(
            read(
                many.as_bytes(),
                Limits {
                    max_rows: 10,
                    ..Limits::default()
                }
            ),
            Err(TableError::TooManyRows { max: 10 })
        );
        assert_eq!(
            read(b"PK\x03\x04garbage", Limits::default()),
            Err(TableError::BadSpreadsheet)
        );
        assert_eq!(
            read(b"\xff\xfe\x00a", Limits::default()),
            Err(TableError::UnknownType)
        );
        assert_eq!(
            read(b"\x81\x8a", Limits::default()),
            Err(TableError::Empty),
            "not UTF-8, so read as Windows-1258: control characters only"
        );
        assert_eq!(read(b"", Limits::default()), Err(TableError::Empty));
    }

    #[test]
    fn a_zip_bomb_and_a_huge_declared_sheet_are_refused_before_parsing() {
        // 70 MiB of zeros compress to a few dozen KiB: refused by its declared size.
        let mut bomb = Vec::new();
        {
            let mut w = zip::ZipWriter::new(Cursor::new(&mut bomb));
            w.start_file(
                "xl/worksheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .expect("start");
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..70 {
                std::io::Write::write_all(&mut w, &zeros).expect("write");
            }
            w.finish().expect("finish");
        }
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        assert_eq!(
            read(&bomb, Limits::default()),
            Err(TableError::TooLargeExpanded {
                max: MAX_EXPANDED_BYTES
            })
        );
        assert_eq!(
            declared_dimension("<dimension ref=\"A1:AB20002\"/>"),
            Some((20002, 28))
        );
        assert_eq!(declared_dimension("<dimension ref=\"A1\"/>"), Some((1, 1)));
        assert_eq!(declared_dimension("<sheetData>"), None);
        let mut big = Vec::new();
        {
            let mut w = zip::ZipWriter::new(Cursor::new(&mut big));
            w.start_file(
                "xl/worksheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .expect("start");
            std::io::Write::write_all(
                &mut w,
                b"<worksheet><dimension ref=\"A1:C1000000\"/><sheetData/></worksheet>",
            )
            .expect("write");
            w.finish().expect("finish");
        }
        assert_eq!(
            read(&big, Limits::default()),
            Err(TableError::TooManyRows { max: 20_000 })
        );
    }

    /// Sets the uncompressed size of every entry, in the local headers and the central directory,
    /// to `size`: an archive that lies about what it expands to.
    fn lie_about_sizes(zip: &mut [u8], size: u32) {
        let mut i = 0;
        while i + 4 <= zip.len() {
            match &zip[i..i + 4] {
                b"PK\x03\x04" => zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
                b"PK\x01\x02" => zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
                _ => {}
            }
            i += 1;
        }
    }

    #[test]
    fn a_zip_bomb_that_lies_about_its_size_is_refused_without_inflating_it() {
        // A real workbook holding 19 MB of text, then told to claim 200 bytes an entry.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Họ và tên").expect("cell");
        let padding = " ".repeat(30_000);
        for r in 1..640u32 {
            sheet
                .write_string(r, 0, format!("{r}{padding}"))
                .expect("cell");
        }
        let real = book.save_to_buffer().expect("xlsx");
        let mut bomb = real.clone();
        lie_about_sizes(&mut bomb, 200);
        assert!(real.len() < 1024 * 1024, "{} bytes", real.len());
        // The declared sizes pass the guard; reading stops one byte past the declared size and the
        // file is refused instead of being inflated.
        assert_eq!(
            read(&bomb, Limits::default()),
            Err(TableError::BadSpreadsheet)
        );
        assert!(
            read(&real, Limits::default()).is_ok(),
            "the honest file reads"
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = read(&bytes, Limits::default());
        }

        #[test]
        fn never_panics_on_zip_like_prefixes(tail in proptest::collection::vec(any::<u8>(), 0..500)) {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend(tail);
            let _ = read(&bytes, Limits::default());
        }
    }
}
