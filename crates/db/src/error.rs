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
    #[error("{0}")]
    Other(String),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                DbError::Conflict(d.constraint().unwrap_or("unique").to_string())
            }
            _ => DbError::Sqlx(e),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;
