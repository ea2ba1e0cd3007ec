//! Enums stored by their name (roles, levels, deadline kinds, run kinds, exception states): one error
//! for a stored name that is not one of its type's, and one macro giving each type its `Display` (the
//! stored name) and its `TryFrom<String>` (how a row decodes it, `#[sqlx(try_from = "String")]`).

/// A stored name that is none of its type's: `what` names the type ("role", "level", …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {name:?}")]
pub struct UnknownName {
    pub what: &'static str,
    pub name: String,
}

/// `stored_name!(Type, "what", as_str, Type::parse)`: `Display` writes `as_str()`, and
/// `TryFrom<String>` goes through `parse`, failing with [`UnknownName`].
macro_rules! stored_name {
    ($ty:ty, $what:literal, $name:ident, $parse:path) => {
        impl std::fmt::Display for $ty {
            /// The stored name, as ids, URLs and message keys use it.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$name())
            }
        }

        /// How the value comes back from the database: a stored name that is not one is an
        /// error, never a string for the caller to compare.
        impl TryFrom<String> for $ty {
            type Error = $crate::stored_name::UnknownName;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                $parse(&s).ok_or($crate::stored_name::UnknownName {
                    what: $what,
                    name: s,
                })
            }
        }
    };
}
pub(crate) use stored_name;
