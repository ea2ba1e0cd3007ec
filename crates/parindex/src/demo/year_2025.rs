//! `serve --demo --year 2025`: the demo in today's structure, compared through the 2025
//! reorganisation.
//!
//! 1. The 2023 campaign grows to the structure before it: the 63 provinces and the 19 ministries and
//!    ministry-level bodies of `frameworks/2025/*-before-2025.csv`, beside the demo's own units. It is
//!    then run to a published result, as `--simulate` runs it.
//! 2. It is rolled over to 2025, as MoHA would, and the year's units are set from the shipped files
//!    `provinces-2025.csv` and `ministries-2025.csv`. That makes 34 provinces and 14 ministries and
//!    bodies, with the crosswalk to their predecessors.
//! 3. Among the province groups, the commune People's Committee leaders take the place of the district
//!    leaders, in the groups and in the questionnaire.
//! 4. The 2025 campaign is run to a published result too, so that every unit's change since 2023
//!    shows, a merged one against its predecessors' weighted index.
//!
//! Names and codes are real. Every figure is illustrative, and the campaign's name says so.

use parindex_db::campaigns::{self, Campaign, CampaignInput};
use parindex_db::rollover::{self, Rollover};
use parindex_db::unit_import::{self, Weighting};
use parindex_db::units;
use parindex_db::{Ctx, Db, deadlines, questionnaires, respondents, results, users};
use parindex_import::{table, unit_rows};
use std::collections::HashSet;
use time::OffsetDateTime;
use time::macros::datetime;

pub const YEAR: i64 = 2025;

/// The 2025 campaign is set up as of 10/12/2025 09:00 in Hanoi, two years after the 2023 one.
pub const NOW: OffsetDateTime = datetime!(2025-12-10 09:00 +7);

/// The units before the reorganisation, as the 2023 campaign grows to hold them.
const BEFORE: [&str; 2] = [
    include_str!("../../../../frameworks/2025/provinces-before-2025.csv"),
    include_str!("../../../../frameworks/2025/ministries-before-2025.csv"),
];

/// The year's units, with their predecessors.
const AFTER: [&str; 2] = [
    include_str!("../../../../frameworks/2025/provinces-2025.csv"),
    include_str!("../../../../frameworks/2025/ministries-2025.csv"),
];

const NAME_VI: &str = "Chỉ số cải cách hành chính năm 2025 (số liệu minh họa)";
const NAME_EN: &str = "Public Administration Reform Index 2025 (illustrative figures)";
const LEGAL_BASIS: &str = "Quyết định 876/QĐ-BNV ngày 10/11/2022\n\
     Nghị quyết 176/2025/QH15 ngày 18/02/2025 về cơ cấu tổ chức của Chính phủ\n\
     Nghị quyết 202/2025/QH15 ngày 12/6/2025 về việc sắp xếp đơn vị hành chính cấp tỉnh";

/// The province group that gave way, and the one that took its place.
const DISTRICT_GROUP: &str = "lanh_dao_huyen";
const COMMUNE_GROUP: &str = "lanh_dao_xa";

/// Whether the demo unit `code` is still a unit in 2025.
pub fn keeps(code: &str) -> bool {
    let row = format!("{code},");
    AFTER.iter().any(|t| t.lines().any(|l| l.starts_with(&row)))
}

/// What the year was built from: both campaigns' simulations.
pub struct Built {
    pub before: Option<crate::simulate::Summary>,
    pub after: crate::simulate::Summary,
}

/// Builds the 2025 campaign and runs both years against the server at `base`, unless the 2025
/// campaign is there already (then `None`). `set_time` moves the server's clock: from `start_ms`
/// through the 2023 survey, then to [`NOW`] and through the 2025 one.
pub async fn run(
    db: &Db,
    base: &str,
    start_ms: i64,
    opts: &crate::simulate::Options,
    set_time: &(dyn Fn(i64) + Send + Sync),
) -> anyhow::Result<Option<Built>> {
    if campaigns::by_year(db, YEAR).await.is_ok() {
        return Ok(None);
    }
    let old = campaigns::by_year(db, crate::demo::DEMO_YEAR).await?;
    let before = if results::latest_published(db, old.id).await?.is_none() {
        widen(db, &demo_ctx(start_ms), &old).await?;
        Some(crate::simulate::run(db, base, &old, start_ms, opts, set_time).await?)
    } else {
        None
    };
    let now_ms = parindex_domain::clock::to_ms(NOW);
    set_time(now_ms);
    let new = build(db, &demo_ctx(now_ms)).await?;
    let after = crate::simulate::run(db, base, &new, now_ms, opts, set_time).await?;
    Ok(Some(Built { before, after }))
}

fn demo_ctx(now_ms: i64) -> Ctx {
    Ctx {
        actor: "demo".into(),
        ..Ctx::system(now_ms)
    }
}

/// The rows of the shipped files, checked as an upload is (`before`: the codes of the campaign
/// before, for the predecessors).
fn rows(
    files: &[&str],
    before: Option<&HashSet<String>>,
) -> anyhow::Result<Vec<unit_rows::UnitRow>> {
    let mut out = Vec::new();
    for text in files {
        let t = table::read(text.as_bytes(), table::Limits::default())
            .map_err(|e| anyhow::anyhow!("shipped units file: {}", e.message_key()))?;
        let read = unit_rows::validate(&t, before)
            .map_err(|p| anyhow::anyhow!("shipped units file is invalid: {p:?}"))?;
        out.extend(read);
    }
    Ok(out)
}

/// Adds to the 2023 campaign every unit before the reorganisation that it does not hold yet.
async fn widen(db: &Db, ctx: &Ctx, campaign: &Campaign) -> anyhow::Result<()> {
    let have: HashSet<String> = units::list(db, campaign.id)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let rows = rows(&BEFORE, None)?;
    for i in parindex_web::campaigns::units_file::incoming(&rows)
        .into_iter()
        .filter(|i| !have.contains(&i.input.code))
    {
        units::create(db, ctx, campaign.id, &i.input).await?;
    }
    Ok(())
}

/// Rolls the 2023 campaign over to 2025 and gives it the year's structure, as MoHA would through the
/// pages: the copy, the units files with their crosswalk, the groups and questionnaires, the
/// campaign's form saved (which confirms the deadlines), and the demo's password on the copied
/// accounts.
pub async fn build(db: &Db, ctx: &Ctx) -> anyhow::Result<Campaign> {
    let old = campaigns::by_year(db, crate::demo::DEMO_YEAR).await?;
    let before: HashSet<String> = units::list(db, old.id)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let after = rows(&AFTER, Some(&before)).map_err(|e| {
        anyhow::anyhow!(
            "{e}: the 2023 campaign was published before it held every unit of the year before \
             the reorganisation; build the 2025 demo in a new data folder"
        )
    })?;
    let preview = rollover::preview(db, old.id, YEAR).await?;
    let new = rollover::copy(
        db,
        ctx,
        &Rollover {
            from: old.id,
            year: YEAR,
            name_vi: NAME_VI.into(),
            name_en: NAME_EN.into(),
            sets: preview.sets.iter().map(|(_, s)| s.id).collect(),
        },
    )
    .await?;
    let incoming = parindex_web::campaigns::units_file::incoming(&after);
    unit_import::apply(db, ctx, new.id, &incoming, Weighting::AsWritten).await?;
    let mut groups = respondents::groups(db, new.id).await?;
    for g in groups
        .province
        .iter_mut()
        .filter(|g| g.code == DISTRICT_GROUP)
    {
        g.code = COMMUNE_GROUP.into();
        g.name_vi = "Lãnh đạo Ủy ban nhân dân cấp xã".into();
        g.name_en = "Commune People's Committee leaders".into();
    }
    respondents::set_groups(db, ctx, new.id, &groups).await?;
    for (_, text) in crate::shipped::QUESTIONNAIRES {
        let q = parindex_domain::survey::parse(&questionnaire_2025(text))
            .map_err(|p| anyhow::anyhow!("the 2025 questionnaires are invalid: {p:?}"))?;
        questionnaires::set(db, ctx, new.id, &q).await?;
    }
    let input = CampaignInput {
        year: YEAR,
        name_vi: new.name_vi.clone(),
        name_en: new.name_en.clone(),
        legal_basis: LEGAL_BASIS.into(),
        organiser: new.organiser.clone(),
        min_group_size: new.min_group_size,
        deadlines: deadlines::for_campaign(db, new.id).await?,
    };
    let new = campaigns::update(db, ctx, new.id, &input).await?;
    let hash = parindex_web::auth::password::hash_blocking(crate::demo::DEMO_PASSWORD)?;
    for u in units::list(db, new.id).await? {
        for account in users::list(db, Some(u.id)).await? {
            users::set_password(db, ctx, account.id, &hash, None, None).await?;
        }
    }
    Ok(new)
}

/// A 2023 questionnaire as the 2025 campaign asks it: of 2025, and with the district leaders'
/// questionnaire given to the commune leaders.
fn questionnaire_2025(text: &str) -> String {
    text.replace("năm 2023", "năm 2025")
        .replace("'s 2023 ", "'s 2025 ")
        .replace(
            &format!("group = \"{DISTRICT_GROUP}\""),
            &format!("group = \"{COMMUNE_GROUP}\""),
        )
        .replace(
            "Lãnh đạo Ủy ban nhân dân cấp huyện",
            "Lãnh đạo Ủy ban nhân dân cấp xã",
        )
        .replace(
            "District People's Committee leaders",
            "Commune People's Committee leaders",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_units_that_stay_are_those_in_the_2025_files() {
        for code in [
            "BTP", "BCT", "NHNN", "TTCP", "QNI", "HPG", "HNI", "DNG", "AGG",
        ] {
            assert!(keeps(code), "{code}");
        }
        assert!(!keeps("UBDT"));
        assert!(!keeps("HDG"));
    }

    #[test]
    fn the_2025_questionnaires_ask_the_commune_leaders_about_2025() {
        let province = questionnaire_2025(crate::shipped::QUESTIONNAIRES[1].1);
        assert!(province.contains("group = \"lanh_dao_xa\""));
        assert!(!province.contains("lanh_dao_huyen"));
        assert!(!province.contains("cấp huyện"));
        assert!(!province.contains("năm 2023"));
        let q = parindex_domain::survey::parse(&province).expect("valid");
        assert!(q.questionnaires.iter().any(|g| g.group == COMMUNE_GROUP));
    }
}
