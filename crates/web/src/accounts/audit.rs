//! MoHA browses the audit log, newest first, filtered by action, actor, unit or campaign.

use crate::auth::MohaStaff;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use parindex_db::audit::{self, Filter};
use parindex_domain::audit::AuditRecord;

pub const PAGE_SIZE: i64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub page: Page,
    pub q: AuditQuery,
    pub entries: Vec<AuditRecord>,
    pub next_before: Option<i64>,
    pub next_query: String,
}

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    pub action: String,
    pub actor: String,
    pub unit: String,
    pub campaign: String,
    pub before: String,
}

fn opt(s: &str) -> Option<String> {
    let t = parindex_domain::text::clean(s);
    (!t.is_empty()).then_some(t)
}

pub async fn browse(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Query(q): Query<AuditQuery>,
) -> AppResult<AuditPage> {
    let filter = Filter {
        action_prefix: opt(&q.action),
        actor: opt(&q.actor),
        unit_id: q.unit.trim().parse().ok(),
        campaign_id: q.campaign.trim().parse().ok(),
        before_seq: q.before.trim().parse().ok(),
        ..Filter::default()
    };
    let entries = audit::list(&state.db, &filter, PAGE_SIZE).await?;
    let next_before = (entries.len() as i64 == PAGE_SIZE)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let enc = crate::render_error::urlencode;
    let next_query = format!(
        "action={}&actor={}&unit={}&campaign={}",
        enc(&q.action),
        enc(&q.actor),
        enc(&q.unit),
        enc(&q.campaign)
    );
    Ok(AuditPage {
        page: Page::new(&meta, &user, "audit-title"),
        q,
        entries,
        next_before,
        next_query,
    })
}
