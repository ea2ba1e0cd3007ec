//! What the domain tells a user, before it is worded: a message key and its arguments. The words,
//! in Vietnamese and English, live only in the Fluent files (`crates/i18n/locales`); the domain
//! never holds user-visible text of its own.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    /// The same message with one more argument.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, value.to_string()));
        self
    }
}

#[cfg(test)]
pub(crate) mod tests {
    const VI: &str = include_str!("../../i18n/locales/vi/main.ftl");
    const EN: &str = include_str!("../../i18n/locales/en/main.ftl");

    /// Whether both message files define `key`: the domain's tests check every key it can return.
    pub(crate) fn worded_in_both_languages(key: &str) -> bool {
        let defines = |file: &str| {
            file.lines()
                .filter_map(|l| l.split_once(" = "))
                .any(|(id, _)| id == key)
        };
        defines(VI) && defines(EN)
    }

    #[test]
    fn a_message_carries_its_arguments_in_order() {
        let m = super::Message::new("rp-duplicate").with("first_line", 3);
        assert_eq!(m.args, vec![("first_line", "3".to_string())]);
        assert!(worded_in_both_languages(m.key));
        assert!(!worded_in_both_languages("rp-no-such-message"));
    }
}
