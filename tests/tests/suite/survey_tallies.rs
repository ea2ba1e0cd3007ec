//! The survey's tallies, kept by each submission, on SQLite and PostgreSQL: respondents answer
//! through the real pages and the stored tallies equal a recount of the raw answers; whatever wrote
//! answers behind the product's back (a restore that lost the tallies, a bulk load, a replaced
//! questionnaire) is folded in by computing, which then gives the same index as a recount; and a
//! tally altered in the database is caught by the verification, by unit, leaf and group.

#![allow(clippy::unwrap_used)]

use parindex_db::{scoring_inputs, survey_tallies};
use parindex_domain::CampaignId;
use parindex_domain::scoring::compute_campaign;
use parindex_tests::email::survey_path;
use parindex_tests::measure::exec_sql;
use parindex_tests::survey::{EmlFolder, answer_all, open_survey};
use parindex_tests::{Engine, on_both_engines, spawn_app};
use reqwest::StatusCode;

/// The index computed from the raw answers, the way it was before tallies were stored.
async fn recomputed(
    db: &parindex_db::Db,
    c: CampaignId,
) -> parindex_domain::scoring::CampaignResult {
    let mut loaded = scoring_inputs::load(db, c).await.unwrap();
    let mut recount = scoring_inputs::recount(db, c).await.unwrap();
    for level in &mut loaded.input.levels {
        for u in &mut level.units {
            let id = loaded.unit_ids[&u.code];
            u.survey = recount.by_unit.remove(&id.get()).unwrap_or_default();
        }
    }
    compute_campaign(&loaded.input)
}

async fn tallies_follow_every_submission_and_every_other_writer(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    open_survey(&app).await;
    let folder = EmlFolder::new(&app);
    folder.deliver().await;
    let links: Vec<String> = folder
        .messages()
        .iter()
        .filter_map(|m| survey_path(m))
        .collect();
    assert!(links.len() >= 5, "{}", links.len());
    // Four respondents answer through the real pages, each differently, one with "don't know".
    for (i, link) in links.iter().take(4).enumerate() {
        let option = ["A", "B", "C", "E"][i];
        let status = answer_all(&app, link, |q| {
            if q.code.ends_with('2') && i == 0 {
                "B".to_string()
            } else {
                option.to_string()
            }
        })
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    // Each submission tallied itself: nothing is left to fold in, and the tallies equal a recount.
    let stored = survey_tallies::read(&app.db, c).await.unwrap();
    assert_eq!(stored.responses, 4);
    assert!(!stored.by_unit.is_empty());
    let folded = survey_tallies::fold_in(&app.db, c).await.unwrap();
    assert_eq!(folded, survey_tallies::Folded::default());
    let check = scoring_inputs::verify_tallies(&app.db, c).await.unwrap();
    assert!(check.holds(), "{:?}", check.differences);
    assert_eq!(check.recounted, 4);
    let cli = parindex::compute_report::verify_tallies(&app.db, 2023, true)
        .await
        .unwrap();
    assert!(
        cli.holds && cli.text.contains("equal a recount of the 4 submitted"),
        "{}",
        cli.text
    );
    let want = recomputed(&app.db, c).await;
    let (_, result) = scoring_inputs::compute_draft(&app.db, &parindex_db::Ctx::system(0), c)
        .await
        .unwrap();
    assert_eq!(result, want);

    // A restore or a copy that lost the tallies: computing folds every response in again.
    exec_sql(&app.db, "DELETE FROM survey_tallies".into()).await;
    exec_sql(
        &app.db,
        "UPDATE survey_invitations SET tallied_sha256 = NULL".into(),
    )
    .await;
    let folded = survey_tallies::fold_in(&app.db, c).await.unwrap();
    assert_eq!(folded.responses, 4);
    assert_eq!(scoring_inputs::load(&app.db, c).await.unwrap().responses, 4);
    assert_eq!(recomputed(&app.db, c).await, want);
    assert!(
        scoring_inputs::verify_tallies(&app.db, c)
            .await
            .unwrap()
            .holds()
    );

    // A bulk load writes a fifth response straight into the tables: computing folds it in.
    let fifth = parindex_db::survey::by_token(&app.db, links[4].trim_start_matches("/s/"))
        .await
        .unwrap()
        .unwrap();
    let set = parindex_db::questionnaires::get(&app.db, c, "province")
        .await
        .unwrap()
        .unwrap();
    let questions = &set.for_group(&fifth.group_code).unwrap().questions;
    let rows: Vec<String> = questions
        .iter()
        .map(|q| format!("({}, '{}', 'A', 1)", fifth.invitation_id, q.code))
        .collect();
    exec_sql(
        &app.db,
        format!(
            "INSERT INTO survey_answers (invitation_id, question_code, option_key, saved_at) VALUES {}, ({}, 'NO-SUCH', 'A', 1)",
            rows.join(","),
            fifth.invitation_id
        ),
    )
    .await;
    exec_sql(
        &app.db,
        format!(
            "UPDATE survey_invitations SET completed_at = 1 WHERE id = {}",
            fifth.invitation_id
        ),
    )
    .await;
    let loaded = scoring_inputs::load(&app.db, c).await.unwrap();
    assert_eq!((loaded.responses, loaded.unmatched_answers), (5, 1));
    let check = scoring_inputs::verify_tallies(&app.db, c).await.unwrap();
    assert!(check.holds(), "{:?}", check.differences);
    let with_fifth = recomputed(&app.db, c).await;
    assert_ne!(with_fifth, want, "the fifth response counts");
    assert_eq!(compute_campaign(&loaded.input), with_fifth);

    // A tally altered in the database is named by the verification.
    exec_sql(
        &app.db,
        "UPDATE survey_tallies SET cents = cents + 1 WHERE leaf_code = (SELECT MIN(leaf_code) FROM survey_tallies)".into(),
    )
    .await;
    let check = scoring_inputs::verify_tallies(&app.db, c).await.unwrap();
    assert!(!check.holds());
    let first = &check.differences[0];
    assert!(
        first.stored.is_some() && first.recounted.is_some(),
        "{first:?}"
    );
    assert_ne!(first.stored, first.recounted);
    // `parindex compute --verify-tallies` says so, and names the unit.
    let cli = parindex::compute_report::verify_tallies(&app.db, 2023, true)
        .await
        .unwrap();
    assert!(!cli.holds);
    assert!(cli.text.contains("survey tallies differ"), "{}", cli.text);
    let vi = parindex::compute_report::verify_tallies(&app.db, 2023, false)
        .await
        .unwrap();
    assert!(vi.text.contains("khác với việc đếm lại"), "{}", vi.text);

    // So is a miscounted number of unmatched answers, on its own line.
    exec_sql(
        &app.db,
        "UPDATE survey_tallies SET cents = cents - 1 WHERE leaf_code = (SELECT MIN(leaf_code) FROM survey_tallies)".into(),
    )
    .await;
    exec_sql(
        &app.db,
        "UPDATE survey_invitations SET unmatched_answers = unmatched_answers + 2 \
         WHERE id = (SELECT MIN(id) FROM survey_invitations WHERE completed_at IS NOT NULL)"
            .into(),
    )
    .await;
    let check = scoring_inputs::verify_tallies(&app.db, c).await.unwrap();
    assert!(check.differences.is_empty(), "{:?}", check.differences);
    assert_eq!(check.unmatched, (3, 1));
    assert!(!check.holds());
    let cli = parindex::compute_report::verify_tallies(&app.db, 2023, true)
        .await
        .unwrap();
    assert!(
        cli.text.contains("in 1 places") && cli.text.contains("answers matching no question 3 / 1"),
        "{}",
        cli.text
    );

    // The level's survey is open, so its questionnaires can no longer be replaced: the write
    // itself refuses, whoever calls it, and the tallies stay as they were.
    let before = survey_tallies::read(&app.db, c).await.unwrap();
    let ctx = parindex_db::Ctx::system(0);
    let refused = parindex_db::questionnaires::set(&app.db, &ctx, c, &set).await;
    assert!(
        matches!(refused, Err(parindex_db::DbError::Refused("qn-locked"))),
        "{refused:?}"
    );
    assert_eq!(survey_tallies::read(&app.db, c).await.unwrap(), before);
    // The tallies are kept under the questionnaires' hash.
    let sha = parindex_db::questionnaires::sha(&app.db, c, "province")
        .await
        .unwrap()
        .unwrap();
    let keyed: (String,) = match &app.db.db {
        parindex_db::Db::Sqlite(p, _) => sqlx::query_as(
            "SELECT questionnaire_sha256 FROM survey_tally_keys WHERE campaign_id = $1 AND level = 'province'",
        )
        .bind(c)
        .fetch_one(p)
        .await
        .unwrap(),
        parindex_db::Db::Postgres(p, _) => sqlx::query_as(
            "SELECT questionnaire_sha256 FROM survey_tally_keys WHERE campaign_id = $1 AND level = 'province'",
        )
        .bind(c)
        .fetch_one(p)
        .await
        .unwrap(),
    };
    assert_eq!(keyed.0, sha);
}

on_both_engines!(tallies_follow_every_submission_and_every_other_writer);
