//! The API's campaigns and units: every campaign with its deadlines and a campaign's units (MoHA),
//! and one unit with its campaign, deadlines and contacts (the unit's accounts and MoHA).

use crate::auth::{MohaStaff, UnitReader};
use crate::error::AppResult;
use crate::state::AppState;
use crate::ui::unit_context::{UnitContext, UnitDeadline};
use axum::Json;
use axum::extract::{Path, State};
use parindex_db::contacts::{FocalContacts, SupportContact};
use parindex_db::{campaigns, deadlines, units};
use parindex_domain::CampaignId;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A campaign: its year and names, and in the list of campaigns its deadlines.
#[derive(Debug, Serialize, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub year: i64,
    pub name_vi: String,
    pub name_en: String,
    pub legal_basis: String,
    /// Who organises the survey and signs its e-mails, e.g. "Bộ Nội vụ".
    pub organiser: String,
    /// Deadline kind → ISO day (respondent_list, survey_answers, self_assessment,
    /// focal_registration); each closes at 23:59:59 Vietnam time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<BTreeMap<String, String>>,
}

impl Campaign {
    fn of(c: campaigns::Campaign, deadlines: Option<BTreeMap<String, String>>) -> Campaign {
        Campaign {
            id: c.id.get(),
            year: c.year,
            name_vi: c.name_vi,
            name_en: c.name_en,
            legal_basis: c.legal_basis,
            organiser: c.organiser,
            deadlines,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignList {
    pub campaigns: Vec<Campaign>,
}

/// A ministry or province taking part in a campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    pub campaign_id: i64,
    pub code: String,
    #[schema(schema_with = crate::api::schema::level)]
    pub level: &'static str,
    pub name: String,
    pub short_name: String,
    pub not_ranked: bool,
    /// The official e-mail domains of the unit's respondents.
    pub email_domains: Vec<String>,
}

impl From<&units::Unit> for Unit {
    fn from(u: &units::Unit) -> Unit {
        Unit {
            id: u.id.get(),
            campaign_id: u.campaign_id.get(),
            code: u.code.clone(),
            level: u.level.as_str(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            not_ranked: u.not_ranked,
            email_domains: u
                .email_domains
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitList {
    pub units: Vec<Unit>,
}

/// One unit with its campaign, the deadlines as they apply to it, and its contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetail {
    pub unit: Unit,
    pub campaign: Campaign,
    pub deadlines: Vec<UnitDeadline>,
    /// MoHA's support contact for the unit's level.
    #[schema(schema_with = crate::api::schema::contact_or_null)]
    pub support_contact: Option<SupportContact>,
    /// The unit's PAR and IT focal contacts, once registered.
    #[schema(schema_with = crate::api::schema::contact_or_null)]
    pub focal_contacts: Option<FocalContacts>,
}

/// All campaigns with their deadlines.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    summary = "All campaigns with their deadlines (MoHA staff)",
    responses((status = 200, description = "OK", body = CampaignList)),
    security(("session" = [])))]
pub async fn campaigns(
    State(state): State<AppState>,
    _staff: MohaStaff,
) -> AppResult<Json<CampaignList>> {
    let mut out = Vec::new();
    for c in campaigns::list(&state.db).await? {
        let dls = deadlines::for_campaign(&state.db, c.id)
            .await?
            .into_iter()
            .collect();
        out.push(Campaign::of(c, Some(dls)));
    }
    Ok(Json(CampaignList { campaigns: out }))
}

/// The units of one campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/units", tag = "campaigns",
    summary = "The units of one campaign (MoHA staff)",
    params(("campaign" = i64, Path, description = "The campaign's id")),
    responses((status = 200, description = "OK", body = UnitList)),
    security(("session" = [])))]
pub async fn campaign_units(
    State(state): State<AppState>,
    _staff: MohaStaff,
    Path(id): Path<CampaignId>,
) -> AppResult<Json<UnitList>> {
    campaigns::get(&state.db, id).await?;
    let units = units::list(&state.db, id).await?;
    Ok(Json(UnitList {
        units: units.iter().map(Unit::from).collect(),
    }))
}

/// One unit with its deadlines, support contact and focal contacts.
#[utoipa::path(get, path = "/api/v1/units/{unit}", tag = "campaigns",
    summary = "One unit with its deadlines, support contact and focal contacts (MoHA staff or the unit's own accounts)",
    params(("unit" = i64, Path, description = "The unit's id")),
    responses((status = 200, description = "OK", body = UnitDetail)),
    security(("session" = [])))]
pub async fn unit(State(state): State<AppState>, r: UnitReader) -> AppResult<Json<UnitDetail>> {
    let cx = UnitContext::load(&state, r.unit_id).await?;
    Ok(Json(UnitDetail {
        unit: Unit::from(&cx.unit),
        campaign: Campaign::of(cx.campaign, None),
        deadlines: cx.deadlines,
        support_contact: cx.support,
        focal_contacts: cx.focal.map(|f| f.contacts),
    }))
}
