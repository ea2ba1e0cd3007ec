//! `parindex compute`: computes a campaign's index from the database, stores it as the draft (and
//! publishes it with `--publish`), and prints the ranking of each level.

use parindex_db::{Ctx, Db, campaigns, publication, scoring_inputs, units};
use parindex_domain::Level;
use parindex_domain::Role;
use parindex_domain::scoring::publish::{Problem, Request};
use parindex_domain::scoring::{CampaignResult, LevelResult};
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
fn problem_text(p: Problem, undecided: &[String], en: bool) -> String {
    match (p, en) {
        (Problem::Unacknowledged, true) => format!(
            "units flagged for interference have no decision yet: {}. Decide on them first, or publish anyway with --acknowledge-flags (recorded in the audit log).",
            undecided.join(", ")
        ),
        (Problem::Unacknowledged, false) => format!(
            "các đơn vị bị đánh dấu nghi can thiệp chưa có quyết định: {}. Hãy quyết định trước, hoặc vẫn công bố với --acknowledge-flags (được ghi vào nhật ký).",
            undecided.join(", ")
        ),
        (Problem::Stale, true) => {
            "the draft changed while it was being published; run the command again".into()
        }
        (Problem::Stale, false) => {
            "bản nháp đã thay đổi trong lúc công bố; hãy chạy lại lệnh".into()
        }
        (Problem::NoDraft, true) => "there is no draft to publish".into(),
        (Problem::NoDraft, false) => "chưa có bản nháp để công bố".into(),
        (Problem::NotConfirmed | Problem::WrongRole, true) => "publishing was refused".into(),
        (Problem::NotConfirmed | Problem::WrongRole, false) => "việc công bố bị từ chối".into(),
    }
}

pub async fn run(
    db: &Db,
    year: i64,
    publish: Publish,
    en: bool,
    now_ms: i64,
) -> anyhow::Result<Outcome> {
    let campaign = campaign(db, year).await?;
    let ctx = Ctx::system(now_ms);
    let (loaded, result) = scoring_inputs::compute_draft(db, &ctx, campaign.id).await?;
    let names: HashMap<String, String> = units::list(db, campaign.id)
        .await?
        .into_iter()
        .map(|u| (u.code, u.short_name))
        .collect();
    let mut text = ranking(&result, &names, en);
    let _ = writeln!(
        text,
        "{}: {} · {}: {}{}",
        if en {
            "responses counted"
        } else {
            "phiếu đã tính"
        },
        loaded.responses,
        if en {
            "input hash"
        } else {
            "mã băm dữ liệu đầu vào"
        },
        result.input_hash,
        if loaded.unmatched_answers > 0 {
            format!(
                " · {}: {}",
                if en {
                    "answers left out (no matching question)"
                } else {
                    "câu trả lời bị bỏ qua"
                },
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
                let _ = writeln!(
                    text,
                    "{} {v}",
                    if en {
                        "published as version"
                    } else {
                        "đã công bố, phiên bản"
                    }
                );
                Some(v)
            }
            Err(problems) => {
                refused = true;
                let undecided = publication::facts(db, campaign.id).await?.undecided;
                let _ = writeln!(
                    text,
                    "{}",
                    if en {
                        "stored as the draft; NOT published:"
                    } else {
                        "đã lưu bản nháp; CHƯA công bố:"
                    }
                );
                for p in problems {
                    let _ = writeln!(text, "  - {}", problem_text(p, &undecided, en));
                }
                None
            }
        }
    } else {
        let _ = writeln!(
            text,
            "{}",
            if en {
                "stored as the draft (not published; add --publish)"
            } else {
                "đã lưu bản nháp (chưa công bố; thêm --publish để công bố)"
            }
        );
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
    let codes: HashMap<i64, String> = units::list(db, campaign.id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut text = String::new();
    if check.holds() {
        let _ = writeln!(
            text,
            "{}",
            if en {
                format!(
                    "survey tallies verified: they equal a recount of the {} submitted responses' raw answers",
                    check.recounted
                )
            } else {
                format!(
                    "đã kiểm tra số liệu tổng hợp khảo sát: khớp với việc đếm lại câu trả lời gốc của {} phiếu đã nộp",
                    check.recounted
                )
            }
        );
    } else {
        let (responses, unmatched) = (check.responses, check.unmatched);
        let counts_differ = responses.0 != responses.1 || unmatched.0 != unmatched.1;
        let places = check.differences.len() + usize::from(counts_differ);
        let _ = writeln!(
            text,
            "{}",
            if en {
                format!(
                    "survey tallies differ from a recount of the raw answers in {places} places (stored / recounted):"
                )
            } else {
                format!(
                    "số liệu tổng hợp khảo sát khác với việc đếm lại câu trả lời gốc ở {places} chỗ (đang lưu / đếm lại):"
                )
            }
        );
        let show = |t: &Option<parindex_domain::scoring::GroupTally>| match t {
            Some(t) => format!("{} × {:?}", t.respondents, t.cents),
            None => "—".into(),
        };
        if counts_differ {
            let _ = writeln!(
                text,
                "  {} {} / {}, {} {} / {}",
                if en {
                    "responses tallied"
                } else {
                    "phiếu đã tổng hợp"
                },
                responses.0,
                responses.1,
                if en {
                    "answers matching no question"
                } else {
                    "câu trả lời không khớp câu hỏi nào"
                },
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
    let s = format!("{:.2}", d);
    if en { s } else { s.replace('.', ",") }
}

fn level_ranking(out: &mut String, level: &LevelResult, names: &HashMap<String, String>, en: bool) {
    let title = match (level.level, en) {
        (Level::Ministry, false) => "Xếp hạng cấp bộ",
        (Level::Province, false) => "Xếp hạng cấp tỉnh",
        (Level::Ministry, true) => "Ministry ranking",
        (Level::Province, true) => "Province ranking",
    };
    let _ = writeln!(out, "{title} ({})", level.criteria_set);
    for u in &level.units {
        let place = match u.place {
            Some(p) => p.to_string(),
            None => if en { "n/r" } else { "KXH" }.to_string(),
        };
        let name = names.get(&u.code).map(String::as_str).unwrap_or(&u.code);
        let mut notes = Vec::new();
        if u.survey_cancelled {
            notes.push(
                if en {
                    "survey cancelled"
                } else {
                    "hủy kết quả khảo sát"
                }
                .to_string(),
            );
        }
        if u.missing > 0 {
            notes.push(if en {
                format!("{} items without a score", u.missing)
            } else {
                format!("{} tiêu chí chưa có điểm", u.missing)
            });
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
