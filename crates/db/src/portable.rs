//! Code written once for both kinds of write transaction: a sqlx one ([`Tx`], either engine) and an
//! inline SQLite one ([`InlineTx`], see [`crate::inline`]).
//!
//! Such code takes any [`Conn`]: its statements are [`Step`]s, and its reads name the kind of each
//! column they return. The inline implementation does its work before it returns, so code running
//! on it never waits and ends at its first poll ([`finish_inline`]); the same code on a [`Tx`] awaits
//! sqlx as any other query does.

use crate::error::{DbError, DbResult};
use crate::pool::{Engine, Tx};
use crate::steps::{Param, Step};
use futures_util::FutureExt;
use sqlx::Row;

/// The kind of a column a read returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Text,
}

/// One column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    pub(crate) fn int(&self) -> DbResult<i64> {
        match self {
            Value::Int(Some(v)) => Ok(*v),
            other => Err(DbError::Other(format!("expected a number, read {other:?}"))),
        }
    }

    pub(crate) fn text(self) -> DbResult<String> {
        self.maybe_text()?
            .ok_or_else(|| DbError::Other("expected a text, read NULL".into()))
    }

    /// A text that may be NULL.
    pub(crate) fn maybe_text(self) -> DbResult<Option<String>> {
        match self {
            Value::Text(v) => Ok(v),
            other => Err(DbError::Other(format!("expected a text, read {other:?}"))),
        }
    }
}

/// A row read as exactly `N` columns.
pub(crate) fn columns<const N: usize>(row: Vec<Value>) -> DbResult<[Value; N]> {
    let width = row.len();
    <[Value; N]>::try_from(row)
        .map_err(|_| DbError::Other(format!("expected {N} columns, read {width}")))
}

/// One row's columns decoded as `kinds` says, by `int` and `text` (each engine's column getters).
fn decode<E>(
    kinds: &[Kind],
    mut int: impl FnMut(usize) -> Result<Option<i64>, E>,
    mut text: impl FnMut(usize) -> Result<Option<String>, E>,
) -> Result<Vec<Value>, E> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| match k {
            Kind::Int => int(i).map(Value::Int),
            Kind::Text => text(i).map(Value::Text),
        })
        .collect()
}

/// A write transaction that code can be written once for.
pub(crate) trait Conn {
    fn engine(&self) -> Engine;

    /// Runs `step`; the rows it changed. A step that must change a row and changed none is
    /// refused as stale.
    async fn execute(&mut self, step: &Step) -> DbResult<u64>;

    /// The rows `sql` reads, each column decoded as `kinds` says.
    async fn rows(
        &mut self,
        sql: &str,
        params: &[Param],
        kinds: &[Kind],
    ) -> DbResult<Vec<Vec<Value>>>;
}

/// Binds `params` to a sqlx query, in order.
macro_rules! bind_all {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                Param::Int(v) => q.bind(*v),
                Param::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }};
}

impl Conn for Tx {
    fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(..) => Engine::Sqlite,
            Tx::Postgres(..) => Engine::Postgres,
        }
    }

    async fn execute(&mut self, step: &Step) -> DbResult<u64> {
        if let Tx::Postgres(_, deferred) = self
            && deferred.keep(step)
        {
            return Ok(1);
        }
        let changed = on_tx!(self, c => {
            let q = sqlx::query(sqlx::AssertSqlSafe(step.sql.to_string()));
            bind_all!(q, &step.params).execute(c).await.map(|r| r.rows_affected())
        })?;
        step.check(changed)?;
        Ok(changed)
    }

    async fn rows(
        &mut self,
        sql: &str,
        params: &[Param],
        kinds: &[Kind],
    ) -> DbResult<Vec<Vec<Value>>> {
        let rows = on_tx!(self, c => {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
            let rows = bind_all!(q, params).fetch_all(c).await?;
            rows.iter()
                .map(|r| decode(kinds, |i| r.try_get(i), |i| r.try_get(i)))
                .collect::<Result<Vec<_>, sqlx::Error>>()
        })?;
        Ok(rows)
    }
}

/// An inline SQLite write transaction, on this thread.
pub(crate) struct InlineTx<'a, 'c>(pub &'a rusqlite::Transaction<'c>);

impl InlineTx<'_, '_> {
    /// A prepared statement with `params` bound. SQLite numbers `$N` parameters by first
    /// appearance, so each is bound by its name, as sqlx binds them.
    fn prepare(&self, sql: &str, params: &[Param]) -> DbResult<rusqlite::CachedStatement<'_>> {
        let mut st = self.0.prepare_cached(sql)?;
        for i in 1..=st.parameter_count() {
            let n = st
                .parameter_name(i)
                .and_then(|name| name.strip_prefix('$'))
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| DbError::Other(format!("parameter {i} is not $N")))?;
            match params.get(n.wrapping_sub(1)) {
                Some(Param::Int(v)) => st.raw_bind_parameter(i, v)?,
                Some(Param::Text(v)) => st.raw_bind_parameter(i, v.as_str())?,
                None => return Err(DbError::Other(format!("no parameter ${n} given"))),
            }
        }
        Ok(st)
    }
}

impl Conn for InlineTx<'_, '_> {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    async fn execute(&mut self, step: &Step) -> DbResult<u64> {
        let mut st = self.prepare(&step.sql, &step.params)?;
        let changed = u64::try_from(st.raw_execute()?).unwrap_or(u64::MAX);
        step.check(changed)?;
        Ok(changed)
    }

    async fn rows(
        &mut self,
        sql: &str,
        params: &[Param],
        kinds: &[Kind],
    ) -> DbResult<Vec<Vec<Value>>> {
        let mut st = self.prepare(sql, params)?;
        let mut rows = st.raw_query();
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(decode(kinds, |i| r.get(i), |i| r.get(i))?);
        }
        Ok(out)
    }
}

/// Runs code written for [`Conn`] on an [`InlineTx`] to its end: it never waits, so one poll ends
/// it.
pub(crate) fn finish_inline<T>(fut: impl Future<Output = DbResult<T>>) -> DbResult<T> {
    fut.now_or_never()
        .unwrap_or_else(|| Err(DbError::Other("inline database code waited".into())))
}
