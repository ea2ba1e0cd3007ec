//! Reading one uploaded file from a multipart form. The request body limit bounds it; a missing or
//! empty file is refused with a message.

use crate::error::{AppError, AppResult};
use axum::extract::Multipart;

/// The bytes of the form's field `name` (its first occurrence).
pub(crate) async fn file_field(mut mp: Multipart, name: &str) -> AppResult<Vec<u8>> {
    while let Some(field) = mp.next_field().await.map_err(AppError::multipart)? {
        if field.name() == Some(name) {
            let bytes = field.bytes().await.map_err(AppError::multipart)?;
            if bytes.is_empty() {
                break;
            }
            return Ok(bytes.to_vec());
        }
    }
    Err(AppError::BadRequest("import-no-file"))
}

/// The same, as UTF-8 text (data files such as groups and questionnaires).
pub(crate) async fn text_field(mp: Multipart, name: &str) -> AppResult<String> {
    String::from_utf8(file_field(mp, name).await?)
        .map_err(|_| AppError::BadRequest("import-not-utf8"))
}

/// A file size as people read it: "12 KB", "3.4 MB".
pub(crate) fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!(
            "{}.{} MB",
            bytes / (1024 * 1024),
            (bytes % (1024 * 1024)) * 10 / (1024 * 1024)
        )
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}
