//! What each engine promises on its own: SQLite's durable commits and online backup, and
//! PostgreSQL's scheduled work on one server at a time.

use super::*;

/// On SQLite a write is acknowledged only once its commit is on disk: each service call returns
/// after a sync of the WAL that started after its commit, and concurrent commits share syncs.
#[tokio::test]
async fn sqlite_commits_are_on_disk_before_they_are_acknowledged() {
    let db = fresh_db(Engine::Sqlite).await;
    let parindex_db::Db::Sqlite(_, gate) = &db.db else {
        unreachable!()
    };
    let fence = gate.fence.clone();
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..48 {
        let db = db.db.clone();
        let fence = fence.clone();
        tasks.push(tokio::spawn(async move {
            let before = fence.counts().0;
            units::create(
                &db,
                &ctx(10 + i),
                c.id,
                &unit_input(&format!("D{i}"), "Tỉnh Z"),
            )
            .await
            .unwrap();
            let (_, _, synced) = fence.counts();
            assert!(
                synced > before,
                "acknowledged before its sync: {synced} <= {before}"
            );
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (commits, syncs, synced) = fence.counts();
    assert_eq!(synced, commits, "every commit is on disk");
    assert!(
        commits >= 49 && syncs >= 1 && syncs <= commits,
        "{commits} commits, {syncs} syncs"
    );
    assert!(db.url.starts_with("sqlite://"));
    let wal = format!("{}-wal", db.url.trim_start_matches("sqlite://"));
    assert!(
        std::path::Path::new(&wal).exists(),
        "the synced file is the WAL: {wal}"
    );
}

#[tokio::test]
async fn an_online_sqlite_backup_is_a_complete_copy() {
    let db = fresh_db(Engine::Sqlite).await;
    campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup.db");
    parindex_db::backup::sqlite_copy(&db, &out).await.unwrap();
    let copy = Db::connect(&format!("sqlite://{}", out.display()))
        .await
        .unwrap();
    assert_eq!(campaigns::list(&copy).await.unwrap().len(), 1);
    let v = audit::verify(&copy).await.unwrap();
    assert_eq!((v.checked, v.first_break), (1, None));
    let again = parindex_db::backup::sqlite_copy(&db, &out)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already exists"));
}

/// With several app servers on one PostgreSQL, scheduled work runs on one at a time: a second
/// server that ticks meanwhile skips it, and runs it once the first is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_scheduled_work_runs_on_one_server_at_a_time() {
    use parindex_db::exclusive;
    let first = fresh_db(Engine::Postgres).await;
    let second = parindex_db::Db::connect(&first.url).await.unwrap();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (finish_tx, finish_rx) = tokio::sync::oneshot::channel::<()>();
    let db1 = first.db.clone();
    let long = tokio::spawn(async move {
        exclusive::run(&db1, exclusive::DETECTION, async {
            started_tx.send(()).unwrap();
            finish_rx.await.unwrap();
            Ok(1)
        })
        .await
        .unwrap()
    });
    started_rx.await.unwrap();
    let skipped = exclusive::run(&second, exclusive::DETECTION, async { Ok(2) })
        .await
        .unwrap();
    assert_eq!(skipped, None, "the other server skips while the work runs");
    let other_key = exclusive::run(&second, exclusive::DETECTION + 1, async { Ok(3) })
        .await
        .unwrap();
    assert_eq!(other_key, Some(3), "other work is not held up");
    finish_tx.send(()).unwrap();
    assert_eq!(long.await.unwrap(), Some(1));
    let after = exclusive::run(&second, exclusive::DETECTION, async { Ok(4) })
        .await
        .unwrap();
    assert_eq!(after, Some(4), "free again once the first is done");
    // SQLite serves one app server: the work always runs.
    let lite = fresh_db(Engine::Sqlite).await;
    assert_eq!(
        exclusive::run(&lite, exclusive::DETECTION, async { Ok(5) })
            .await
            .unwrap(),
        Some(5)
    );
}
