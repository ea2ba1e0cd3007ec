//! Every user-facing string goes through Fluent (`locales/{vi,en}/main.ftl`): the pages, e-mails,
//! the files users download and the command line. Vietnamese is the default. The domain says what
//! to tell as a [`Message`] (a key and its arguments); [`Lang::say`] words it.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
pub use parindex_domain::message::Message;
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

const VI_FILE: &str = include_str!("../locales/vi/main.ftl");
const EN_FILE: &str = include_str!("../locales/en/main.ftl");

static VI: LazyLock<LanguageIdentifier> = LazyLock::new(|| "vi".parse().unwrap_or_default());
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().unwrap_or_default());

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

    /// English when `en`, else Vietnamese (the command line's `--lang`).
    pub fn english(en: bool) -> Lang {
        if en { Lang::En } else { Lang::Vi }
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

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// Each key's message, in order: a table's headers.
    pub fn t_each(self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| self.t(k)).collect()
    }

    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A domain message, worded in this language.
    pub fn say(self, m: &Message) -> String {
        let args: Vec<(&str, String)> = m.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        self.t_args(m.key, &args)
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
    /// Whether this language's own file defines the message (never counting the Vietnamese
    /// fallback, and whether or not the message takes arguments).
    pub fn has(self, key: &str) -> bool {
        let file = match self {
            Lang::Vi => VI_FILE,
            Lang::En => EN_FILE,
        };
        file.lines()
            .filter(|l| !l.starts_with([' ', '#']))
            .filter_map(|l| l.split_once('='))
            .any(|(id, _)| id.trim() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parindex_domain::respondents::{Column, Merge, Problem, ProblemKind};

    fn every_respondent_problem() -> Vec<Problem> {
        let org = || "Sở Nội vụ".to_string();
        [
            ProblemKind::Missing,
            ProblemKind::TooLong,
            ProblemKind::InvalidEmail,
            ProblemKind::InvalidPhone,
            ProblemKind::UnknownGroup,
            ProblemKind::StandInNotAllowed,
            ProblemKind::Duplicate { first_line: 3 },
            ProblemKind::SeveralGroups { other_line: 4 },
            ProblemKind::AlreadyListed {
                group: "hdnd".into(),
            },
            ProblemKind::OverQuota {
                organisation: org(),
                exactly: 2,
                got: 3,
                listed: 0,
            },
            ProblemKind::OverQuota {
                organisation: org(),
                exactly: 2,
                got: 3,
                listed: 2,
            },
            ProblemKind::UnderQuota {
                organisation: org(),
                exactly: 2,
                got: 1,
            },
            ProblemKind::TooManyOrganisations { max: 5 },
            ProblemKind::OutsideOfficialDomains,
            ProblemKind::OutsideDomains {
                domains: "quangninh.gov.vn".into(),
            },
        ]
        .into_iter()
        .map(|kind| Problem {
            line: 2,
            column: None,
            kind,
        })
        .collect()
    }

    #[test]
    fn no_message_is_defined_twice_in_a_language() {
        // Fluent refuses a file that defines a message twice, and the loader then panics on the
        // first page drawn: catch it here instead.
        for (lang, file) in [("vi", VI_FILE), ("en", EN_FILE)] {
            let mut seen = std::collections::HashSet::new();
            for id in file
                .lines()
                .filter(|l| !l.starts_with([' ', '#']))
                .filter_map(|l| l.split_once('='))
                .map(|(id, _)| id.trim())
            {
                assert!(seen.insert(id), "{lang}: {id} is defined twice");
            }
        }
    }

    #[test]
    fn every_respondent_problem_is_worded_in_both_languages_with_its_arguments() {
        for p in every_respondent_problem() {
            let m = p.message();
            assert!(Lang::Vi.has(m.key) && Lang::En.has(m.key), "{}", m.key);
            for lang in [Lang::Vi, Lang::En] {
                let text = lang.say(&m);
                for (_, value) in &m.args {
                    assert!(text.contains(value.as_str()), "{lang:?} {}: {text}", m.key);
                }
                assert!(!text.contains('{'), "{text}");
            }
        }
        for c in Column::ALL {
            assert!(Lang::Vi.has(c.header_key()) && Lang::En.has(c.header_key()));
        }
        assert_eq!(Lang::Vi.t(Column::FullName.header_key()), "Họ và tên");
    }

    #[test]
    fn a_merge_says_why_in_both_languages() {
        for by_email in [true, false] {
            let m = Merge {
                kept_line: 4,
                dropped_line: 2,
                kept_group: "Đại biểu HĐND".into(),
                dropped_group: "Lãnh đạo sở".into(),
                by_email,
            }
            .message();
            let vi = Lang::Vi.say(&m);
            assert!(vi.starts_with("Dòng 2 gộp vào dòng 4"), "{vi}");
            assert_eq!(vi.contains("trùng email"), by_email);
            let en = Lang::En.say(&m);
            assert!(en.contains("\"Đại biểu HĐND\" is kept"), "{en}");
        }
    }
}
