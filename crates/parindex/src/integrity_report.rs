//! `parindex integrity evaluate`: how well interference detection finds interfering units on
//! simulated campaigns of national size, by unit size and share of interfered links, with the
//! shipped 2023 questionnaires. Nothing is read from or written to a database.

use parindex_domain::integrity::evaluate::{Scenario, Score};
use parindex_domain::integrity::model::{Interference, Shape};
use parindex_domain::integrity::{IntegritySettings, detect, model};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Instant;

/// Each level's shipped questionnaires, as the behaviour model needs them.
pub fn shipped_shapes() -> anyhow::Result<BTreeMap<String, Shape>> {
    let mut out = BTreeMap::new();
    for (level, text) in crate::demo::SHIPPED_QUESTIONNAIRES {
        let q = parindex_domain::survey::parse(text)
            .map_err(|p| anyhow::anyhow!("shipped questionnaires are invalid: {}", p.en()))?;
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

/// Runs the sweep and returns the report.
pub fn evaluate(o: &Options) -> anyhow::Result<String> {
    let shapes = shipped_shapes()?;
    let settings = IntegritySettings::default();
    let mut out = String::new();
    let t = |vi: &'static str, en: &'static str| if o.en { en } else { vi };
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
        t("Một lượt phát hiện trên", "One detection pass over"),
        d.responses,
        t("phiếu", "responses"),
        d.units.len(),
        t("đơn vị", "units"),
        took.as_secs_f64() * 1000.0
    )?;
    writeln!(
        out,
        "{}: recall {}, precision {}, {} {}\n",
        t("Chiến dịch quốc gia", "National campaign"),
        pct(s.recall()),
        pct(s.precision()),
        t("tỷ lệ gắn cờ nhầm", "false-flag rate"),
        pct(s.false_flag_rate())
    )?;
    writeln!(
        out,
        "{}",
        t(
            "Theo quy mô đơn vị và tỷ lệ phiếu bị can thiệp (83 đơn vị, 12 đơn vị can thiệp, 4 cách):",
            "By unit size and share of interfered links (83 units, 12 interfering, 4 ways):"
        )
    )?;
    write!(out, "{:>8}", t("quy mô", "size"))?;
    for share in &o.shares {
        write!(
            out,
            " | {:>20}",
            format!("{} {}", pct(*share), t("phiếu", "links"))
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
            write!(
                out,
                " | {:>20}",
                format!(
                    "R {} FF {}",
                    pct(total.recall()),
                    pct(total.false_flag_rate())
                )
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "\n{}",
        t(
            "Theo cách can thiệp (quy mô 100, 25% phiếu), recall:",
            "By way of interfering (size 100, 25% of links), recall:"
        )
    )?;
    for kind in Interference::ALL {
        let mut total = Score::default();
        for seed in 1..=o.seeds {
            let sc = Scenario {
                size: 100,
                only: Some(kind),
                ..Scenario::national(seed)
            };
            total.add(sc.run(&shapes, &settings).2);
        }
        writeln!(
            out,
            "  {:<16} R {}  FF {}",
            kind.code(),
            pct(total.recall()),
            pct(total.false_flag_rate())
        )?;
    }
    writeln!(
        out,
        "\nR = recall; FF = {}. {} {} {}.",
        t(
            "tỷ lệ đơn vị trung thực bị gắn cờ",
            "share of honest units flagged"
        ),
        t("Mỗi ô:", "Each cell:"),
        o.seeds,
        t("lần mô phỏng", "simulated campaigns")
    )?;
    Ok(out)
}
