//! Issuing staff accounts, one from the form or many from an .xlsx/.csv list (all or nothing). Each
//! gets a one-time password, returned once for the administrator to hand over and stored only as a
//! hash; the first login forces a change.

use crate::auth::password;
use crate::error::AppResult;
use crate::state::AppState;
use parindex_db::users::{self, NewUser};
use parindex_db::{Ctx, DbError, units};
use parindex_domain::{CampaignId, UnitId};
use parindex_domain::{Email, Role, text};
use parindex_import::accounts::{self as import, Problem};
use parindex_import::table;
use std::collections::{HashMap, HashSet};

/// The account form as posted.
#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: String,
    pub unit_id: String,
}

/// A new account and its one-time password.
pub(crate) struct Issued {
    pub(crate) username: String,
    pub(crate) full_name: String,
    pub(crate) password: String,
}

/// A field of the form and the message key of what is wrong with it.
pub(crate) type FieldError = (&'static str, &'static str);

const MAX_FULL_NAME: usize = 200;

const LIMITS: table::Limits = table::Limits {
    max_bytes: 2 * 1024 * 1024,
    max_rows: 5_000,
    max_cols: 20,
    max_expanded_bytes: table::MAX_EXPANDED_BYTES,
};

/// One account from the form; every wrong field is reported at once.
#[tracing::instrument(skip_all, fields(actor = %ctx.actor))]
pub(crate) async fn issue(
    state: &AppState,
    ctx: &Ctx,
    f: &AccountForm,
) -> AppResult<Result<Issued, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let username = text::clean(&f.username).to_lowercase();
    if !import::valid_username(&username) {
        errors.push(("username", "username-invalid"));
    }
    let full_name = text::clean(&f.full_name);
    if full_name.is_empty() || full_name.chars().count() > MAX_FULL_NAME {
        errors.push(("full_name", "field-required"));
    }
    let email = Email::parse(&f.email);
    if email.is_err() {
        errors.push(("email", "email-invalid"));
    }
    let role = Role::parse(&f.role);
    if role.is_none() {
        errors.push(("role", "role-invalid"));
    }
    let unit_id = f.unit_id.trim().parse::<UnitId>().ok();
    match (role, unit_id) {
        (Some(r), None) if r.needs_unit() => errors.push(("unit_id", "unit-required-for-role")),
        (Some(r), Some(_)) if !r.needs_unit() => errors.push(("unit_id", "unit-not-for-moha")),
        (_, Some(id)) if units::get(&state.db, id).await.is_err() => {
            errors.push(("unit_id", "unit-unknown"))
        }
        _ => {}
    }
    let (true, Ok(email), Some(role)) = (errors.is_empty(), email, role) else {
        return Ok(Err(errors));
    };
    let (new, issued) = prepare(username, full_name, email, role, unit_id).await?;
    match users::create(&state.db, ctx, &new).await {
        Ok(_) => Ok(Ok(issued)),
        Err(DbError::Conflict(_)) => Ok(Err(vec![("username", "username-taken")])),
        Err(e) => Err(e.into()),
    }
}

/// Every account of a list whose unit codes are those of `campaign_id`, or every problem found.
#[tracing::instrument(skip_all, fields(actor = %ctx.actor, campaign_id = %campaign_id, bytes = bytes.len()))]
pub(crate) async fn import(
    state: &AppState,
    ctx: &Ctx,
    campaign_id: CampaignId,
    bytes: &[u8],
) -> AppResult<Result<Vec<Issued>, Vec<Problem>>> {
    parindex_db::campaigns::get(&state.db, campaign_id).await?;
    let rows = match table::read(bytes, LIMITS) {
        Ok(r) => r,
        Err(e) => {
            return Ok(Err(vec![Problem {
                row: 0,
                column: None,
                key: e.message_key(),
                value: String::new(),
            }]));
        }
    };
    let unit_map: HashMap<String, i64> = units::list(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|u| (u.code.to_uppercase(), u.id.get()))
        .collect();
    let taken: HashSet<String> = users::list(&state.db, None)
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
    let valid = match import::validate(&rows, &unit_map, &taken) {
        Ok(v) => v,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut news = Vec::with_capacity(valid.len());
    let mut issued = Vec::with_capacity(valid.len());
    for v in valid {
        let (new, one) = prepare(
            v.username,
            v.full_name,
            v.email,
            v.role,
            v.unit_id.map(UnitId),
        )
        .await?;
        news.push(new);
        issued.push(one);
    }
    users::create_many(&state.db, ctx, &news).await?;
    Ok(Ok(issued))
}

/// The account to store, with a fresh one-time password hashed, and what to show once.
async fn prepare(
    username: String,
    full_name: String,
    email: Email,
    role: Role,
    unit_id: Option<UnitId>,
) -> AppResult<(NewUser, Issued)> {
    let temp = password::temporary()?;
    let new = NewUser {
        username: username.clone(),
        full_name: full_name.clone(),
        email: email.to_string(),
        role,
        unit_id,
        password_hash: password::hash(temp.clone()).await?,
        must_change_password: true,
    };
    let issued = Issued {
        username,
        full_name,
        password: temp,
    };
    Ok((new, issued))
}
