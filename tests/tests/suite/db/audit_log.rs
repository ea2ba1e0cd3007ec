//! The keyed audit chain: verifying, tampering, concurrent writers, checkpoints, filters.

use super::*;

async fn the_audit_chain_verifies_and_finds_tampering(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    for i in 0..5 {
        units::create(
            &db,
            &ctx(2 + i),
            c.id,
            &unit_input(&format!("U{i}"), "Tỉnh X"),
        )
        .await
        .unwrap();
    }
    let v = audit::verify(&db).await.unwrap();
    assert_eq!((v.checked, v.head_seq, v.first_break.clone()), (6, 6, None));
    // Someone edits row 3 directly in the database.
    db.execute_raw("UPDATE audit_log SET after_json = '{}' WHERE seq = 3")
        .await;
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break.map(|b| b.seq()), Some(3));
    assert_eq!(v.checked, 2);
}

async fn deleting_the_newest_audit_rows_is_found(engine: Engine) {
    let db = fresh_db(engine).await;
    campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    campaigns::create(&db, &ctx(2), &campaign_input(2024))
        .await
        .unwrap();
    db.execute_raw("DELETE FROM audit_log WHERE seq = 2").await;
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break.map(|b| b.seq()), Some(2));
}

async fn concurrent_writers_keep_one_unbroken_chain(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let db = db.db.clone();
        tasks.push(tokio::spawn(async move {
            units::create(
                &db,
                &ctx(10 + i),
                c.id,
                &unit_input(&format!("C{i}"), "Tỉnh Y"),
            )
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = audit::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.checked, 25);
    assert_eq!(units::list(&db, c.id).await.unwrap().len(), 24);
}

async fn the_audit_head_is_mailed_to_moha_admins_once_a_day(engine: Engine) {
    let db = fresh_db(engine).await;
    let t0 = 1_702_000_000_000;
    parindex::demo::seed(&db, t0).await.unwrap();
    let cp = parindex::audit_checkpoint::send(&db, t0)
        .await
        .unwrap()
        .unwrap();
    assert!(cp.recipients >= 1, "{cp:?}");
    assert_eq!(
        audit::hash_at(&db, cp.seq).await.unwrap().as_deref(),
        Some(cp.hash.as_str())
    );
    assert_eq!(
        outbox::counts(&db).await.unwrap().queued as usize,
        cp.recipients
    );
    let day = parindex_db::audit_checkpoint::EVERY_MS;
    // Not again within the day, nor when nothing was recorded since.
    assert!(
        parindex::audit_checkpoint::send(&db, t0 + 3_600_000)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        parindex::audit_checkpoint::send(&db, t0 + day + 1)
            .await
            .unwrap()
            .is_none()
    );
    campaigns::create(&db, &ctx(t0 + day), &campaign_input(2031))
        .await
        .unwrap();
    let next = parindex::audit_checkpoint::send(&db, t0 + day + 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        next.seq,
        cp.seq + 2,
        "the checkpoint entry itself, then the campaign"
    );
    assert_eq!(
        parindex_tests::audit_entries(&db, "audit.checkpoint").await,
        2
    );
    assert!(audit::verify(&db).await.unwrap().first_break.is_none());
}

async fn audit_filters_narrow_the_list(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let u = units::create(&db, &ctx(2), c.id, &unit_input("QNI", "Tỉnh Quảng Ninh"))
        .await
        .unwrap();
    units::update(
        &db,
        &ctx(3),
        u.id,
        &unit_input("QNI", "Tỉnh Quảng Ninh mới"),
    )
    .await
    .unwrap();
    let by_unit = audit::list(
        &db,
        &audit::Filter {
            unit_id: Some(u.id),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(
        by_unit
            .iter()
            .map(|r| r.action.as_str())
            .collect::<Vec<_>>(),
        vec!["unit.update", "unit.create"]
    );
    let by_prefix = audit::list(
        &db,
        &audit::Filter {
            action_prefix: Some("campaign".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(by_prefix.len(), 1);
    let wildcard = audit::list(
        &db,
        &audit::Filter {
            action_prefix: Some("%".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert!(wildcard.is_empty(), "LIKE metacharacters are escaped");
    let page2 = audit::list(
        &db,
        &audit::Filter {
            before_seq: Some(2),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(page2.len(), 1);
    let window = audit::list(
        &db,
        &audit::Filter {
            from_ms: Some(2),
            to_ms: Some(3),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(window.len(), 1);
}

on_both_engines!(
    the_audit_chain_verifies_and_finds_tampering,
    deleting_the_newest_audit_rows_is_found,
    concurrent_writers_keep_one_unbroken_chain,
    the_audit_head_is_mailed_to_moha_admins_once_a_day,
    audit_filters_narrow_the_list,
);
