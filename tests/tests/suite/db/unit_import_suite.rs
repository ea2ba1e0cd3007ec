//! The year's units file applied to a campaign: all or nothing, a unit taken out only while nothing
//! rests on it, and the crosswalk only towards the campaign before.

use super::*;
use parindex_db::unit_import::{self, Incoming};
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
    let err = unit_import::apply(&db, &ctx(2), c.id, &without)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Refused("unit-remove-in-use")),
        "{err:?}"
    );
    assert_eq!(counts(&db).await, before);

    // Leaving out the unit whose account has a password: refused, nothing changes.
    let err = unit_import::apply(&db, &ctx(3), c.id, &same_as(&current))
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
        }
    }
    let changes = unit_import::preview(&db, c.id, &keep).await.unwrap();
    assert_eq!(
        changes.removed,
        vec![("ZZB".to_string(), "Tỉnh B".to_string())]
    );
    assert_eq!(changes.renamed.len(), 1);
    let applied = unit_import::apply(&db, &ctx(4), c.id, &keep).await.unwrap();
    assert_eq!(applied, changes);
    assert!(units::by_code(&db, c.id, "ZZB").await.is_err());
    assert!(
        users::by_username(&db, "zzb.canbo")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        units::by_code(&db, c.id, "QNI").await.unwrap().short_name,
        "Tỉnh Quảng Ninh (mới)"
    );
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
    let err = unit_import::apply(&db, &ctx(5), c.id, &linked)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DbError::Refused("units-file-predecessor-unknown")),
        "{err:?}"
    );
    assert_eq!(counts(&db).await, before);
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);
}

on_both_engines!(a_units_file_takes_out_only_units_nothing_rests_on);
