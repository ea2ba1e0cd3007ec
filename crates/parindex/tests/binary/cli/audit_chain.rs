//! `migrate`, `audit verify` and `backup` on a real data folder, and a re-forged audit chain caught.

use super::*;

#[tokio::test]
async fn migrate_verify_backup_and_tamper_detection() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let m = parindex(&data, &["migrate"]);
    assert!(m.status.success(), "{m:?}");
    assert!(stdout(&m).contains("migrations applied"));
    let entries = seed(&data).await;
    assert!(entries > 20);

    let head = {
        parindex_tests::use_test_audit_key();
        let db =
            parindex_db::Db::connect(&format!("sqlite://{}", data.join("parindex.db").display()))
                .await
                .unwrap();
        let (seq, hash) = parindex_db::audit::head(&db).await.unwrap();
        db.close().await;
        assert_eq!(seq, entries);
        format!("{seq}:{hash}")
    };
    let checkpoint = head.clone();
    let v = parindex(&data, &["audit", "verify", "--expect", &checkpoint]);
    assert!(v.status.success(), "{v:?}");
    assert!(
        stdout(&v).contains(&format!("checkpoint {entries} holds")),
        "{}",
        stdout(&v)
    );
    assert!(
        stdout(&v).contains(&format!("audit chain intact: {entries} entries verified")),
        "{}",
        stdout(&v)
    );

    let copy = dir.path().join("copy.db");
    let b = parindex(&data, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(b.status.success(), "{b:?}");
    let again = parindex(&data, &["backup", "--out", copy.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&copy, restored.join("parindex.db")).unwrap();
    let rv = parindex(&restored, &["audit", "verify"]);
    assert!(
        stdout(&rv).contains(&format!("audit chain intact: {entries} entries verified")),
        "{}",
        stdout(&rv)
    );

    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("parindex.db").display()))
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone else' WHERE seq = 5")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let t = parindex(&data, &["audit", "verify"]);
    assert_eq!(t.status.code(), Some(1), "{t:?}");
    assert!(
        stdout(&t).contains("audit chain BROKEN at entry 5"),
        "{}",
        stdout(&t)
    );

    // Someone with write access to the database re-forges every link from entry 5 on and the head,
    // without the key (a plain SHA-256, or a key of their own): still broken at entry 5, and the
    // checkpoint mailed before no longer holds.
    let forger = parindex_domain::audit::AuditKey::generate().unwrap();
    for guess in [None, Some(&forger)] {
        let head = rechain_from(&data, 5, guess).await;
        let t = parindex(&data, &["audit", "verify", "--expect", &checkpoint]);
        assert_eq!(t.status.code(), Some(1), "{t:?}");
        let out = stdout(&t);
        assert!(out.contains("audit chain BROKEN at entry 5"), "{out}");
        assert!(
            out.contains(&format!("checkpoint {entries} does NOT hold")),
            "{out}"
        );
        assert_ne!(head, checkpoint);
    }
}

/// Recomputes every audit entry's links from `from` on, and the head, as an attacker with write
/// access to the SQLite file would, hashing with `key`; returns the new head as `SEQ:HASH`.
async fn rechain_from(
    data: &Path,
    from: i64,
    key: Option<&parindex_domain::audit::AuditKey>,
) -> String {
    use parindex_domain::audit::AuditRecord;
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("parindex.db").display()))
        .await
        .unwrap();
    type Row = (
        i64,
        i64,
        Option<i64>,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, at, actor_id, actor, action, entity, entity_id, campaign_id, unit_id, \
         before_json, after_json, ip, user_agent, prev_hash, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let mut prev = String::new();
    let mut head = String::new();
    for r in rows {
        let mut rec = AuditRecord {
            seq: r.0,
            at_ms: r.1,
            actor_id: r.2,
            actor: r.3,
            action: r.4,
            entity: r.5,
            entity_id: r.6,
            campaign_id: r.7,
            unit_id: r.8,
            before: r.9,
            after: r.10,
            ip: r.11,
            user_agent: r.12,
            prev_hash: r.13,
            hash: r.14,
        };
        if rec.seq >= from {
            rec.prev_hash = prev.clone();
            rec.hash = rec.compute_hash(key);
            sqlx::query("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?")
                .bind(&rec.prev_hash)
                .bind(&rec.hash)
                .bind(rec.seq)
                .execute(&db)
                .await
                .unwrap();
        }
        prev = rec.hash.clone();
        head = format!("{}:{}", rec.seq, rec.hash);
    }
    sqlx::query("UPDATE audit_head SET hash = ? WHERE id = 1")
        .bind(&prev)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    head
}
