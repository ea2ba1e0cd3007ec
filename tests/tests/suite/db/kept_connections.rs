//! On PostgreSQL the respondent path's reads and every transaction run on connections kept out of
//! the pool between statements, without the pool's check of each ([`parindex_db::kept`]): only a
//! connection whose work went well is kept, never one inside a transaction, and all of them go back
//! when the pool closes.

use super::*;
use parindex_db::steps::{Step, run_tx};

/// Backends of this database inside a transaction, as another connection sees them.
async fn in_transaction(conn: &mut sqlx::PgConnection) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND state LIKE 'idle in transaction%'",
    )
    .fetch_one(conn)
    .await
    .unwrap();
    n
}

#[tokio::test]
async fn postgres_keeps_only_connections_whose_work_went_well() {
    let db = fresh_db(Engine::Postgres).await;
    let Db::Postgres(pool, kept) = &db.db else {
        unreachable!()
    };
    kept.hand_back();
    assert_eq!(kept.count(), 0);

    // A committed transaction leaves its connection kept.
    let mut tx = db.begin().await.unwrap();
    let table = Step::new("CREATE TABLE kept_probe (n int8 PRIMARY KEY)", vec![]);
    run_tx(&mut tx, &[table]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(kept.count(), 1);

    // The next transaction is lent that one; dropped unfinished, it is rolled back and its
    // connection goes back to the pool.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(kept.count(), 0);
    let one = Step::new("INSERT INTO kept_probe VALUES ($1)", vec![1.into()]);
    run_tx(&mut tx, &[one]).await.unwrap();
    drop(tx);
    assert_eq!(kept.count(), 0);

    // So does one whose statement failed.
    let mut tx = db.begin().await.unwrap();
    let twice = Step::new("INSERT INTO kept_probe VALUES ($1), ($1)", vec![2.into()]);
    assert!(run_tx(&mut tx, &[twice]).await.is_err());
    drop(tx);
    assert_eq!(kept.count(), 0);

    // A link read that went well (no such link) is kept; one that cannot be a link reads nothing.
    let unknown = "ab".repeat(32);
    assert!(survey_read(&db, &unknown).await.is_none());
    assert_eq!(kept.count(), 1);
    assert!(survey_read(&db, "not a link").await.is_none());
    assert_eq!(kept.count(), 1);

    // Nothing of the two unfinished transactions was written, and once the pool has every
    // connection back, none of them is inside a transaction.
    kept.hand_back();
    let mut held = Vec::new();
    while held.len() < pool.size() as usize {
        held.push(pool.acquire().await.unwrap());
    }
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM kept_probe")
        .fetch_one(&mut *held[0])
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(in_transaction(&mut held[0]).await, 0);
    drop(held);

    // The server ends the kept connection's session (as a restart would): the next read and the
    // next transaction find it gone and run on a connection the pool has checked.
    for _ in 0..2 {
        assert!(survey_read(&db, &unknown).await.is_none());
        assert_eq!(kept.count(), 1);
        end_other_sessions(&db.url).await;
    }
    let tx = db.begin().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(kept.count(), 1);
    end_other_sessions(&db.url).await;
    assert!(survey_read(&db, &unknown).await.is_none());

    // Closing the pool takes the kept connections back instead of waiting for them.
    assert!(survey_read(&db, &unknown).await.is_none());
    assert_eq!(kept.count(), 1);
    tokio::time::timeout(std::time::Duration::from_secs(10), db.close())
        .await
        .expect("the pool closes with a connection kept");
    assert_eq!(kept.count(), 0);
}

async fn survey_read(db: &Db, token: &str) -> Option<parindex_db::survey::LinkView> {
    parindex_db::survey::by_token(db, token).await.unwrap()
}

/// Ends every other session on this database, from a connection of its own.
async fn end_other_sessions(url: &str) {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(url).await.unwrap();
    let (ended,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert!(ended >= 1, "the kept connection's session was ended");
    admin.close().await.unwrap();
}

/// The last copy of a database dropped outside the async runtime (a tool's `main` after its
/// `block_on`) closes the connections it kept instead of handing them back on a runtime that is not
/// there.
#[test]
fn postgres_closes_kept_connections_when_dropped_outside_the_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(async {
        let test_db = fresh_db(Engine::Postgres).await;
        let db = Db::connect(&test_db.url).await.unwrap();
        assert!(survey_read(&db, &"ab".repeat(32)).await.is_none());
        db
    });
    let Db::Postgres(_, kept) = &db else {
        unreachable!()
    };
    assert_eq!(kept.count(), 1);
    drop(db);
}
