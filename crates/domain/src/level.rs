//! The two levels of the index: ministries (cấp bộ) and provinces (cấp tỉnh).

use serde::{Deserialize, Serialize};

/// Ministries sort before provinces, as every national table lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ministry,
    Province,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Ministry, Level::Province];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ministry => "ministry",
            Level::Province => "province",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }
}

crate::stored_name::stored_name!(Level, "level", as_str, Level::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::parse("district"), None);
        assert_eq!(
            Level::try_from("district".to_string()),
            Err(crate::stored_name::UnknownName {
                what: "level",
                name: "district".into()
            })
        );
        assert!(Level::Ministry < Level::Province);
        assert_eq!(Level::Province.to_string(), "province");
    }
}
