//! Files sent to the browser as downloads: always attachments, with an RFC 6266 file name that keeps
//! Vietnamese names readable.

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// RFC 6266 `filename*` with percent-encoded UTF-8, plus an ASCII fallback.
pub(crate) fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::render_error::urlencode(name);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `bytes` as a download named `name`. Sandboxed with no sources allowed, so that even a browser
/// that displays it instead of saving it runs nothing in it.
pub(crate) fn attachment(
    content_type: &str,
    name: &str,
    bytes: impl Into<axum::body::Body>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
        ],
        bytes.into(),
    )
        .into_response()
}

/// A spreadsheet download.
pub(crate) fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    attachment(XLSX, name, bytes)
}

/// One table as a spreadsheet download named `name`: a bold header row, then `rows`, on a sheet
/// named `sheet`.
pub(crate) fn xlsx_table(
    name: &str,
    sheet: &str,
    headers: &[String],
    rows: &[Vec<parindex_import::sheet::Cell>],
) -> crate::error::AppResult<Response> {
    let bytes = parindex_import::sheet::table(sheet, headers, rows)
        .map_err(|e| crate::error::AppError::internal(format!("building the sheet {name}"), e))?;
    Ok(xlsx(name, bytes))
}
