//! `--demo`: a realistic 2023 campaign, as dispatch 7156/BNV-CCHC set it up, with real ministries and
//! provinces and an account for every role. Seeding is idempotent: a second run only lists the logins.
//! People, phone numbers and support contacts are fictional (illustrative).

use parindex_db::campaigns::{self, CampaignInput};
use parindex_db::contacts::{self, FocalContacts, SupportContact};
use parindex_db::second_factors;
use parindex_db::units::{self, UnitInput};
use parindex_db::users::{self, NewUser};
use parindex_db::{Ctx, Db, criteria_sets, deadlines};
use parindex_domain::criteria::file as criteria_file;
use parindex_domain::{Level, Role};
use time::OffsetDateTime;
use time::macros::datetime;

/// The password of every demo account (printed at start-up; demo data only).
pub const DEMO_PASSWORD: &str = "demo-cchc-2023";
pub const DEMO_YEAR: i64 = 2023;

/// The demo runs as of this instant (10/12/2023 09:00 in Hanoi): lists are still being compiled,
/// the survey and self-assessment lie ahead.
pub const DEMO_NOW: OffsetDateTime = datetime!(2023-12-10 09:00 +7);

/// The demo's authenticator secret for `username`: fixed and public, like the demo's password.
pub fn second_factor(username: &str) -> parindex_domain::second_factor::TotpSecret {
    parindex_domain::second_factor::TotpSecret::derived_from(username)
}

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub unit: String,
}

struct U {
    code: &'static str,
    level: Level,
    name: &'static str,
    short: &'static str,
    domains: &'static str,
    not_ranked: bool,
}

const UNITS: [U; 10] = [
    U {
        code: "BTP",
        level: Level::Ministry,
        name: "Bộ Tư pháp",
        short: "Bộ Tư pháp",
        domains: "moj.gov.vn",
        not_ranked: false,
    },
    U {
        code: "BCT",
        level: Level::Ministry,
        name: "Bộ Công Thương",
        short: "Bộ Công Thương",
        domains: "moit.gov.vn",
        not_ranked: false,
    },
    U {
        code: "NHNN",
        level: Level::Ministry,
        name: "Ngân hàng Nhà nước Việt Nam",
        short: "Ngân hàng Nhà nước",
        domains: "sbv.gov.vn",
        not_ranked: false,
    },
    U {
        code: "TTCP",
        level: Level::Ministry,
        name: "Thanh tra Chính phủ",
        short: "Thanh tra Chính phủ",
        domains: "thanhtra.gov.vn",
        not_ranked: true,
    },
    U {
        code: "UBDT",
        level: Level::Ministry,
        name: "Ủy ban Dân tộc",
        short: "Ủy ban Dân tộc",
        domains: "ubdt.gov.vn",
        not_ranked: true,
    },
    U {
        code: "QNI",
        level: Level::Province,
        name: "Ủy ban nhân dân tỉnh Quảng Ninh",
        short: "Tỉnh Quảng Ninh",
        domains: "quangninh.gov.vn",
        not_ranked: false,
    },
    U {
        code: "HPG",
        level: Level::Province,
        name: "Ủy ban nhân dân thành phố Hải Phòng",
        short: "Thành phố Hải Phòng",
        domains: "haiphong.gov.vn",
        not_ranked: false,
    },
    U {
        code: "HNI",
        level: Level::Province,
        name: "Ủy ban nhân dân thành phố Hà Nội",
        short: "Thành phố Hà Nội",
        domains: "hanoi.gov.vn",
        not_ranked: false,
    },
    U {
        code: "DNG",
        level: Level::Province,
        name: "Ủy ban nhân dân thành phố Đà Nẵng",
        short: "Thành phố Đà Nẵng",
        domains: "danang.gov.vn",
        not_ranked: false,
    },
    U {
        code: "AGG",
        level: Level::Province,
        name: "Ủy ban nhân dân tỉnh An Giang",
        short: "Tỉnh An Giang",
        domains: "angiang.gov.vn",
        not_ranked: false,
    },
];

/// (username, full name, role, unit code or "")
const PEOPLE: [(&str, &str, Role, &str); 15] = [
    ("moha.admin", "Lê Thị Hồng Nhung", Role::MohaAdmin, ""),
    ("moha.thamdinh", "Trần Quốc Bảo", Role::MohaAppraiser, ""),
    ("btp.canbo", "Phạm Văn Hùng", Role::UnitOfficer, "BTP"),
    ("btp.lanhdao", "Đỗ Thị Mai", Role::UnitLeader, "BTP"),
    ("btp.xem", "Vũ Minh Tuấn", Role::UnitViewer, "BTP"),
    ("qni.canbo", "Hoàng Thị Lan", Role::UnitOfficer, "QNI"),
    ("qni.lanhdao", "Nguyễn Đức Thắng", Role::UnitLeader, "QNI"),
    ("qni.xem", "Bùi Thu Hà", Role::UnitViewer, "QNI"),
    ("bct.canbo", "Đặng Quang Huy", Role::UnitOfficer, "BCT"),
    (
        "nhnn.canbo",
        "Ngô Thị Thanh Hương",
        Role::UnitOfficer,
        "NHNN",
    ),
    ("hpg.canbo", "Lý Văn Cường", Role::UnitOfficer, "HPG"),
    ("hni.canbo", "Trịnh Thị Phương", Role::UnitOfficer, "HNI"),
    ("agg.canbo", "Châu Văn Lợi", Role::UnitOfficer, "AGG"),
    ("ubdt.canbo", "Hà Thị Ngọc Ánh", Role::UnitOfficer, "UBDT"),
    ("ttcp.canbo", "Lương Văn Định", Role::UnitOfficer, "TTCP"),
];

pub fn logins() -> Vec<DemoLogin> {
    PEOPLE
        .iter()
        .map(|(u, _, r, unit)| DemoLogin {
            username: (*u).into(),
            role: *r,
            unit: (*unit).into(),
        })
        .collect()
}

fn email_for(username: &str, unit: &str) -> String {
    let domain = UNITS
        .iter()
        .find(|u| u.code == unit)
        .map_or("moha.gov.vn", |u| u.domains);
    format!("{username}@{domain}")
}

/// Seeds the demo campaign unless it is already there. Returns whether anything was written.
pub async fn seed(db: &Db, now_ms: i64) -> anyhow::Result<bool> {
    if campaigns::by_year(db, DEMO_YEAR).await.is_ok() {
        return Ok(false);
    }
    let ctx = Ctx {
        actor: "demo".into(),
        ..Ctx::system(now_ms)
    };
    let campaign = campaigns::create(
        db,
        &ctx,
        &CampaignInput {
            year: DEMO_YEAR,
            name_vi: "Chỉ số cải cách hành chính năm 2023".into(),
            name_en: "Public Administration Reform Index 2023".into(),
            legal_basis:
                "Quyết định 876/QĐ-BNV ngày 10/11/2022; Quyết định 757/QĐ-BNV ngày 25/9/2023; \
                      Quyết định 29/QĐ-BNV ngày 19/01/2023; Công văn 7156/BNV-CCHC ngày 06/12/2023"
                    .into(),
            deadlines: vec![
                ("respondent_list".into(), "2023-12-15".into()),
                ("survey_answers".into(), "2024-01-10".into()),
                ("self_assessment".into(), "2024-01-25".into()),
                ("focal_registration".into(), "2023-12-15".into()),
            ],
        },
    )
    .await?;
    for (level, name, phone, email) in [
        (
            Level::Ministry,
            "Ông Nguyễn Văn Minh (minh họa)",
            "0912000001",
            "hotro.bo@moha.example",
        ),
        (
            Level::Province,
            "Bà Trần Thị Thu (minh họa)",
            "0912000002",
            "hotro.tinh@moha.example",
        ),
    ] {
        contacts::set_support(
            db,
            &ctx,
            campaign.id,
            &SupportContact {
                level,
                name: name.into(),
                phone: phone.into(),
                email: email.into(),
            },
        )
        .await?;
    }
    // The illustrative 2023 criteria sets, pinned to the campaign.
    for text in [
        include_str!("../../../frameworks/2023/ministry.toml"),
        include_str!("../../../frameworks/2023/province.toml"),
    ] {
        let set = criteria_file::parse(text)
            .map_err(|p| anyhow::anyhow!("shipped criteria set is invalid: {p:?}"))?;
        let stored = match criteria_sets::by_code(db, &set.code).await? {
            Some(s) => s,
            None => criteria_sets::store(db, &ctx, &set).await?,
        };
        criteria_sets::pin(db, &ctx, campaign.id, stored.id).await?;
    }
    // The illustrative 2023 questionnaires, one file per level.
    for (_, text) in crate::shipped::QUESTIONNAIRES {
        let q = parindex_domain::survey::parse(text)
            .map_err(|p| anyhow::anyhow!("shipped questionnaires are invalid: {}", p.en()))?;
        parindex_db::questionnaires::set(db, &ctx, campaign.id, &q).await?;
    }
    let mut ids = std::collections::HashMap::new();
    for u in &UNITS {
        let unit = units::create(
            db,
            &ctx,
            campaign.id,
            &UnitInput {
                code: u.code.into(),
                level: u.level,
                name: u.name.into(),
                short_name: u.short.into(),
                not_ranked: u.not_ranked,
                email_domains: u.domains.into(),
            },
        )
        .await?;
        ids.insert(u.code, unit.id);
    }
    let hash = parindex_web::auth::password::hash_blocking(DEMO_PASSWORD)?;
    let news: Vec<NewUser> = PEOPLE
        .iter()
        .map(|(username, full_name, role, unit)| NewUser {
            username: (*username).into(),
            full_name: (*full_name).into(),
            email: email_for(username, unit),
            role: *role,
            unit_id: ids.get(unit).copied(),
            password_hash: hash.clone(),
            must_change_password: false,
        })
        .collect();
    let user_ids = users::create_many(db, &ctx, &news).await?;
    // The MoHA accounts come with their second factor set up, from secrets anyone can derive
    // (`second_factor`), so that the demo can be tried with any authenticator app or a script.
    for (n, id) in news.iter().zip(user_ids) {
        if parindex_domain::second_factor::required(n.role) {
            second_factors::enrol_confirmed(db, &ctx, id, &second_factor(&n.username)).await?;
        }
    }
    // Some units have registered their focal contacts already; Hải Phòng has an extension.
    if let Some(&btp) = ids.get("BTP") {
        contacts::set_focal(
            db,
            &ctx,
            campaign.id,
            btp,
            &FocalContacts {
                par_unit: "Văn phòng Bộ Tư pháp".into(),
                par_name: "Phạm Văn Hùng".into(),
                par_phone: "0912345601".into(),
                par_email: "btp.canbo@moj.gov.vn".into(),
                it_name: "Trương Minh Khoa".into(),
                it_position: "Phó Cục trưởng Cục Công nghệ thông tin".into(),
                it_mobile: "0987654301".into(),
            },
        )
        .await?;
    }
    if let Some(&hpg) = ids.get("HPG") {
        deadlines::grant_extension(
            db,
            &ctx,
            campaign.id,
            hpg,
            "respondent_list",
            "2023-12-22",
            "Thành phố đề nghị tại văn bản số 1234/UBND-NC: bổ sung danh sách đại biểu HĐND (minh họa)",
        )
        .await?
        .map_err(|p| anyhow::anyhow!("demo extension refused: {p:?}"))?;
    }
    seed_self_assessments(db, &ctx, campaign.id, &ids).await?;
    seed_appraisals(db, &ctx, campaign.id, &ids).await?;
    seed_respondents(db, &ctx, campaign.id, &ids).await?;
    Ok(true)
}

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
async fn seed_self_assessments(
    db: &Db,
    ctx: &Ctx,
    campaign_id: i64,
    ids: &std::collections::HashMap<&str, i64>,
) -> anyhow::Result<()> {
    use parindex_domain::criteria::Method;
    use parindex_domain::self_assessment::State;
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
        let path: &[(State, State)] = match stage {
            SelfAssessmentStage::Draft => &[],
            SelfAssessmentStage::AwaitingApproval => &[(State::Draft, State::AwaitingApproval)],
            SelfAssessmentStage::Approved => &[
                (State::Draft, State::AwaitingApproval),
                (State::AwaitingApproval, State::Approved),
            ],
            SelfAssessmentStage::Submitted => &[
                (State::Draft, State::AwaitingApproval),
                (State::AwaitingApproval, State::Approved),
                (State::Approved, State::Submitted),
            ],
        };
        for (from, to) in path {
            parindex_db::self_assessments::transition(
                db,
                ctx,
                campaign_id,
                unit_id,
                *from,
                *to,
                "",
            )
            .await?;
        }
    }
    Ok(())
}

/// How far MoHA has got with the submitted reports: Hải Phòng waits, Đà Nẵng is in round 1, the
/// Ethnic Minorities Committee is explaining, the Government Inspectorate has final scores.
async fn seed_appraisals(
    db: &Db,
    ctx: &Ctx,
    campaign_id: i64,
    ids: &std::collections::HashMap<&str, i64>,
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

/// Respondent lists at every stage: Bộ Công Thương and Hà Nội are compiling (Hà Nội with an exception
/// for its People's Council delegates), Hải Phòng has sent its list, An Giang's was accepted. Bộ Tư
/// pháp and Quảng Ninh start from nothing, so a newcomer can import the template. People are fictional.
async fn seed_respondents(
    db: &Db,
    ctx: &Ctx,
    campaign_id: i64,
    ids: &std::collections::HashMap<&str, i64>,
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
    campaign_id: i64,
    unit_id: i64,
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
        let Some(u) = UNITS.iter().find(|u| u.code == code) else {
            return Ok(());
        };
        let domain = u.domains.split(',').next().unwrap_or("example.gov.vn");
        let mut people = Vec::new();
        for (gi, g) in groups.for_level(u.level.as_str()).iter().enumerate() {
            // Hà Nội has not reached its delegates yet (an exception below).
            if code == "HNI" && g.priority {
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
                    phone: format!("09{:02}{:06}", unit_id % 100, n),
                    stand_in: g.stand_ins && i == 0,
                });
            }
        }
        store::import(db, ctx, campaign_id, unit_id, &people, "demo").await?;
        if code == "HNI" {
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
