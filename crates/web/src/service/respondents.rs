//! The respondent-list service: one unit's list loaded once with its groups, people, exceptions and
//! deadline, the domain's rules asked of it (who may edit, ask for an exception), and a list file
//! imported all or nothing. The list pages, the import and the API call these.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use object_store::ObjectStoreExt;
use parindex_db::respondents::{self as store, Exception, List, Stored};
use parindex_db::users::User;
use parindex_db::{Ctx, DbError};
use parindex_domain::UnitId;
use parindex_domain::deadline::DeadlineKind;
use parindex_domain::respondents::{
    Checked, Column, Coverage, ExceptionState, Group, ListRefusal, RawRow, Respondent, Status,
    check, coverage, may_ask_exception, may_edit,
};
use parindex_import::{respondent_rows, table};
use sha2::{Digest, Sha256};

/// Everything the list pages need about one unit.
pub(crate) struct Loaded {
    pub(crate) cx: UnitContext,
    pub(crate) groups: Vec<Group>,
    pub(crate) list: List,
    pub(crate) people: Vec<Stored>,
    pub(crate) exceptions: Vec<Exception>,
    pub(crate) open: bool,
}

impl Loaded {
    #[tracing::instrument(name = "respondents::load", skip(state))]
    pub(crate) async fn load(state: &AppState, unit_id: UnitId) -> AppResult<Loaded> {
        let cx = UnitContext::load(state, unit_id).await?;
        let groups = store::groups(&state.db, cx.campaign.id)
            .await?
            .for_level(cx.unit.level.as_str())
            .to_vec();
        let list = store::list(&state.db, unit_id).await?;
        let people = store::people(&state.db, unit_id).await?;
        let exceptions = store::exceptions(&state.db, unit_id).await?;
        let open = cx
            .ensure_open(DeadlineKind::RespondentList, state.clock.now())
            .is_ok();
        Ok(Loaded {
            cx,
            groups,
            list,
            people,
            exceptions,
            open,
        })
    }

    pub(crate) fn domains(&self) -> Vec<String> {
        self.cx
            .unit
            .email_domains
            .split(',')
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect()
    }

    /// Whether `user` may change the list now: the domain's rule (`respondents::may_edit`) with this
    /// list's state and deadline.
    pub(crate) fn may_edit(&self, user: &User) -> Result<(), ListRefusal> {
        may_edit(self.list.state, user.role, self.open)
    }

    /// Whether `user` may ask for an exception for `group` now (`respondents::may_ask_exception`).
    pub(crate) fn may_ask_exception(&self, user: &User, group: &str) -> Result<(), ListRefusal> {
        let role = user.role;
        let met = self
            .coverage()
            .iter()
            .any(|c| c.group == group && c.status == Status::Met);
        let existing = self.exceptions.iter().find(|e| e.group == group);
        may_ask_exception(
            self.list.state,
            role,
            self.open,
            met,
            existing.map(|e| e.state),
        )
    }

    /// Refuses unless `user` may change the list now; a closed list names its deadline.
    pub(crate) fn ensure_editable(&self, state: &AppState, user: &User) -> AppResult<()> {
        match self.may_edit(user) {
            Ok(()) => Ok(()),
            Err(ListRefusal::WrongRole) => Err(AppError::Forbidden),
            Err(ListRefusal::Locked) => {
                self.cx
                    .ensure_open(DeadlineKind::RespondentList, state.clock.now())?;
                Err(AppError::BadRequest("rl-wrong-state"))
            }
            Err(other) => Err(AppError::BadRequest(other.message_key())),
        }
    }

    pub(crate) fn coverage(&self) -> Vec<Coverage> {
        let excepted: Vec<String> = self
            .exceptions
            .iter()
            .filter(|e| e.state != ExceptionState::Rejected)
            .map(|e| e.group.clone())
            .collect();
        let people: Vec<&Respondent> = self.people.iter().map(|s| &s.person).collect();
        coverage(&self.groups, &people, &excepted)
    }

    pub(crate) fn group_name(&self, code: &str) -> String {
        crate::ui::group_name::group_name(crate::i18n::Lang::Vi, &self.groups, code)
    }
}

/// Bounds for a list file: a national ministry list is a few thousand rows.
pub const LIMITS: table::Limits = table::Limits {
    max_bytes: 8 * 1024 * 1024,
    max_rows: 20_000,
    max_cols: 30,
    max_expanded_bytes: table::MAX_EXPANDED_BYTES,
};

/// What importing a list file came to. Only `Imported` stored anything.
pub(crate) enum ImportOutcome {
    /// The file is not a table parindex can read: the message key says why.
    Unreadable(&'static str),
    /// The header lacks these columns.
    MissingColumns(Vec<Column>),
    /// Some rows have errors, so nothing was stored. The unit's own file, with an "Errors" column
    /// added, is kept under `errors_key` (its SHA-256) for download.
    Refused {
        checked: Checked,
        errors_key: String,
    },
    /// The list was replaced by the file's rows; `checked` still holds warnings and merges.
    Imported { checked: Checked, added: usize },
}

/// The object-store path of a refused import's annotated file.
pub(crate) fn errors_file_path(unit_id: UnitId, key: &str) -> object_store::path::Path {
    object_store::path::Path::from(format!("import-errors/{unit_id}/{key}.xlsx"))
}

/// Imports a list file into the unit's list, all or nothing: read, checked against the unit's
/// groups, domains and people already listed, then stored in one transaction. The caller has
/// already asked [`Loaded::ensure_editable`]; the database refuses a list that changed state since.
#[tracing::instrument(skip_all, fields(actor = %ctx.actor))]
pub(crate) async fn import(
    state: &AppState,
    ctx: &Ctx,
    l: &Loaded,
    bytes: &[u8],
) -> AppResult<ImportOutcome> {
    let rows = match table::read(bytes, LIMITS) {
        Ok(r) => r,
        Err(e) => return Ok(ImportOutcome::Unreadable(e.message_key())),
    };
    let raw = match respondent_rows::to_raw_rows(&rows) {
        Ok(r) => r,
        Err(respondent_rows::MissingColumns(cols)) => {
            return Ok(ImportOutcome::MissingColumns(cols));
        }
    };
    let checked = check_rows(l, &raw);
    if !checked.ok() {
        let annotated = respondent_rows::with_errors(&rows, &checked)
            .map_err(|e| AppError::internal("errors file", e))?;
        let errors_key = hex::encode(Sha256::digest(&annotated));
        state
            .files
            .put(
                &errors_file_path(l.cx.unit.id, &errors_key),
                annotated.into(),
            )
            .await
            .map_err(|e| AppError::storing("the errors file", e))?;
        return Ok(ImportOutcome::Refused {
            checked,
            errors_key,
        });
    }
    let added = store_checked(state, ctx, l, &checked, bytes).await?;
    Ok(ImportOutcome::Imported { checked, added })
}

/// A new list's rows checked against the unit's groups, domains and people already listed: the one
/// check a file import and the API's replacement both go through.
pub(crate) fn check_rows(l: &Loaded, raw: &[RawRow]) -> Checked {
    let existing: Vec<Respondent> = l.people.iter().map(|p| p.person.clone()).collect();
    check(raw, &l.groups, &l.domains(), &existing)
}

/// Replaces the unit's list with the checked rows in one transaction; `source` is what they came
/// from (a file, a JSON body), recorded by its SHA-256. Returns how many people were stored.
pub(crate) async fn store_checked(
    state: &AppState,
    ctx: &Ctx,
    l: &Loaded,
    checked: &Checked,
    source: &[u8],
) -> AppResult<usize> {
    let people: Vec<Respondent> = checked.rows.iter().map(|(_, r)| r.clone()).collect();
    let source = hex::encode(Sha256::digest(source));
    store::import(
        &state.db,
        ctx,
        l.cx.campaign.id,
        l.cx.unit.id,
        &people,
        &source,
    )
    .await
    .map_err(stale)
}

/// A write refused because the list moved on, or a duplicate, in the user's terms.
pub(crate) fn stale(e: DbError) -> AppError {
    match e {
        DbError::Stale => AppError::BadRequest("rl-wrong-state"),
        DbError::Conflict(_) => AppError::BadRequest("rl-duplicate"),
        other => other.into(),
    }
}
