//! The request's language: the `lang` cookie, Vietnamese when absent. The messages themselves live
//! in the `parindex-i18n` crate, shared with the files and the command line.

pub use parindex_i18n::Lang;

pub const LANG_COOKIE: &str = "lang";

/// From the request's `Cookie` header; Vietnamese when absent.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    crate::cookies::get(headers, LANG_COOKIE)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}
