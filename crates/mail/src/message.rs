//! The survey e-mails: what a respondent receives, built from the unit being rated, the answer
//! deadline, the support contact and the personal link.

use askama::Template;
use parindex_db::outbox::OutMail;
use parindex_db::survey::{MailFor, MailKind};
use parindex_i18n::Lang;

/// What every e-mail about one unit shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMail {
    pub year: i64,
    /// The unit's official name, e.g. "Ủy ban nhân dân tỉnh Quảng Ninh".
    pub unit_name: String,
    /// The answer deadline as dd/mm/yyyy.
    pub deadline: String,
    /// The support contact of the unit's level as one line; empty when there is none.
    pub support: String,
    /// Where links point, e.g. `https://cchc.example.gov.vn` (no trailing slash).
    pub link_base: String,
    /// Who invites and signs, from the campaign's settings, e.g. "Bộ Nội vụ".
    pub organiser: String,
}

/// What both parts of an e-mail say.
struct Fields<'a> {
    full_name: &'a str,
    year: i64,
    unit_name: &'a str,
    deadline: &'a str,
    support: &'a str,
    link: &'a str,
    organiser: &'a str,
    reminder: bool,
}

#[derive(Template)]
#[template(path = "invitation.txt", escape = "none")]
struct TextBody<'a> {
    m: &'a Fields<'a>,
}

#[derive(Template)]
#[template(path = "invitation.html", escape = "html")]
struct HtmlBody<'a> {
    subject: &'a str,
    m: &'a Fields<'a>,
}

impl UnitMail {
    /// The personal link for a token.
    pub fn link(&self, token: &str) -> String {
        format!("{}/s/{token}", self.link_base.trim_end_matches('/'))
    }

    /// The subject, in Vietnamese: respondents are the country's officials.
    pub fn subject(&self, kind: MailKind) -> String {
        let key = match kind {
            MailKind::Invitation => "mail-subject-invitation",
            MailKind::Reminder => "mail-subject-reminder",
        };
        Lang::Vi.t_args(
            key,
            &[
                ("year", self.year.to_string()),
                ("unit", self.unit_name.clone()),
            ],
        )
    }

    /// The e-mail for one respondent.
    pub fn compose(&self, m: &MailFor<'_>) -> OutMail {
        let link = self.link(m.token);
        let subject = self.subject(m.kind);
        let fields = Fields {
            full_name: m.full_name,
            year: self.year,
            unit_name: &self.unit_name,
            deadline: &self.deadline,
            support: &self.support,
            link: &link,
            organiser: &self.organiser,
            reminder: m.kind == MailKind::Reminder,
        };
        let text = TextBody { m: &fields }
            .render()
            .unwrap_or_else(|_| format!("{subject}\n\n{link}\n"));
        let html = HtmlBody {
            subject: &subject,
            m: &fields,
        }
        .render()
        .unwrap_or_default();
        OutMail {
            to: m.email.to_string(),
            subject,
            text,
            html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> UnitMail {
        UnitMail {
            year: 2023,
            unit_name: "Ủy ban nhân dân tỉnh Quảng Ninh".into(),
            deadline: "10/01/2024".into(),
            support: "Nguyễn Văn Hỗ Trợ, 0912 345 678, hotro@moha.gov.vn".into(),
            link_base: "https://cchc.example.gov.vn/".into(),
            organiser: "Sở Nội vụ tỉnh Quảng Ninh".into(),
        }
    }

    #[test]
    fn the_invitation_names_the_unit_deadline_contact_and_link_in_both_parts() {
        let token = "ab".repeat(32);
        let m = unit().compose(&MailFor {
            kind: MailKind::Invitation,
            full_name: "Trần Thị <Bích>",
            email: "bich@quangninh.gov.vn",
            group_code: "hdnd",
            token: &token,
        });
        let link = format!("https://cchc.example.gov.vn/s/{token}");
        assert_eq!(m.to, "bich@quangninh.gov.vn");
        assert!(m.subject.contains("Ủy ban nhân dân tỉnh Quảng Ninh"));
        for body in [&m.text, &m.html] {
            assert!(body.contains(&link), "{body}");
            assert!(body.contains("10/01/2024"));
            assert!(body.contains("hotro@moha.gov.vn"));
            assert!(body.contains("Quảng Ninh"));
            // Invited and signed by the campaign's organiser.
            assert!(
                body.contains("Sở Nội vụ tỉnh Quảng Ninh trân trọng mời"),
                "{body}"
            );
            assert!(body.contains("Trân trọng,"));
            assert!(!body.contains("Bộ Nội vụ"), "{body}");
        }
        assert!(m.text.contains("Trần Thị <Bích>"));
        assert!(
            m.html.contains("Trần Thị &#60;Bích&#62;") || m.html.contains("Trần Thị &lt;Bích&gt;")
        );
        assert!(!m.html.contains("<Bích>"));
    }

    #[test]
    fn a_reminder_says_so() {
        let m = unit().compose(&MailFor {
            kind: MailKind::Reminder,
            full_name: "A",
            email: "a@b.vn",
            group_code: "g",
            token: "t",
        });
        assert!(m.subject.starts_with("[Nhắc lại]"));
        assert!(m.text.contains("xin nhắc lại"));
    }
}
