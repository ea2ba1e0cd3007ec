//! The year's units file applied to a campaign: all or nothing, a unit taken out only while nothing
//! rests on it, and the crosswalk only towards the campaign before.

use super::*;
use parindex_db::unit_import::{self, Incoming, Kept, Weighting};
use parindex_domain::crosswalk::Link;

fn same_as(units: &[units::Unit]) -> Vec<Incoming> {
    units
        .iter()
        .map(|u| Incoming {
            input: UnitInput {
                code: u.code.clone(),
                level: u.level,
                name: u.name.clone(),
                short_name: u.short_name.clone(),
                not_ranked: u.not_ranked,
                email_domains: u.email_domains.clone(),
            },
            predecessors: vec![],
            kept: Kept::default(),
        })
        .collect()
}

async fn counts(db: &parindex_tests::TestDb) -> (i64, i64, i64) {
    (
        db.scalar("SELECT COUNT(*) FROM units").await,
        db.scalar("SELECT COUNT(*) FROM users").await,
        audit::count(db).await.unwrap(),
    )
}

async fn a_units_file_takes_out_only_units_nothing_rests_on(engine: Engine) {
    let db = fresh_db(engine).await;
    parindex::demo::seed(&db, 1_702_000_000_000).await.unwrap();
    let c = campaigns::by_year(&db, 2023).await.unwrap();
    let current = units::list(&db, c.id).await.unwrap();
    // Two new units: one with an account in use, one with an account never issued.
    let used = units::create(&db, &ctx(1), c.id, &unit_input("ZZA", "Tỉnh A"))
        .await
        .unwrap();
    let idle = units::create(&db, &ctx(1), c.id, &unit_input("ZZB", "Tỉnh B"))
        .await
        .unwrap();
    users::create(&db, &ctx(1), &new_user("zza.canbo", Some(used.id)))
        .await
        .unwrap();
    let mut never = new_user("zzb.canbo", Some(idle.id));
    never.password_hash = String::new();
    users::create(&db, &ctx(1), &never).await.unwrap();

    // Leaving out a unit that has scored: refused, nothing changes.
    let before = counts(&db).await;
    let scored = db.scalar("SELECT MIN(unit_id) FROM self_scores").await;
    let scored = current.iter().find(|u| u.id.get() == scored).unwrap();
    let without: Vec<Incoming> = same_as(&current)
        .into_iter()
        .filter(|i| i.input.code != scored.code)
        .chain(same_as(&[used.clone(), idle.clone()]))
        .collect();
    let err = unit_import::apply(&db, &ctx(2), c.id, &without, Weighting::AsWritten)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Refused("unit-remove-in-use")),
        "{err:?}"
    );
    assert_eq!(counts(&db).await, before);

    // Leaving out the unit whose account has a password: refused, nothing changes.
    let err = unit_import::apply(&db, &ctx(3), c.id, &same_as(&current), Weighting::AsWritten)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Refused("unit-remove-has-accounts")),
        "{err:?}"
    );
    assert_eq!(counts(&db).await, before);

    // Keeping it, and renaming Quảng Ninh: the idle unit goes with its never-issued account.
    let mut keep = same_as(&current);
    keep.extend(same_as(std::slice::from_ref(&used)));
    for i in &mut keep {
        if i.input.code == "QNI" {
            i.input.short_name = "Tỉnh Quảng Ninh (mới)".into();
            // A file without the domains and "not ranked" columns: the unit keeps its own.
            i.input.email_domains.clear();
            i.kept = Kept {
                email_domains: true,
                not_ranked: true,
            };
        }
    }
    let changes = unit_import::preview(&db, c.id, &keep, Weighting::AsWritten)
        .await
        .unwrap();
    assert_eq!(
        changes.removed,
        vec![("ZZB".to_string(), "Tỉnh B".to_string())]
    );
    assert_eq!(changes.renamed.len(), 1);
    assert!(changes.updated.is_empty(), "{:?}", changes.updated);
    let applied = unit_import::apply(&db, &ctx(4), c.id, &keep, Weighting::AsWritten)
        .await
        .unwrap();
    assert_eq!(applied, changes);
    assert!(units::by_code(&db, c.id, "ZZB").await.is_err());
    assert!(
        users::by_username(&db, "zzb.canbo")
            .await
            .unwrap()
            .is_none()
    );
    let qni = units::by_code(&db, c.id, "QNI").await.unwrap();
    assert_eq!(qni.short_name, "Tỉnh Quảng Ninh (mới)");
    assert_eq!(qni.email_domains, "quangninh.gov.vn");
    let actions = audit_actions(&db).await;
    assert!(
        actions.ends_with(&[
            "unit.update".to_string(),
            "unit.remove".to_string(),
            "campaign.units_import".to_string()
        ]),
        "{actions:?}"
    );

    // A campaign with no campaign before has no predecessors to name.
    let mut linked = keep.clone();
    linked[0].predecessors = vec![Link {
        code: "QNI".into(),
        weight: rust_decimal::Decimal::ONE,
    }];
    let before = counts(&db).await;
    let err = unit_import::apply(&db, &ctx(5), c.id, &linked, Weighting::AsWritten)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Refused("units-file-predecessor-unknown")),
        "{err:?}"
    );
    assert_eq!(counts(&db).await, before);
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

/// `n` completed survey responses for `unit` of `campaign`, written behind the application's back.
async fn completed(db: &parindex_tests::TestDb, campaign: i64, unit: UnitId, n: usize) {
    for k in 0..n {
        let email = format!("r{k}.{unit}@example.gov.vn");
        parindex_tests::measure::exec_sql(
            db,
            format!(
                "INSERT INTO respondents (unit_id, full_name, position, organisation, group_code, email, \
                 search_key, created_at, updated_at) VALUES ({unit}, 'Người {k}', 'Chuyên viên', 'Sở', 'hdnd', \
                 '{email}', 'nguoi {k}', 0, 0)"
            ),
        )
        .await;
        parindex_tests::measure::exec_sql(
            db,
            format!(
                "INSERT INTO survey_invitations (campaign_id, unit_id, respondent_id, group_code, email, delivery, \
                 invited_at, completed_at, last_mailed_at) SELECT {campaign}, {unit}, id, 'hdnd', email, 'sent', 0, 1, 0 \
                 FROM respondents WHERE email = '{email}'"
            ),
        )
        .await;
    }
}

async fn merged_units_can_weigh_by_last_years_responses(engine: Engine) {
    let db = fresh_db(engine).await;
    parindex::demo::seed(&db, 1_702_000_000_000).await.unwrap();
    let old = campaigns::by_year(&db, 2023).await.unwrap();
    let qni = units::by_code(&db, old.id, "QNI").await.unwrap().id;
    let hpg = units::by_code(&db, old.id, "HPG").await.unwrap().id;
    completed(&db, old.id.get(), qni, 3).await;
    completed(&db, old.id.get(), hpg, 1).await;
    let p = parindex_db::rollover::preview(&db, old.id, 2024)
        .await
        .unwrap();
    let plan = parindex_db::rollover::Rollover {
        from: old.id,
        year: 2024,
        name_vi: p.name_vi,
        name_en: p.name_en,
        sets: vec![],
    };
    let new = parindex_db::rollover::copy(&db, &ctx(1), &plan)
        .await
        .unwrap();
    let mut file: Vec<Incoming> = same_as(&units::list(&db, new.id).await.unwrap())
        .into_iter()
        .filter(|i| i.input.code != "HPG")
        .collect();
    let link = |code: &str| Link {
        code: code.into(),
        weight: rust_decimal::Decimal::ONE,
    };
    for i in file.iter_mut().filter(|i| i.input.code == "QNI") {
        i.predecessors = vec![link("QNI"), link("HPG")];
    }
    let shown = unit_import::preview(&db, new.id, &file, Weighting::Respondents)
        .await
        .unwrap();
    assert_eq!(
        shown.merged,
        vec![(
            "QNI".to_string(),
            vec![
                ("QNI".to_string(), "3".to_string()),
                ("HPG".to_string(), "1".to_string())
            ]
        )]
    );
    unit_import::apply(&db, &ctx(2), new.id, &file, Weighting::Respondents)
        .await
        .unwrap();
    let qni24 = units::by_code(&db, new.id, "QNI").await.unwrap().id;
    let stored = unit_import::predecessors(&db, qni24).await.unwrap();
    let weights: Vec<(String, String)> = stored.into_iter().map(|(c, _, w)| (c, w)).collect();
    assert_eq!(
        weights,
        vec![("HPG".into(), "1".into()), ("QNI".into(), "3".into())]
    );
    // A predecessor without responses cannot be weighed so: refused, nothing changed.
    let mut dng = file.clone();
    for i in dng.iter_mut().filter(|i| i.input.code == "QNI") {
        i.predecessors = vec![link("QNI"), link("DNG")];
    }
    let before = counts(&db).await;
    let err = unit_import::apply(&db, &ctx(3), new.id, &dng, Weighting::Respondents)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Refused("units-file-no-respondents")),
        "{err:?}"
    );
    assert_eq!(counts(&db).await, before);
}

on_both_engines!(
    a_units_file_takes_out_only_units_nothing_rests_on,
    merged_units_can_weigh_by_last_years_responses,
);
