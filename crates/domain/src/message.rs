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
