//! Rules for MoHA administrators managing accounts. The accounts page asks these before offering a
//! form, and every action calls them.

use crate::ids::UserId;
/// Why an administrator may not switch `account_id` on or off, or `None` when they may: never
/// their own account (an administrator who deactivated themselves could lock MoHA out).
pub fn active_refusal(admin_id: UserId, account_id: UserId) -> Option<&'static str> {
    (admin_id == account_id).then_some("account-cannot-deactivate-self")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_administrator_never_switches_their_own_account() {
        assert_eq!(active_refusal(UserId(1), UserId(2)), None);
        assert_eq!(
            active_refusal(UserId(3), UserId(3)),
            Some("account-cannot-deactivate-self")
        );
    }
}
