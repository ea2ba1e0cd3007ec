//! The survey: questionnaires as data (one per respondent group and level, each question with its
//! answer options and the survey sub-criterion it feeds), answering them page by page, the e-mail
//! delivery and reminder rules, and the salted hashes kept as paradata. Pure rules; storage, e-mail
//! and pages live elsewhere.

pub mod answering;
pub mod delivery;
pub mod paradata;
pub mod questionnaire;
pub mod readdress;
pub mod reminders;

pub use delivery::{Attempt, Delivery, Next, RetryPolicy};
pub use questionnaire::{
    AnswerOption, Question, Questionnaire, QuestionnaireProblem, QuestionnaireSet, SameText, check,
    parse, same_texts,
};
pub use reminders::{ReminderCandidate, ReminderPolicy};
