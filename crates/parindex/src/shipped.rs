//! What ships inside the binary: the illustrative 2023 questionnaires, which the demo loads and the
//! interference evaluation models respondents on.

/// The illustrative 2023 questionnaires shipped with parindex: (level, file text).
pub const QUESTIONNAIRES: [(&str, &str); 2] = [
    (
        "ministry",
        include_str!("../../../frameworks/2023/questionnaires/ministry.toml"),
    ),
    (
        "province",
        include_str!("../../../frameworks/2023/questionnaires/province.toml"),
    ),
];
