//! Evidence files (tài liệu kiểm chứng): what kind a file is, decided from its first bytes and never
//! from its name, and a file name that is safe to store and to offer back for download.

/// A kind of file accepted as evidence: its MIME type and usual extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub mime: &'static str,
    pub ext: &'static str,
}

const PDF: Kind = Kind {
    mime: "application/pdf",
    ext: "pdf",
};
const PNG: Kind = Kind {
    mime: "image/png",
    ext: "png",
};
const JPEG: Kind = Kind {
    mime: "image/jpeg",
    ext: "jpg",
};
const OOXML: Kind = Kind {
    mime: "application/vnd.openxmlformats-officedocument",
    ext: "docx",
};
const ODF: Kind = Kind {
    mime: "application/vnd.oasis.opendocument",
    ext: "odt",
};
const CFB: Kind = Kind {
    mime: "application/x-ole-storage",
    ext: "doc",
};

/// The file's kind from its content, or `None` when it is not an accepted kind (HTML, scripts,
/// executables, archives that are not office documents …).
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(PDF);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(PNG);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(JPEG);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(CFB);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Office Open XML names its parts in the first entries; ODF starts with its mimetype entry.
        let head = &bytes[..bytes.len().min(4096)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"mimetypeapplication/vnd.oasis.opendocument") {
            return Some(ODF);
        }
        if has(b"[Content_Types].xml")
            || has(b"word/")
            || has(b"xl/")
            || has(b"ppt/")
            || has(b"docProps/")
        {
            return Some(OOXML);
        }
    }
    None
}

/// The last path component, NFC, without control characters, quotes or separators, at most 120
/// characters; a plain default when nothing usable is left.
pub fn safe_name(uploaded: &str, kind: Kind) -> String {
    let base = uploaded.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = crate::text::clean(base)
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '"' | '\'' | '<' | '>' | ':' | '*' | '?' | '|' | ';')
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let short: String = trimmed
        .chars()
        .rev()
        .take(120)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if short.is_empty() {
        format!("tai-lieu.{}", kind.ext)
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kinds_come_from_content_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(PDF));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(PNG));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some(JPEG));
        assert_eq!(sniff(b"PK\x03\x04....[Content_Types].xml...."), Some(OOXML));
        assert_eq!(
            sniff(b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.text"),
            Some(ODF)
        );
        assert_eq!(sniff(b"PK\x03\x04 just a zip of something"), None);
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00 executable"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_lose_paths_and_dangerous_characters() {
        assert_eq!(safe_name("../../etc/passwd", PDF), "passwd");
        assert_eq!(
            safe_name("C:\\Users\\a\\Báo cáo \"CCHC\".pdf", PDF),
            "Báo cáo CCHC.pdf"
        );
        assert_eq!(safe_name("..", PDF), "tai-lieu.pdf");
        assert_eq!(safe_name("", PNG), "tai-lieu.png");
        assert_eq!(
            safe_name("Quye\u{302}\u{301}t đi\u{323}nh.pdf", PDF),
            "Quyết định.pdf"
        );
        assert_eq!(
            safe_name(&format!("{}.pdf", "a".repeat(300)), PDF)
                .chars()
                .count(),
            120
        );
        assert!(safe_name(&format!("{}.pdf", "a".repeat(300)), PDF).ends_with(".pdf"));
    }

    proptest! {
        #[test]
        fn a_safe_name_never_holds_a_separator_or_a_control(s in "\\PC{0,200}") {
            let n = safe_name(&s, PDF);
            prop_assert!(!n.is_empty() && !n.contains('/') && !n.contains('\\') && !n.contains('"'));
            prop_assert!(!n.chars().any(char::is_control));
            prop_assert!(n != "." && n != "..");
        }
    }
}
