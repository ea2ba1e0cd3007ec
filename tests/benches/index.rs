//! The index of a national campaign computed from the database (release build): 20 ministries and
//! 63 provinces, 60,000 submitted responses of 30 answers each (1.8 million answers), every unit's
//! self-assessment submitted, a SIPAS figure per province.
//!
//! Reported, as medians:
//! - the product path: `scoring_inputs::compute_draft` (the stored tallies read, the engine, the
//!   draft stored), against one bare scan of the answers table in the same rounds, and their ratio;
//! - before: the same inputs from the raw answers (one aggregated row per response), as computing
//!   read them before the tallies were stored;
//! - folding the 60,000 bulk-loaded responses into the tallies (once) and `--verify-tallies`;
//! - a baseline in the same run: the same tallies from one row per answer, streamed;
//! - the engine alone on the loaded, in-memory inputs;
//! - storing the draft (inputs and result as JSON, one transaction), and the peak memory.
//!
//! Run: `cargo bench -p parindex-tests --bench index` (SQLite), with `PARINDEX_TEST_PG_URL` set for
//! PostgreSQL too.

#![allow(clippy::unwrap_used)]

use futures_util::TryStreamExt;
use parindex_db::{
    Ctx, Db, criteria_sets, questionnaires, results, scoring_inputs, survey_tallies, units,
};
use parindex_domain::CampaignId;
use parindex_domain::criteria::Method;
use parindex_domain::scoring::{AnswerKey, Tallies, compute_campaign};
use parindex_domain::survey::Question;
use parindex_tests::measure::{exec_sql, median, ms, peak_mib};
use parindex_tests::{Engine, fresh_db};
use sqlx::Row;
use std::time::Instant;

const MINISTRIES: usize = 20;
const PROVINCES: usize = 63;
const RESPONDENTS: usize = 60_000;
const ANSWERS: usize = 30;

/// A national campaign on top of the demo one: units, 30-question questionnaires, responses, scores.
async fn seed(db: &Db) -> CampaignId {
    parindex::demo::seed(db, 0).await.unwrap();
    let c = parindex_db::campaigns::by_year(db, 2023).await.unwrap().id;
    let ctx = Ctx::system(0);
    let have = units::list(db, c).await.unwrap();
    for (level, want, prefix) in [
        (parindex_domain::Level::Ministry, MINISTRIES, "BM"),
        (parindex_domain::Level::Province, PROVINCES, "TP"),
    ] {
        let n = have.iter().filter(|u| u.level == level).count();
        for i in n..want {
            units::create(
                db,
                &ctx,
                c,
                &units::UnitInput {
                    code: format!("{prefix}{i:02}"),
                    level,
                    name: format!("Đơn vị thử {prefix}{i:02}"),
                    short_name: format!("Thử {prefix}{i:02}"),
                    not_ranked: false,
                    email_domains: String::new(),
                },
            )
            .await
            .unwrap();
        }
    }
    exec_sql(
        db,
        "CREATE TABLE bench_units (n BIGINT, unit_id BIGINT, level TEXT)".into(),
    )
    .await;
    exec_sql(
        db,
        "CREATE TABLE bench_groups (level TEXT, n BIGINT, code TEXT, size BIGINT)".into(),
    )
    .await;
    exec_sql(
        db,
        "CREATE TABLE bench_questions (group_code TEXT, n BIGINT, code TEXT)".into(),
    )
    .await;
    exec_sql(
        db,
        "CREATE TABLE bench_leaves (level TEXT, code TEXT, score TEXT)".into(),
    )
    .await;
    let all = units::list(db, c).await.unwrap();
    let mut seen_groups: std::collections::HashSet<String> = std::collections::HashSet::new();
    let rows: Vec<String> = all
        .iter()
        .enumerate()
        .map(|(i, u)| format!("({i}, {}, '{}')", u.id, u.level))
        .collect();
    exec_sql(
        db,
        format!("INSERT INTO bench_units VALUES {}", rows.join(",")),
    )
    .await;
    for (level, stored) in criteria_sets::pinned(db, c).await.unwrap() {
        let tree = criteria_sets::tree(db, stored.id).await.unwrap();
        // 30 questions per group, cycling over the level's survey leaves.
        let mut q = questionnaires::get(db, c, level.as_str())
            .await
            .unwrap()
            .unwrap();
        let survey: Vec<String> = tree
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::Survey))
            .map(|l| l.code.clone())
            .collect();
        let groups = q.questionnaires.len();
        for (g, qn) in q.questionnaires.iter_mut().enumerate() {
            qn.questions = (0..ANSWERS)
                .map(|k| Question {
                    code: format!("B{k:02}"),
                    leaf: survey[(k + g) % survey.len()].clone(),
                    text_vi: format!("Câu hỏi thử {k}"),
                    text_en: String::new(),
                    options: Vec::new(),
                })
                .collect();
            exec_sql(
                db,
                format!(
                    "INSERT INTO bench_groups VALUES ('{level}', {g}, '{}', {groups})",
                    qn.group
                ),
            )
            .await;
            // Group codes shared by both levels get their question codes once.
            if seen_groups.insert(qn.group.clone()) {
                let qs: Vec<String> = (0..ANSWERS)
                    .map(|k| format!("('{}', {k}, 'B{k:02}')", qn.group))
                    .collect();
                exec_sql(
                    db,
                    format!("INSERT INTO bench_questions VALUES {}", qs.join(",")),
                )
                .await;
            }
        }
        questionnaires::set(db, &ctx, c, &q).await.unwrap();
        let leaves: Vec<String> = tree
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::SelfAssessed))
            .map(|l| {
                let score = l.max.decimal() * rust_decimal::Decimal::new(85, 2);
                format!("('{level}', '{}', '{}')", l.code, score.round_dp(2))
            })
            .collect();
        exec_sql(
            db,
            format!("INSERT INTO bench_leaves VALUES {}", leaves.join(",")),
        )
        .await;
        let imported: Vec<String> = tree
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::Imported))
            .map(|l| l.code.clone())
            .collect();
        for code in imported {
            exec_sql(db, format!(
                "INSERT INTO imported_figures (campaign_id, unit_id, leaf_code, value, source, updated_at) \
                 SELECT {c}, unit_id, '{code}', CAST(80 + n % 15 AS TEXT), 'SIPAS', 0 FROM bench_units WHERE level = '{level}'"
            )).await;
        }
    }
    let t = Instant::now();
    exec_sql(db, format!(
        "WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < {}) \
         INSERT INTO respondents (unit_id, full_name, position, organisation, group_code, email, search_key, created_at, updated_at) \
         SELECT u.unit_id, 'Người Trả Lời', 'Lãnh đạo', 'Sở', g.code, 'r' || CAST(x AS TEXT) || '@bench.gov.vn', 'nguoi tra loi', 0, 0 \
         FROM seq JOIN bench_units u ON u.n = x % {} \
         JOIN bench_groups g ON g.level = u.level AND g.n = (x / {}) % g.size",
        RESPONDENTS - 1, MINISTRIES + PROVINCES, MINISTRIES + PROVINCES
    )).await;
    exec_sql(db, format!(
        "INSERT INTO survey_invitations (campaign_id, unit_id, respondent_id, group_code, email, delivery, invited_at, last_mailed_at, completed_at) \
         SELECT {c}, unit_id, id, group_code, email, 'sent', 0, 0, 1 FROM respondents WHERE email LIKE '%@bench.gov.vn'"
    )).await;
    exec_sql(db, format!(
        "INSERT INTO survey_answers (invitation_id, question_code, option_key, saved_at) \
         SELECT i.id, q.code, substr('ABCDEAABBC', CAST((i.id * 7 + q.n * 13) % 10 AS INTEGER) + 1, 1), 0 \
         FROM survey_invitations i JOIN bench_questions q ON q.group_code = i.group_code WHERE i.campaign_id = {c}"
    )).await;
    exec_sql(db, "INSERT INTO self_scores (unit_id, leaf_code, score, explanation, updated_at, updated_by) \
         SELECT u.unit_id, l.code, l.score, '', 0, 0 FROM bench_units u JOIN bench_leaves l ON l.level = u.level \
         WHERE 1 = 1 ON CONFLICT DO NOTHING".into()).await;
    exec_sql(db, "INSERT INTO self_assessments (unit_id, state, updated_at) SELECT unit_id, 'submitted', 0 FROM bench_units \
         WHERE 1 = 1 ON CONFLICT (unit_id) DO UPDATE SET state = 'submitted'".into()).await;
    if let Db::Postgres(p, _) = db {
        sqlx::query("ANALYZE").execute(p).await.unwrap();
    }
    println!(
        "  seeded {RESPONDENTS} responses × {ANSWERS} answers in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    c
}

/// The baseline: every answer as its own row, streamed in invitation order.
async fn baseline(db: &Db, c: CampaignId) -> Tallies {
    let mut tallies = Tallies::default();
    for level in ["ministry", "province"] {
        let key = AnswerKey::new(&questionnaires::get(db, c, level).await.unwrap().unwrap());
        let sql = "SELECT i.id, i.unit_id, i.group_code, a.question_code, a.option_key \
             FROM survey_invitations i JOIN units u ON u.id = i.unit_id AND u.level = $2 \
             JOIN survey_answers a ON a.invitation_id = i.id \
             WHERE i.campaign_id = $1 AND i.completed_at IS NOT NULL ORDER BY i.id";
        let mut current: Option<(i64, i64, String)> = None;
        let mut answers: Vec<(String, String)> = Vec::new();
        let mut flush = |cur: &Option<(i64, i64, String)>, answers: &mut Vec<(String, String)>| {
            if let Some((_, unit, group)) = cur {
                tallies.add_response(
                    &key,
                    *unit,
                    group,
                    answers.iter().map(|(q, o)| (q.as_str(), o.as_str())),
                );
            }
            answers.clear();
        };
        macro_rules! stream {
            ($p:expr, $row:ty) => {{
                let mut rows = sqlx::query(sql).bind(c).bind(level).fetch($p);
                while let Some(r) = rows.try_next().await.unwrap() {
                    let r: $row = r;
                    let id: i64 = r.get(0);
                    if current.as_ref().map(|x| x.0) != Some(id) {
                        flush(&current, &mut answers);
                        current = Some((id, r.get(1), r.get(2)));
                    }
                    answers.push((r.get(3), r.get(4)));
                }
            }};
        }
        match db {
            Db::Sqlite(p, _) => stream!(p, sqlx::sqlite::SqliteRow),
            Db::Postgres(p, _) => stream!(p, sqlx::postgres::PgRow),
        }
        flush(&current, &mut answers);
    }
    tallies
}

/// The product's aggregated query alone, its rows read and dropped: how much of the load is SQL.
async fn sql_only(db: &Db, c: CampaignId) -> usize {
    let mut bytes = 0;
    for level in ["all"] {
        let agg = match db {
            Db::Sqlite(..) => "group_concat(a.question_code || char(31) || a.option_key, char(30))",
            Db::Postgres(..) => "string_agg(a.question_code || chr(31) || a.option_key, chr(30))",
        };
        let sql = format!(
            "SELECT i.unit_id, i.group_code, {agg} FROM survey_invitations i \
             JOIN survey_answers a ON a.invitation_id = i.id \
             WHERE i.campaign_id = $1 AND i.completed_at IS NOT NULL AND $2 <> '' GROUP BY i.id"
        );
        macro_rules! stream {
            ($p:expr, $row:ty) => {{
                let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(c)
                    .bind(level)
                    .fetch($p);
                while let Some(r) = rows.try_next().await.unwrap() {
                    let r: $row = r;
                    let t: &str = r.get(2);
                    bytes += t.len();
                }
            }};
        }
        match db {
            Db::Sqlite(p, _) => stream!(p, sqlx::sqlite::SqliteRow),
            Db::Postgres(p, _) => stream!(p, sqlx::postgres::PgRow),
        }
    }
    bytes
}

/// One bare scan of the answers table, every row read and dropped: the yardstick for the ratio.
async fn bare_scan(db: &Db) -> u64 {
    let sql = "SELECT invitation_id, question_code, option_key FROM survey_answers";
    let mut n = 0u64;
    macro_rules! stream {
        ($p:expr, $row:ty) => {{
            let mut rows = sqlx::query(sql).fetch($p);
            while let Some(r) = rows.try_next().await.unwrap() {
                let r: $row = r;
                let q: &str = r.get(1);
                n += q.len() as u64;
            }
        }};
    }
    match db {
        Db::Sqlite(p, _) => stream!(p, sqlx::sqlite::SqliteRow),
        Db::Postgres(p, _) => stream!(p, sqlx::postgres::PgRow),
    }
    n
}

async fn run(engine: Engine) {
    let db = fresh_db(engine).await;
    println!("{engine:?}:");
    let c = seed(&db).await;

    // The seed wrote its responses straight into the tables, like a bulk load: the first computation
    // folds them into the tallies once.
    let t = Instant::now();
    let folded = survey_tallies::fold_in(&db, c).await.unwrap();
    let fold = t.elapsed();
    assert_eq!(folded.responses, RESPONDENTS as u64);

    let mut product = Vec::new();
    let mut scans = Vec::new();
    let mut loaded = None;
    for _ in 0..5 {
        // The same-run yardstick right before each computation, so that both see the same machine.
        let t = Instant::now();
        assert!(bare_scan(&db).await > 0);
        scans.push(t.elapsed());
        let t = Instant::now();
        let (l, r) = scoring_inputs::compute_draft(&db, &Ctx::system(0), c)
            .await
            .unwrap();
        product.push(t.elapsed());
        assert_eq!(
            r.levels.iter().map(|x| x.units.len()).sum::<usize>(),
            MINISTRIES + PROVINCES
        );
        loaded = Some(l);
    }
    let loaded = loaded.unwrap();
    assert_eq!(loaded.responses, RESPONDENTS as u64);
    assert_eq!(loaded.unmatched_answers, 0);

    // Before: the same inputs from the raw answers (one aggregated row per response, two parts at
    // once), as computing read them until the tallies were stored.
    let mut before = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let mut input = scoring_inputs::load(&db, c).await.unwrap();
        let mut recount = scoring_inputs::recount(&db, c).await.unwrap();
        for level in &mut input.input.levels {
            for u in &mut level.units {
                u.survey = recount
                    .by_unit
                    .remove(&input.unit_ids[&u.code].get())
                    .unwrap_or_default();
            }
        }
        let r = compute_campaign(&input.input);
        before.push(t.elapsed());
        assert_eq!(r.input_hash, compute_campaign(&loaded.input).input_hash);
    }

    let t = Instant::now();
    let check = scoring_inputs::verify_tallies(&db, c).await.unwrap();
    let verify = t.elapsed();
    assert!(check.holds(), "{:?}", check.differences);
    assert_eq!(check.recounted, RESPONDENTS as u64);

    let mut base = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let tallies = baseline(&db, c).await;
        base.push(t.elapsed());
        assert_eq!(tallies.responses, RESPONDENTS as u64);
    }

    let mut sql = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        assert!(sql_only(&db, c).await > 0);
        sql.push(t.elapsed());
    }

    let mut engine_only = Vec::new();
    let mut result = None;
    for _ in 0..20 {
        let t = Instant::now();
        result = Some(compute_campaign(&loaded.input));
        engine_only.push(t.elapsed());
    }
    let result = result.unwrap();

    let t = Instant::now();
    results::save_draft(&db, &Ctx::system(0), c, &loaded.input, &result, &[])
        .await
        .unwrap();
    let store = t.elapsed();
    let inputs_json = serde_json::to_vec(&loaded.input.canonical()).unwrap().len();

    let (product, scan) = (median(product), median(scans));
    println!(
        "  compute, from the stored tallies, with the draft stored (product):  median {} of 5",
        ms(product)
    );
    println!(
        "  one bare scan of the answers table, in the same rounds:            median {} of 5",
        ms(scan)
    );
    println!(
        "  ratio compute ÷ bare scan:                                          {:.2}",
        product.as_secs_f64() / scan.as_secs_f64()
    );
    println!(
        "  before: load + compute from the raw answers (one row per response): median {} of 3",
        ms(median(before))
    );
    println!(
        "  folding in {RESPONDENTS} bulk-loaded responses, once:                     {}",
        ms(fold)
    );
    println!(
        "  --verify-tallies (recount from the raw answers, compare): {} — {} responses, tallies equal",
        ms(verify),
        check.recounted
    );
    println!(
        "  the aggregated query alone, one part, rows read and dropped:      median {} of 3",
        ms(median(sql))
    );
    println!(
        "  baseline, one row per answer streamed:                           median {} of 3",
        ms(median(base))
    );
    println!(
        "  engine alone, in memory ({} units):                               median {} of 20",
        MINISTRIES + PROVINCES,
        ms(median(engine_only))
    );
    println!(
        "  storing the draft ({:.1} KiB of inputs):                            {}",
        inputs_json as f64 / 1024.0,
        ms(store)
    );
    println!(
        "  peak RSS of the bench process so far: {:.0} MiB",
        peak_mib()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "national campaign: {MINISTRIES} ministries + {PROVINCES} provinces, {RESPONDENTS} responses × {ANSWERS} answers; {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    rt.block_on(run(Engine::Sqlite));
    if std::env::var("PARINDEX_TEST_PG_URL").is_ok() {
        rt.block_on(run(Engine::Postgres));
    } else {
        println!("PostgreSQL: not measured (set PARINDEX_TEST_PG_URL)");
    }
}
