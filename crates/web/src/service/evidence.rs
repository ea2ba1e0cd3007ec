//! A leaf's evidence: when the unit may change it, and attaching a file — a new upload, typed by
//! its content and counted against the unit's quota, or one already in the unit's library — with the
//! page or section that backs the score.

use crate::error::{AppError, AppResult};
use crate::service::appraisal::{Appraised, ensure_explaining};
use crate::service::self_assessment::{find_leaf, stale};
use crate::state::AppState;
use object_store::ObjectStoreExt;
use parindex_db::Ctx;
use parindex_db::evidence::{self, NewFile};
use parindex_db::users::User;
use parindex_domain::criteria::Method;
use parindex_domain::evidence as kinds;
use parindex_domain::{CampaignId, UnitId};
use sha2::{Digest, Sha256};

/// The longest page or section reference, in characters.
const MAX_REFERENCE: usize = 300;

/// What the evidence form sent.
pub(crate) struct Upload {
    /// A new file: its name as the browser gave it, and its bytes.
    pub(crate) file: Option<(String, Vec<u8>)>,
    /// Or a file already in the unit's library.
    pub(crate) library_file: Option<i64>,
    pub(crate) reference: String,
}

/// Whether the unit may change a leaf's evidence now: in its draft report before the
/// self-assessment deadline, or — for a leaf MoHA adjusted — while explaining it. Returns the page
/// to go back to.
pub(crate) fn may_change(
    state: &AppState,
    user: &User,
    a: &Appraised,
    code: &str,
) -> AppResult<String> {
    let node = find_leaf(&a.sa.set, code)?;
    if node.method != Some(Method::SelfAssessed) {
        return Err(AppError::BadRequest("sa-not-self"));
    }
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

/// Links the uploaded or chosen file to the leaf. The caller has checked [`may_change`].
#[tracing::instrument(skip_all, fields(actor = %ctx.actor, unit_id = %a.sa.cx.unit.id, code = %code))]
pub(crate) async fn attach(
    state: &AppState,
    ctx: &Ctx,
    a: &Appraised,
    code: &str,
    up: Upload,
) -> AppResult<()> {
    if up.reference.chars().count() > MAX_REFERENCE {
        return Err(AppError::BadRequest("field-too-long"));
    }
    let unit_id = a.sa.cx.unit.id;
    let campaign_id = a.sa.cx.campaign.id;
    let file_id = match (up.file, up.library_file) {
        (Some((name, bytes)), _) => store(state, ctx, campaign_id, unit_id, &name, bytes).await?,
        (None, Some(id)) => evidence::file(&state.db, unit_id, id).await?.id,
        (None, None) => return Err(AppError::BadRequest("evidence-missing")),
    };
    evidence::link(
        &state.db,
        ctx,
        campaign_id,
        unit_id,
        code,
        file_id,
        &up.reference,
    )
    .await
    .map_err(stale)?;
    Ok(())
}

/// A new file in the unit's library: refused unless its content is an accepted type and it fits
/// the unit's quota; stored under its SHA-256, so the same file twice takes room once.
async fn store(
    state: &AppState,
    ctx: &Ctx,
    campaign_id: CampaignId,
    unit_id: UnitId,
    name: &str,
    bytes: Vec<u8>,
) -> AppResult<i64> {
    let kind = kinds::sniff(&bytes).ok_or(AppError::BadRequest("evidence-type-refused"))?;
    let sha = hex::encode(Sha256::digest(&bytes));
    let key = format!("evidence/{unit_id}/{sha}");
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let quota = state.config.evidence_quota;
    if !evidence::room_for(&state.db, unit_id, &sha, size, quota).await? {
        return Err(AppError::BadRequest("evidence-quota-full"));
    }
    state
        .files
        .put(&object_store::path::Path::from(key.as_str()), bytes.into())
        .await
        .map_err(|e| AppError::storing("evidence", e))?;
    let filename = kinds::safe_name(name, kind);
    let file = NewFile {
        sha256: &sha,
        filename: &filename,
        content_type: kind.mime,
        size_bytes: size,
        storage_key: &key,
    };
    let f = evidence::add_file(&state.db, ctx, campaign_id, unit_id, &file).await?;
    Ok(f.id)
}
