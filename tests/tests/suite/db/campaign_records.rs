//! Campaigns, units, account imports and contacts.

use super::*;

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

async fn contacts_are_upserted(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let u = units::create(&db, &ctx(1), c.id, &unit_input("QNI", "Tỉnh Quảng Ninh"))
        .await
        .unwrap();
    let s = SupportContact {
        level: parindex_domain::Level::Province,
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

on_both_engines!(
    campaigns_are_created_updated_and_audited,
    a_duplicate_year_is_refused_and_changes_nothing,
    units_sort_the_vietnamese_way_and_codes_are_unique_per_campaign,
    an_account_import_is_all_or_nothing,
    contacts_are_upserted,
);
