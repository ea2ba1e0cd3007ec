//! Online backup and the checks after a restore. SQLite: `VACUUM INTO` writes a consistent copy
//! while the server runs. PostgreSQL is backed up with `pg_dump` (the binary runs it), which this
//! refuses with that advice.

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
        Db::Postgres(..) => Err(DbError::Other(
            "PostgreSQL is backed up with pg_dump: see docs/operations.md".into(),
        )),
    }
}

/// SQLite's own check of a database file: `ok`, or what is damaged. PostgreSQL: always `ok`.
pub async fn integrity_check(db: &Db) -> DbResult<String> {
    match db {
        Db::Sqlite(p, _) => {
            let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check")
                .fetch_one(p)
                .await?;
            Ok(ok)
        }
        Db::Postgres(..) => Ok("ok".into()),
    }
}

/// How many tables the database has (a restore goes into an empty one).
pub async fn table_count(db: &Db) -> DbResult<i64> {
    let (n,): (i64,) = match db {
        Db::Sqlite(p, _) => {
            sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                .fetch_one(p)
                .await?
        }
        Db::Postgres(p, _) => {
            sqlx::query_as(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_one(p)
            .await?
        }
    };
    Ok(n)
}
