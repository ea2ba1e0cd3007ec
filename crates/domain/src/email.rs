//! An e-mail address that is valid once built: trimmed, NFC, lower-cased, one `@`, a dotted domain.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid e-mail address")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(input: &str) -> Result<Email, InvalidEmail> {
        let s = crate::text::clean(input).to_lowercase();
        let (local, domain) = s.split_once('@').ok_or(InvalidEmail)?;
        let ok_local = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let ok_domain = labels.len() >= 2
            && domain.len() <= 253
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if ok_local && ok_domain {
            Ok(Email(s))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// Is the address within one of the official domains (or a subdomain of one)?
    pub fn in_domains<'a>(&self, domains: impl IntoIterator<Item = &'a str>) -> bool {
        let d = self.domain();
        domains.into_iter().any(|allowed| {
            let a = allowed.trim().trim_start_matches('@').to_lowercase();
            !a.is_empty() && (d == a || d.ends_with(&format!(".{a}")))
        })
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a list of official domains typed as "moj.gov.vn, quangninh.gov.vn".
pub fn parse_domains(input: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for raw in input.split([',', ';', ' ', '\n']) {
        let d = raw.trim().trim_start_matches('@').to_lowercase();
        if d.is_empty() {
            continue;
        }
        if Email::parse(&format!("x@{d}")).is_err() {
            return Err(d);
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_normalised() {
        let e = Email::parse("  Nguyen.Van.A@MOJ.gov.vn ").expect("valid");
        assert_eq!(e.as_str(), "nguyen.van.a@moj.gov.vn");
        assert_eq!(e.domain(), "moj.gov.vn");
    }

    #[test]
    fn invalid_addresses_are_refused() {
        for bad in [
            "",
            "a",
            "a@b",
            "@moj.gov.vn",
            "a@@moj.gov.vn",
            "a b@moj.gov.vn",
            "a@-x.vn",
            "a..b@x.vn",
            "nguyễn@x.vn",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn official_domains_include_subdomains() {
        let e = Email::parse("a@sotp.quangninh.gov.vn").expect("valid");
        assert!(e.in_domains(["quangninh.gov.vn"]));
        assert!(!e.in_domains(["ninh.gov.vn.evil"]));
        assert!(!e.in_domains(["haiphong.gov.vn"]));
    }

    #[test]
    fn domain_lists_parse_and_reject_junk() {
        assert_eq!(
            parse_domains("moj.gov.vn, @MOJ.gov.vn; tuphap.vn").expect("ok"),
            vec!["moj.gov.vn", "tuphap.vn"]
        );
        assert_eq!(parse_domains("moj gov"), Err("moj".to_string()));
    }
}
