//! `serve --demo --simulate`: runs the demo campaign to a published result, so a newcomer sees real
//! results pages within a minute. Every unit's list is accepted and its survey opened; respondents
//! then answer through the server's own HTTP pages (start, every page, submit), each unit at its own
//! level of quality; unfinished self-assessments are completed and submitted; provinces get a SIPAS
//! figure; the index is computed and published as version 1. Every change goes through the same
//! repositories, and so into the audit log, as the product's own.

use crate::demo::seed_list;
use parindex_db::{Ctx, Db, campaigns, criteria_sets, questionnaires, respondents, results};
use parindex_db::{scoring_inputs, self_assessments, survey, units};
use parindex_domain::criteria::Method;
use parindex_domain::respondents::ListState;
use parindex_domain::self_assessment::State;
use parindex_domain::survey::QuestionnaireSet;
use parindex_domain::{Points, deadline};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A small deterministic generator (SplitMix64): the same demo every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1) with two decimals' worth of steps.
    fn unit(&mut self) -> f64 {
        (self.next() % 10_000) as f64 / 10_000.0
    }
}

/// How well a unit does, 0.60–0.94, fixed by its code.
fn quality(code: &str) -> f64 {
    let h = code
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    0.60 + (h % 35) as f64 / 100.0
}

/// The option a respondent picks: "don't know" now and then, else the option nearest to the unit's
/// quality with some noise.
fn pick(
    rng: &mut Rng,
    set: &QuestionnaireSet,
    q: &parindex_domain::survey::Question,
    quality: f64,
) -> String {
    let options = set.options(q);
    if rng.unit() < 0.06
        && let Some(dk) = options.iter().find(|o| o.dont_know)
    {
        return dk.key.clone();
    }
    let target = (quality + (rng.unit() - 0.5) * 0.5).clamp(0.0, 1.0);
    options
        .iter()
        .filter_map(|o| {
            let f: f64 = o.fraction?.to_string().parse().ok()?;
            Some(((f - target).abs(), o.key.clone()))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|x| x.1)
        .unwrap_or_default()
}

pub struct Summary {
    pub invited: usize,
    pub answered: usize,
    pub version: i64,
}

/// Runs the whole demo campaign against the server listening at `base` (e.g. http://127.0.0.1:8080).
pub async fn run(db: &Db, base: &str, now_ms: i64) -> anyhow::Result<Summary> {
    let ctx = Ctx::system(now_ms);
    let campaign = campaigns::by_year(db, crate::demo::DEMO_YEAR).await?;
    let c = campaign.id;
    let answer_day = parindex_db::deadlines::for_campaign(db, c)
        .await?
        .into_iter()
        .find(|(k, _)| k == "survey_answers")
        .and_then(|(_, d)| deadline::parse_date(&d))
        .map(deadline::display)
        .unwrap_or_default();
    let mut sets = HashMap::new();
    let mut trees = HashMap::new();
    for (level, stored) in criteria_sets::pinned(db, c).await? {
        if let Some(q) = questionnaires::get(db, c, &level).await? {
            sets.insert(level.clone(), Arc::new(q));
        }
        trees.insert(level, criteria_sets::tree(db, stored.id).await?);
    }
    let links: Arc<Mutex<Vec<(String, String, f64)>>> = Arc::default();
    for u in units::list(db, c).await? {
        // 1. An accepted list for every unit.
        let list = respondents::list(db, u.id).await?;
        if respondents::people(db, u.id).await?.is_empty() {
            seed_list(db, &ctx, c, u.id, &u.code, 6, ListState::Accepted).await?;
        } else {
            if list.state == ListState::Draft {
                respondents::transition(db, &ctx, c, u.id, ListState::Draft, ListState::Sent, "")
                    .await?;
            }
            if list.state != ListState::Accepted {
                respondents::transition(
                    db,
                    &ctx,
                    c,
                    u.id,
                    ListState::Sent,
                    ListState::Accepted,
                    "",
                )
                .await?;
            }
        }
        // 2. The survey opened, each invitation's link kept to answer with.
        let mail = parindex_mail::UnitMail {
            year: campaign.year,
            unit_name: u.name.clone(),
            deadline: answer_day.clone(),
            support: String::new(),
            link_base: base.to_string(),
        };
        let q = quality(&u.code);
        let sink = links.clone();
        let level = u.level.clone();
        let compose = move |m: &survey::MailFor<'_>| {
            if let Ok(mut l) = sink.lock() {
                l.push((m.token.to_string(), level.clone(), q));
            }
            mail.compose(m)
        };
        if survey::opened_at(db, u.id).await?.is_none() {
            survey::open_unit(db, &ctx, c, u.id, &compose).await?;
        }
        // 3. The self-assessment completed and submitted.
        if let Some(tree) = trees.get(&u.level) {
            complete_self_assessment(db, &ctx, c, u.id, tree, q).await?;
        }
        // 4. A SIPAS figure for each imported item.
        if let Some(tree) = trees.get(&u.level) {
            let figures: Vec<(i64, String, Decimal, String)> = tree
                .leaves()
                .into_iter()
                .filter(|l| l.method == Some(Method::Imported))
                .map(|l| {
                    let v = Decimal::from_f64_retain(72.0 + q * 20.0)
                        .unwrap_or(Decimal::from(80))
                        .round_dp(2);
                    (u.id, l.code.clone(), v, "SIPAS (minh họa)".to_string())
                })
                .collect();
            if !figures.is_empty() {
                results::store_imported(db, &ctx, c, &figures).await?;
            }
        }
    }
    // 5. Respondents answer through the pages, eight at a time; about one in eight never does.
    let links = links.lock().map(|l| l.clone()).unwrap_or_default();
    let invited = links.len();
    let mut rng = Rng(2023);
    let mut jobs = tokio::task::JoinSet::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    for (i, (token, level, q)) in links.into_iter().enumerate() {
        if rng.unit() < 0.12 {
            continue;
        }
        let Some(set) = sets.get(&level).cloned() else {
            continue;
        };
        let base = base.to_string();
        let gate = gate.clone();
        let db = db.clone();
        let seed = rng.next() ^ i as u64;
        jobs.spawn(async move {
            let _turn = gate.acquire().await;
            answer(&db, &base, &token, &set, q, seed).await
        });
    }
    let mut answered = 0;
    while let Some(r) = jobs.join_next().await {
        if matches!(r, Ok(Ok(true))) {
            answered += 1;
        }
    }
    // 6. Computed and published.
    let (_, result) = scoring_inputs::compute_draft(db, &ctx, c).await?;
    let version = results::publish(
        db,
        &ctx,
        c,
        &result.input_hash,
        "Demo: toàn bộ kỳ đánh giá mô phỏng",
    )
    .await?;
    Ok(Summary {
        invited,
        answered,
        version,
    })
}

/// Fills every self-assessed item still without a score and moves the report on to submitted.
async fn complete_self_assessment(
    db: &Db,
    ctx: &Ctx,
    campaign_id: i64,
    unit_id: i64,
    tree: &parindex_domain::criteria::CriteriaSet,
    quality: f64,
) -> anyhow::Result<()> {
    let report = self_assessments::report(db, unit_id).await?;
    if report.state == State::Submitted {
        return Ok(());
    }
    if report.state == State::Draft {
        let have = self_assessments::leaves(db, unit_id).await?;
        let mut rng = Rng(unit_id as u64);
        for leaf in tree
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::SelfAssessed))
        {
            if have.get(&leaf.code).is_some_and(|l| l.score.is_some()) {
                continue;
            }
            let share = (quality + (rng.unit() - 0.4) * 0.3).clamp(0.0, 1.0);
            let points = Decimal::from_f64_retain(share).unwrap_or_default() * leaf.max.decimal();
            let score = Points::from_decimal(points.round_dp(2))?;
            self_assessments::save_leaf(
                db,
                ctx,
                campaign_id,
                unit_id,
                &leaf.code,
                Some(score),
                "Đã thực hiện (mô phỏng).",
            )
            .await?;
        }
    }
    let path = [
        (State::Draft, State::AwaitingApproval),
        (State::AwaitingApproval, State::Approved),
        (State::Approved, State::Submitted),
    ];
    let from = path
        .iter()
        .position(|(f, _)| *f == report.state)
        .unwrap_or(0);
    for (f, t) in &path[from..] {
        self_assessments::transition(db, ctx, campaign_id, unit_id, *f, *t, "").await?;
    }
    Ok(())
}

/// One respondent: opens the link, starts, answers every page and submits, as a browser would.
async fn answer(
    db: &Db,
    base: &str,
    token: &str,
    set: &QuestionnaireSet,
    quality: f64,
    seed: u64,
) -> anyhow::Result<bool> {
    let Some(view) = survey::by_token(db, token).await? else {
        return Ok(false);
    };
    let Some(qn) = set.for_group(&view.group_code) else {
        return Ok(false);
    };
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(format!("Mozilla/5.0 (demo respondent {})", seed % 7))
        .build()?;
    let link = format!("{base}/s/{token}");
    client.get(&link).send().await?;
    let post = |url: String, form: Vec<(String, String)>| {
        client.post(url).header("origin", base).form(&form).send()
    };
    post(format!("{link}/start"), Vec::new()).await?;
    let mut rng = Rng(seed);
    let pages = qn.questions.len().div_ceil(5);
    for page in 1..=pages {
        let form: Vec<(String, String)> = qn
            .questions
            .iter()
            .skip((page - 1) * 5)
            .take(5)
            .map(|q| (format!("q_{}", q.code), pick(&mut rng, set, q, quality)))
            .collect();
        post(format!("{link}/page/{page}"), form).await?;
    }
    let done = post(format!("{link}/submit"), Vec::new()).await?;
    Ok(done.status().is_success())
}
