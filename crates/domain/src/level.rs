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

impl std::fmt::Display for Level {
    /// The stored name (`ministry`, `province`), as ids, URLs and message keys use it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored level name that is not a level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level {0:?}")]
pub struct UnknownLevel(pub String);

impl TryFrom<String> for Level {
    type Error = UnknownLevel;

    fn try_from(s: String) -> Result<Level, UnknownLevel> {
        Level::parse(&s).ok_or(UnknownLevel(s))
    }
}

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
            Err(UnknownLevel("district".into()))
        );
        assert!(Level::Ministry < Level::Province);
        assert_eq!(Level::Province.to_string(), "province");
    }
}
