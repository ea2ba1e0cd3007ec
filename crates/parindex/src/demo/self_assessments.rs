//! The demo units' self-assessments at every stage, and MoHA's appraisals of those that reached it.

use super::*;
use parindex_domain::self_assessment::State;
use parindex_domain::{CampaignId, UnitId};

/// How far each demo unit has got with its self-assessment: (unit, share of leaves scored, stage).
const SELF_ASSESSMENT_STAGES: [(&str, usize, SelfAssessmentStage); 8] = [
    ("BCT", 25, SelfAssessmentStage::Draft),
    ("HNI", 60, SelfAssessmentStage::Draft),
    ("NHNN", 100, SelfAssessmentStage::AwaitingApproval),
    ("AGG", 100, SelfAssessmentStage::Approved),
    ("HPG", 100, SelfAssessmentStage::Submitted),
    ("DNG", 100, SelfAssessmentStage::Submitted),
    ("UBDT", 100, SelfAssessmentStage::Submitted),
    ("TTCP", 100, SelfAssessmentStage::Submitted),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum SelfAssessmentStage {
    Draft,
    AwaitingApproval,
    Approved,
    Submitted,
}

/// Scores (illustrative) for the units above, and their reports moved to their stage. The other
/// units have not started: Bộ Tư pháp and Quảng Ninh, whose officer, leader and viewer accounts can walk
/// the whole flow.
pub(super) async fn seed_self_assessments(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    ids: &std::collections::HashMap<&str, UnitId>,
) -> anyhow::Result<()> {
    use parindex_domain::criteria::Method;
    use rust_decimal::Decimal;
    let mut sets = std::collections::HashMap::new();
    for (level, stored) in criteria_sets::pinned(db, campaign_id).await? {
        sets.insert(level, criteria_sets::tree(db, stored.id).await?);
    }
    const SHARES: [i64; 5] = [100, 100, 75, 50, 100];
    for (n, (code, percent, stage)) in SELF_ASSESSMENT_STAGES.iter().enumerate() {
        let (Some(&unit_id), Some(u)) = (ids.get(code), UNITS.iter().find(|u| u.code == *code))
        else {
            continue;
        };
        let Some(set) = sets.get(&u.level) else {
            continue;
        };
        let leaves: Vec<_> = set
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::SelfAssessed))
            .collect();
        let scored = leaves.len() * percent / 100;
        for (i, leaf) in leaves.iter().take(scored).enumerate() {
            let share = Decimal::new(SHARES[(i + n) % SHARES.len()], 2);
            let score = parindex_domain::Points::from_decimal(
                parindex_domain::scoring::half_up_decimal(leaf.max.decimal() * share),
            )
            .map_err(|e| anyhow::anyhow!("demo score for {}: {e}", leaf.code))?;
            let explanation = "Đã thực hiện theo kế hoạch; hồ sơ lưu tại đơn vị (minh họa).";
            parindex_db::self_assessments::save_leaf(
                db,
                ctx,
                campaign_id,
                unit_id,
                &leaf.code,
                Some(score),
                explanation,
            )
            .await?;
        }
        let steps = match stage {
            SelfAssessmentStage::Draft => 0,
            SelfAssessmentStage::AwaitingApproval => 1,
            SelfAssessmentStage::Approved => 2,
            SelfAssessmentStage::Submitted => 3,
        };
        take_steps(db, ctx, campaign_id, unit_id, &TO_SUBMITTED[..steps]).await?;
    }
    Ok(())
}

/// How far MoHA has got with the submitted reports: Hải Phòng waits, Đà Nẵng is in round 1, the
/// Ethnic Minorities Committee is explaining, the Government Inspectorate has final scores.
pub(super) async fn seed_appraisals(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    ids: &std::collections::HashMap<&str, UnitId>,
) -> anyhow::Result<()> {
    use parindex_db::appraisals::{self, Move};
    use parindex_domain::appraisal::{Round, Stage, decide};
    use parindex_domain::criteria::Method;
    let appraiser = users::by_username(db, "moha.thamdinh")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo appraiser missing"))?;
    let as_appraiser = Ctx {
        actor_id: Some(appraiser.id),
        actor: appraiser.username.clone(),
        ..ctx.clone()
    };
    let mut sets = std::collections::HashMap::new();
    for (level, stored) in criteria_sets::pinned(db, campaign_id).await? {
        sets.insert(level, criteria_sets::tree(db, stored.id).await?);
    }
    // (unit, share of leaves decided in round 1, how far it goes)
    for (code, decided, stage) in [
        ("DNG", 40, Stage::Round1),
        ("UBDT", 100, Stage::Explaining),
        ("TTCP", 100, Stage::Final),
    ] {
        let (Some(&unit_id), Some(u)) = (ids.get(code), UNITS.iter().find(|u| u.code == code))
        else {
            continue;
        };
        let Some(set) = sets.get(&u.level) else {
            continue;
        };
        let own = parindex_db::self_assessments::leaves(db, unit_id).await?;
        let leaves: Vec<_> = set
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::SelfAssessed))
            .collect();
        let mut adjusted = Vec::new();
        for (i, leaf) in leaves.iter().take(leaves.len() * decided / 100).enumerate() {
            let self_score = own.get(&leaf.code).and_then(|l| l.score);
            // Every ninth leaf scored above zero is adjusted down to half, with the reason.
            let adjust =
                i % 9 == 4 && self_score.is_some_and(|s| s > parindex_domain::Points::ZERO);
            let half = self_score
                .map(|s| {
                    parindex_domain::scoring::half_up_decimal(
                        s.decimal() / rust_decimal::Decimal::TWO,
                    )
                    .to_string()
                })
                .unwrap_or_default();
            let d = if adjust {
                decide(
                    Round::First,
                    leaf.max,
                    self_score,
                    None,
                    "adjust",
                    &half,
                    "Tài liệu kiểm chứng chưa thể hiện đủ kết quả thực hiện (minh họa).",
                )
            } else {
                decide(Round::First, leaf.max, self_score, None, "accept", "", "")
            }
            .map_err(|e| anyhow::anyhow!("demo decision for {}: {e}", leaf.code))?;
            appraisals::decide(
                db,
                &as_appraiser,
                campaign_id,
                unit_id,
                &leaf.code,
                Round::First,
                &d,
            )
            .await?;
            if adjust {
                adjusted.push((leaf.code.clone(), leaf.max, self_score, d.score));
            }
        }
        if stage == Stage::Round1 {
            continue;
        }
        let due = if stage == Stage::Final {
            "2023-12-08"
        } else {
            "2023-12-20"
        };
        appraisals::advance(
            db,
            &as_appraiser,
            campaign_id,
            unit_id,
            &Move {
                from: Stage::Round1,
                to: Stage::Explaining,
                adjusted: Some(adjusted.len()),
                explain_due: Some(due),
            },
        )
        .await?;
        let officer = users::by_username(db, &format!("{}.canbo", code.to_lowercase())).await?;
        let as_officer = Ctx {
            actor_id: officer.as_ref().map(|o| o.id),
            actor: officer.map(|o| o.username).unwrap_or_default(),
            ..ctx.clone()
        };
        let explain_n = if stage == Stage::Final {
            adjusted.len()
        } else {
            1
        };
        for (leaf, ..) in adjusted.iter().take(explain_n) {
            appraisals::explain(
                db,
                &as_officer,
                campaign_id,
                unit_id,
                leaf,
                "Đơn vị đã ban hành đủ văn bản trong năm; đề nghị giữ điểm tự chấm (minh họa).",
            )
            .await?;
        }
        if stage == Stage::Explaining {
            continue;
        }
        appraisals::advance(
            db,
            &as_officer,
            campaign_id,
            unit_id,
            &Move {
                from: Stage::Explaining,
                to: Stage::Round2,
                adjusted: None,
                explain_due: None,
            },
        )
        .await?;
        for (i, (leaf, max, self_score, r1)) in adjusted.iter().enumerate() {
            let d = if i % 2 == 0 {
                decide(
                    Round::Second,
                    *max,
                    *self_score,
                    Some(*r1),
                    "accept",
                    "",
                    "",
                )
            } else {
                decide(
                    Round::Second,
                    *max,
                    *self_score,
                    Some(*r1),
                    "keep",
                    "",
                    "Giải trình chưa kèm văn bản chứng minh (minh họa).",
                )
            }
            .map_err(|e| anyhow::anyhow!("demo round 2 for {leaf}: {e}"))?;
            appraisals::decide(
                db,
                &as_appraiser,
                campaign_id,
                unit_id,
                leaf,
                Round::Second,
                &d,
            )
            .await?;
        }
        appraisals::advance(
            db,
            &as_appraiser,
            campaign_id,
            unit_id,
            &Move {
                from: Stage::Round2,
                to: Stage::Final,
                adjusted: None,
                explain_due: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// A report's way from draft to submitted, one step of the flow at a time.
pub(crate) const TO_SUBMITTED: [(State, State); 3] = [
    (State::Draft, State::AwaitingApproval),
    (State::AwaitingApproval, State::Approved),
    (State::Approved, State::Submitted),
];

/// Takes `steps` of a unit's report flow in order, as the demo and the simulation need them.
pub(crate) async fn take_steps(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    unit_id: UnitId,
    steps: &[(State, State)],
) -> anyhow::Result<()> {
    for (from, to) in steps {
        parindex_db::self_assessments::transition(db, ctx, campaign_id, unit_id, *from, *to, "")
            .await?;
    }
    Ok(())
}
