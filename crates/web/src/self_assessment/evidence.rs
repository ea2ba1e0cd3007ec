//! Evidence for a leaf: upload a file (or pick one from the unit's library) with the page or section
//! that backs the score, remove a link, and download a file. Uploads are bounded by the request limit
//! and the unit's quota, and typed by content; downloads are always attachments, to the unit's
//! accounts and MoHA only.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::appraisal::Appraised;
use crate::service::appraisal::ensure_explaining;
use crate::service::self_assessment::{find_leaf, stale};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{Redirect, Response};
use object_store::ObjectStoreExt;
use parindex_db::evidence::{self, NewFile};
use parindex_db::users::User;
use parindex_domain::criteria::Method;
use parindex_domain::evidence as kinds;
use parindex_domain::text;
use sha2::{Digest, Sha256};

struct Upload {
    file: Option<(String, Vec<u8>)>,
    library_file: Option<i64>,
    reference: String,
}

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
    Path((_unit, code)): Path<(i64, String)>,
    mp: Multipart,
) -> AppResult<Redirect> {
    let a = Appraised::load(&state, o.unit_id).await?;
    let l = &a.sa;
    let node = find_leaf(&l.set, &code)?;
    if node.method != Some(Method::SelfAssessed) {
        return Err(AppError::BadRequest("sa-not-self"));
    }
    let back = back_to(&state, &o.user, &a, &code)?;
    let up = read(mp).await?;
    if up.reference.chars().count() > 300 {
        return Err(AppError::BadRequest("field-too-long"));
    }
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let campaign_id = l.cx.campaign.id;
    let file_id = match (up.file, up.library_file) {
        (Some((name, bytes)), _) => {
            let kind = kinds::sniff(&bytes).ok_or(AppError::BadRequest("evidence-type-refused"))?;
            let sha = hex::encode(Sha256::digest(&bytes));
            let key = format!("evidence/{}/{}", o.unit_id, sha);
            let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            if !evidence::room_for(
                &state.db,
                o.unit_id,
                &sha,
                size,
                state.config.evidence_quota,
            )
            .await?
            {
                return Err(AppError::BadRequest("evidence-quota-full"));
            }
            state
                .files
                .put(&object_store::path::Path::from(key.as_str()), bytes.into())
                .await
                .map_err(|e| AppError::storing("evidence", e))?;
            let filename = kinds::safe_name(&name, kind);
            let f = evidence::add_file(
                &state.db,
                &ctx,
                campaign_id,
                o.unit_id,
                &NewFile {
                    sha256: &sha,
                    filename: &filename,
                    content_type: kind.mime,
                    size_bytes: size,
                    storage_key: &key,
                },
            )
            .await?;
            f.id
        }
        (None, Some(id)) => evidence::file(&state.db, o.unit_id, id).await?.id,
        (None, None) => return Err(AppError::BadRequest("evidence-missing")),
    };
    evidence::link(
        &state.db,
        &ctx,
        campaign_id,
        o.unit_id,
        &code,
        file_id,
        &up.reference,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "{back}?done=evidence-added#evidence"
    )))
}

/// Where the unit may change a leaf's evidence now: in its draft report before the self-assessment
/// deadline, or — for a leaf MoHA adjusted — while explaining it. Returns the page to go back to.
fn back_to(state: &AppState, user: &User, a: &Appraised, code: &str) -> AppResult<String> {
    let unit_id = a.sa.cx.unit.id;
    if a.submitted() {
        ensure_explaining(state, user, a)?;
        if !a.leaf(code).adjusted() {
            return Err(AppError::BadRequest("sa-wrong-state"));
        }
        return Ok(format!("/unit/{unit_id}/appraisal/leaf/{code}"));
    }
    a.sa.may_edit(user.role)
        .map_err(|e| a.sa.refusal(e, state.clock.now()))?;
    Ok(format!("/unit/{unit_id}/self-assessment/leaf/{code}"))
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
    Path((_unit, code)): Path<(i64, String)>,
    Form(f): Form<RemoveForm>,
) -> AppResult<Redirect> {
    let a = Appraised::load(&state, o.unit_id).await?;
    let l = &a.sa;
    find_leaf(&l.set, &code)?;
    let back = back_to(&state, &o.user, &a, &code)?;
    let file_id: i64 = f
        .file_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("evidence-missing"))?;
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    evidence::unlink(&state.db, &ctx, l.cx.campaign.id, o.unit_id, &code, file_id)
        .await
        .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "{back}?done=evidence-removed#evidence"
    )))
}

pub async fn download(
    State(state): State<AppState>,
    r: UnitReader,
    Path((_unit, id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let f = evidence::file(&state.db, r.unit_id, id).await?;
    let got = state
        .files
        .get(&object_store::path::Path::from(f.storage_key.as_str()))
        .await
        .map_err(|e| AppError::Internal(format!("reading evidence: {e}")))?;
    let bytes = got
        .bytes()
        .await
        .map_err(|e| AppError::Internal(format!("reading evidence: {e}")))?;
    Ok(crate::ui::download::attachment(
        &f.content_type,
        &f.filename,
        bytes,
    ))
}
