//! `parindex compute --recheck`: recomputes every published version of a campaign from the inputs it
//! stored, with this build's engine, and lists each figure that differs from what was published, and
//! why. It writes nothing: a published version stays as it was published.

use parindex_db::{Db, results};
use parindex_domain::scoring::{Figure, FigureChange, Why, compute_campaign, recheck};
use parindex_i18n::Lang;
use std::fmt::Write;

pub struct Outcome {
    pub text: String,
    /// Some figure of some published version recomputes differently.
    pub differs: bool,
}

pub async fn run(db: &Db, year: i64, en: bool) -> anyhow::Result<Outcome> {
    let lang = Lang::english(en);
    let campaign = crate::compute_report::campaign(db, year).await?;
    let mut versions = results::versions(db, campaign.id).await?;
    versions.retain(|v| v.version > 0);
    versions.reverse();
    let mut text = String::new();
    if versions.is_empty() {
        let _ = writeln!(text, "{}", lang.t("cli-recheck-nothing-published"));
    }
    let mut differs = false;
    for v in versions {
        let inputs = results::inputs(db, campaign.id, v.version).await?;
        let stored = results::result(db, campaign.id, v.version).await?;
        let (Some(inputs), Some((_, stored))) = (inputs, stored) else {
            continue;
        };
        let check = recheck(&stored, &compute_campaign(&inputs));
        let args = [
            ("version", v.version.to_string()),
            ("changed", check.changes.len().to_string()),
            ("compared", check.compared.to_string()),
        ];
        if check.changes.is_empty() {
            let _ = writeln!(text, "{}", lang.t_args("cli-recheck-all-match", &args));
            continue;
        }
        differs = true;
        let _ = writeln!(text, "{}", lang.t_args("cli-recheck-differ", &args));
        for c in &check.changes {
            let _ = writeln!(text, "  {}", line(c, lang));
        }
    }
    if differs {
        let _ = writeln!(text, "{}", lang.t("cli-recheck-nothing-changed"));
    }
    Ok(Outcome { text, differs })
}

fn line(c: &FigureChange, lang: Lang) -> String {
    let level = lang.t(&format!("cli-recheck-level-{}", c.level.as_str()));
    let figure = match &c.figure {
        Figure::Points(code) => lang.t_args("cli-recheck-points", &[("code", code.clone())]),
        Figure::Index(code) => {
            lang.t_args("cli-recheck-component-index", &[("code", code.clone())])
        }
        Figure::Total => lang.t("cli-recheck-total"),
        Figure::UnitIndex => lang.t("cli-recheck-index"),
        Figure::Tier => lang.t("cli-recheck-tier"),
        Figure::Place => lang.t("cli-recheck-place"),
    };
    let why = lang.t(match c.why {
        Why::HalfCent => "cli-recheck-why-half-cent",
        Why::FollowsFromLeaves => "cli-recheck-why-leaves",
        Why::Other => "cli-recheck-why-other",
    });
    format!(
        "{level} {} · {figure}: {} → {} ({why})",
        c.unit,
        lang.decimal(&c.stored),
        lang.decimal(&c.recomputed)
    )
}
