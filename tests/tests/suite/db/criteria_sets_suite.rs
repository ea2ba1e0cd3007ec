//! Stored criteria sets: a code is never overwritten, pins per level, a tampered set is refused.

use super::*;
use parindex_db::criteria_sets;
use parindex_domain::criteria::file;

const MINISTRY: &str = include_str!("../../../../frameworks/2023/ministry.toml");
const PROVINCE: &str = include_str!("../../../../frameworks/2023/province.toml");

async fn sets_are_stored_whole_pinned_per_level_and_never_overwritten(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let m = file::parse(MINISTRY).unwrap();
    let stored = criteria_sets::store(&db, &ctx(2), &m).await.unwrap();
    assert_eq!(
        (
            stored.level.as_str(),
            stored.total.as_str(),
            stored.illustrative
        ),
        ("ministry", "100.00", true)
    );
    assert_eq!(
        criteria_sets::tree(&db, stored.id).await.unwrap(),
        m,
        "the tree reads back exactly"
    );
    let again = criteria_sets::store(&db, &ctx(3), &m).await.unwrap_err();
    assert!(
        matches!(again, DbError::Conflict(_)),
        "a stored code is never overwritten"
    );
    let p = criteria_sets::store(&db, &ctx(4), &file::parse(PROVINCE).unwrap())
        .await
        .unwrap();
    criteria_sets::pin(&db, &ctx(5), c.id, stored.id)
        .await
        .unwrap();
    criteria_sets::pin(&db, &ctx(6), c.id, p.id).await.unwrap();
    let pins: Vec<(String, String)> = criteria_sets::pinned(&db, c.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(l, s)| (l.to_string(), s.code))
        .collect();
    assert_eq!(
        pins,
        vec![
            (
                "ministry".to_string(),
                "876-2023-ministry-illustrative".to_string()
            ),
            (
                "province".to_string(),
                "876-2023-province-illustrative".to_string()
            )
        ]
    );
    let mut v2 = m.clone();
    v2.code = "876-2023-ministry-v2".into();
    let s2 = criteria_sets::store(&db, &ctx(7), &v2).await.unwrap();
    criteria_sets::pin(&db, &ctx(8), c.id, s2.id).await.unwrap();
    let pins = criteria_sets::pinned(&db, c.id).await.unwrap();
    assert_eq!(pins[0].1.code, "876-2023-ministry-v2");
    let pin_log = audit::list(
        &db,
        &audit::Filter {
            action_prefix: Some("criteria_set.pin".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(pin_log.len(), 3);
    assert!(
        pin_log[0]
            .before
            .as_deref()
            .unwrap()
            .contains(&stored.id.to_string())
    );
}

async fn a_tampered_stored_set_is_refused(engine: Engine) {
    let db = fresh_db(engine).await;
    let s = criteria_sets::store(&db, &ctx(1), &file::parse(MINISTRY).unwrap())
        .await
        .unwrap();
    db.execute_raw("UPDATE criteria_sets SET body = REPLACE(body, '\"14.00\"', '\"15.00\"')")
        .await;
    let err = criteria_sets::tree(&db, s.id).await.unwrap_err();
    assert!(
        err.to_string().contains("does not match its stored hash"),
        "{err}"
    );
}

on_both_engines!(
    sets_are_stored_whole_pinned_per_level_and_never_overwritten,
    a_tampered_stored_set_is_refused
);
