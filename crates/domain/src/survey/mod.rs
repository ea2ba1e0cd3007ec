//! The survey's questionnaires (phiếu khảo sát) as data: one per respondent group and level, each
//! question with its answer options (each worth a fraction of the points, or "don't know") and the
//! survey sub-criterion it feeds. Pure rules; storage, e-mail and pages live elsewhere.

pub mod questionnaire;

pub use questionnaire::{
    AnswerOption, Question, Questionnaire, QuestionnaireProblem, QuestionnaireSet, check, parse,
};
