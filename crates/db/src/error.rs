//! Database errors, with the cases the web edge turns into user messages.

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the string names what clashed.
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Sqlx(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The record was changed by someone else meanwhile (e.g. a report approved while being edited).
    #[error("changed meanwhile")]
    Stale,
    /// The action's own rule refused it, checked against the state read in the transaction; the key
    /// names the message for the user. Nothing was written.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The unit's deadline for this kind of action (with any extension) has passed: nothing was
    /// written.
    #[error("closed: the {} deadline was {day}", kind.as_str())]
    Closed {
        kind: parindex_domain::DeadlineKind,
        day: time::Date,
    },
    /// The database cannot be reached now (restarting, unreachable, every connection busy). Nothing
    /// was written; the same request can be tried again shortly.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The disk under the database is full: the write was refused and rolled back.
    #[error("storage full: {0}")]
    StorageFull(String),
    #[error("{0}")]
    Other(String),
}

/// SQLite's primary result code for "database or disk is full".
const SQLITE_FULL: i64 = 13;
/// SQLite's primary result code for "database is locked" after the busy timeout.
const SQLITE_BUSY: i64 = 5;
/// The OS error number of "no space left on device" (Linux, BSD and macOS agree).
const ENOSPC: i32 = 28;

/// Which PostgreSQL SQLSTATE means which kind of fault: class 08 is a connection failure; 57P01–57P03
/// a server shutting down or starting; 53300 too many connections; 53100 a full disk.
fn classify_sqlstate(code: &str) -> Option<fn(String) -> DbError> {
    if code == "53100" {
        return Some(DbError::StorageFull);
    }
    if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300") {
        return Some(DbError::Unavailable);
    }
    None
}

/// Which SQLite result code means which kind of fault. SQLite reports extended codes; the low byte
/// is the primary one.
fn classify_sqlite(code: &str) -> Option<fn(String) -> DbError> {
    match code.parse::<i64>().map(|c| c & 0xff) {
        Ok(SQLITE_FULL) => Some(DbError::StorageFull),
        Ok(SQLITE_BUSY) => Some(DbError::Unavailable),
        _ => None,
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                DbError::Conflict(d.constraint().unwrap_or("unique").to_string())
            }
            sqlx::Error::Database(d) => {
                let classify = if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    classify_sqlite
                } else {
                    classify_sqlstate
                };
                match d.code().as_deref().and_then(classify) {
                    Some(kind) => kind(d.message().to_string()),
                    None => DbError::Sqlx(e),
                }
            }
            sqlx::Error::Io(io) if io.raw_os_error() == Some(ENOSPC) => {
                DbError::StorageFull(io.to_string())
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => DbError::Unavailable(e.to_string()),
            _ => DbError::Sqlx(e),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_told_apart_by_their_codes() {
        let pg = |c: &str| classify_sqlstate(c).map(|f| f(String::new()));
        let lite = |c: &str| classify_sqlite(c).map(|f| f(String::new()));
        assert!(matches!(pg("53100"), Some(DbError::StorageFull(_))));
        assert!(matches!(pg("57P01"), Some(DbError::Unavailable(_))));
        assert!(matches!(pg("08006"), Some(DbError::Unavailable(_))));
        assert!(pg("23505").is_none());
        // Found by the crafted-input walk: 22021 (a NUL in text) is not SQLite's 5 (busy).
        assert!(pg("22021").is_none());
        assert!(matches!(lite("13"), Some(DbError::StorageFull(_))));
        assert!(matches!(lite("5"), Some(DbError::Unavailable(_))));
        assert!(matches!(lite("517"), Some(DbError::Unavailable(_)))); // SQLITE_BUSY_SNAPSHOT
        assert!(lite("19").is_none());
        assert!(lite("2067").is_none()); // SQLITE_CONSTRAINT_UNIQUE
    }

    #[test]
    fn a_full_disk_under_io_is_storage_full() {
        let e = DbError::from(sqlx::Error::Io(std::io::Error::from_raw_os_error(ENOSPC)));
        assert!(matches!(e, DbError::StorageFull(_)));
        let e = DbError::from(sqlx::Error::PoolTimedOut);
        assert!(matches!(e, DbError::Unavailable(_)));
    }
}
