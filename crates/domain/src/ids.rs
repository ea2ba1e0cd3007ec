//! Identifiers that must not be confused: a campaign's, a unit's and an account's. Where a function
//! takes more than one, they are these types, so passing one for another does not compile. With the
//! `sqlx` feature (the database crate's) they bind and decode as the integers they are stored as.

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            /// The stored number, for binding in a query.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A campaign (one year's index).
    CampaignId
);
id!(
    /// A ministry or province within a campaign.
    UnitId
);
id!(
    /// A staff account.
    UserId
);
