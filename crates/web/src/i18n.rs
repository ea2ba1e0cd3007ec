//! Every user-facing string goes through Fluent (`locales/{vi,en}/main.ftl`). Vietnamese is the default;
//! the `lang` cookie switches to English.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Fluent wraps arguments in invisible isolation marks by default; they would end up in page text,
        // form values and e-mails.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LazyLock<LanguageIdentifier> = LazyLock::new(|| "vi".parse().unwrap_or_default());
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().unwrap_or_default());

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// From the request's `Cookie` header; Vietnamese when absent.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
        crate::cookies::get(headers, LANG_COOKIE)
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A text that exists in both languages: the English one in English when it is there, the
    /// Vietnamese one otherwise.
    pub fn pick(self, vi: &str, en: &str) -> String {
        if self == Lang::En && !en.is_empty() {
            en.to_string()
        } else {
            vi.to_string()
        }
    }

    /// A measured figure (a risk, a distance) with two decimals in the language's form; one that
    /// rounds to zero is "0", never "-0,00".
    pub fn figure(self, x: f64) -> String {
        let r = (x * 100.0).round() / 100.0;
        if r == 0.0 || !r.is_finite() {
            return "0".into();
        }
        self.decimal(&format!("{r:.2}"))
    }

    /// A decimal number the way the language writes it: 92,18 in Vietnamese, 92.18 in English.
    pub fn decimal(self, s: &str) -> String {
        match self {
            Lang::Vi => s.replace('.', ","),
            Lang::En => s.to_string(),
        }
    }

    /// Whether a key exists in this language (tests check both files hold the same keys).
    pub fn has(self, key: &str) -> bool {
        LOCALES.try_lookup(self.id(), key).is_some()
    }
}
