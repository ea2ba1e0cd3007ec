use super::*;
use parindex_db::Ctx;
use parindex_db::appraisals::{self, Move};
use parindex_domain::appraisal::{Decision, Round, Stage, Verdict};

/// The database refuses what the pages already refuse, inside the write's own transaction: a
/// stage change that no longer matches what the caller saw, and any decision after final.
async fn stage_changes_recheck_what_they_depend_on(engine: Engine) {
    let app = spawn_app(engine).await;
    let hpg = app.unit_id("HPG").await;
    let cid = app.campaign_id().await;
    let ctx = Ctx::system(0);
    let accept = |s: &str| Decision {
        verdict: Verdict::Accept,
        score: Points::parse(s).unwrap(),
        comment: String::new(),
    };
    appraisals::decide(&app.db, &ctx, cid, hpg, "1.1.1", Round::First, &accept("1"))
        .await
        .unwrap();
    // The caller saw no adjustment; meanwhile another appraiser adjusted a leaf.
    appraisals::decide(
        &app.db,
        &ctx,
        cid,
        hpg,
        "1.2.1",
        Round::First,
        &Decision {
            verdict: Verdict::Adjust,
            score: Points::ZERO,
            comment: "Không có văn bản".into(),
        },
    )
    .await
    .unwrap();
    let straight_to_final = Move {
        from: Stage::Round1,
        to: Stage::Final,
        adjusted: Some(0),
        explain_due: None,
    };
    assert!(matches!(
        appraisals::advance(&app.db, &ctx, cid, hpg, &straight_to_final).await,
        Err(parindex_db::DbError::Stale)
    ));
    assert_eq!(
        appraisals::get(&app.db, hpg).await.unwrap().stage,
        Stage::Round1
    );
    // Round 2 decisions are refused in round 1, round 1 decisions after final.
    assert!(matches!(
        appraisals::decide(
            &app.db,
            &ctx,
            cid,
            hpg,
            "1.2.1",
            Round::Second,
            &accept("1")
        )
        .await,
        Err(parindex_db::DbError::Stale)
    ));
    let ttcp = app.unit_id("TTCP").await;
    assert_eq!(
        appraisals::get(&app.db, ttcp).await.unwrap().stage,
        Stage::Final
    );
    assert!(matches!(
        appraisals::decide(
            &app.db,
            &ctx,
            cid,
            ttcp,
            "1.1.1",
            Round::First,
            &accept("1")
        )
        .await,
        Err(parindex_db::DbError::Stale)
    ));
    // A report that is not submitted has no appraisal at all.
    let agg = app.unit_id("AGG").await;
    assert!(matches!(
        appraisals::decide(&app.db, &ctx, cid, agg, "1.1.1", Round::First, &accept("1")).await,
        Err(parindex_db::DbError::Stale)
    ));
}

on_both_engines!(stage_changes_recheck_what_they_depend_on);
