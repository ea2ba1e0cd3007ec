//! Campaigns: MoHA staff list and open them; the administrator creates and edits them with their
//! deadlines and legal basis.

use crate::auth::{MohaAdmin, MohaStaff};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use crate::ui::unit_context::campaign_title;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::campaigns::{self, Campaign, CampaignInput};
use parindex_db::contacts::{self, SupportContact};
use parindex_db::units::{self, Unit};
use parindex_db::{DbError, deadlines};
use parindex_domain::CampaignId;
use parindex_domain::deadline::{self, DeadlineKind};
use parindex_domain::scoring::what_if;
use parindex_domain::setup::Change;
use parindex_domain::{Level, text};

#[derive(Template, WebTemplate)]
#[template(path = "campaigns.html")]
pub struct ListPage {
    pub page: Page,
    pub campaigns: Vec<Campaign>,
    pub can_edit: bool,
}

/// One deadline row as shown: its label and dd/mm/yyyy day.
#[derive(Debug, Clone)]
pub struct DeadlineRow {
    pub kind: String,
    pub label: String,
    pub day: String,
}

/// One level's support-contact form: its legend, level, and (field, input type, label, value) rows.
#[derive(Debug, Clone)]
pub struct SupportRow {
    pub label: String,
    pub contact: SupportContact,
    pub fields: Vec<(String, String, String, String)>,
    /// Copied from last year's campaign and not saved since.
    pub to_confirm: bool,
}

impl SupportRow {
    pub fn new(meta: &Meta, contact: SupportContact) -> SupportRow {
        let t = |k: &str| meta.lang.t(k);
        let fields = vec![
            (
                "name".to_string(),
                "text".to_string(),
                t("contact-name"),
                contact.name.clone(),
            ),
            (
                "phone".to_string(),
                "tel".to_string(),
                t("contact-phone"),
                contact.phone.clone(),
            ),
            (
                "email".to_string(),
                "email".to_string(),
                t("contact-email"),
                contact.email.clone(),
            ),
        ];
        SupportRow {
            label: t(&format!("level-{}", contact.level)),
            contact,
            fields,
            to_confirm: false,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "campaign.html")]
pub struct ShowPage {
    pub page: Page,
    pub campaign: Campaign,
    pub deadlines: Vec<DeadlineRow>,
    pub units: Vec<Unit>,
    pub support: Vec<SupportRow>,
    /// The campaign this one was rolled over from.
    pub predecessor: Option<Campaign>,
    pub can_edit: bool,
    /// Per level: its label, the pinned set (if any), and the stored sets of that level to choose from.
    pub criteria: Vec<CriteriaRow>,
}

pub struct CriteriaRow {
    pub level: String,
    pub label: String,
    pub pinned: Option<parindex_db::criteria_sets::StoredSet>,
    pub choices: Vec<parindex_db::criteria_sets::StoredSet>,
    /// The setup rule's refusal to pin another set now (a message), if it refuses.
    pub locked: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "campaign_form.html")]
pub struct FormPage {
    pub page: Page,
    pub action: String,
    pub form: CampaignForm,
    pub deadline_fields: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct CampaignForm {
    pub year: String,
    pub name_vi: String,
    pub name_en: String,
    pub legal_basis: String,
    /// Who signs the survey e-mails; empty for the Ministry of Home Affairs.
    pub organiser: String,
    /// The campaign's minimum group size; blank for the default.
    pub min_group_size: String,
    pub dl_respondent_list: String,
    pub dl_survey_answers: String,
    pub dl_self_assessment: String,
    pub dl_focal_registration: String,
}

impl CampaignForm {
    fn deadline(&self, k: DeadlineKind) -> &str {
        match k {
            DeadlineKind::RespondentList => &self.dl_respondent_list,
            DeadlineKind::SurveyAnswers => &self.dl_survey_answers,
            DeadlineKind::SelfAssessment => &self.dl_self_assessment,
            DeadlineKind::FocalRegistration => &self.dl_focal_registration,
        }
    }

    fn from_campaign(c: &Campaign, dls: &[(String, String)]) -> CampaignForm {
        let get = |k: DeadlineKind| {
            dls.iter()
                .find(|(kind, _)| kind == k.as_str())
                .and_then(|(_, d)| deadline::parse_date(d))
                .map(deadline::display)
                .unwrap_or_default()
        };
        CampaignForm {
            year: c.year.to_string(),
            name_vi: c.name_vi.clone(),
            name_en: c.name_en.clone(),
            legal_basis: c.legal_basis_items().join("\n"),
            organiser: c.organiser.clone(),
            min_group_size: c.min_group_size.to_string(),
            dl_respondent_list: get(DeadlineKind::RespondentList),
            dl_survey_answers: get(DeadlineKind::SurveyAnswers),
            dl_self_assessment: get(DeadlineKind::SelfAssessment),
            dl_focal_registration: get(DeadlineKind::FocalRegistration),
        }
    }

    /// Checks every field, recording problems on `page`; the input is returned only when all are fine.
    fn validate(&self, page: &mut Page) -> Option<CampaignInput> {
        let year = self
            .year
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            page.error("year", "campaign-year-invalid");
        }
        let names = check_names(page, &self.name_vi, &self.name_en);
        let legal_basis =
            parindex_domain::legal_basis::parse(&self.legal_basis).unwrap_or_else(|key| {
                let max = parindex_domain::legal_basis::MAX_ITEMS.to_string();
                let message = page.lang.t_args(key, &[("max", max)]);
                page.error_msg("legal_basis", message);
                String::new()
            });
        let organiser = match text::clean(&self.organiser) {
            o if o.is_empty() => parindex_i18n::Lang::Vi.t("app-owner"),
            o => o,
        };
        if organiser.chars().count() > 200 {
            page.error("organiser", "field-too-long");
        }
        let min_group_size = what_if::parse_min_group_size(&self.min_group_size);
        if min_group_size.is_none() {
            page.error("min_group_size", "campaign-min-group-invalid");
        }
        let mut dls = Vec::new();
        for k in DeadlineKind::ALL {
            let raw = self.deadline(k).trim();
            if raw.is_empty() {
                continue;
            }
            match deadline::parse_date(raw) {
                Some(d) => dls.push((k.as_str().to_string(), deadline::iso(d))),
                None => page.error(&format!("dl_{}", k.as_str()), "date-invalid"),
            }
        }
        if page.has_errors() {
            return None;
        }
        let (name_vi, name_en) = names?;
        Some(CampaignInput {
            year: year?,
            name_vi,
            name_en,
            legal_basis,
            organiser,
            min_group_size: i64::from(min_group_size?),
            deadlines: dls,
        })
    }
}

/// A campaign's two names, cleaned, or none with the problems recorded on `page`.
pub(crate) fn check_names(page: &mut Page, vi: &str, en: &str) -> Option<(String, String)> {
    let (name_vi, name_en) = (text::clean(vi), text::clean(en));
    let mut fine = true;
    for (field, v) in [("name_vi", &name_vi), ("name_en", &name_en)] {
        let problem = if v.is_empty() {
            Some("field-required")
        } else {
            (v.chars().count() > 200).then_some("field-too-long")
        };
        if let Some(key) = problem {
            page.error(field, key);
            fine = false;
        }
    }
    fine.then_some((name_vi, name_en))
}

fn deadline_fields(page: &Page, f: &CampaignForm) -> Vec<(String, String, String)> {
    DeadlineKind::ALL
        .into_iter()
        .map(|k| {
            (
                format!("dl_{}", k.as_str()),
                page.t(&format!("deadline-{}", k.as_str())),
                f.deadline(k).to_string(),
            )
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Query(q): Query<DoneQuery>,
) -> AppResult<ListPage> {
    Ok(ListPage {
        page: Page::new(&meta, &user, "campaigns-title").with_notice(q.done.as_deref()),
        campaigns: campaigns::list(&state.db).await?,
        can_edit: user.role == parindex_domain::Role::MohaAdmin,
    })
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(id): Path<CampaignId>,
    Query(q): Query<DoneQuery>,
) -> AppResult<ShowPage> {
    show_page(&state, &meta, &user, id, q.done.as_deref()).await
}

/// The campaign page; the support-contact form re-renders it with its errors.
pub async fn show_page(
    state: &AppState,
    meta: &Meta,
    user: &parindex_db::users::User,
    id: CampaignId,
    done: Option<&str>,
) -> AppResult<ShowPage> {
    let campaign = campaigns::get(&state.db, id).await?;
    let page = Page::new(meta, user, "campaign-title").with_notice(done);
    let page = page.with_title(campaign_title(meta, &campaign));
    let deadlines = deadline_rows(meta, &page, &deadlines::for_campaign(&state.db, id).await?);
    let mut support = support_rows(meta, contacts::support_for(&state.db, id).await?);
    let to_confirm = contacts::support_to_confirm(&state.db, id).await?;
    for row in &mut support {
        row.to_confirm = to_confirm.contains(&row.contact.level);
    }
    let predecessor = match campaign.predecessor_id {
        Some(p) => Some(campaigns::get(&state.db, p).await?),
        None => None,
    };
    Ok(ShowPage {
        criteria: criteria_rows(state, meta, id).await?,
        page,
        campaign,
        deadlines,
        units: units::list(&state.db, id).await?,
        support,
        predecessor,
        can_edit: user.role == parindex_domain::Role::MohaAdmin,
    })
}

/// One row per deadline kind, with the campaign's day where it has one.
fn deadline_rows(meta: &Meta, page: &Page, stored: &[(String, String)]) -> Vec<DeadlineRow> {
    DeadlineKind::ALL
        .into_iter()
        .map(|k| DeadlineRow {
            kind: k.as_str().to_string(),
            label: meta.lang.t(&format!("deadline-{}", k.as_str())),
            day: stored
                .iter()
                .find(|(kind, _)| kind == k.as_str())
                .map(|(_, d)| page.date(d))
                .unwrap_or_default(),
        })
        .collect()
}

/// One support contact per level, blank where none is stored.
fn support_rows(meta: &Meta, stored: Vec<SupportContact>) -> Vec<SupportRow> {
    Level::ALL
        .into_iter()
        .map(|l| {
            let c = stored
                .iter()
                .find(|c| c.level == l)
                .cloned()
                .unwrap_or(SupportContact {
                    level: l,
                    name: String::new(),
                    phone: String::new(),
                    email: String::new(),
                });
            SupportRow::new(meta, c)
        })
        .collect()
}

/// Per level: the pinned criteria set, the sets it may choose from, and why it is locked once the
/// level's work has started.
async fn criteria_rows(
    state: &AppState,
    meta: &Meta,
    id: CampaignId,
) -> AppResult<Vec<CriteriaRow>> {
    let pins = parindex_db::criteria_sets::pinned(&state.db, id).await?;
    let stored = parindex_db::criteria_sets::list(&state.db).await?;
    let mut criteria = Vec::with_capacity(Level::ALL.len());
    for l in Level::ALL {
        let pinned = pins.iter().find(|(lv, _)| *lv == l).map(|(_, s)| s.clone());
        let scope = parindex_db::setup::Scope::Level(id, l.as_str());
        let started = parindex_db::setup::started(&state.db, scope).await?;
        let locked = match parindex_domain::setup::may(Change::CriteriaSet, &started) {
            Err(r) if pinned.is_some() => Some(meta.lang.t(r.key())),
            _ => None,
        };
        criteria.push(CriteriaRow {
            level: l.as_str().to_string(),
            label: meta.lang.t(&format!("level-{}", l.as_str())),
            pinned,
            choices: stored.iter().filter(|s| s.level == l).cloned().collect(),
            locked,
        });
    }
    Ok(criteria)
}

pub async fn new_form(meta: Meta, MohaAdmin(user): MohaAdmin) -> FormPage {
    let page = Page::new(&meta, &user, "campaign-new-title");
    let form = CampaignForm::default();
    FormPage {
        deadline_fields: deadline_fields(&page, &form),
        page,
        action: "/admin/campaigns".into(),
        form,
    }
}

pub async fn create(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Form(f): Form<CampaignForm>,
) -> AppResult<Response> {
    let mut page = Page::new(&meta, &user, "campaign-new-title");
    if let Some(input) = f.validate(&mut page) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        match campaigns::create(&state.db, &ctx, &input).await {
            Ok(c) => {
                return Ok(
                    Redirect::to(&format!("/admin/campaigns/{}?done=saved", c.id)).into_response(),
                );
            }
            Err(DbError::Conflict(_)) => page.error("year", "campaign-year-taken"),
            Err(e) => return Err(e.into()),
        }
    }
    let body = FormPage {
        deadline_fields: deadline_fields(&page, &f),
        page,
        action: "/admin/campaigns".into(),
        form: f,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<CampaignId>,
) -> AppResult<FormPage> {
    let c = campaigns::get(&state.db, id).await?;
    let dls = deadlines::for_campaign(&state.db, id).await?;
    let page = Page::new(&meta, &user, "campaign-edit-title");
    let form = CampaignForm::from_campaign(&c, &dls);
    Ok(FormPage {
        deadline_fields: deadline_fields(&page, &form),
        page,
        action: format!("/admin/campaigns/{id}"),
        form,
    })
}

pub async fn update(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<CampaignId>,
    Form(f): Form<CampaignForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, id).await?;
    let mut page = Page::new(&meta, &user, "campaign-edit-title");
    if let Some(input) = f.validate(&mut page) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        match campaigns::update(&state.db, &ctx, id, &input).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/admin/campaigns/{id}?done=saved")).into_response()
                );
            }
            Err(DbError::Conflict(_)) => page.error("year", "campaign-year-taken"),
            Err(DbError::NotFound) => return Err(AppError::NotFound),
            Err(e) => return Err(e.into()),
        }
    }
    let body = FormPage {
        deadline_fields: deadline_fields(&page, &f),
        page,
        action: format!("/admin/campaigns/{id}"),
        form: f,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
