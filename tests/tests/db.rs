//! The database suite: every test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use parindex_db::campaigns::{self, CampaignInput};
use parindex_db::contacts::{self, FocalContacts, SupportContact};
use parindex_db::units::{self, UnitInput};
use parindex_db::users::{self, NewUser};
use parindex_db::{Ctx, Db, DbError, audit, deadlines, outbox, sessions, throttle};
use parindex_tests::{Engine, fresh_db, on_both_engines};

fn ctx(now_ms: i64) -> Ctx {
    Ctx {
        actor_id: Some(1),
        actor: "tester".into(),
        ip: "127.0.0.1".into(),
        user_agent: "suite".into(),
        now_ms,
    }
}

fn campaign_input(year: i64) -> CampaignInput {
    CampaignInput {
        year,
        name_vi: format!("Chỉ số CCHC năm {year}"),
        name_en: format!("PAR Index {year}"),
        legal_basis: "876/QĐ-BNV".into(),
        deadlines: vec![("respondent_list".into(), format!("{year}-12-15"))],
    }
}

fn unit_input(code: &str, short: &str) -> UnitInput {
    UnitInput {
        code: code.into(),
        level: parindex_domain::Level::Province,
        name: format!("Ủy ban nhân dân {short}"),
        short_name: short.into(),
        not_ranked: false,
        email_domains: "example.gov.vn".into(),
    }
}

fn new_user(username: &str, unit_id: Option<i64>) -> NewUser {
    NewUser {
        username: username.into(),
        full_name: "Nguyễn Văn An".into(),
        email: format!("{username}@example.gov.vn"),
        role: if unit_id.is_some() {
            parindex_domain::Role::UnitOfficer
        } else {
            parindex_domain::Role::MohaAdmin
        },
        unit_id,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        must_change_password: true,
    }
}

async fn audit_actions(db: &Db) -> Vec<String> {
    let mut v: Vec<String> = audit::list(db, &audit::Filter::default(), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    v.reverse();
    v
}

async fn campaigns_are_created_updated_and_audited(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    assert_eq!(c.year, 2023);
    assert_eq!(
        deadlines::for_campaign(&db, c.id).await.unwrap(),
        vec![("respondent_list".to_string(), "2023-12-15".to_string())]
    );
    let mut upd = campaign_input(2023);
    upd.name_vi = "Chỉ số CCHC 2023 (sửa)".into();
    upd.deadlines = vec![("survey_answers".into(), "2024-01-10".into())];
    let c2 = campaigns::update(&db, &ctx(2), c.id, &upd).await.unwrap();
    assert_eq!(c2.name_vi, "Chỉ số CCHC 2023 (sửa)");
    assert_eq!(
        deadlines::for_campaign(&db, c.id).await.unwrap(),
        vec![("survey_answers".to_string(), "2024-01-10".to_string())]
    );
    assert_eq!(
        audit_actions(&db).await,
        vec!["campaign.create", "campaign.update"]
    );
    let last = &audit::list(&db, &audit::Filter::default(), 1)
        .await
        .unwrap()[0];
    assert!(
        last.before
            .as_deref()
            .unwrap()
            .contains("Chỉ số CCHC năm 2023")
    );
    assert!(last.after.as_deref().unwrap().contains("(sửa)"));
    assert_eq!(last.ip, "127.0.0.1");
}

async fn a_duplicate_year_is_refused_and_changes_nothing(engine: Engine) {
    let db = fresh_db(engine).await;
    campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let err = campaigns::create(&db, &ctx(2), &campaign_input(2023))
        .await
        .unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)), "{err:?}");
    assert_eq!(campaigns::list(&db).await.unwrap().len(), 1);
    assert_eq!(
        audit::count(&db).await.unwrap(),
        1,
        "a refused change leaves no audit entry"
    );
}

async fn units_sort_the_vietnamese_way_and_codes_are_unique_per_campaign(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    for (code, short) in [
        ("QNI", "Tỉnh Quảng Ninh"),
        ("AGG", "Tỉnh An Giang"),
        ("DLK", "Tỉnh Đắk Lắk"),
        ("DNO", "Tỉnh Đắk Nông"),
        ("BDG", "Tỉnh Bình Dương"),
    ] {
        units::create(&db, &ctx(2), c.id, &unit_input(code, short))
            .await
            .unwrap();
    }
    let names: Vec<String> = units::list(&db, c.id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.short_name)
        .collect();
    assert_eq!(
        names,
        vec![
            "Tỉnh An Giang",
            "Tỉnh Bình Dương",
            "Tỉnh Đắk Lắk",
            "Tỉnh Đắk Nông",
            "Tỉnh Quảng Ninh"
        ]
    );
    let dup = units::create(&db, &ctx(3), c.id, &unit_input("QNI", "Tỉnh khác"))
        .await
        .unwrap_err();
    assert!(matches!(dup, DbError::Conflict(_)));
    let other = campaigns::create(&db, &ctx(4), &campaign_input(2024))
        .await
        .unwrap();
    units::create(
        &db,
        &ctx(5),
        other.id,
        &unit_input("QNI", "Tỉnh Quảng Ninh"),
    )
    .await
    .unwrap();
}

async fn an_account_import_is_all_or_nothing(engine: Engine) {
    let db = fresh_db(engine).await;
    users::create(&db, &ctx(1), &new_user("existing", None))
        .await
        .unwrap();
    let batch = vec![
        new_user("a.one", None),
        new_user("a.two", None),
        new_user("existing", None),
    ];
    let err = users::create_many(&db, &ctx(2), &batch).await.unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)), "{err:?}");
    assert_eq!(
        users::count(&db).await.unwrap(),
        1,
        "no account of the failed batch remains"
    );
    assert_eq!(
        audit::count(&db).await.unwrap(),
        1,
        "nor any audit entry of it"
    );
    users::create_many(&db, &ctx(3), &batch[..2]).await.unwrap();
    assert_eq!(users::count(&db).await.unwrap(), 3);
}

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
        users::set_password(&db, &ctx(3), 9_999, "$argon2id$x", None, Some(&notice)).await,
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

async fn extensions_replace_each_other_and_are_audited(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let u = units::create(&db, &ctx(1), c.id, &unit_input("QNI", "Tỉnh Quảng Ninh"))
        .await
        .unwrap();
    deadlines::grant_extension(
        &db,
        &ctx(2),
        c.id,
        u.id,
        "respondent_list",
        "2023-12-20",
        "văn bản 1",
    )
    .await
    .unwrap()
    .unwrap();
    deadlines::grant_extension(
        &db,
        &ctx(3),
        c.id,
        u.id,
        "respondent_list",
        "2023-12-22",
        "văn bản 2",
    )
    .await
    .unwrap()
    .unwrap();
    let ext = deadlines::extensions_for_unit(&db, u.id).await.unwrap();
    assert_eq!(ext.len(), 1);
    assert_eq!(
        (ext[0].due_date.as_str(), ext[0].reason.as_str()),
        ("2023-12-22", "văn bản 2")
    );
    let last = &audit::list(
        &db,
        &audit::Filter {
            action_prefix: Some("deadline.".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(last.len(), 2);
    assert!(last[0].before.as_deref().unwrap().contains("2023-12-20"));
    assert_eq!(last[0].unit_id, Some(u.id));
}

async fn contacts_are_upserted(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let u = units::create(&db, &ctx(1), c.id, &unit_input("QNI", "Tỉnh Quảng Ninh"))
        .await
        .unwrap();
    let s = SupportContact {
        level: "province".into(),
        name: "A".into(),
        phone: "0912000002".into(),
        email: "a@moha.example".into(),
    };
    contacts::set_support(&db, &ctx(2), c.id, &s).await.unwrap();
    contacts::set_support(
        &db,
        &ctx(3),
        c.id,
        &SupportContact {
            name: "B".into(),
            ..s.clone()
        },
    )
    .await
    .unwrap();
    let got = contacts::support_for(&db, c.id).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].name, "B");
    assert!(contacts::focal_for(&db, u.id).await.unwrap().is_none());
    let f = FocalContacts {
        it_name: "Trương Minh Khoa".into(),
        it_mobile: "0987654301".into(),
        ..FocalContacts::default()
    };
    contacts::set_focal(&db, &ctx(4), c.id, u.id, &f)
        .await
        .unwrap();
    let got = contacts::focal_for(&db, u.id).await.unwrap().unwrap();
    assert_eq!(got.contacts, f);
    assert_eq!(got.updated_at, 4);
}

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

async fn migrations_apply_twice_without_harm(engine: Engine) {
    let db = fresh_db(engine).await;
    db.migrate().await.unwrap();
    db.ping().await.unwrap();
}

/// The first millisecond after the deadline day `iso` in Vietnam, as a clock reading.
fn closing_ms(iso: &str) -> i64 {
    let day = parindex_domain::deadline::parse_date(iso).unwrap();
    (parindex_domain::deadline::closes_at(day).unix_timestamp_nanos() / 1_000_000) as i64
}

async fn every_write_bound_by_a_deadline_refuses_after_it(engine: Engine) {
    use parindex_db::{respondents, self_assessments, survey_mailing};
    use parindex_domain::DeadlineKind;
    use parindex_domain::respondents::{ListState, Respondent};
    use parindex_domain::self_assessment::State;
    let db = fresh_db(engine).await;
    let mut input = campaign_input(2023);
    input.deadlines = vec![
        ("respondent_list".into(), "2023-12-15".into()),
        ("focal_registration".into(), "2023-12-15".into()),
        ("survey_answers".into(), "2024-01-10".into()),
        ("self_assessment".into(), "2024-01-25".into()),
    ];
    let c = campaigns::create(&db, &ctx(1), &input).await.unwrap();
    let u = units::create(&db, &ctx(1), c.id, &unit_input("QNI", "Tỉnh Quảng Ninh"))
        .await
        .unwrap();
    let person = |n: u32| Respondent {
        full_name: format!("Nguyễn Văn An {n}"),
        position: "Chuyên viên".into(),
        organisation: "Sở Nội vụ".into(),
        group: "so".into(),
        email: format!("an{n}@example.gov.vn"),
        phone: String::new(),
        stand_in: false,
    };
    let closed = |r: Result<_, DbError>, kind: DeadlineKind, day: &str| match r {
        Err(DbError::Closed { kind: k, day: d }) => {
            assert_eq!(
                (k, parindex_domain::deadline::iso(d)),
                (kind, day.to_string())
            )
        }
        other => panic!("expected the {kind:?} deadline to refuse, got {other:?}"),
    };

    // The last millisecond of the list deadline day is still open; the next one is not.
    let list_last = ctx(closing_ms("2023-12-15") - 1);
    let list_after = ctx(closing_ms("2023-12-15"));
    let id = respondents::save_person(&db, &list_last, c.id, u.id, None, &person(1))
        .await
        .unwrap();
    let before = audit_actions(&db).await.len();
    let list_day = "2023-12-15";
    let kind = DeadlineKind::RespondentList;
    closed(
        respondents::save_person(&db, &list_after, c.id, u.id, None, &person(2))
            .await
            .map(|_| ()),
        kind,
        list_day,
    );
    closed(
        respondents::save_person(&db, &list_after, c.id, u.id, Some(id), &person(3))
            .await
            .map(|_| ()),
        kind,
        list_day,
    );
    closed(
        respondents::import(&db, &list_after, c.id, u.id, &[person(4)], "x.csv")
            .await
            .map(|_| ()),
        kind,
        list_day,
    );
    closed(
        respondents::remove_person(&db, &list_after, c.id, u.id, id).await,
        kind,
        list_day,
    );
    closed(
        respondents::request_exception(&db, &list_after, c.id, u.id, "so", "thiếu người").await,
        kind,
        list_day,
    );
    closed(
        respondents::transition(
            &db,
            &list_after,
            c.id,
            u.id,
            ListState::Draft,
            ListState::Sent,
            "",
        )
        .await,
        kind,
        list_day,
    );
    closed(
        contacts::set_focal(&db, &list_after, c.id, u.id, &FocalContacts::default()).await,
        DeadlineKind::FocalRegistration,
        list_day,
    );

    // The survey's reminders close with its answer deadline.
    closed(
        survey_mailing::remind(
            &db,
            &ctx(closing_ms("2024-01-10")),
            u.id,
            parindex_domain::survey::ReminderPolicy::default(),
            &|_| unreachable!("nothing is mailed after the deadline"),
        )
        .await
        .map(|_| ()),
        DeadlineKind::SurveyAnswers,
        "2024-01-10",
    );

    // The self-assessment's writes close with its deadline.
    let sa_after = ctx(closing_ms("2024-01-25"));
    let kind = DeadlineKind::SelfAssessment;
    closed(
        self_assessments::save_leaf(&db, &sa_after, c.id, u.id, "1.1", None, "").await,
        kind,
        "2024-01-25",
    );
    closed(
        self_assessments::save_difficulties(&db, &sa_after, c.id, u.id, "khó khăn").await,
        kind,
        "2024-01-25",
    );
    closed(
        self_assessments::transition(
            &db,
            &sa_after,
            c.id,
            u.id,
            State::Draft,
            State::AwaitingApproval,
            "",
        )
        .await,
        kind,
        "2024-01-25",
    );
    // Nothing was written by any refusal.
    assert_eq!(audit_actions(&db).await.len(), before);
    assert_eq!(respondents::people(&db, u.id).await.unwrap().len(), 1);

    // An extension reopens the unit's list, and only for the day it names.
    deadlines::grant_extension(
        &db,
        &list_after,
        c.id,
        u.id,
        "respondent_list",
        "2023-12-20",
        "công văn",
    )
    .await
    .unwrap()
    .unwrap();
    respondents::save_person(&db, &list_after, c.id, u.id, None, &person(5))
        .await
        .unwrap();
    respondents::transition(
        &db,
        &list_after,
        c.id,
        u.id,
        ListState::Draft,
        ListState::Sent,
        "",
    )
    .await
    .unwrap();
    // MoHA's review of a sent list is not the unit's change: the deadline does not close it.
    let late = ctx(closing_ms("2024-02-01"));
    respondents::transition(
        &db,
        &late,
        c.id,
        u.id,
        ListState::Sent,
        ListState::Accepted,
        "",
    )
    .await
    .unwrap();
}

on_both_engines!(
    the_audit_head_is_mailed_to_moha_admins_once_a_day,
    campaigns_are_created_updated_and_audited,
    a_duplicate_year_is_refused_and_changes_nothing,
    units_sort_the_vietnamese_way_and_codes_are_unique_per_campaign,
    an_account_import_is_all_or_nothing,
    sessions_expire_end_and_end_everywhere,
    a_password_change_keeps_only_the_current_session,
    login_failures_are_counted_per_account_and_address,
    extensions_replace_each_other_and_are_audited,
    every_write_bound_by_a_deadline_refuses_after_it,
    contacts_are_upserted,
    the_audit_chain_verifies_and_finds_tampering,
    deleting_the_newest_audit_rows_is_found,
    concurrent_writers_keep_one_unbroken_chain,
    audit_filters_narrow_the_list,
    migrations_apply_twice_without_harm,
);

#[test]
fn both_engines_have_the_same_migrations() {
    let s = Db::migration_versions(Engine::Sqlite);
    let p = Db::migration_versions(Engine::Postgres);
    assert!(!s.is_empty());
    assert_eq!(
        s, p,
        "migrations/sqlite and migrations/postgres must hold the same versions"
    );
}

/// The two folders say the same thing: once the one spelling that differs (an identity key) is
/// written the same way, every file is equal line for line.
#[test]
fn both_engines_migrations_differ_only_in_the_identity_key() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/db/migrations");
    let normalise = |text: String| {
        text.replace(
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "INTEGER PRIMARY KEY",
        )
    };
    let mut files: Vec<_> = std::fs::read_dir(root.join("sqlite"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert!(files.len() >= 14);
    for name in files {
        let read = |engine: &str| std::fs::read_to_string(root.join(engine).join(&name)).unwrap();
        let (sqlite, postgres) = (read("sqlite"), normalise(read("postgres")));
        for (n, (a, b)) in sqlite.lines().zip(postgres.lines()).enumerate() {
            assert_eq!(
                a,
                b,
                "{name:?} line {}: the engines' migrations differ",
                n + 1
            );
        }
        assert_eq!(
            sqlite.lines().count(),
            postgres.lines().count(),
            "{name:?}: the engines' migrations differ in length"
        );
    }
}

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

mod criteria_sets_suite {
    use super::*;
    use parindex_db::criteria_sets;
    use parindex_domain::criteria::file;

    const MINISTRY: &str = include_str!("../../frameworks/2023/ministry.toml");
    const PROVINCE: &str = include_str!("../../frameworks/2023/province.toml");

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
