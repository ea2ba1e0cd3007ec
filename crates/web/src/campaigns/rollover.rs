//! Rolling a campaign over to the next year: MoHA sees what would be created, chooses the criteria
//! sets and the names, then creates the new campaign in one step. The new campaign's deadlines and
//! copied contacts wait for confirmation on their own pages.

use crate::auth::MohaAdmin;
use crate::campaigns::campaign::check_names;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::DbError;
use parindex_db::campaigns::{self, Campaign};
use parindex_db::criteria_sets::{self, StoredSet};
use parindex_db::rollover::{self, AccountCopy, Preview, Rollover};
use parindex_domain::deadline::DeadlineKind;
use parindex_domain::{CampaignId, Level};

/// The roll-over form as posted (and, for the year, as asked for in the query).
#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct CopyForm {
    pub year: String,
    pub name_vi: String,
    pub name_en: String,
    pub set_ministry: String,
    pub set_province: String,
}

impl CopyForm {
    fn set(&self, level: Level) -> &str {
        match level {
            Level::Ministry => &self.set_ministry,
            Level::Province => &self.set_province,
        }
    }
}

/// One level's criteria-set choice: its field, label, the stored sets and the one selected.
pub struct SetChoice {
    pub field: String,
    pub label: String,
    pub choices: Vec<StoredSet>,
    pub selected: String,
}

/// One deadline: its label, the old day and the proposed one (dd/mm/yyyy).
pub struct DeadlineMove {
    pub label: String,
    pub old: String,
    pub new: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "campaign_copy.html")]
pub struct CopyPage {
    pub page: Page,
    pub from: Campaign,
    pub form: CopyForm,
    pub sets: Vec<SetChoice>,
    /// What would be created; none while the year is refused.
    pub preview: Option<Preview>,
    pub deadlines: Vec<DeadlineMove>,
    /// Per level: its label and how many units.
    pub unit_counts: Vec<(String, usize)>,
}

impl CopyPage {
    pub fn role(&self, a: &AccountCopy) -> String {
        self.page.t(&format!("role-{}", a.role.as_str()))
    }

    pub fn level(&self, l: &Level) -> String {
        self.page.t(&format!("level-{}", l.as_str()))
    }
}

/// The preview for the year asked (next year by default), with the proposed names and sets.
pub async fn form(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<CampaignId>,
    Query(q): Query<CopyForm>,
) -> AppResult<Response> {
    let from = campaigns::get(&state.db, id).await?;
    let year = q.year.trim().parse().unwrap_or(from.year + 1);
    let page = Page::new(&meta, &user, "rollover-title");
    let body = render(&state, page, from, q, year, true).await?;
    Ok(body.into_response())
}

/// Creates the new campaign, or shows the form again with what is wrong.
pub async fn create(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<CampaignId>,
    Form(f): Form<CopyForm>,
) -> AppResult<Response> {
    let from = campaigns::get(&state.db, id).await?;
    let mut page = Page::new(&meta, &user, "rollover-title");
    let year = f.year.trim().parse::<i64>().ok();
    if year.is_none() {
        page.error("year", "campaign-year-invalid");
    }
    let names = check_names(&mut page, &f.name_vi, &f.name_en);
    let sets = chosen_sets(&state, &mut page, &f).await?;
    if let (Some(year), Some((name_vi, name_en)), false) = (year, names, page.has_errors()) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        let r = Rollover {
            from: id,
            year,
            name_vi,
            name_en,
            sets,
        };
        match rollover::copy(&state.db, &ctx, &r).await {
            Ok(c) => {
                return Ok(
                    Redirect::to(&format!("/admin/campaigns/{}?done=copied", c.id)).into_response(),
                );
            }
            Err(DbError::Conflict(_)) => page.error("year", "campaign-year-taken"),
            Err(DbError::Refused(key)) => page.error("year", key),
            Err(e) => return Err(e.into()),
        }
    }
    let year = year.unwrap_or(from.year + 1);
    let body = render(&state, page, from, f, year, false).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

/// The sets chosen per level; an id that is not a stored set of that level is an error on its field.
async fn chosen_sets(state: &AppState, page: &mut Page, f: &CopyForm) -> AppResult<Vec<i64>> {
    let stored = criteria_sets::list(&state.db).await?;
    let mut out = Vec::new();
    for level in Level::ALL {
        let raw = f.set(level).trim();
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<i64>().ok().and_then(|id| {
            stored
                .iter()
                .find(|s| s.id == id && s.level == level)
                .map(|s| s.id)
        }) {
            Some(id) => out.push(id),
            None => page.error(&format!("set_{}", level.as_str()), "rollover-set-unknown"),
        }
    }
    Ok(out)
}

/// The page for `year`: the form (proposed values where `fill` and the form left them blank) and
/// the preview, or the refusal of the year.
async fn render(
    state: &AppState,
    mut page: Page,
    from: Campaign,
    mut form: CopyForm,
    year: i64,
    fill: bool,
) -> AppResult<CopyPage> {
    let preview = match rollover::preview(&state.db, from.id, year).await {
        Ok(p) => Some(p),
        Err(DbError::Refused(key)) => {
            if fill {
                page.error("year", key);
            }
            None
        }
        Err(e) => return Err(e.into()),
    };
    if fill {
        form.year = year.to_string();
        if let Some(p) = &preview {
            fill_blanks(&mut form, p);
        }
    }
    let title = page
        .lang
        .t_args("rollover-title-of", &[("year", from.year.to_string())]);
    let page = page.with_title(title);
    Ok(CopyPage {
        sets: set_choices(state, &page, &form).await?,
        deadlines: preview.as_ref().map_or_else(Vec::new, |p| moves(&page, p)),
        unit_counts: preview.as_ref().map_or_else(Vec::new, |p| counts(&page, p)),
        page,
        from,
        form,
        preview,
    })
}

/// The proposed names and last year's sets, where the form has none.
fn fill_blanks(form: &mut CopyForm, p: &Preview) {
    if form.name_vi.trim().is_empty() {
        form.name_vi = p.name_vi.clone();
    }
    if form.name_en.trim().is_empty() {
        form.name_en = p.name_en.clone();
    }
    for (level, set) in &p.sets {
        let field = match level {
            Level::Ministry => &mut form.set_ministry,
            Level::Province => &mut form.set_province,
        };
        if field.trim().is_empty() {
            *field = set.id.to_string();
        }
    }
}

async fn set_choices(state: &AppState, page: &Page, form: &CopyForm) -> AppResult<Vec<SetChoice>> {
    let stored = criteria_sets::list(&state.db).await?;
    Ok(Level::ALL
        .into_iter()
        .map(|l| SetChoice {
            field: format!("set_{}", l.as_str()),
            label: page.t(&format!("level-{}", l.as_str())),
            choices: stored.iter().filter(|s| s.level == l).cloned().collect(),
            selected: form.set(l).trim().to_string(),
        })
        .collect())
}

fn moves(page: &Page, p: &Preview) -> Vec<DeadlineMove> {
    DeadlineKind::ALL
        .into_iter()
        .filter_map(|k| {
            let new = p.deadlines.iter().find(|(kind, _)| kind == k.as_str())?;
            let old = p
                .old_deadlines
                .iter()
                .find(|(kind, _)| kind == k.as_str())?;
            Some(DeadlineMove {
                label: page.t(&format!("deadline-{}", k.as_str())),
                old: page.date(&old.1),
                new: page.date(&new.1),
            })
        })
        .collect()
}

fn counts(page: &Page, p: &Preview) -> Vec<(String, usize)> {
    Level::ALL
        .into_iter()
        .map(|l| {
            (
                page.t(&format!("level-{}", l.as_str())),
                p.units.iter().filter(|u| u.level == l).count(),
            )
        })
        .collect()
}
