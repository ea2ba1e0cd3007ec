//! Vietnamese text: NFC at every input boundary, a search key that ignores tones and đ/d, and the
//! Vietnamese name order (given name first, then family and middle names, letter by letter in the
//! Vietnamese alphabet a ă â b c d đ e ê …, tones after letters).

use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFC, trimmed, inner runs of white space folded to one space, control characters dropped.
/// Cleaning twice gives the same text.
pub fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for word in input.split_whitespace() {
        // A "word" of control characters alone leaves nothing, and no extra space either.
        let kept = word.chars().filter(|c| !c.is_control());
        if kept.clone().next().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(kept);
    }
    // Last, so that dropping a control character between a letter and its mark still composes.
    out.nfc().collect()
}

/// Text of several paragraphs (a report section): each line cleaned like [`clean`], line breaks
/// kept (CRLF and CR become LF), at most one empty line in a row and none at either end.
pub fn clean_paragraphs(input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    for line in unified.split('\n') {
        let line = clean(line);
        if line.is_empty() && out.last().is_none_or(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// The key used for tone-insensitive search: "Nguyễn Văn Đức" → "nguyen van duc".
pub fn search_key(input: &str) -> String {
    let cleaned = clean(input);
    cleaned
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Does `haystack` contain `needle`, ignoring tones, đ/d and case?
pub fn matches(haystack: &str, needle: &str) -> bool {
    search_key(haystack).contains(&search_key(needle))
}

const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// One letter's place in the Vietnamese alphabet, and its tone (0 = level tone).
fn letter_key(base: char, marks: &[char]) -> (u32, u8) {
    let lower = base.to_lowercase().next().unwrap_or(base);
    let has = |m: char| marks.contains(&m);
    let modifier: u32 = if has('\u{306}') {
        1 // breve: ă
    } else if has('\u{302}') {
        2 // circumflex: â ê ô
    } else if has('\u{31b}') {
        3 // horn: ơ ư
    } else {
        0
    };
    let rank = match lower {
        'đ' => u32::from('d') * 4 + 1,
        c => u32::from(c) * 4 + modifier,
    };
    let tone = TONES
        .iter()
        .position(|t| has(*t))
        .map_or(0, |p| u8::try_from(p + 1).unwrap_or(0));
    (rank, tone)
}

/// (letters, tones) for one word or phrase.
fn word_key(s: &str) -> (Vec<u32>, Vec<u8>) {
    let mut letters = Vec::new();
    let mut tones = Vec::new();
    let mut chars = s.nfd().peekable();
    while let Some(base) = chars.next() {
        let mut marks = Vec::new();
        while let Some(m) = chars.peek().copied().filter(|c| is_combining_mark(*c)) {
            marks.push(m);
            chars.next();
        }
        let (rank, tone) = letter_key(base, &marks);
        letters.push(rank);
        tones.push(tone);
    }
    (letters, tones)
}

/// A sort key for a full name "Họ Đệm Tên": the given name (last word) first, then the rest.
pub fn name_sort_key(full_name: &str) -> (Vec<u32>, Vec<u32>, Vec<u8>) {
    let cleaned = clean(full_name);
    let (rest, given) = match cleaned.rsplit_once(' ') {
        Some((rest, given)) => (rest.to_string(), given.to_string()),
        None => (String::new(), cleaned.clone()),
    };
    let (g, gt) = word_key(&given);
    let (r, rt) = word_key(&rest);
    let mut tones = gt;
    tones.push(0);
    tones.extend(rt);
    (g, r, tones)
}

/// Compare two full names the Vietnamese way.
pub fn compare_names(a: &str, b: &str) -> Ordering {
    name_sort_key(a).cmp(&name_sort_key(b))
}

/// Compare two titles (unit names and the like) letter by letter in the Vietnamese alphabet.
pub fn compare_titles(a: &str, b: &str) -> Ordering {
    let (al, at) = word_key(&clean(a));
    let (bl, bt) = word_key(&clean(b));
    al.cmp(&bl).then(at.cmp(&bt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_characters_leave_no_extra_space_and_marks_still_compose() {
        // Found by the form_fields fuzz target: a run of NULs between spaces left two spaces.
        assert_eq!(clean("anB\u{b}\0\0\0\0 \0\0ngov.vn"), "anB ngov.vn");
        assert_eq!(clean("Nguyễn \0"), "Nguyễn");
        assert_eq!(clean("\0 Văn"), "Văn");
        // e, NUL, combining acute: once the NUL is gone the two compose to é.
        assert_eq!(clean("e\0\u{301}"), "\u{e9}");
    }

    #[test]
    fn paragraphs_keep_their_breaks_and_lose_control_characters() {
        assert_eq!(
            clean_paragraphs("\r\n Khó khăn:\0 thiếu\t người \r\n\r\n\r\n\n- Kiến nghị\r"),
            "Khó khăn: thiếu người\n\n- Kiến nghị"
        );
        assert_eq!(clean_paragraphs("\0\u{202E}\n\n"), "\u{202E}");
        assert_eq!(clean_paragraphs(""), "");
    }

    #[test]
    fn clean_normalises_to_nfc_and_folds_spaces() {
        let nfd = "Nguye\u{302}\u{303}n  \t Va\u{306}n  ";
        assert_eq!(clean(nfd), "Nguyễn Văn");
        assert_eq!(clean(nfd), clean("Nguyễn Văn"));
    }

    #[test]
    fn search_ignores_tones_case_and_d_stroke() {
        assert_eq!(search_key("Nguyễn Văn Đức"), "nguyen van duc");
        assert!(matches("Ủy ban nhân dân tỉnh Quảng Ninh", "quang ninh"));
        assert!(matches("Đắk Lắk", "dak lak"));
        assert!(!matches("Hà Nội", "hai phong"));
    }

    #[test]
    fn names_sort_by_given_name_first() {
        let mut names = vec![
            "Trần Văn Bình",
            "Nguyễn Thị An",
            "Lê Chí Anh",
            "Phạm Đức An",
        ];
        names.sort_by(|a, b| compare_names(a, b));
        assert_eq!(
            names,
            vec![
                "Nguyễn Thị An",
                "Phạm Đức An",
                "Lê Chí Anh",
                "Trần Văn Bình"
            ]
        );
    }

    #[test]
    fn vietnamese_alphabet_order_puts_modified_letters_after_their_base() {
        // a < ă < â < b; d < đ < e; o < ô < ơ; u < ư.
        let mut w = vec![
            "Đào", "Dung", "Ân", "Ăn", "An", "Bảo", "Ơn", "Ôn", "On", "Ưng", "Uyên",
        ];
        w.sort_by(|a, b| compare_titles(a, b));
        assert_eq!(
            w,
            vec![
                "An", "Ăn", "Ân", "Bảo", "Dung", "Đào", "On", "Ôn", "Ơn", "Uyên", "Ưng"
            ]
        );
    }

    #[test]
    fn tones_order_after_letters_level_first() {
        // ngang, huyền, hỏi, ngã, sắc, nặng
        let mut w = vec!["mạ", "má", "mã", "mả", "mà", "ma"];
        w.sort_by(|a, b| compare_titles(a, b));
        assert_eq!(w, vec!["ma", "mà", "mả", "mã", "má", "mạ"]);
    }

    proptest! {
        #[test]
        fn search_key_is_the_same_for_nfc_and_nfd(s in "\\PC{0,40}") {
            let nfd: String = s.nfd().collect();
            let nfc: String = s.nfc().collect();
            prop_assert_eq!(search_key(&nfd), search_key(&nfc));
        }

        #[test]
        fn clean_is_idempotent(s in any::<String>()) {
            prop_assert_eq!(clean(&clean(&s)), clean(&s));
            let p = clean_paragraphs(&s);
            prop_assert_eq!(clean_paragraphs(&p), p.clone());
            prop_assert!(!p.chars().any(|c| c.is_control() && c != '\n'));
        }

        #[test]
        fn name_order_is_a_total_order(a in "[A-Za-zĐđăâêôơưàảãáạ ]{0,12}", b in "[A-Za-zĐđăâêôơưàảãáạ ]{0,12}") {
            let ab = compare_names(&a, &b);
            let ba = compare_names(&b, &a);
            prop_assert_eq!(ab, ba.reverse());
        }
    }
}
