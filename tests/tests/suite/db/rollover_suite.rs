//! Rolling the demo's 2023 campaign over to 2024: what is copied, what is not, and all or nothing.

use super::*;
use parindex_db::rollover::{self, Rollover};
use parindex_db::{criteria_sets, respondents};

async fn seeded(engine: Engine) -> (parindex_tests::TestDb, campaigns::Campaign) {
    let db = fresh_db(engine).await;
    parindex::demo::seed(&db, 1_702_000_000_000).await.unwrap();
    let old = campaigns::by_year(&db, 2023).await.unwrap();
    (db, old)
}

fn plan(old: &campaigns::Campaign, p: &rollover::Preview) -> Rollover {
    Rollover {
        from: old.id,
        year: p.year,
        name_vi: p.name_vi.clone(),
        name_en: p.name_en.clone(),
        sets: p.sets.iter().map(|(_, s)| s.id).collect(),
    }
}

async fn a_campaign_rolls_over_with_its_setup_and_none_of_its_work(engine: Engine) {
    let (db, old) = seeded(engine).await;
    let p = rollover::preview(&db, old.id, 2024).await.unwrap();
    assert_eq!(p.name_vi, old.name_vi.replace("2023", "2024"));
    let active_unit_accounts = db
        .scalar(&format!(
            "SELECT COUNT(*) FROM users us JOIN units u ON u.id = us.unit_id \
             WHERE u.campaign_id = {} AND us.active",
            old.id
        ))
        .await;
    assert_eq!(p.accounts.len() as i64, active_unit_accounts);
    assert!(p.accounts.iter().all(|a| a.new_username.ends_with(".2024")));
    let before_audit = audit::count(&db).await.unwrap();
    let new = rollover::copy(&db, &ctx(1_800_000_000_000), &plan(&old, &p))
        .await
        .unwrap();

    // The campaign: named for 2024, last year's as its predecessor, deadlines a year on, unconfirmed.
    assert_eq!((new.year, new.predecessor_id), (2024, Some(old.id)));
    assert!(!new.deadlines_confirmed);
    assert_eq!(new.legal_basis, old.legal_basis);
    assert_eq!(new.organiser, old.organiser);
    assert_eq!(new.min_group_size, old.min_group_size);
    let old_days = deadlines::for_campaign(&db, old.id).await.unwrap();
    let new_days = deadlines::for_campaign(&db, new.id).await.unwrap();
    assert_eq!(old_days.len(), new_days.len());
    assert!(!new_days.is_empty());
    for ((k1, d1), (k2, d2)) in old_days.iter().zip(&new_days) {
        assert_eq!(k1, k2);
        let y: i32 = d1[..4].parse().unwrap();
        assert_eq!(*d2, format!("{}{}", y + 1, &d1[4..]), "{k1}");
    }

    // The units, one for one.
    let strip = |us: Vec<units::Unit>| -> Vec<_> {
        us.into_iter()
            .map(|u| {
                (
                    u.code,
                    u.level,
                    u.name,
                    u.short_name,
                    u.not_ranked,
                    u.email_domains,
                )
            })
            .collect()
    };
    let old_units = units::list(&db, old.id).await.unwrap();
    let new_units = units::list(&db, new.id).await.unwrap();
    assert_eq!(strip(old_units.clone()), strip(new_units.clone()));

    // The accounts: same people and roles, on their unit's copy, no password yet.
    let btp_2024 = units::by_code(&db, new.id, "BTP").await.unwrap();
    let copy = users::by_username(&db, "btp.canbo.2024")
        .await
        .unwrap()
        .unwrap();
    let original = users::by_username(&db, "btp.canbo").await.unwrap().unwrap();
    assert_eq!(copy.unit_id, Some(btp_2024.id));
    assert_eq!(
        (copy.role, &copy.email, &copy.full_name),
        (original.role, &original.email, &original.full_name)
    );
    assert!(copy.password_hash.is_empty() && copy.must_change_password);
    assert_eq!(
        db.scalar(&format!(
            "SELECT COUNT(*) FROM users us JOIN units u ON u.id = us.unit_id WHERE u.campaign_id = {}",
            new.id
        ))
        .await,
        active_unit_accounts
    );
    assert!(
        !original.password_hash.is_empty(),
        "last year's account is untouched"
    );

    // The settings, copied; the contacts, marked to confirm.
    assert_eq!(
        respondents::groups(&db, new.id).await.unwrap(),
        respondents::groups(&db, old.id).await.unwrap()
    );
    for level in ["ministry", "province"] {
        assert_eq!(
            parindex_db::questionnaires::sha(&db, new.id, level)
                .await
                .unwrap(),
            parindex_db::questionnaires::sha(&db, old.id, level)
                .await
                .unwrap()
        );
    }
    let pins = |v: Vec<(parindex_domain::Level, criteria_sets::StoredSet)>| -> Vec<_> {
        v.into_iter().map(|(l, s)| (l, s.id)).collect()
    };
    assert_eq!(
        pins(criteria_sets::pinned(&db, new.id).await.unwrap()),
        pins(criteria_sets::pinned(&db, old.id).await.unwrap())
    );
    let support = contacts::support_for(&db, new.id).await.unwrap();
    assert_eq!(support, contacts::support_for(&db, old.id).await.unwrap());
    assert_eq!(
        contacts::support_to_confirm(&db, new.id)
            .await
            .unwrap()
            .len(),
        support.len()
    );
    let old_focal = db
        .scalar(&format!(
            "SELECT COUNT(*) FROM focal_contacts f JOIN units u ON u.id = f.unit_id WHERE u.campaign_id = {}",
            old.id
        ))
        .await;
    assert!(old_focal > 0);
    assert_eq!(
        db.scalar(&format!(
            "SELECT COUNT(*) FROM focal_contacts f JOIN units u ON u.id = f.unit_id \
             WHERE u.campaign_id = {} AND f.to_confirm",
            new.id
        ))
        .await,
        old_focal
    );

    // None of last year's work.
    for table in [
        "respondents",
        "respondent_lists",
        "self_assessments",
        "evidence_files",
        "appraisals",
        "survey_units",
        "survey_invitations",
        "deadline_extensions",
        "imported_figures",
    ] {
        assert_eq!(
            db.scalar(&format!(
                "SELECT COUNT(*) FROM {table} t JOIN units u ON u.id = t.unit_id WHERE u.campaign_id = {}",
                new.id
            ))
            .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        db.scalar(&format!(
            "SELECT COUNT(*) FROM result_versions WHERE campaign_id = {}",
            new.id
        ))
        .await,
        0
    );

    // Every row it wrote is audited, the copy itself last, and the chain holds.
    let actions = audit_actions(&db).await;
    assert_eq!(actions.last().map(String::as_str), Some("campaign.copy"));
    let written = audit::count(&db).await.unwrap() - before_audit;
    // campaign + units + accounts + pins + the copy
    let expected = 1 + old_units.len() as i64 + active_unit_accounts + p.sets.len() as i64 + 1;
    assert_eq!(written, expected);
    assert_eq!(audit::verify(&db).await.unwrap().first_break, None);

    // Saving the campaign confirms its deadlines; saving a contact confirms it.
    let confirm = campaigns::CampaignInput {
        year: 2024,
        name_vi: new.name_vi.clone(),
        name_en: new.name_en.clone(),
        legal_basis: new.legal_basis.clone(),
        organiser: new.organiser.clone(),
        min_group_size: new.min_group_size,
        deadlines: new_days,
    };
    assert!(
        campaigns::update(&db, &ctx(2), new.id, &confirm)
            .await
            .unwrap()
            .deadlines_confirmed
    );
    contacts::set_support(&db, &ctx(3), new.id, &support[0])
        .await
        .unwrap();
    assert_eq!(
        contacts::support_to_confirm(&db, new.id)
            .await
            .unwrap()
            .len(),
        support.len() - 1
    );
}

async fn a_refused_roll_over_writes_nothing(engine: Engine) {
    let (db, old) = seeded(engine).await;
    let p = rollover::preview(&db, old.id, 2024).await.unwrap();
    rollover::copy(&db, &ctx(1), &plan(&old, &p)).await.unwrap();
    let rows = |t: &'static str| db.scalar(t);
    let before = (
        rows("SELECT COUNT(*) FROM campaigns").await,
        rows("SELECT COUNT(*) FROM units").await,
        rows("SELECT COUNT(*) FROM users").await,
        audit::count(&db).await.unwrap(),
    );
    // The same year again: the year is taken, and nothing of the attempt stays.
    let err = rollover::copy(&db, &ctx(2), &plan(&old, &p))
        .await
        .unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)), "{err:?}");
    // A year that is not later.
    let mut back = plan(&old, &p);
    back.year = 2022;
    let err = rollover::copy(&db, &ctx(3), &back).await.unwrap_err();
    assert!(
        matches!(err, DbError::Refused("rollover-year-not-later")),
        "{err:?}"
    );
    assert!(matches!(
        rollover::preview(&db, old.id, 2023).await,
        Err(DbError::Refused(_))
    ));
    // A criteria set that does not exist fails the whole copy, after units and accounts were written.
    let mut bad = plan(&old, &p);
    bad.year = 2025;
    bad.sets.push(987_654);
    assert!(rollover::copy(&db, &ctx(4), &bad).await.is_err());
    let after = (
        rows("SELECT COUNT(*) FROM campaigns").await,
        rows("SELECT COUNT(*) FROM units").await,
        rows("SELECT COUNT(*) FROM users").await,
        audit::count(&db).await.unwrap(),
    );
    assert_eq!(before, after);
    // A second roll-over (2023 → 2025) does not clash with the first one's usernames.
    let p25 = rollover::preview(&db, old.id, 2025).await.unwrap();
    assert!(
        p25.accounts
            .iter()
            .any(|a| a.new_username == "btp.canbo.2025")
    );
    let c24 = campaigns::by_year(&db, 2024).await.unwrap();
    let p26 = rollover::preview(&db, c24.id, 2026).await.unwrap();
    assert!(
        p26.accounts
            .iter()
            .any(|a| a.new_username == "btp.canbo.2026")
    );
}

on_both_engines!(
    a_campaign_rolls_over_with_its_setup_and_none_of_its_work,
    a_refused_roll_over_writes_nothing,
);
