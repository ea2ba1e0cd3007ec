//! Rows added at commit, many in one statement: on PostgreSQL a transaction's inserts of the same
//! kind (the respondent path's paradata) wait in the transaction and are written together just
//! before it commits, as one `INSERT … SELECT FROM unnest(…)` with one array per column.
//!
//! Each statement is a round trip to the server and a turn of its executor; a batch of the write
//! queue holding thirty events would otherwise make thirty of each. A row written this way is in
//! the transaction's commit like any other, so nothing acknowledged is lost; only its statement
//! comes later. So a step may be written this way only if nothing in its transaction reads its
//! row back, and it cannot fail on its own for a reason another row would not share (a failing
//! flush fails the whole batch, whose pieces then run alone, each flushing only its own rows).
//! SQLite runs the same steps one by one, where a statement costs no round trip.

use crate::error::{DbError, DbResult};
use crate::steps::{Param, Step};

/// The rows a PostgreSQL transaction adds at commit, in the order they came.
#[derive(Debug, Default)]
pub struct Deferred {
    rows: Vec<(&'static str, Vec<Param>)>,
}

/// One column of a flush: the same column of every row of one statement.
enum Column {
    Int(Vec<Option<i64>>),
    Text(Vec<String>),
}

impl Deferred {
    /// Keeps `step`'s row for the flush; `false` if it is not a step written at commit.
    pub(crate) fn keep(&mut self, step: &Step) -> bool {
        let Some(sql) = step.bulk else {
            return false;
        };
        self.rows.push((sql, step.params.clone()));
        true
    }

    /// The statements to run, one per kind of row, each with its columns: in the order each kind
    /// first came, every kind's rows in the order they came.
    fn statements(&mut self) -> DbResult<Vec<(&'static str, Vec<Column>)>> {
        let mut out: Vec<(&'static str, Vec<Column>)> = Vec::new();
        for (sql, params) in self.rows.drain(..) {
            let at = match out.iter().position(|(s, _)| *s == sql) {
                Some(i) => i,
                None => {
                    let columns = params
                        .iter()
                        .map(|p| match p {
                            Param::Int(_) => Column::Int(Vec::new()),
                            Param::Text(_) => Column::Text(Vec::new()),
                        })
                        .collect();
                    out.push((sql, columns));
                    out.len() - 1
                }
            };
            let columns = &mut out[at].1;
            if columns.len() != params.len() {
                return Err(DbError::Other(format!("rows of unequal width for {sql}")));
            }
            for (column, p) in columns.iter_mut().zip(params) {
                match (column, p) {
                    (Column::Int(c), Param::Int(v)) => c.push(v),
                    (Column::Text(c), Param::Text(v)) => c.push(v),
                    _ => return Err(DbError::Other(format!("a column of two kinds for {sql}"))),
                }
            }
        }
        Ok(out)
    }

    /// Writes every row kept, on `c`, the transaction they belong to.
    pub(crate) async fn flush(&mut self, c: &mut sqlx::PgConnection) -> DbResult<()> {
        for (sql, columns) in self.statements()? {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for column in columns {
                q = match column {
                    Column::Int(v) => q.bind(v),
                    Column::Text(v) => q.bind(v),
                };
            }
            q.execute(&mut *c).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "INSERT INTO a SELECT * FROM unnest($1::int8[], $2::text[])";
    const B: &str = "INSERT INTO b SELECT * FROM unnest($1::int8[])";

    fn row(sql: &'static str, params: Vec<Param>) -> Step {
        Step::new("unused", params).at_commit(sql)
    }

    #[test]
    fn rows_become_one_statement_per_kind_in_the_order_they_came() {
        let mut d = Deferred::default();
        assert!(!d.keep(&Step::new("UPDATE t SET x = 1", vec![])));
        assert!(d.keep(&row(A, vec![1.into(), "x".into()])));
        assert!(d.keep(&row(B, vec![None.into()])));
        assert!(d.keep(&row(A, vec![2.into(), "y".into()])));
        let st = d.statements().expect("statements");
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].0, A);
        assert_eq!(st[1].0, B);
        match (&st[0].1[0], &st[0].1[1], &st[1].1[0]) {
            (Column::Int(ids), Column::Text(names), Column::Int(b)) => {
                assert_eq!(ids, &vec![Some(1), Some(2)]);
                assert_eq!(names, &vec!["x".to_string(), "y".to_string()]);
                assert_eq!(b, &vec![None]);
            }
            _ => panic!("columns of the wrong kinds"),
        }
        assert!(
            d.statements().expect("again").is_empty(),
            "a flush empties it"
        );
    }

    #[test]
    fn rows_that_disagree_on_a_column_are_refused() {
        let mut d = Deferred::default();
        d.keep(&row(A, vec![1.into(), "x".into()]));
        d.keep(&row(A, vec!["1".into(), "x".into()]));
        assert!(d.statements().is_err());
        assert!(
            d.statements().expect("emptied").is_empty(),
            "a failed flush keeps nothing"
        );
        d.keep(&row(A, vec![1.into(), "x".into()]));
        d.keep(&row(A, vec![1.into()]));
        assert!(d.statements().is_err());
    }
}
