//! `parindex compute`: computes a campaign's index from the database, stores it as the draft (and
//! publishes it with `--publish`), and prints the ranking of each level.

use parindex_db::{Ctx, Db, campaigns, publication, scoring_inputs, units};
use parindex_domain::Role;
use parindex_domain::UnitId;
use parindex_domain::scoring::publish::{Problem, Request};
use parindex_domain::scoring::{CampaignResult, LevelResult};
use parindex_i18n::Lang;
use std::collections::HashMap;
use std::fmt::Write;

/// The campaign of `year`, or an error that names the year.
pub async fn campaign(db: &Db, year: i64) -> anyhow::Result<campaigns::Campaign> {
    campaigns::by_year(db, year)
        .await
        .map_err(|e| anyhow::anyhow!("campaign {year}: {e}"))
}

pub struct Outcome {
    pub text: String,
    pub published: Option<i64>,
    /// Publishing was asked for and the rule refused it: the draft is stored, nothing published.
    pub refused: bool,
}

/// Whether to publish the computed draft, and whether the operator acknowledges publishing while
/// flagged units have no integrity decision (`--acknowledge-flags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publish {
    No,
    Yes { acknowledge_flags: bool },
}

/// The refusal of `p`, as the operator reads it.
fn problem_text(p: Problem, undecided: &[String], lang: Lang) -> String {
    match p {
        Problem::Unacknowledged => lang.t_args(
            "cli-publish-unacknowledged",
            &[("units", undecided.join(", "))],
        ),
        Problem::Stale => lang.t("cli-publish-stale"),
        Problem::NoDraft => lang.t("cli-publish-no-draft"),
        Problem::NotConfirmed | Problem::WrongRole => lang.t("cli-publish-refused"),
    }
}

pub async fn run(
    db: &Db,
    year: i64,
    publish: Publish,
    en: bool,
    now_ms: i64,
    bootstrap: &parindex_domain::scoring::uncertainty::Settings,
) -> anyhow::Result<Outcome> {
    let campaign = campaign(db, year).await?;
    let ctx = Ctx::system(now_ms);
    let (loaded, result) =
        scoring_inputs::compute_draft_with(db, &ctx, campaign.id, bootstrap).await?;
    let names: HashMap<String, String> = units::list(db, campaign.id)
        .await?
        .into_iter()
        .map(|u| (u.code, u.short_name))
        .collect();
    let lang = Lang::english(en);
    let mut text = ranking(&result, &names, en);
    let _ = writeln!(
        text,
        "{}: {} · {}: {}{}",
        lang.t("cli-responses-counted"),
        loaded.responses,
        lang.t("cli-input-hash"),
        result.input_hash,
        if loaded.unmatched_answers > 0 {
            format!(
                " · {}: {}",
                lang.t("cli-answers-left-out"),
                loaded.unmatched_answers
            )
        } else {
            String::new()
        }
    );
    let mut refused = false;
    let published = if let Publish::Yes { acknowledge_flags } = publish {
        let req = Request {
            // The operator at the server's console acts with the administrator's authority.
            role: Role::MohaAdmin,
            reviewed_hash: &result.input_hash,
            confirmed: true,
            acknowledged: acknowledge_flags,
        };
        let note = "parindex compute --publish";
        match publication::publish(db, &ctx, campaign.id, &req, note).await? {
            Ok(v) => {
                let _ = writeln!(text, "{} {v}", lang.t("cli-published-as-version"));
                Some(v)
            }
            Err(problems) => {
                refused = true;
                let undecided = publication::facts(db, campaign.id).await?.undecided;
                let _ = writeln!(text, "{}", lang.t("cli-draft-not-published"));
                for p in problems {
                    let _ = writeln!(text, "  - {}", problem_text(p, &undecided, lang));
                }
                None
            }
        }
    } else {
        let _ = writeln!(text, "{}", lang.t("cli-draft-stored"));
        None
    };
    Ok(Outcome {
        text,
        published,
        refused,
    })
}

/// What `compute --verify-tallies` found.
pub struct TallyCheck {
    pub text: String,
    pub holds: bool,
}

/// Recounts every submitted response from its raw answers and compares the stored survey tallies
/// with the recount, group by group.
pub async fn verify_tallies(db: &Db, year: i64, en: bool) -> anyhow::Result<TallyCheck> {
    let campaign = campaign(db, year).await?;
    let check = scoring_inputs::verify_tallies(db, campaign.id).await?;
    let codes: HashMap<UnitId, String> = units::list(db, campaign.id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let lang = Lang::english(en);
    let mut text = String::new();
    if check.holds() {
        let _ = writeln!(
            text,
            "{}",
            lang.t_args(
                "cli-tallies-verified",
                &[("responses", check.recounted.to_string())]
            )
        );
    } else {
        let (responses, unmatched) = (check.responses, check.unmatched);
        let counts_differ = responses.0 != responses.1 || unmatched.0 != unmatched.1;
        let places = check.differences.len() + usize::from(counts_differ);
        let _ = writeln!(
            text,
            "{}",
            lang.t_args("cli-tallies-differ", &[("places", places.to_string())])
        );
        let show = |t: &Option<parindex_domain::scoring::GroupTally>| match t {
            Some(t) => format!("{} × {:?}", t.respondents, t.cents),
            None => "—".into(),
        };
        if counts_differ {
            let _ = writeln!(
                text,
                "  {} {} / {}, {} {} / {}",
                lang.t("cli-responses-tallied"),
                responses.0,
                responses.1,
                lang.t("cli-answers-matching-no-question"),
                unmatched.0,
                unmatched.1
            );
        }
        for d in check.differences.iter().take(50) {
            let unit = codes.get(&d.unit_id).map_or("", String::as_str);
            let _ = writeln!(
                text,
                "  {unit} {} {}: {} / {}",
                d.leaf,
                d.group,
                show(&d.stored),
                show(&d.recounted)
            );
        }
    }
    Ok(TallyCheck {
        text,
        holds: check.holds(),
    })
}

fn number(d: rust_decimal::Decimal, en: bool) -> String {
    Lang::english(en).decimal(&format!("{d:.2}"))
}

fn level_ranking(out: &mut String, level: &LevelResult, names: &HashMap<String, String>, en: bool) {
    let lang = Lang::english(en);
    let title = lang.t(&format!("cli-ranking-{}", level.level.as_str()));
    let _ = writeln!(out, "{title} ({})", level.criteria_set);
    for u in &level.units {
        let place = match u.place {
            Some(p) => p.to_string(),
            None => lang.t("cli-not-ranked-short"),
        };
        let name = names.get(&u.code).map(String::as_str).unwrap_or(&u.code);
        let mut notes = Vec::new();
        if u.survey_cancelled {
            notes.push(lang.t("cli-survey-cancelled"));
        }
        if u.missing > 0 {
            notes.push(lang.t_args(
                "cli-items-without-score",
                &[("count", u.missing.to_string())],
            ));
        }
        let _ = writeln!(
            out,
            "{place:>4}  {:<8} {:<32} {:>6}  {:?}{}",
            u.code,
            name,
            number(u.index, en),
            u.tier,
            if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            }
        );
    }
    let _ = writeln!(out);
}

/// The ranking of every level, one line a unit: place (or "KXH"/"n/r"), code, name, index, tier.
pub fn ranking(result: &CampaignResult, names: &HashMap<String, String>, en: bool) -> String {
    let mut out = String::new();
    for level in &result.levels {
        level_ranking(&mut out, level, names, en);
    }
    out
}
