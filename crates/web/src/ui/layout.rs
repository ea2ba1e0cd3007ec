//! What every page template shares: language, title, the signed-in account for the menu, a notice after
//! a successful change, and the form errors shown in the summary at the top.

use crate::i18n::Lang;
use crate::meta::Meta;
use askama::Template;
use askama_web::WebTemplate;
use parindex_db::users::User;
use parindex_domain::Role;
use parindex_domain::UnitId;

#[derive(Debug, Clone)]
pub struct NavUser {
    pub full_name: String,
    pub role_label: String,
    pub is_admin: bool,
    pub is_moha: bool,
    pub unit_id: Option<UnitId>,
}

/// A problem with one form field: the field's `id`, and the message in the user's language.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub path: String,
    pub title: String,
    pub user: Option<NavUser>,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    /// Who the header names, where it is not the installation's owner ("Bộ Nội vụ"): the
    /// organiser of the campaign a respondent answers for.
    pub owner: Option<String>,
}

impl Page {
    pub fn bare(lang: Lang, path: &str, title: &str) -> Page {
        Page {
            lang,
            path: path.to_string(),
            title: title.to_string(),
            user: None,
            errors: Vec::new(),
            notice: None,
            owner: None,
        }
    }

    /// This page with `organiser` named in the header (the installation's owner when blank).
    pub fn with_owner(mut self, organiser: &str) -> Page {
        self.owner = Some(organiser.trim().to_string()).filter(|o| !o.is_empty());
        self
    }

    /// The name the header opens with.
    pub fn owner_name(&self) -> String {
        self.owner
            .clone()
            .unwrap_or_else(|| self.lang.t("app-owner"))
    }

    /// A page for a signed-in account; `title_key` is a message key.
    pub fn new(meta: &Meta, user: &User, title_key: &str) -> Page {
        Page::bare(meta.lang, &meta.path, &meta.lang.t(title_key)).for_user(user)
    }

    /// This page with `user`'s menu and name in the header.
    pub fn for_user(mut self, user: &User) -> Page {
        self.user = Some(NavUser {
            full_name: user.full_name.clone(),
            role_label: self.lang.t(&format!("role-{}", user.role.as_str())),
            is_admin: user.role == Role::MohaAdmin,
            is_moha: user.role.is_moha(),
            unit_id: user.unit_id,
        });
        self
    }

    /// Whether a MoHA account is viewing: technical details (an input hash, a set's code) are
    /// shown to MoHA and kept out of what the public reads.
    pub fn is_moha(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_moha)
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The message `prefix` + `value`, e.g. ("level-", "ministry") → "Cấp bộ".
    /// The message `prefix` + `value`, for a value that names its own message (a level, a state).
    pub fn t_of(&self, prefix: &str, value: impl std::fmt::Display) -> String {
        self.lang.t(&format!("{prefix}{value}"))
    }

    pub fn with_title(mut self, title: String) -> Page {
        self.title = title;
        self
    }

    /// Shows "saved"-style notices named by the `done` query parameter (only known keys).
    pub fn with_notice(mut self, done: Option<&str>) -> Page {
        self.notice = done
            .filter(|d| d.chars().all(|c| c.is_ascii_lowercase() || c == '-') && d.len() < 40)
            .map(|d| format!("notice-{d}"))
            .filter(|k| self.lang.has(k))
            .map(|k| self.lang.t(&k));
        self
    }

    pub fn error(&mut self, field: &str, key: &str) {
        let message = self.lang.t(key);
        self.errors.push(FieldError {
            field: field.to_string(),
            message,
        });
    }

    pub fn error_msg(&mut self, field: &str, message: String) {
        self.errors.push(FieldError {
            field: field.to_string(),
            message,
        });
    }

    pub fn field_error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn date(&self, iso: &str) -> String {
        parindex_domain::deadline::parse_date(iso)
            .map(parindex_domain::deadline::display)
            .unwrap_or_default()
    }

    pub fn instant(&self, ms: &i64) -> String {
        parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(*ms))
    }
}

/// `?done=saved` after a change: which notice the next page shows.
#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub status: u16,
    pub message: String,
    /// The page of this site the user came from (a form that was refused), to go back to it.
    pub back: Option<String>,
}
