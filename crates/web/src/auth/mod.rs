//! Logging in, sessions and the extractors that enforce who may reach a handler.

pub mod access;
pub mod password;
pub mod reauth;
pub mod session;
pub mod throttle;

pub use access::{
    Authenticated, MohaAdmin, MohaAppraiser, MohaStaff, UnitLeaderOf, UnitOfficer, UnitReader,
};
pub use session::SESSION_COOKIE;
