//! `parindex compute --recheck`: recomputes every published version of a campaign from the inputs it
//! stored, with this build's engine, and lists each figure that differs from what was published, and
//! why. It writes nothing: a published version stays as it was published.

use parindex_db::{Db, results};
use parindex_domain::Level;
use parindex_domain::scoring::{Figure, FigureChange, Why, compute_campaign, recheck};
use std::fmt::Write;

pub struct Outcome {
    pub text: String,
    /// Some figure of some published version recomputes differently.
    pub differs: bool,
}

pub async fn run(db: &Db, year: i64, en: bool) -> anyhow::Result<Outcome> {
    let campaign = crate::compute_report::campaign(db, year).await?;
    let mut versions = results::versions(db, campaign.id).await?;
    versions.retain(|v| v.version > 0);
    versions.reverse();
    let mut text = String::new();
    if versions.is_empty() {
        let _ = writeln!(
            text,
            "{}",
            if en {
                "no published version to recheck"
            } else {
                "chưa có phiên bản nào được công bố để kiểm tra lại"
            }
        );
    }
    let mut differs = false;
    for v in versions {
        let inputs = results::inputs(db, campaign.id, v.version).await?;
        let stored = results::result(db, campaign.id, v.version).await?;
        let (Some(inputs), Some((_, stored))) = (inputs, stored) else {
            continue;
        };
        let check = recheck(&stored, &compute_campaign(&inputs));
        if check.changes.is_empty() {
            let _ = writeln!(
                text,
                "{}",
                if en {
                    format!(
                        "version {}: all {} figures recompute to what was published",
                        v.version, check.compared
                    )
                } else {
                    format!(
                        "phiên bản {}: tính lại cả {} số liệu đều khớp với bản đã công bố",
                        v.version, check.compared
                    )
                }
            );
            continue;
        }
        differs = true;
        let _ = writeln!(
            text,
            "{}",
            if en {
                format!(
                    "version {}: {} of {} figures recompute differently (published → recomputed):",
                    v.version,
                    check.changes.len(),
                    check.compared
                )
            } else {
                format!(
                    "phiên bản {}: {} trong {} số liệu khác khi tính lại (đã công bố → tính lại):",
                    v.version,
                    check.changes.len(),
                    check.compared
                )
            }
        );
        for c in &check.changes {
            let _ = writeln!(text, "  {}", line(c, en));
        }
    }
    if differs {
        let _ = writeln!(
            text,
            "{}",
            if en {
                "Nothing was changed: a published version stays as published. To correct it, \
                 compute and publish a new version."
            } else {
                "Không có gì bị thay đổi: phiên bản đã công bố giữ nguyên. Muốn đính chính, hãy \
                 tính lại và công bố phiên bản mới."
            }
        );
    }
    Ok(Outcome { text, differs })
}

fn line(c: &FigureChange, en: bool) -> String {
    let level = match (c.level, en) {
        (Level::Ministry, false) => "bộ",
        (Level::Province, false) => "tỉnh",
        (Level::Ministry, true) => "ministry",
        (Level::Province, true) => "province",
    };
    let figure = match (&c.figure, en) {
        (Figure::Points(code), false) => format!("điểm {code}"),
        (Figure::Points(code), true) => format!("points {code}"),
        (Figure::Index(code), false) => format!("chỉ số thành phần {code}"),
        (Figure::Index(code), true) => format!("component index {code}"),
        (Figure::Total, false) => "tổng điểm".into(),
        (Figure::Total, true) => "total".into(),
        (Figure::UnitIndex, false) => "Chỉ số CCHC".into(),
        (Figure::UnitIndex, true) => "index".into(),
        (Figure::Tier, false) => "xếp loại".into(),
        (Figure::Tier, true) => "tier".into(),
        (Figure::Place, false) => "thứ hạng".into(),
        (Figure::Place, true) => "place".into(),
    };
    let why = match (c.why, en) {
        (Why::HalfCent, false) => {
            "điểm chính xác có phần lẻ đúng 0,005, trước bị làm tròn xuống, nay làm tròn lên"
        }
        (Why::HalfCent, true) => {
            "the exact points end on exactly half a hundredth: rounded down then, up now"
        }
        (Why::FollowsFromLeaves, false) => "theo điểm các tiêu chí thành phần đã thay đổi",
        (Why::FollowsFromLeaves, true) => "follows from the leaves that changed",
        (Why::Other, false) => "lý do khác: hãy đối chiếu dữ liệu đầu vào của phiên bản",
        (Why::Other, true) => "another reason: compare the version's stored inputs",
    };
    let (stored, recomputed) = if en {
        (c.stored.clone(), c.recomputed.clone())
    } else {
        (c.stored.replace('.', ","), c.recomputed.replace('.', ","))
    };
    format!(
        "{level} {} · {figure}: {stored} → {recomputed} ({why})",
        c.unit
    )
}
