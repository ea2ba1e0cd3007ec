//! Evidence for a leaf: upload a file (or pick one from the unit's library) with the page or section
//! that backs the score, remove a link, and download a file. Uploads are bounded by the request limit
//! and the unit's quota, and typed by content; downloads are always attachments, to the unit's
//! accounts and MoHA only.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::self_assessment::leaf::evidence_refused;
use crate::service::appraisal::Appraised;
use crate::service::evidence::{self as evidence_service, Upload};
use crate::service::self_assessment::stale;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use object_store::ObjectStoreExt;
use parindex_db::evidence;
use parindex_domain::UnitId;
use parindex_domain::text;

async fn read(mut mp: Multipart) -> AppResult<Upload> {
    let mut up = Upload {
        file: None,
        library_file: None,
        reference: String::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(AppError::multipart)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(AppError::multipart)?;
                if !bytes.is_empty() {
                    up.file = Some((name, bytes.to_vec()));
                }
            }
            "library_file" => {
                let v = field
                    .text()
                    .await
                    .map_err(|_| AppError::BadRequest("error-bad-input"))?;
                up.library_file = v.trim().parse().ok();
            }
            "reference" => {
                up.reference = text::clean(
                    &field
                        .text()
                        .await
                        .map_err(|_| AppError::BadRequest("error-bad-input"))?,
                );
            }
            _ => {}
        }
    }
    Ok(up)
}

pub async fn attach(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(UnitId, String)>,
    mp: Multipart,
) -> AppResult<Response> {
    let a = Appraised::load(&state, o.unit_id).await?;
    let up = read(mp).await?;
    let reference = up.reference.clone();
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let attached = match evidence_service::may_change(&state, &o.user, &a, &code) {
        Ok(back) => evidence_service::attach(&state, &ctx, &a, &code, up)
            .await
            .map(|()| back),
        Err(e) => Err(e),
    };
    match attached {
        Ok(back) => {
            Ok(Redirect::to(&format!("{back}?done=evidence-added#evidence")).into_response())
        }
        // While the report is being written, a refusal is shown on the leaf's page; while the
        // unit explains an appraisal, on the error page with its way back.
        Err(e) if !a.submitted() => {
            evidence_refused(&state, &meta, &o.user, o.unit_id, &code, reference, e).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    pub file_id: String,
}

pub async fn detach(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(UnitId, String)>,
    Form(f): Form<RemoveForm>,
) -> AppResult<Redirect> {
    let a = Appraised::load(&state, o.unit_id).await?;
    let back = evidence_service::may_change(&state, &o.user, &a, &code)?;
    let file_id: i64 = f
        .file_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("evidence-missing"))?;
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    evidence::unlink(
        &state.db,
        &ctx,
        a.sa.cx.campaign.id,
        o.unit_id,
        &code,
        file_id,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "{back}?done=evidence-removed#evidence"
    )))
}

pub async fn download(
    State(state): State<AppState>,
    r: UnitReader,
    Path((_unit, id)): Path<(UnitId, i64)>,
) -> AppResult<Response> {
    let f = evidence::file(&state.db, r.unit_id, id).await?;
    let got = state
        .files
        .get(&object_store::path::Path::from(f.storage_key.as_str()))
        .await
        .map_err(|e| AppError::internal("reading evidence", e))?;
    let bytes = got
        .bytes()
        .await
        .map_err(|e| AppError::internal("reading evidence", e))?;
    Ok(crate::ui::download::attachment(
        &f.content_type,
        &f.filename,
        bytes,
    ))
}
