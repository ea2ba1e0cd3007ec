//! One full interference-detection pass over a simulated national campaign (release build): 20
//! ministries and 63 provinces of 820 links, about 60,000 submitted responses with their paradata
//! built from the behaviour model with the shipped questionnaires, 10 units interfering in five ways
//! and 8 honest units satisfied with everything.
//!
//! Reported, as medians of 5:
//! - the detection pass (`integrity::detect`: every signal, robust statistics, explanations);
//! - a baseline in the same run: building the traces from the paradata events, which the database
//!   path does for every response before detecting;
//! - the pass with twins off (agreement 1.0 makes the pairwise comparison the only remaining cost
//!   that differs), to show what the pairwise answer comparison costs;
//! - recall and false flags of that campaign;
//! - the database path (SQLite, and PostgreSQL with `PARINDEX_TEST_PG_URL`): the same plan stored as
//!   respondents, invitations, answers and paradata rows, then `integrity::run` (read every trace,
//!   detect, store the run and the findings), median of 3.
//!
//! Run: `cargo bench -p parindex-tests --bench integrity`.

#![allow(clippy::unwrap_used)]

use parindex_db::{Ctx, Db, integrity, questionnaires, units};
use parindex_domain::CampaignId;
use parindex_domain::UnitId;
use parindex_domain::integrity::evaluate::{Scenario, Score};
use parindex_domain::integrity::model::{Action, CampaignPlan};
use parindex_domain::integrity::schedule::RunKind;
use parindex_domain::integrity::{IntegritySettings, detect, model};
use parindex_domain::survey::paradata::event;
use parindex_tests::measure::{exec_sql, median, ms};
use parindex_tests::{Engine, fresh_db};
use std::collections::HashMap;
use std::time::Instant;

/// Inserts `rows` (already formatted tuples) into `table (cols)` in batches.
async fn insert(db: &Db, table: &str, cols: &str, rows: &[String]) {
    // PostgreSQL ids are GENERATED ALWAYS: explicit ones need saying so.
    let overriding = match db {
        Db::Postgres(..) if cols.starts_with("id,") => " OVERRIDING SYSTEM VALUE",
        _ => "",
    };
    for chunk in rows.chunks(2_000) {
        exec_sql(
            db,
            format!(
                "INSERT INTO {table} ({cols}){overriding} VALUES {}",
                chunk.join(",")
            ),
        )
        .await;
    }
}

/// The demo campaign with the scenario's 83 units, and the plan stored as rows. Returns the campaign.
async fn store_plan(db: &Db, sc: &Scenario, plan: &CampaignPlan) -> CampaignId {
    parindex::demo::seed(db, 0).await.unwrap();
    let c = parindex_db::campaigns::by_year(db, 2023).await.unwrap().id;
    let ctx = Ctx::system(0);
    let mut ids: HashMap<i64, UnitId> = HashMap::new();
    for (i, level) in std::iter::repeat_n(parindex_domain::Level::Ministry, sc.ministries)
        .chain(std::iter::repeat_n(
            parindex_domain::Level::Province,
            sc.provinces,
        ))
        .enumerate()
    {
        let u = units::create(
            db,
            &ctx,
            c,
            &units::UnitInput {
                code: format!("IG{i:03}"),
                level,
                name: format!("Đơn vị thử {i}"),
                short_name: format!("Thử {i}"),
                not_ranked: false,
                email_domains: String::new(),
            },
        )
        .await
        .unwrap();
        ids.insert(i as i64 + 1, u.id);
    }
    let mut keys: HashMap<String, Vec<(String, Vec<String>)>> = HashMap::new();
    for level in ["ministry", "province"] {
        let set = questionnaires::get(db, c, level).await.unwrap().unwrap();
        for qn in &set.questionnaires {
            keys.insert(
                format!("{level}/{}", qn.group),
                qn.questions
                    .iter()
                    .map(|q| {
                        (
                            q.code.clone(),
                            set.options(q).iter().map(|o| o.key.clone()).collect(),
                        )
                    })
                    .collect(),
            );
        }
    }
    let level_of = |unit: i64| {
        if unit <= sc.ministries as i64 {
            "ministry"
        } else {
            "province"
        }
    };
    let (mut people, mut invitations, mut answers) = (Vec::new(), Vec::new(), Vec::new());
    let mut completed: HashMap<usize, i64> = HashMap::new();
    for s in &plan.steps {
        if s.action == Action::Submit {
            completed.insert(s.link, s.at);
        }
    }
    let base = 1_000_000;
    for (k, l) in plan.links.iter().enumerate() {
        let id = base + k as i64;
        let unit = ids[&l.unit_id];
        people.push(format!(
            "({id}, {unit}, 'Người thử', 'Lãnh đạo', 'Sở', '{}', 'r{id}@bench.gov.vn', 'nguoi thu', 0, 0)",
            l.group
        ));
        let done = completed
            .get(&k)
            .map_or("NULL".to_string(), |t| t.to_string());
        invitations.push(format!(
            "({id}, {c}, {unit}, {id}, '{}', 'r{id}@bench.gov.vn', 'sent', 0, 0, {done})",
            l.group
        ));
        if completed.contains_key(&k)
            && let Some(qs) = keys.get(&format!("{}/{}", level_of(l.unit_id), l.group))
        {
            for ((code, opts), pos) in qs.iter().zip(&l.answers) {
                if let Some(key) = opts.get(usize::from(*pos)) {
                    answers.push(format!("({id}, '{code}', '{key}', 0)"));
                }
            }
        }
    }
    let paradata: Vec<String> = plan
        .steps
        .iter()
        .map(|s| {
            let (kind, page) = match s.action {
                Action::Open => (event::OPENED, 0),
                Action::Start => (event::STARTED, 0),
                Action::ShowPage(p) => (event::PAGE_SHOWN, p),
                Action::SavePage(p) => (event::PAGE_SAVED, p),
                Action::ShowCheck => (event::CHECK_SHOWN, 0),
                Action::Submit => (event::SUBMITTED, 0),
            };
            let d = plan.devices[s.device];
            let signed = if d.officer { "1" } else { "NULL" };
            format!(
                "({}, {}, '{kind}', {page}, 'd{}', 'n{}', 'ua', {signed})",
                base + s.link as i64,
                s.at,
                s.device,
                d.network
            )
        })
        .collect();
    insert(db, "respondents", "id, unit_id, full_name, position, organisation, group_code, email, search_key, created_at, updated_at", &people).await;
    insert(db, "survey_invitations", "id, campaign_id, unit_id, respondent_id, group_code, email, delivery, invited_at, last_mailed_at, completed_at", &invitations).await;
    insert(
        db,
        "survey_answers",
        "invitation_id, question_code, option_key, saved_at",
        &answers,
    )
    .await;
    insert(
        db,
        "survey_paradata",
        "invitation_id, at, event, page, session_hash, ip_hash, ua_hash, signed_in_unit",
        &paradata,
    )
    .await;
    exec_sql(db, format!("INSERT INTO survey_units (unit_id, campaign_id, opened_at) SELECT id, {c}, 0 FROM units WHERE campaign_id = {c} AND code LIKE 'IG%'")).await;
    c
}

async fn database_path(engine: Engine, sc: &Scenario, plan: &CampaignPlan) {
    let db = fresh_db(engine).await;
    let t = Instant::now();
    let c = store_plan(&db, sc, plan).await;
    let stored = t.elapsed();
    let mut runs = Vec::new();
    let mut flagged = 0;
    let mut responses = 0;
    for k in 0..3 {
        let t = Instant::now();
        let (info, _) = integrity::run(&db, &Ctx::system(k), c, RunKind::Manual)
            .await
            .unwrap();
        runs.push(t.elapsed());
        flagged = info.flagged;
        responses = info.responses;
    }
    println!(
        "  {engine:?}: integrity::run over {responses} stored responses (median of 3): {}; {flagged} units flagged (rows stored in {:.1} s)",
        ms(median(runs)),
        stored.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let shapes = parindex::integrity_report::shipped_shapes().unwrap();
    // 820 links per unit: with one in eight honest respondents never answering, ~60,000 responses.
    let sc = Scenario {
        size: 820,
        ..Scenario::national(1)
    };
    let plan = model::plan(&sc.specs(&shapes), &shapes, 0, sc.days, 1);
    let settings = IntegritySettings::default();
    let mut build = Vec::new();
    let mut pass = Vec::new();
    let mut strict = Vec::new();
    let mut traces = Vec::new();
    let mut score = Score::default();
    for _ in 0..5 {
        let t = Instant::now();
        traces = model::traces(&plan);
        build.push(t.elapsed());
        let t = Instant::now();
        let d = detect(&traces, &settings);
        pass.push(t.elapsed());
        score = Score::of(&plan.interfering, &d);
        let exact = IntegritySettings {
            twin_agreement: 1.0,
            ..settings.clone()
        };
        let t = Instant::now();
        detect(&traces, &exact);
        strict.push(t.elapsed());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "integrity bench: {} responses in {} units, {cores} cores",
        traces.len(),
        score.units
    );
    println!(
        "  detection pass (median of 5):           {}",
        ms(median(pass))
    );
    println!(
        "  baseline, traces from events:           {}",
        ms(median(build))
    );
    println!(
        "  detection, twins only when identical:   {}",
        ms(median(strict))
    );
    println!(
        "  recall {:.0}%, precision {:.0}%, honest units flagged {} of {}",
        score.recall() * 100.0,
        score.precision() * 100.0,
        score.false_flags,
        score.units - score.interfering
    );
    database_path(Engine::Sqlite, &sc, &plan).await;
    if std::env::var("PARINDEX_TEST_PG_URL").is_ok() {
        database_path(Engine::Postgres, &sc, &plan).await;
    }
}
