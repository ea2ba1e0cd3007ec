//! `parindex integrity evaluate`: how well interference detection finds interfering units on
//! simulated campaigns of national size, by unit size and share of interfered links, with the
//! shipped 2023 questionnaires. Nothing is read from or written to a database.

use parindex_domain::UnitId;
use parindex_domain::integrity::evaluate::{Scenario, Score};
use parindex_domain::integrity::model::{Interference, Shape};
use parindex_domain::integrity::{IntegritySettings, detect, model};
use parindex_i18n::Lang;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Instant;

/// Each level's shipped questionnaires, as the behaviour model needs them.
pub fn shipped_shapes() -> anyhow::Result<BTreeMap<String, Shape>> {
    let mut out = BTreeMap::new();
    for (level, text) in crate::shipped::QUESTIONNAIRES {
        let q = parindex_domain::survey::parse(text).map_err(|p| {
            anyhow::anyhow!(
                "shipped questionnaires are invalid: {}",
                parindex_i18n::Lang::En.say(&p.message())
            )
        })?;
        out.insert(level.to_string(), Shape::from_set(&q));
    }
    Ok(out)
}

pub struct Options {
    pub seeds: u64,
    pub sizes: Vec<usize>,
    pub shares: Vec<f64>,
    pub en: bool,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A table cell: recall and the share of honest units flagged.
fn cell(s: &Score) -> String {
    format!("R {} FF {}", pct(s.recall()), pct(s.false_flag_rate()))
}

/// Runs the sweep and returns the report.
pub fn evaluate(o: &Options) -> anyhow::Result<String> {
    let shapes = shipped_shapes()?;
    let settings = IntegritySettings::default();
    let mut out = String::new();
    let lang = Lang::english(o.en);
    let t = |key: &str| lang.t(key);
    // The national campaign: the figure the detection pass is timed on.
    let national = Scenario::national(1);
    let plan = model::plan(&national.specs(&shapes), &shapes, 0, national.days, 1);
    let traces = model::traces(&plan);
    let started = Instant::now();
    let d = detect(&traces, &settings);
    let took = started.elapsed();
    let s = Score::of(&plan.interfering, &d);
    writeln!(
        out,
        "{} {} {}, {} {}: {:.0} ms",
        t("cli-integrity-one-pass"),
        d.responses,
        t("cli-integrity-responses"),
        d.units.len(),
        t("cli-integrity-units"),
        took.as_secs_f64() * 1000.0
    )?;
    writeln!(
        out,
        "{}: recall {}, precision {}, {} {}\n",
        t("cli-integrity-national"),
        pct(s.recall()),
        pct(s.precision()),
        t("cli-integrity-false-flag-rate"),
        pct(s.false_flag_rate())
    )?;
    writeln!(out, "{}", t("cli-integrity-by-size"))?;
    write!(out, "{:>8}", t("cli-integrity-size"))?;
    for share in &o.shares {
        write!(
            out,
            " | {:>20}",
            format!("{} {}", pct(*share), t("cli-integrity-links"))
        )?;
    }
    writeln!(out)?;
    for &size in &o.sizes {
        write!(out, "{size:>8}")?;
        for &share in &o.shares {
            let mut total = Score::default();
            for seed in 1..=o.seeds {
                let sc = Scenario {
                    size,
                    share,
                    ..Scenario::national(seed)
                };
                total.add(sc.run(&shapes, &settings).2);
            }
            write!(out, " | {:>20}", cell(&total))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "\n{}", t("cli-integrity-by-way"))?;
    let way_sizes: Vec<usize> = o.sizes.iter().copied().filter(|&s| s <= 300).collect();
    let way_shares: Vec<f64> = o.shares.iter().copied().filter(|&s| s < 1.0).collect();
    let mut honest = Score::default();
    for kind in Interference::ALL {
        writeln!(out, "  {}", kind.code())?;
        write!(out, "{:>8}", t("cli-integrity-size"))?;
        for share in &way_shares {
            write!(out, " | {:>16}", pct(*share))?;
        }
        writeln!(out)?;
        for &size in &way_sizes {
            write!(out, "{size:>8}")?;
            for &share in &way_shares {
                let mut total = Score::default();
                for seed in 1..=o.seeds {
                    let sc = Scenario {
                        size,
                        share,
                        only: Some(kind),
                        ..Scenario::national(seed)
                    };
                    total.add(sc.run(&shapes, &settings).2);
                }
                honest.add(total);
                write!(out, " | {:>16}", cell(&total))?;
            }
            writeln!(out)?;
        }
    }
    writeln!(
        out,
        "\n{}: {} / {} ({}); {}: {} / {}",
        t("cli-integrity-honest-flagged"),
        honest.false_flags,
        honest.units - honest.interfering,
        pct(honest.false_flag_rate()),
        t("cli-integrity-of-them-satisfied"),
        honest.satisfied_flags,
        honest.satisfied
    )?;
    writeln!(
        out,
        "\nR = recall; FF = {}. {} {} {}.",
        t("cli-integrity-ff"),
        t("cli-integrity-each-cell"),
        o.seeds,
        t("cli-integrity-simulated-campaigns")
    )?;
    Ok(out)
}

/// `parindex integrity run --campaign YEAR`: one detection pass over the campaign's submitted
/// responses in the configured database, stored and audited as a manual run, then the review queue
/// as MoHA's page shows it (flagged units first, their main signals, the decision in force).
pub async fn run(db: &parindex_db::Db, year: i64, en: bool, now_ms: i64) -> anyhow::Result<String> {
    use parindex_db::{Ctx, integrity, units};
    use parindex_domain::integrity::schedule::RunKind;
    let campaign = crate::compute_report::campaign(db, year).await?;
    let ctx = Ctx::system(now_ms);
    let (info, d) = integrity::run(db, &ctx, campaign.id, RunKind::Manual).await?;
    let lang = Lang::english(en);
    let names: std::collections::HashMap<UnitId, String> = units::list(db, campaign.id)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.code, u.name)))
        .collect();
    let decisions = integrity::in_force_all(db, campaign.id).await?;
    let t = |key: &str| lang.t(key);
    let mut out = String::new();
    writeln!(
        out,
        "{} {}: {} {}, {} {}, {} {} ({} ms)",
        t("cli-integrity-run-title"),
        year,
        info.responses,
        t("cli-integrity-responses"),
        info.units,
        t("cli-integrity-units"),
        info.flagged,
        t("cli-integrity-flagged"),
        info.duration_ms
    )?;
    for u in &d.units {
        let signals: Vec<String> = u
            .findings
            .iter()
            .filter(|f| f.contribution > 0.0)
            .take(3)
            .map(|f| lang.t(&format!("ig-signal-{}", f.signal.code())))
            .collect();
        let decision = decisions
            .get(&UnitId(u.unit_id))
            .map(|x| lang.t(&format!("ig-decision-{}", x.outcome)))
            .unwrap_or_default();
        let risk = lang.figure(u.risk);
        writeln!(
            out,
            "{:<3} {:<40} {:>6} {} {:>6} {}{}{}",
            if u.flagged { "!" } else { "" },
            names.get(&UnitId(u.unit_id)).map_or("", String::as_str),
            u.responses,
            t("cli-integrity-responses"),
            risk,
            signals.join("; "),
            if decision.is_empty() { "" } else { " · " },
            decision
        )?;
    }
    Ok(out)
}
