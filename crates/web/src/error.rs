//! The one error type at the web edge. Handlers return `AppError`; a middleware that knows the request's
//! language and whether it is an API call turns it into a localised page, a JSON body or a redirect.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parindex_db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Bad input that is not tied to one form field; the key names the message.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request body is over the size limit.
    #[error("request body too large")]
    TooLarge,
    /// The path exists but not for this method; `Allow` lists the ones it takes.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A deadline has passed: the key of the action and the closing time (dd/mm/yyyy HH:MM, Vietnam).
    #[error("locked after {closed_at}")]
    Locked {
        action_key: &'static str,
        closed_at: String,
    },
    #[error("the request was refused as cross-site")]
    CrossSite,
    /// A dependency (the database) is down or overloaded for now; nothing was changed.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
    /// The server's storage is full; nothing was changed.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The server lacks a setting this action needs; the key names the message for the user.
    #[error("not configured: {0}")]
    NotConfigured(&'static str),
    /// A fault of the server's own: `context` says what was being done, and `source` keeps the
    /// cause's whole chain for the log. The user sees only a generic message.
    #[error("internal error: {context}")]
    Internal {
        context: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::PasswordChangeRequired | AppError::Forbidden | AppError::CrossSite => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Locked { .. } => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::NotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// (message key, arguments) for the user.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            AppError::Unauthenticated => ("error-unauthenticated", vec![]),
            AppError::PasswordChangeRequired => ("error-password-change-required", vec![]),
            AppError::Forbidden => ("error-forbidden", vec![]),
            AppError::NotFound => ("error-not-found", vec![]),
            AppError::BadRequest(k) => (k, vec![]),
            AppError::TooLarge => ("error-too-large", vec![]),
            AppError::MethodNotAllowed => ("error-method", vec![]),
            AppError::Locked {
                action_key,
                closed_at,
            } => (
                "error-locked",
                vec![
                    ("action", (*action_key).to_string()),
                    ("closed_at", closed_at.clone()),
                ],
            ),
            AppError::CrossSite => ("error-cross-site", vec![]),
            AppError::Unavailable(_) => ("error-unavailable", vec![]),
            AppError::StorageFull(_) => ("error-storage-full", vec![]),
            AppError::NotConfigured(k) => (k, vec![]),
            AppError::Internal { .. } => ("error-internal", vec![]),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge => "too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Locked { .. } => "locked",
            AppError::CrossSite => "cross_site",
            AppError::Unavailable(_) => "unavailable",
            AppError::StorageFull(_) => "storage_full",
            AppError::NotConfigured(_) => "not_configured",
            AppError::Internal { .. } => "internal",
        }
    }
}

impl AppError {
    /// One error of each kind: the API document lists their codes. A new kind does not compile
    /// until it is added here too.
    pub fn one_of_each() -> [AppError; 13] {
        let all = [
            AppError::Unauthenticated,
            AppError::PasswordChangeRequired,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::BadRequest("error-bad-input"),
            AppError::TooLarge,
            AppError::MethodNotAllowed,
            AppError::Locked {
                action_key: "",
                closed_at: String::new(),
            },
            AppError::CrossSite,
            AppError::Unavailable(String::new()),
            AppError::StorageFull(String::new()),
            AppError::NotConfigured(""),
            AppError::bug(""),
        ];
        // No wildcard: a kind missing above is a compile error here.
        let _every_kind_is_above = |e: &AppError| match e {
            AppError::Unauthenticated
            | AppError::PasswordChangeRequired
            | AppError::Forbidden
            | AppError::NotFound
            | AppError::BadRequest(_)
            | AppError::TooLarge
            | AppError::MethodNotAllowed
            | AppError::Locked { .. }
            | AppError::CrossSite
            | AppError::Unavailable(_)
            | AppError::StorageFull(_)
            | AppError::NotConfigured(_)
            | AppError::Internal { .. } => (),
        };
        all
    }

    /// The message for the user, in `lang`: a lock names the action and when it closed.
    pub fn say(&self, lang: crate::i18n::Lang) -> String {
        let (key, mut args) = self.message();
        for (_, v) in args.iter_mut() {
            if v.starts_with("action-") {
                *v = lang.t(v);
            }
        }
        lang.t_args(key, &args)
    }

    /// A refusal the user can act on from the form that was sent (a wrong or missing input, a
    /// closed deadline, a state that moved on): shown on that form with the input kept, never on
    /// a page of its own.
    pub fn belongs_on_the_form(&self) -> bool {
        matches!(self, AppError::BadRequest(_) | AppError::Locked { .. })
    }

    /// A fault while doing `context`, keeping `e` (and its causes) as the source.
    pub fn internal(
        context: impl Into<String>,
        e: impl std::error::Error + Send + Sync + 'static,
    ) -> AppError {
        AppError::Internal {
            context: context.into(),
            source: Some(Box::new(e)),
        }
    }

    /// A fault with no underlying error: a state the server should never be in.
    pub fn bug(context: impl Into<String>) -> AppError {
        AppError::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// The error and each of its causes, outermost first: "internal error: database: …: …".
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }

    /// A multipart body that could not be read: over the size limit, or malformed.
    pub fn multipart(e: axum::extract::multipart::MultipartError) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest("error-bad-input")
        }
    }

    /// A failed write to file storage: a full disk is told to the user as such; anything else
    /// (the store unreachable, refusing, misconfigured) as storage being unavailable for now, and
    /// logged for the operators. `what` says what was being stored.
    pub fn storing(what: &str, e: object_store::Error) -> AppError {
        let detail = format!("storing {what}: {e}");
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            if c.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::raw_os_error)
                == Some(ENOSPC)
            {
                return AppError::StorageFull(detail);
            }
            cause = c.source();
        }
        tracing::error!(%detail, "file storage refused a write");
        AppError::Unavailable(detail)
    }
}

/// "No space left on device" (Linux, BSD and macOS agree).
const ENOSPC: i32 = 28;

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Unavailable(d) => AppError::Unavailable(d),
            DbError::StorageFull(d) => AppError::StorageFull(d),
            DbError::Refused(k) => AppError::BadRequest(k),
            DbError::Closed { kind, day } => AppError::Locked {
                action_key: kind.action_key(),
                closed_at: parindex_domain::deadline::display(day),
            },
            other => AppError::internal("database", other),
        }
    }
}

/// Carried in the response extensions until the rendering middleware replaces the body.
#[derive(Debug, Clone)]
pub struct PendingError(pub std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal { .. } => {
                tracing::error!(error = %self.chain(), "internal error")
            }
            AppError::Unavailable(detail) => tracing::warn!(%detail, "a dependency is unavailable"),
            AppError::StorageFull(detail) => tracing::error!(%detail, "storage full"),
            _ => {}
        }
        let mut res = self.status().into_response();
        res.extensions_mut()
            .insert(PendingError(std::sync::Arc::new(self)));
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_keeps_its_cause_as_a_source_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("writing the sheet")]
        struct Sheet(#[source] std::io::Error);

        let e = AppError::internal(
            "building the report",
            Sheet(std::io::Error::other("disk on fire")),
        );
        let sheet = std::error::Error::source(&e).expect("the sheet's error is the source");
        assert_eq!(sheet.to_string(), "writing the sheet");
        assert!(sheet.source().is_some(), "the io error is kept below it");
        assert_eq!(
            e.chain(),
            "internal error: building the report: writing the sheet: disk on fire"
        );
        assert!(matches!(
            AppError::from(DbError::Conflict("x".into())),
            AppError::Internal {
                source: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn a_bug_has_no_source_and_says_what_happened() {
        let e = AppError::bug("no questionnaire for group hdnd");
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(e.chain(), "internal error: no questionnaire for group hdnd");
    }
}
