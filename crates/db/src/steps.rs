//! A write as data: statements and their parameters, run the same way on either engine.
//!
//! The respondent path's simplest writes (starting, saving a page, recording an event) are built
//! once as [`Step`]s. Through sqlx each statement is a round trip to the connection; on SQLite in a
//! file the same steps run on this thread through [`crate::inline`], a whole batch without a single
//! thread switch. Either way they run inside the caller's transaction, so what a step means is
//! written in one place.

use crate::error::{DbError, DbResult};
use crate::pool::Tx;
use crate::portable::{Conn, InlineTx, finish_inline};

/// One parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Int(Option<i64>),
    Text(String),
}

impl From<i64> for Param {
    fn from(v: i64) -> Param {
        Param::Int(Some(v))
    }
}

impl From<Option<i64>> for Param {
    fn from(v: Option<i64>) -> Param {
        Param::Int(v)
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Param {
        Param::Text(v.to_string())
    }
}

/// One statement with its parameters (`$1`, `$2`, … in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Fixed statements are borrowed, built ones owned: a request copies no fixed text.
    pub sql: std::borrow::Cow<'static, str>,
    pub params: Vec<Param>,
    /// Changing no row means the record moved on meanwhile: the write is refused as stale.
    pub must_change: bool,
    /// On PostgreSQL, the statement that adds this row with others at commit ([`crate::bulk`]).
    pub bulk: Option<&'static str>,
}

impl Step {
    pub fn new(sql: impl Into<std::borrow::Cow<'static, str>>, params: Vec<Param>) -> Step {
        Step {
            sql: sql.into(),
            params,
            must_change: false,
            bulk: None,
        }
    }

    /// On PostgreSQL, written at commit with the transaction's other rows of its kind, by `bulk`:
    /// an `INSERT … SELECT * FROM unnest(…)` taking one array per parameter of this step, in order
    /// ([`crate::bulk`]). Only for an insert that nothing in its transaction reads back; it counts
    /// as one row changed.
    pub fn at_commit(mut self, bulk: &'static str) -> Step {
        debug_assert!(
            !self.must_change,
            "a row written at commit changes no row yet"
        );
        self.bulk = Some(bulk);
        self
    }

    /// Refused with [`DbError::Stale`] if it changes no row.
    pub fn must_change(mut self) -> Step {
        self.must_change = true;
        self
    }

    pub(crate) fn check(&self, changed: u64) -> DbResult<()> {
        if self.must_change && changed == 0 {
            return Err(DbError::Stale);
        }
        Ok(())
    }
}

/// Runs `steps` in `tx`, through sqlx.
pub async fn run_tx(tx: &mut Tx, steps: &[Step]) -> DbResult<()> {
    for s in steps {
        tx.execute(s).await?;
    }
    Ok(())
}

/// Runs `steps` in `tx`, an inline SQLite transaction on this thread.
pub fn run_inline(tx: &rusqlite::Transaction<'_>, steps: &[Step]) -> DbResult<()> {
    let mut on = InlineTx(tx);
    finish_inline(async move {
        for s in steps {
            on.execute(s).await?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::Db;

    async fn db_with_table(dir: &tempfile::TempDir) -> Db {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("connect");
        if let Db::Sqlite(p, _) = &db {
            sqlx::query("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
                .execute(p)
                .await
                .expect("create");
        }
        db
    }

    async fn rows(db: &Db) -> Vec<(i64, String)> {
        on_pool!(db, p => sqlx::query_as("SELECT a, b FROM t ORDER BY a").fetch_all(p).await)
            .expect("read")
    }

    #[tokio::test]
    async fn inline_steps_bind_by_name_and_a_refused_step_rolls_the_batch_back() {
        let dir = tempfile::tempdir().expect("dir");
        let db = db_with_table(&dir).await;
        assert!(
            db.inline().is_some(),
            "a file database has inline connections"
        );
        // `$2` comes first in the text: SQLite would number it 1.
        let insert = |a: i64, b: &str| {
            Step::new(
                "INSERT INTO t (b, a) VALUES ($2, $1)",
                vec![a.into(), b.into()],
            )
        };
        let first = [insert(1, "one")];
        let writes = crate::write_queue::WriteQueue::new(db.clone());
        writes.steps(first.to_vec()).await.expect("insert");
        assert_eq!(rows(&db).await, vec![(1, "one".to_string())]);

        let rename = Step::new(
            "UPDATE t SET b = $2 WHERE a = $1",
            vec![7.into(), "seven".into()],
        )
        .must_change();
        let second = [insert(2, "two"), rename];
        let out = writes.steps(second.to_vec()).await;
        assert!(matches!(out, Err(DbError::Stale)), "{out:?}");
        assert_eq!(rows(&db).await, vec![(1, "one".to_string())], "rolled back");

        // The same steps through sqlx give the same rows.
        let mut tx = db.begin().await.expect("begin");
        run_tx(&mut tx, &[insert(3, "three")]).await.expect("sqlx");
        tx.commit().await.expect("commit");
        assert_eq!(rows(&db).await.len(), 2);
        let read = db
            .inline()
            .expect("inline")
            .read(|c| c.query_row("SELECT b FROM t WHERE a = 3", [], |r| r.get::<_, String>(0)))
            .expect("inline read");
        assert_eq!(read, "three");
    }
}
