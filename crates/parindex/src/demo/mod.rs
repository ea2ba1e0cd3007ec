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
const PEOPLE: [(&str, &str, Role, &str); 16] = [
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
    // The State Bank's report awaits its leader's approval.
    (
        "nhnn.lanhdao",
        "Phan Thị Thu Trang",
        Role::UnitLeader,
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

/// The demo's logins in the campaign of `year`: the 2023 ones, or for a campaign rolled over from it
/// the copies of the unit accounts (`btp.canbo.2025`) whose unit is still there, beside MoHA's.
pub fn logins_in(year: i64) -> Vec<DemoLogin> {
    if year == DEMO_YEAR {
        return logins();
    }
    logins()
        .into_iter()
        .filter(|l| l.unit.is_empty() || year_2025::keeps(&l.unit))
        .map(|l| DemoLogin {
            username: if l.unit.is_empty() {
                l.username
            } else {
                parindex_domain::rollover::username(&l.username, DEMO_YEAR, year, |_| false)
            },
            ..l
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
            organiser: parindex_i18n::Lang::Vi.t("app-owner"),
            min_group_size: i64::from(parindex_domain::scoring::what_if::DEFAULT_MIN_GROUP_SIZE),
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
        include_str!("../../../../frameworks/2023/ministry.toml"),
        include_str!("../../../../frameworks/2023/province.toml"),
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
        let q = parindex_domain::survey::parse(text).map_err(|p| {
            anyhow::anyhow!(
                "shipped questionnaires are invalid: {}",
                parindex_i18n::Lang::En.say(&p.message())
            )
        })?;
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

mod respondents;
mod self_assessments;
pub mod year_2025;

pub use respondents::seed_list;
use respondents::seed_respondents;
pub(crate) use self_assessments::{TO_SUBMITTED, take_steps};
use self_assessments::{seed_appraisals, seed_self_assessments};
