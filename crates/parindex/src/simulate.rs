//! `serve --demo --simulate`: runs the demo campaign to a published result, so a newcomer sees real
//! results pages within a minute. Every unit's list is accepted and its survey opened; respondents
//! then answer through the server's own HTTP pages (open, start, every page, check, submit) over ten
//! simulated days, as the behaviour model plans them: honest officials at their own pace, day,
//! browser and network, and chosen units interfering (one person answering many links, dictated
//! answers, a meeting room, an officer's session). Detection then runs, and the simulation reports
//! which units were flagged, with precision and recall. Unfinished self-assessments are completed
//! and submitted; provinces get a SIPAS figure; the index is computed and published as version 1.
//! Every change goes through the same repositories, and so into the audit log, as the product's own.

use crate::demo::{TO_SUBMITTED, seed_list, take_steps};
use crate::respondent_sim::LinkRef;
use parindex_db::campaigns::Campaign;
use parindex_db::{Ctx, Db, criteria_sets, questionnaires, respondents, results};
use parindex_db::{integrity, publication, scoring_inputs, self_assessments, survey, units};
use parindex_domain::criteria::Method;
use parindex_domain::integrity::evaluate::Score;
use parindex_domain::integrity::model::{self, Interference, Rng, Shape, UnitSpec};
use parindex_domain::integrity::schedule::RunKind;
use parindex_domain::respondents::ListState;
use parindex_domain::scoring::publish;
use parindex_domain::self_assessment::State;
use parindex_domain::{CampaignId, UnitId};
use parindex_domain::{Points, deadline};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Honest units whose officials are satisfied with everything: many tick the best option on every
/// question, and detection must tell them from a unit that told its staff to.
pub const SATISFIED: [&str; 1] = ["QNI"];

/// How well a unit does in `year`, 0.60–0.94 in 2023 and within 0.04 of that later, fixed by its
/// code (1 for the [`SATISFIED`] units).
fn quality(code: &str, year: i64) -> f64 {
    if SATISFIED.contains(&code) {
        return 1.0;
    }
    let h = code
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let drift = if year == crate::demo::DEMO_YEAR {
        0
    } else {
        ((h / 35).wrapping_add(year.unsigned_abs()) % 9) as i64 - 4
    };
    0.60 + (h % 35) as f64 / 100.0 + drift as f64 / 100.0
}

/// Which demo units interfere, how, and on which share of their links, unless told otherwise.
pub const DEFAULT_INTERFERENCE: &str = "HPG=one-person:0.5,DNG=meeting-room:0.6,BCT=dictated:0.6,\
     AGG=officer-session:0.4,BTP=dictated-best:0.25";

/// Parses `CODE=way:share,…` (ways: one-person, dictated, meeting-room, officer-session,
/// dictated-best; share 0–1).
pub fn parse_interference(spec: &str) -> anyhow::Result<Vec<(String, Interference, f64)>> {
    spec.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "none")
        .map(|part| {
            let (code, rest) = part
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("{part:?}: expected CODE=way:share"))?;
            let (way, share) = rest.split_once(':').unwrap_or((rest, "0.5"));
            let kind = Interference::parse(way).ok_or_else(|| {
                let ways: Vec<&str> = Interference::ALL.iter().map(|i| i.code()).collect();
                anyhow::anyhow!("{way:?} is not a way of interfering ({})", ways.join(", "))
            })?;
            let share: f64 = share
                .parse()
                .ok()
                .filter(|x: &f64| (0.0..=1.0).contains(x))
                .ok_or_else(|| anyhow::anyhow!("{share:?}: the share must be between 0 and 1"))?;
            Ok((code.trim().to_uppercase(), kind, share))
        })
        .collect()
}

pub struct Options {
    pub interference: Vec<(String, Interference, f64)>,
    pub seed: u64,
    /// Days the respondents answer over.
    pub days: u32,
    /// People per group on the lists given to units whose list is empty.
    pub per_group: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            interference: parse_interference(DEFAULT_INTERFERENCE).unwrap_or_default(),
            seed: 2023,
            days: 10,
            per_group: 6,
        }
    }
}

pub struct Summary {
    pub invited: usize,
    pub answered: usize,
    pub version: i64,
    /// Requests made by the simulated browsers, and how many the server failed.
    pub requests: usize,
    pub errors: usize,
    /// Unit codes that interfered, and those detection flagged.
    pub interfering: Vec<String>,
    pub flagged: Vec<String>,
    pub score: Score,
}

/// Runs a demo campaign (the 2023 one, or a later one built from it) against the server listening
/// at `base` (e.g. http://127.0.0.1:8080). `set_time` moves the server's clock (the respondents
/// answer over simulated days).
pub async fn run(
    db: &Db,
    base: &str,
    campaign: &Campaign,
    now_ms: i64,
    opts: &Options,
    set_time: &(dyn Fn(i64) + Send + Sync),
) -> anyhow::Result<Summary> {
    let ctx = Ctx::system(now_ms);
    let c = campaign.id;
    let year = campaign.year;
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
        if let Some(q) = questionnaires::get(db, c, level.as_str()).await? {
            sets.insert(level, Arc::new(q));
        }
        trees.insert(level, criteria_sets::tree(db, stored.id).await?);
    }
    let mut links: Vec<(String, UnitId)> = Vec::new();
    let all_units = units::list(db, c).await?;
    for u in &all_units {
        // 1. An accepted list for every unit.
        let list = respondents::list(db, u.id).await?;
        if respondents::people(db, u.id).await?.is_empty() {
            seed_list(
                db,
                &ctx,
                c,
                u.id,
                &u.code,
                opts.per_group,
                ListState::Accepted,
            )
            .await?;
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
        let q = quality(&u.code, year);
        if survey::opened_at(db, u.id).await?.is_none() {
            let opened =
                crate::survey_links::open_keeping_links(db, &ctx, campaign, u, &answer_day, base)
                    .await?;
            links.extend(opened.into_iter().map(|t| (t, u.id)));
        }
        // 3. The self-assessment completed and submitted.
        if let Some(tree) = trees.get(&u.level) {
            complete_self_assessment(db, &ctx, c, u.id, tree, q).await?;
        }
        // 4. A SIPAS figure for each imported item.
        if let Some(tree) = trees.get(&u.level) {
            let figures: Vec<(UnitId, String, Decimal, String)> = tree
                .leaves()
                .into_iter()
                .filter(|l| l.method == Some(Method::Imported))
                .map(|l| {
                    let v = parindex_domain::scoring::half_up_decimal(
                        Decimal::from_f64_retain(72.0 + q * 20.0).unwrap_or(Decimal::from(80)),
                    );
                    (u.id, l.code.clone(), v, "SIPAS (minh họa)".to_string())
                })
                .collect();
            if !figures.is_empty() {
                results::store_imported(db, &ctx, c, &figures).await?;
            }
        }
    }
    // 5. Respondents answer through the pages over the survey's days, as the model plans.
    let invited = links.len();
    let mut refs = Vec::new();
    let mut specs: Vec<UnitSpec> = Vec::new();
    for (token, unit_id) in links {
        let Some(view) = survey::by_token(db, &token).await? else {
            continue;
        };
        let Some(set) = sets.get(&view.unit_level).cloned() else {
            continue;
        };
        let Some(u) = all_units.iter().find(|u| u.id == unit_id) else {
            continue;
        };
        if !specs.iter().any(|s| s.unit_id == unit_id.get()) {
            specs.push(UnitSpec {
                unit_id: unit_id.get(),
                level: u.level.to_string(),
                links: Vec::new(),
                quality: quality(&u.code, year),
                interference: opts
                    .interference
                    .iter()
                    .find(|i| i.0 == u.code)
                    .map(|i| (i.1, i.2)),
            });
        }
        if let Some(spec) = specs.iter_mut().find(|s| s.unit_id == unit_id.get()) {
            spec.links
                .push((refs.len() as i64, view.group_code.clone()));
        }
        refs.push(LinkRef { token, set });
    }
    let shapes: BTreeMap<String, Shape> = sets
        .iter()
        .map(|(level, set)| (level.to_string(), Shape::from_set(set)))
        .collect();
    let plan = model::plan(&specs, &shapes, now_ms, opts.days, opts.seed);
    let officers: HashMap<i64, (String, String)> = crate::demo::logins_in(year)
        .into_iter()
        .filter(|l| l.role == parindex_domain::Role::UnitOfficer)
        .filter_map(|l| {
            let u = all_units.iter().find(|u| u.code == l.unit)?;
            Some((
                u.id.get(),
                (l.username, crate::demo::DEMO_PASSWORD.to_string()),
            ))
        })
        .collect();
    let done = crate::respondent_sim::execute(&plan, &refs, base, &officers, set_time).await?;
    // Detection, as the server's scheduler would run it now.
    let last = plan.steps.last().map(|s| s.at).unwrap_or(now_ms);
    let ctx = Ctx::system(last + 60_000);
    set_time(ctx.now_ms);
    let (_, detection) = integrity::run(db, &ctx, c, RunKind::Manual).await?;
    let code_of = |id: i64| {
        all_units
            .iter()
            .find(|u| u.id.get() == id)
            .map(|u| u.code.clone())
            .unwrap_or_default()
    };
    let score = Score::of(&plan.interfering, &detection);
    let interfering = plan.interfering.iter().map(|&id| code_of(id)).collect();
    let flagged = detection.flagged().map(|u| code_of(u.unit_id)).collect();
    // 6. Computed and published.
    let (_, result) = scoring_inputs::compute_draft(db, &ctx, c).await?;
    // Published as soon as detection has run, before MoHA could decide on the flagged units: the
    // acknowledgement is recorded with the version, and the results page lists those units.
    let req = publish::Request {
        role: parindex_domain::Role::MohaAdmin,
        reviewed_hash: &result.input_hash,
        confirmed: true,
        acknowledged: true,
    };
    let note = "Demo: toàn bộ kỳ đánh giá mô phỏng";
    let version = publication::publish(db, &ctx, c, &req, note)
        .await?
        .map_err(|p| anyhow::anyhow!("publishing the simulated campaign was refused: {p:?}"))?;
    Ok(Summary {
        invited,
        answered: done.submitted,
        version,
        requests: done.requests,
        errors: done.errors,
        interfering,
        flagged,
        score,
    })
}

/// Fills every self-assessed item still without a score and moves the report on to submitted.
async fn complete_self_assessment(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    unit_id: UnitId,
    tree: &parindex_domain::criteria::CriteriaSet,
    quality: f64,
) -> anyhow::Result<()> {
    let report = self_assessments::report(db, unit_id).await?;
    if report.state == State::Submitted {
        return Ok(());
    }
    if report.state == State::Draft {
        let have = self_assessments::leaves(db, unit_id).await?;
        let mut rng = Rng(unit_id.get() as u64);
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
            let score = Points::from_decimal(parindex_domain::scoring::half_up_decimal(points))?;
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
    let from = TO_SUBMITTED
        .iter()
        .position(|(f, _)| *f == report.state)
        .unwrap_or(0);
    take_steps(db, ctx, campaign_id, unit_id, &TO_SUBMITTED[from..]).await?;
    Ok(())
}
