//! Where the browser may be sent after a login or a language switch: a path on this site, and
//! nothing a browser could read as another site.
//!
//! Browsers drop tabs and newlines from a `Location`, so `/\t/evil.example` becomes
//! `//evil.example`, another host; a backslash is read as a slash; and a control character cannot
//! go into a header at all. The one rule: a single leading `/`, then only visible ASCII with no
//! backslash and no `://`. Anything else goes to the home page.

/// The most a target may hold; longer ones are not paths a page of ours links to.
const MAX_LEN: usize = 2_048;

/// The page a refused target is replaced with.
pub const HOME: &str = "/home";

/// `next` when it is a local path, else `None`.
pub fn local_path(next: &str) -> Option<&str> {
    let mut bytes = next.bytes();
    let ok = next.len() <= MAX_LEN
        && bytes.next() == Some(b'/')
        && !matches!(bytes.next(), Some(b'/' | b'\\'))
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && !next.contains("://");
    ok.then_some(next)
}

/// Where to send the browser: `next` when it is a local path, else the home page.
pub fn or_home(next: &str) -> String {
    local_path(next).unwrap_or(HOME).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        for p in [
            "/",
            "/home",
            "/unit/3/survey?done=survey-resent",
            "/a/b%2F%2Fc#x",
        ] {
            assert_eq!(local_path(p), Some(p));
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_goes_home() {
        for p in [
            "",
            "home",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "\t//evil.example",
            "/x\\y",
            "https://evil.example/",
            "/redirect?to=https://evil.example",
            "/\u{0}",
            "/\u{7f}",
            "/\u{85}x",
            "/\u{200b}/evil.example",
            "/ä",
        ] {
            assert_eq!(or_home(p), HOME, "{p:?}");
        }
        assert_eq!(or_home(&format!("/{}", "a".repeat(MAX_LEN))), HOME);
    }
}
