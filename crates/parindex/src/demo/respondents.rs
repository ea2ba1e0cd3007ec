//! The demo units' respondent lists at every stage.

use super::*;
use parindex_domain::{CampaignId, UnitId};

/// Respondent lists at every stage: Bộ Công Thương and Hà Nội are compiling (Hà Nội with an exception
/// for its People's Council delegates), Hải Phòng has sent its list, An Giang's was accepted. Bộ Tư
/// pháp and Quảng Ninh start from nothing, so a newcomer can import the template. People are fictional.
pub(super) async fn seed_respondents(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    ids: &std::collections::HashMap<&str, UnitId>,
) -> anyhow::Result<()> {
    use parindex_db::respondents as store;
    use parindex_domain::respondents::{GroupSet, ListState};
    let groups = GroupSet::defaults_2023();
    store::set_groups(db, ctx, campaign_id, &groups).await?;
    for (code, per_group, stage) in [
        ("BCT", 6, ListState::Draft),
        ("HNI", 8, ListState::Draft),
        ("HPG", 12, ListState::Sent),
        ("AGG", 10, ListState::Accepted),
    ] {
        if let Some(&unit_id) = ids.get(code) {
            seed_list(db, ctx, campaign_id, unit_id, code, per_group, stage).await?;
        }
    }
    Ok(())
}

/// A respondent list of illustrative people for one demo unit, `per_group` in each open group, moved
/// to `stage`.
pub async fn seed_list(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    unit_id: UnitId,
    code: &str,
    per_group: usize,
    stage: parindex_domain::respondents::ListState,
) -> anyhow::Result<()> {
    use parindex_db::respondents as store;
    use parindex_domain::respondents::{ListState, Respondent};
    const FAMILY: [&str; 10] = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
    ];
    const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Thu", "Quốc", "Ngọc"];
    const GIVEN: [&str; 12] = [
        "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Yến",
    ];
    let groups = store::groups(db, campaign_id).await?;
    {
        let u = parindex_db::units::get(db, unit_id).await?;
        // A unit without a known mail domain gets an illustrative one.
        let domain = match u.email_domains.split(',').next().map(str::trim) {
            Some(d) if !d.is_empty() => d.to_string(),
            _ => format!("{}.gov.example", code.to_lowercase()),
        };
        let mut people = Vec::new();
        for (gi, g) in groups.for_level(u.level.as_str()).iter().enumerate() {
            // Hà Nội has not reached its delegates yet (an exception below).
            if code == "HNI" && stage == ListState::Draft && g.priority {
                continue;
            }
            let (count, orgs) = match g.rule {
                parindex_domain::respondents::Rule::PerOrganisation { exactly } => {
                    (exactly as usize * 3, 3)
                }
                parindex_domain::respondents::Rule::MaxOrganisations { max } => {
                    (per_group, max as usize)
                }
                parindex_domain::respondents::Rule::All => (per_group, 4),
            };
            for i in 0..count {
                let n = people.len();
                let org = match g.code.as_str() {
                    "hdnd" => "Hội đồng nhân dân".to_string(),
                    "lanh_dao_huyen" => format!("Ủy ban nhân dân huyện số {}", i % orgs + 1),
                    "lanh_dao_xa" => format!("Ủy ban nhân dân xã số {}", i % orgs + 1),
                    "lanh_dao_hoi" => format!("Hội nghề nghiệp số {}", i % orgs + 1),
                    _ => format!(
                        "{} số {}",
                        if u.level == Level::Ministry {
                            "Vụ"
                        } else {
                            "Sở"
                        },
                        i % orgs + 1
                    ),
                };
                people.push(Respondent {
                    full_name: format!(
                        "{} {} {}",
                        FAMILY[(n + gi) % FAMILY.len()],
                        MIDDLE[(n / 3) % MIDDLE.len()],
                        GIVEN[(n * 7 + gi) % GIVEN.len()]
                    ),
                    position: if i % 2 == 0 {
                        "Trưởng phòng"
                    } else {
                        "Phó Giám đốc"
                    }
                    .into(),
                    organisation: org,
                    group: g.code.clone(),
                    email: format!("{}.{n:03}@{domain}", code.to_lowercase()),
                    phone: format!("09{:02}{:06}", unit_id.get() % 100, n),
                    stand_in: g.stand_ins && i == 0,
                });
            }
        }
        store::import(db, ctx, campaign_id, unit_id, &people, "demo").await?;
        if code == "HNI" && stage == ListState::Draft {
            store::request_exception(
                db,
                ctx,
                campaign_id,
                unit_id,
                "hdnd",
                "Kỳ họp chuyên đề của HĐND thành phố trùng thời gian khảo sát; đề nghị lấy ý kiến sau (minh họa).",
            )
            .await?;
        }
        if stage != ListState::Draft {
            store::transition(
                db,
                ctx,
                campaign_id,
                unit_id,
                ListState::Draft,
                ListState::Sent,
                "",
            )
            .await?;
        }
        if stage == ListState::Accepted {
            store::transition(
                db,
                ctx,
                campaign_id,
                unit_id,
                ListState::Sent,
                ListState::Accepted,
                "",
            )
            .await?;
        }
    }
    Ok(())
}
