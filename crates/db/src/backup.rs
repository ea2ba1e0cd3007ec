//! Online backup. SQLite: `VACUUM INTO` writes a consistent copy while the server runs.
//! PostgreSQL: use `pg_dump` (docs/operations.md), which this refuses with that advice.

use crate::error::{DbError, DbResult};
use crate::pool::Db;
use std::path::Path;

pub async fn sqlite_copy(db: &Db, dest: &Path) -> DbResult<()> {
    if dest.exists() {
        return Err(DbError::Other(format!(
            "{} already exists; choose a new file",
            dest.display()
        )));
    }
    match db {
        Db::Sqlite(p, _) => {
            let path = dest.to_string_lossy().to_string();
            sqlx::query("VACUUM INTO $1").bind(path).execute(p).await?;
            Ok(())
        }
        Db::Postgres(_) => Err(DbError::Other(
            "PostgreSQL is backed up with pg_dump: see docs/operations.md".into(),
        )),
    }
}
