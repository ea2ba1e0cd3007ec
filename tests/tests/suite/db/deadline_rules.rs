//! Deadlines: extensions, and every write a deadline closes.

use super::*;

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
    assert_eq!(last[0].unit_id, Some(u.id.get()));
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
    extensions_replace_each_other_and_are_audited,
    every_write_bound_by_a_deadline_refuses_after_it,
);
