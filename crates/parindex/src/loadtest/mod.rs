//! `parindex loadtest prepare`: a campaign to put load on, in an empty data folder. It seeds the
//! demo campaign, gives the units whose lists are empty an accepted list of respondents, opens their
//! survey, and writes every respondent's visit as the requests a browser makes (landing page,
//! start, each page shown and saved, the check page, the submission) for `scripts/load.sh`, which
//! replays them with wrk. Links are only ever known at the moment the invitations are made, so this
//! has to happen in the same step as opening the survey.

pub mod drive;

use anyhow::{Context, bail};
use parindex_db::{Ctx, Db, campaigns, questionnaires, respondents, survey, units};
use parindex_domain::survey::{QuestionnaireSet, answering};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

pub struct Prepared {
    pub units: usize,
    pub respondents: usize,
    pub requests: usize,
}

/// `application/x-www-form-urlencoded` for one key or value.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One respondent's visit, a request a line: `METHOD<TAB>PATH<TAB>BODY`. Answers vary by the
/// respondent's position and the question's, over every option of the question.
pub fn visit(token: &str, set: &QuestionnaireSet, group: &str, seed: usize) -> Option<String> {
    let qn = set.for_group(group)?;
    let base = format!("/s/{token}");
    let mut out = format!("GET\t{base}\t\nPOST\t{base}/start\t\n");
    for page in 1..=answering::page_count(qn) {
        let fields: Vec<String> = answering::page(qn, page)
            .iter()
            .enumerate()
            .filter_map(|(i, q)| {
                let options = set.options(q);
                let o = options.get((seed * 7 + i * 3 + page) % options.len().max(1))?;
                Some(format!(
                    "{}={}",
                    form_encode(&answering::field_name(&q.code)),
                    form_encode(&o.key)
                ))
            })
            .collect();
        let _ = writeln!(out, "GET\t{base}/page/{page}\t");
        let _ = writeln!(out, "POST\t{base}/page/{page}\t{}", fields.join("&"));
    }
    let _ = write!(out, "GET\t{base}/check\t\nPOST\t{base}/submit\t\n");
    Some(out)
}

/// Prepares about `respondents` respondents over the demo units that start with empty lists, and
/// writes their visits to `out`. Refuses a database that already holds a campaign.
pub async fn prepare(db: &Db, respondents_wanted: usize, out: &Path) -> anyhow::Result<Prepared> {
    if !campaigns::list(db).await?.is_empty() {
        bail!(
            "the database already holds campaigns; prepare a load test in an empty data folder (--data-dir)"
        );
    }
    let now_ms =
        parindex_domain::Clock::now_ms(&parindex_domain::FixedClock::at(crate::demo::DEMO_NOW));
    crate::demo::seed(db, now_ms).await?;
    let ctx = Ctx::system(now_ms);
    let campaign = campaigns::by_year(db, crate::demo::DEMO_YEAR).await?;
    let mut empty = Vec::new();
    for u in units::list(db, campaign.id).await? {
        if respondents::people(db, u.id).await?.is_empty() {
            empty.push(u);
        }
    }
    if empty.is_empty() {
        bail!("the demo campaign has no unit with an empty list");
    }
    let groups = respondents::groups(db, campaign.id).await?;
    let per_unit = respondents_wanted.div_ceil(empty.len());
    let mut tokens: Vec<String> = Vec::new();
    for u in &empty {
        let open_groups = groups.for_level(u.level.as_str()).len().max(1);
        let per_group = per_unit.div_ceil(open_groups).max(1);
        crate::demo::seed_list(
            db,
            &ctx,
            campaign.id,
            u.id,
            &u.code,
            per_group,
            parindex_domain::respondents::ListState::Accepted,
        )
        .await?;
        tokens.extend(
            crate::survey_links::open_keeping_links(
                db,
                &ctx,
                &campaign,
                u,
                "10/01/2024",
                "http://127.0.0.1:8080",
            )
            .await?,
        );
    }
    // Random tokens in sorted order: respondents of every unit interleave, as on a real day.
    tokens.sort();
    let mut sets: HashMap<parindex_domain::Level, QuestionnaireSet> = HashMap::new();
    let mut text = String::new();
    let mut count = 0;
    for (i, token) in tokens.iter().enumerate() {
        let Some(view) = survey::by_token(db, token).await? else {
            continue;
        };
        if !sets.contains_key(&view.unit_level)
            && let Some(set) =
                questionnaires::get(db, campaign.id, view.unit_level.as_str()).await?
        {
            sets.insert(view.unit_level, set);
        }
        let Some(v) = sets
            .get(&view.unit_level)
            .and_then(|set| visit(token, set, &view.group_code, i))
        else {
            continue;
        };
        text.push_str(&v);
        text.push('\n');
        count += 1;
    }
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(out, &text).with_context(|| format!("writing {}", out.display()))?;
    Ok(Prepared {
        units: empty.len(),
        respondents: count,
        requests: text.lines().filter(|l| !l.is_empty()).count(),
    })
}

/// Sends the prepared invitations through this data folder's transport (SMTP, or `.eml` files in
/// its outbox folder) and returns how many went. They go out before the survey day, as they would:
/// a run then measures the respondents alone, not the outbox sending thousands of messages beside
/// them.
pub async fn send_invitations(
    db: &Db,
    settings: &crate::settings::Settings,
) -> anyhow::Result<usize> {
    let clock: std::sync::Arc<dyn parindex_domain::Clock> =
        std::sync::Arc::new(parindex_domain::FixedClock::at(crate::demo::DEMO_NOW));
    let round = crate::mail::named_worker(settings, db.clone(), clock, "loadtest".into())?
        .drain()
        .await?;
    Ok(round.sent)
}

/// What the database says after a run: respondents invited, and submissions stored.
pub async fn report(db: &Db) -> anyhow::Result<String> {
    let c = campaigns::by_year(db, crate::demo::DEMO_YEAR).await?;
    let rows = parindex_db::survey_progress::national(db, c.id).await?;
    let t = parindex_db::survey_progress::Counts::total(rows.iter().map(|r| &r.counts));
    Ok(format!(
        "submissions stored: {} of {} invited respondents\n",
        t.completed, t.invited
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_walks_every_page_with_valid_answers() {
        let set = parindex_domain::survey::parse(include_str!(
            "../../../../frameworks/2023/questionnaires/province.toml"
        ))
        .expect("questionnaire");
        let group = set.questionnaires[0].group.clone();
        let v = visit("abc", &set, &group, 3).expect("a visit");
        let lines: Vec<&str> = v.lines().collect();
        let pages = answering::page_count(&set.questionnaires[0]);
        assert_eq!(lines.len(), 2 + 2 * pages + 2);
        assert_eq!(lines[0], "GET\t/s/abc\t");
        assert_eq!(lines[1], "POST\t/s/abc/start\t");
        assert!(lines[3].starts_with("POST\t/s/abc/page/1\tq_"));
        assert_eq!(lines[lines.len() - 1], "POST\t/s/abc/submit\t");
        // Every answer is one of its question's options.
        let body = lines[3].split('\t').nth(2).expect("body");
        for pair in body.split('&') {
            let (_, key) = pair.split_once('=').expect("k=v");
            assert!(
                set.scale.iter().any(|o| form_encode(&o.key) == key)
                    || set
                        .questionnaires
                        .iter()
                        .flat_map(|q| &q.questions)
                        .flat_map(|q| &q.options)
                        .any(|o| form_encode(&o.key) == key),
                "{key}"
            );
        }
        assert_eq!(form_encode("q_1.2 x"), "q_1.2%20x");
    }
}
