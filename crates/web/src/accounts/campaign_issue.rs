//! Issuing a campaign's unit accounts at once (after a roll-over, or for a new campaign): what is
//! waiting, the form, and the outcome: a list of who was e-mailed, or the one-time passwords as a
//! spreadsheet, shown this once.

use crate::auth::MohaAdmin;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::service::credentials::{self, Delivery, IssuedRow, Outcome};
use crate::state::AppState;
use crate::ui::download::xlsx_table;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parindex_db::campaigns::{self, Campaign};
use parindex_db::credentials::roster;
use parindex_db::users::User;
use parindex_domain::CampaignId;
use parindex_import::sheet::Cell;

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct IssueForm {
    pub standard: String,
    pub delivery: String,
    pub confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "campaign_accounts.html")]
pub struct IssuePage {
    pub page: Page,
    pub campaign: Campaign,
    pub form: IssueForm,
    pub awaiting: usize,
    pub missing: usize,
    /// Units with no registered focal address: (code, short name).
    pub no_address: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "campaign_accounts_sent.html")]
pub struct SentPage {
    pub page: Page,
    pub campaign: Campaign,
    pub outcome: Outcome,
}

impl SentPage {
    pub fn role(&self, r: &IssuedRow) -> String {
        self.page.t(&format!("role-{}", r.role.as_str()))
    }
}

pub async fn form(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(id): Path<CampaignId>,
) -> AppResult<IssuePage> {
    let form = IssueForm {
        standard: "yes".into(),
        delivery: "email".into(),
        confirm: String::new(),
    };
    page(&state, Page::new(&meta, &admin, "issue-title"), id, form).await
}

async fn page(
    state: &AppState,
    page: Page,
    id: CampaignId,
    form: IssueForm,
) -> AppResult<IssuePage> {
    let campaign = campaigns::get(&state.db, id).await?;
    let (awaiting, missing) = credentials::pending(state, id).await?;
    let no_address = roster(&state.db, id)
        .await?
        .into_iter()
        .filter(|r| r.focal_email.is_none())
        .map(|r| (r.code, r.short_name))
        .collect();
    Ok(IssuePage {
        page,
        campaign,
        form,
        awaiting,
        missing,
        no_address,
    })
}

/// Issues the accounts; the form comes back with what is wrong, and nothing is written.
pub async fn issue(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(id): Path<CampaignId>,
    Form(f): Form<IssueForm>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, id).await?;
    let mut p = Page::new(&meta, &admin, "issue-title");
    let delivery = Delivery::parse(&f.delivery);
    if delivery.is_none() {
        p.error("delivery", "issue-delivery-required");
    }
    if f.confirm != "yes" {
        p.error("confirm", "issue-confirm-required");
    }
    if let (Some(delivery), false) = (delivery, p.has_errors()) {
        let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
        let outcome = credentials::issue(&state, &ctx, id, f.standard == "yes", delivery).await?;
        if outcome.issued.is_empty() {
            p.error("standard", "issue-nothing");
        } else {
            return done(&meta, &admin, campaign, outcome, delivery);
        }
    }
    let body = page(&state, p, id, f).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

/// The outcome: by e-mail, who was sent what (no password shown); as a sheet, the passwords.
fn done(
    meta: &Meta,
    admin: &User,
    campaign: Campaign,
    outcome: Outcome,
    delivery: Delivery,
) -> AppResult<Response> {
    let page = Page::new(meta, admin, "issue-sent-title");
    if delivery == Delivery::Email {
        return Ok(SentPage {
            page,
            campaign,
            outcome,
        }
        .into_response());
    }
    let headers: Vec<String> = [
        "unit-code",
        "unit-short-name",
        "username",
        "full-name",
        "role",
        "temporary-password",
    ]
    .into_iter()
    .map(|k| page.t(k))
    .collect();
    let rows: Vec<Vec<Cell>> = outcome
        .issued
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.unit_code.as_str()),
                Cell::from(r.unit_short.as_str()),
                Cell::from(r.username.as_str()),
                Cell::from(r.full_name.as_str()),
                Cell::from(page.t(&format!("role-{}", r.role.as_str())).as_str()),
                Cell::from(r.password.as_str()),
            ]
        })
        .collect();
    let name = format!("{}-{}.xlsx", page.t("issue-file-name"), campaign.year);
    xlsx_table(&name, &page.t("issue-sheet"), &headers, &rows)
}
