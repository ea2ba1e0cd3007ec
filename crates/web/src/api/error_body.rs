//! The JSON bodies of a refusal, as the API sends them and its document describes them: one type
//! for both, so the two cannot drift apart.

use crate::error::AppError;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

/// Any refusal or failure: a code for programs and a message for people.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    #[schema(schema_with = error_codes)]
    pub code: &'static str,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: &'static str, message: String) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail { code, message },
        }
    }
}

fn error_codes() -> Object {
    let all = AppError::one_of_each();
    super::schema::described(
        super::schema::one_of(all.iter().map(AppError::code)),
        "What went wrong, for programs; the message says it for people, in the request's language",
    )
}

/// A refused save: what is wrong with each field, and nothing saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationError {
    pub error: Invalid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invalid {
    #[schema(schema_with = invalid_code)]
    pub code: &'static str,
    pub message: String,
    /// What is wrong with each field, by the field's name, in the request's language.
    pub fields: BTreeMap<String, String>,
}

fn invalid_code() -> Object {
    super::schema::one_of(["invalid"])
}

impl ValidationError {
    /// The problems of a refused input, `(field, message)`, under the general `message`.
    pub fn new<'a>(
        message: String,
        problems: impl IntoIterator<Item = (&'a str, String)>,
    ) -> ValidationError {
        ValidationError {
            error: Invalid {
                code: "invalid",
                message,
                fields: problems
                    .into_iter()
                    .map(|(f, m)| (f.to_string(), m))
                    .collect(),
            },
        }
    }
}
