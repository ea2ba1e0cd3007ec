//! Sessions and login failures.

use super::*;

/// An idle window longer than any test: these tests are about the absolute end of a session.
const NO_IDLE_LIMIT: i64 = i64::MAX / 4;

async fn sessions_expire_end_and_end_everywhere(engine: Engine) {
    let db = fresh_db(engine).await;
    let u = users::create(&db, &ctx(1), &new_user("officer", None))
        .await
        .unwrap();
    sessions::create(&db, &ctx(10), "h1", u.id, 1_000)
        .await
        .unwrap();
    sessions::create(&db, &ctx(10), "h2", u.id, 1_000)
        .await
        .unwrap();
    assert_eq!(
        sessions::user_for(&db, "h1", 500, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .map(|x| x.id),
        Some(u.id)
    );
    assert!(
        sessions::user_for(&db, "h1", 1_000, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_none(),
        "expired at expires_at"
    );
    assert!(
        sessions::user_for(&db, "nope", 500, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_none()
    );
    sessions::end(&db, &ctx(20), "h1", u.id, false)
        .await
        .unwrap();
    assert!(
        sessions::user_for(&db, "h1", 500, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        sessions::user_for(&db, "h2", 500, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_some()
    );
    sessions::create(&db, &ctx(30), "h3", u.id, 1_000)
        .await
        .unwrap();
    assert_eq!(
        sessions::end(&db, &ctx(40), "h2", u.id, true)
            .await
            .unwrap(),
        2
    );
    assert_eq!(sessions::count_for_user(&db, u.id, 500).await.unwrap(), 0);
    sessions::create(&db, &ctx(50), "h4", u.id, 1_000)
        .await
        .unwrap();
    users::set_active(&db, &ctx(60), u.id, false).await.unwrap();
    assert!(
        sessions::user_for(&db, "h4", 500, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_none(),
        "a deactivated account has no session"
    );
}

async fn a_password_change_keeps_only_the_current_session(engine: Engine) {
    let db = fresh_db(engine).await;
    let u = users::create(&db, &ctx(1), &new_user("officer", None))
        .await
        .unwrap();
    assert!(u.must_change_password);
    sessions::create(&db, &ctx(2), "here", u.id, 10_000)
        .await
        .unwrap();
    sessions::create(&db, &ctx(2), "elsewhere", u.id, 10_000)
        .await
        .unwrap();
    let notice = outbox::OutMail {
        to: u.email.clone(),
        subject: "changed".into(),
        text: "your password changed".into(),
        html: "<p>your password changed</p>".into(),
    };
    assert!(matches!(
        users::set_password(
            &db,
            &ctx(3),
            parindex_domain::UserId(9_999),
            "$argon2id$x",
            None,
            Some(&notice)
        )
        .await,
        Err(DbError::NotFound)
    ));
    assert_eq!(
        outbox::counts(&db).await.unwrap().queued,
        0,
        "no notice for a change that did not happen"
    );
    users::set_password(
        &db,
        &ctx(3),
        u.id,
        "$argon2id$new",
        Some("here"),
        Some(&notice),
    )
    .await
    .unwrap();
    let queued = outbox::claim(&db, "t", 10, 1_000, 10).await.unwrap();
    assert_eq!(queued.len(), 1, "the owner is told, once");
    assert_eq!(queued[0].to_addr, u.email);
    assert_eq!(queued[0].body_text, "your password changed");
    let after = users::get(&db, u.id).await.unwrap();
    assert!(!after.must_change_password);
    assert_eq!(after.password_hash, "$argon2id$new");
    assert!(
        sessions::user_for(&db, "here", 5, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::user_for(&db, "elsewhere", 5, NO_IDLE_LIMIT)
            .await
            .unwrap()
            .is_none()
    );
}

async fn login_failures_are_counted_per_account_and_address(engine: Engine) {
    let db = fresh_db(engine).await;
    for t in 0..3 {
        throttle::record(&db, "a", "10.0.0.1", 100 + t)
            .await
            .unwrap();
    }
    throttle::record(&db, "b", "10.0.0.1", 200).await.unwrap();
    throttle::record(&db, "a", "10.0.0.2", 50).await.unwrap();
    // Neither the same account elsewhere nor guessed survey links count here.
    throttle::record(&db, "a", "10.0.0.2", 150).await.unwrap();
    throttle::record(&db, throttle::SURVEY_LINK_BUCKET, "10.0.0.1", 150)
        .await
        .unwrap();
    let f = throttle::recent(&db, "a", "10.0.0.1", 60).await.unwrap();
    assert_eq!(
        (f.by_user, f.by_user_last, f.by_ip, f.by_ip_last),
        (3, Some(102), 4, Some(200))
    );
    assert_eq!(throttle::purge(&db, 101).await.unwrap(), 2);
}

on_both_engines!(
    sessions_expire_end_and_end_everywhere,
    a_password_change_keeps_only_the_current_session,
    login_failures_are_counted_per_account_and_address,
);
