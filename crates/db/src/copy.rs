//! Moving an installation from SQLite to PostgreSQL: every table of the SQLite database is copied
//! into an empty, migrated PostgreSQL database, ids kept, in the order the foreign keys need, inside
//! one PostgreSQL transaction (all or nothing), from one consistent SQLite snapshot. Then it is
//! checked: each table has the same rows on both sides (the count, and a SHA-256 over every row
//! read the same way from each), and the audit chain verifies on PostgreSQL with the same number of
//! entries and the same last hash.

use crate::error::{DbError, DbResult};
use crate::pool::Db;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// How a column is typed on PostgreSQL, which decides how its SQLite value is read and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Bool,
    Text,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    identity: Option<String>,
}

/// One table as copied and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub tables: Vec<Copied>,
    pub audit_entries: u64,
}

/// A value on its way across.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
}

impl Value {
    /// The value in the row digest: the same for the same value on either engine.
    fn digest(&self, h: &mut Sha256) {
        match self {
            Value::Null => h.update(b"\x00N"),
            Value::Int(i) => h.update(format!("\x00I{i}")),
            Value::Bool(b) => h.update(if *b { "\x00T" } else { "\x00F" }),
            Value::Text(t) => {
                h.update(format!("\x00S{}:", t.len()));
                h.update(t.as_bytes());
            }
        }
    }
}

/// Tables the migrations give one row of their own (the audit chain's head); in an empty database
/// that row is there, and the copy replaces it with the source's.
const SEEDED: [&str; 1] = ["audit_head"];

/// Rows per INSERT (PostgreSQL takes at most 65,535 parameters in one statement).
const CHUNK_PARAMS: usize = 30_000;

/// The application's tables on PostgreSQL, parents before children.
async fn tables(pg: &sqlx::PgPool) -> DbResult<Vec<Table>> {
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_identity::text \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name <> '_sqlx_migrations' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pg)
    .await?;
    let mut by_name: BTreeMap<String, Table> = BTreeMap::new();
    for (table, column, data_type, identity) in cols {
        let kind = match data_type.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "boolean" => Kind::Bool,
            "text" | "character varying" => Kind::Text,
            other => {
                return Err(DbError::Other(format!(
                    "{table}.{column} is of type {other}, which the copy does not know"
                )));
            }
        };
        let t = by_name.entry(table.clone()).or_insert_with(|| Table {
            name: table,
            columns: Vec::new(),
            identity: None,
        });
        if identity == "YES" {
            t.identity = Some(column.clone());
        }
        t.columns.push((column, kind));
    }
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT tc.table_name::text, ccu.table_name::text \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.constraint_column_usage ccu \
           ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema \
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'",
    )
    .fetch_all(pg)
    .await?;
    // Parents first: a table is placed once every table it refers to is (references to itself are
    // satisfied by copying in id order).
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    while placed.len() < by_name.len() {
        let ready: Vec<String> = by_name
            .keys()
            .filter(|t| !placed.contains(*t))
            .filter(|t| {
                edges
                    .iter()
                    .filter(|(child, parent)| child == *t && parent != *t)
                    .all(|(_, parent)| placed.contains(parent))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(DbError::Other(
                "the tables' foreign keys form a cycle".into(),
            ));
        }
        for t in ready {
            placed.insert(t.clone());
            if let Some(table) = by_name.get(&t) {
                order.push(table.clone());
            }
        }
    }
    Ok(order)
}

fn select_sql(t: &Table) -> String {
    let cols: Vec<String> = t.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let order = match &t.identity {
        Some(id) => format!("\"{id}\""),
        None => "1".into(),
    };
    format!(
        "SELECT {} FROM \"{}\" ORDER BY {order}",
        cols.join(", "),
        t.name
    )
}

/// Column `i` of a row from either engine, read as its PostgreSQL type says. (SQLite's integers
/// read as i64; PostgreSQL's `integer` columns only as i32.)
fn value<R>(row: &R, i: usize, kind: Kind) -> DbResult<Value>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(match kind {
        Kind::Int => row
            .try_get::<Option<i64>, _>(i)
            .or_else(|_| row.try_get::<Option<i32>, _>(i).map(|v| v.map(i64::from)))?
            .map_or(Value::Null, Value::Int),
        Kind::Bool => row
            .try_get::<Option<bool>, _>(i)?
            .map_or(Value::Null, Value::Bool),
        Kind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::Text),
    })
}

/// The SHA-256 of each row of `t` that `rows` yields, sorted: the table's content whatever order
/// and collation the engine reads it in.
async fn row_hashes<R, S>(rows: S, t: &Table) -> DbResult<Vec<Vec<u8>>>
where
    S: futures_util::Stream<Item = Result<R, sqlx::Error>>,
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut rows = std::pin::pin!(rows);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await? {
        let mut h = Sha256::new();
        for (i, (_, kind)) in t.columns.iter().enumerate() {
            value(&row, i, *kind)?.digest(&mut h);
        }
        out.push(h.finalize().to_vec());
    }
    out.sort_unstable();
    Ok(out)
}

/// Inserts `rows` of `t` on PostgreSQL, keeping identity values.
async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    t: &Table,
    int4: &BTreeSet<String>,
    rows: &[Vec<Value>],
) -> DbResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let cols: Vec<String> = t.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let mut sql = format!("INSERT INTO \"{}\" ({})", t.name, cols.join(", "));
    if t.identity.is_some() {
        sql.push_str(" OVERRIDING SYSTEM VALUE");
    }
    sql.push_str(" VALUES ");
    let n = t.columns.len();
    for r in 0..rows.len() {
        if r > 0 {
            sql.push(',');
        }
        let marks: Vec<String> = (1..=n).map(|k| format!("${}", r * n + k)).collect();
        sql.push('(');
        sql.push_str(&marks.join(", "));
        sql.push(')');
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (v, (column, kind)) in row.iter().zip(&t.columns) {
            let small = int4.contains(&format!("{}.{column}", t.name));
            q = match (v, kind) {
                (Value::Int(i), _) if small => q.bind(i32::try_from(*i).map_err(|_| {
                    DbError::Other(format!("{}.{column}: {i} does not fit", t.name))
                })?),
                (Value::Int(i), _) => q.bind(*i),
                (Value::Bool(b), _) => q.bind(*b),
                (Value::Text(s), _) => q.bind(s.clone()),
                (Value::Null, Kind::Int) if small => q.bind(None::<i32>),
                (Value::Null, Kind::Int) => q.bind(None::<i64>),
                (Value::Null, Kind::Bool) => q.bind(None::<bool>),
                (Value::Null, Kind::Text) => q.bind(None::<String>),
            };
        }
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Copies `src` (SQLite) into `dst` (PostgreSQL, migrated, empty), then checks the copy. `progress`
/// is told each table's name and rows as it is done.
pub async fn sqlite_to_postgres(
    src: &Db,
    dst: &Db,
    progress: &mut (dyn FnMut(&str, u64) + Send),
) -> DbResult<Report> {
    let (Db::Sqlite(lite, _), Db::Postgres(pg, _)) = (src, dst) else {
        return Err(DbError::Other(
            "the copy goes from a SQLite database to a PostgreSQL one".into(),
        ));
    };
    let versions = |rows: Vec<(i64,)>| rows.into_iter().map(|(v,)| v).collect::<Vec<_>>();
    let from: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(lite)
            .await?;
    let to: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pg)
            .await?;
    if versions(from) != versions(to) {
        return Err(DbError::Other(
            "the two databases are at different migrations: run `parindex migrate` on both with this binary".into(),
        ));
    }
    let tables = tables(pg).await?;
    for t in &tables {
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", t.name);
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(pg)
            .await?;
        if n > i64::from(SEEDED.contains(&t.name.as_str())) {
            return Err(DbError::Other(format!(
                "the PostgreSQL database is not empty ({} has {n} rows); copy into a new database",
                t.name
            )));
        }
    }
    let int4: BTreeSet<String> = {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('integer', 'smallint')",
        )
        .fetch_all(pg)
        .await?;
        rows.into_iter().map(|(t, c)| format!("{t}.{c}")).collect()
    };

    // One read transaction on one connection: a consistent snapshot of the whole SQLite database.
    let mut reader = lite.acquire().await?;
    sqlx::query("BEGIN").execute(&mut *reader).await?;
    let mut tx = pg.begin().await?;
    for t in SEEDED {
        let sql = format!("DELETE FROM \"{t}\"");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?;
    }
    let mut copied = Vec::new();
    for t in &tables {
        let per_chunk = (CHUNK_PARAMS / t.columns.len().max(1)).max(1);
        let mut rows_out = 0u64;
        let mut chunk: Vec<Vec<Value>> = Vec::with_capacity(per_chunk);
        {
            let sql = select_sql(t);
            let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *reader);
            while let Some(row) = stream.try_next().await? {
                let mut values = Vec::with_capacity(t.columns.len());
                for (i, (_, kind)) in t.columns.iter().enumerate() {
                    values.push(value(&row, i, *kind)?);
                }
                chunk.push(values);
                if chunk.len() == per_chunk {
                    insert(&mut tx, t, &int4, &chunk).await?;
                    rows_out += chunk.len() as u64;
                    chunk.clear();
                }
            }
        }
        insert(&mut tx, t, &int4, &chunk).await?;
        rows_out += chunk.len() as u64;
        if let Some(id) = &t.identity {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('\"{0}\"', '{1}'), \
                 COALESCE((SELECT MAX(\"{1}\") FROM \"{0}\"), 0) + 1, false)",
                t.name, id
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
        }
        progress(&t.name, rows_out);
        copied.push(rows_out);
    }
    tx.commit().await?;

    // The check: the same rows on both sides, read by the same code, and the audit chain. Each
    // row is hashed, and the table's digest is the hash of its rows' hashes in sorted order, so
    // the two engines' row orders (and text collations) do not matter.
    let mut report = Vec::new();
    for (t, rows) in tables.iter().zip(copied) {
        let sql = format!(
            "SELECT {} FROM \"{}\"",
            t.columns
                .iter()
                .map(|(c, _)| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            t.name
        );
        let from = row_hashes(
            sqlx::query(sqlx::AssertSqlSafe(sql.clone())).fetch(&mut *reader),
            t,
        )
        .await?;
        let to = row_hashes(sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(pg), t).await?;
        let digest = |rows: Vec<Vec<u8>>| {
            let mut h = Sha256::new();
            for r in &rows {
                h.update(r);
            }
            (rows.len() as u64, hex::encode(h.finalize()))
        };
        let ((na, da), (nb, db)) = (digest(from), digest(to));
        if na != nb || na != rows || da != db {
            return Err(DbError::Other(format!(
                "{}: the copy differs ({na} rows in SQLite, {nb} in PostgreSQL)",
                t.name
            )));
        }
        report.push(Copied {
            table: t.name.clone(),
            rows,
            sha256: db,
        });
    }
    sqlx::query("COMMIT").execute(&mut *reader).await?;
    let from = crate::audit::verify(src).await?;
    let to = crate::audit::verify(dst).await?;
    if to.first_break.is_some() || to.checked != from.checked {
        return Err(DbError::Other(format!(
            "the audit chain does not hold on PostgreSQL ({} of {} entries verified)",
            to.checked, from.checked
        )));
    }
    Ok(Report {
        tables: report,
        audit_entries: to.checked,
    })
}
