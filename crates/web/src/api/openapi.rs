//! The OpenAPI 3.1 document for `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! declarations and the response types they return, so the document and the responses cannot drift
//! apart. The refusals every signed-in call can meet are added to each operation here, once. A test
//! checks that every API route in the route table is described and nothing else.

use crate::api::error_body::{ErrorBody, ValidationError};
use axum::Json;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, Ref, Response, ResponseBuilder, schema::Object, schema::Type,
};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "parindex API",
        version = "1",
        description = "Public Administration Reform Index (Chỉ số CCHC). Authenticate by logging in at /login (MoHA accounts then give their authenticator code at /login/code); the session cookie authorises API calls. Messages follow the `lang` cookie (vi default, en)."
    ),
    paths(
        crate::accounts::api::me,
        crate::campaigns::api::campaigns,
        crate::campaigns::api::campaign_units,
        crate::campaigns::api::unit,
        crate::self_assessment::api::self_assessment,
        crate::self_assessment::api::save_self_score,
        crate::survey::api::survey_progress,
        crate::respondents::api::list,
        crate::respondents::api::replace,
        crate::integrity::api::findings,
        crate::results::public::api,
        crate::appraisal::api::appraisal,
    ),
    components(schemas(ErrorBody, ValidationError)),
    modifiers(&SessionRefusals)
)]
struct ApiDoc;

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// The document as JSON.
pub fn spec() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
        Value::Null
    })
}

/// The session cookie, and the refusals any signed-in call can meet, on every operation that
/// needs a session (an operation's own description of a status wins).
struct SessionRefusals;

impl Modify for SessionRefusals {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("parindex_session"))),
        );
        for item in doc.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put]
                .into_iter()
                .flatten()
            {
                let signed_in = op
                    .security
                    .as_ref()
                    .is_some_and(|s| s.iter().any(|r| r != &Default::default()));
                if !signed_in {
                    continue;
                }
                for (status, response) in refusals() {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert(response.into());
                }
            }
        }
    }
}

fn error(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Error")))
            .build(),
    )
}

fn header(t: Type) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(Object::with_type(t)))
        .build()
}

fn refusals() -> [(u16, Response); 5] {
    [
        (401, error("Not logged in").build()),
        (403, error("Not allowed for this account or unit").build()),
        (404, error("No such resource").build()),
        (
            405,
            error("This path does not take the method; Allow lists the ones it does (code method_not_allowed)")
                .header("Allow", header(Type::String))
                .build(),
        ),
        (
            503,
            error("Briefly unavailable (the database or the file store; try again after the Retry-After seconds), or a setting the action needs is missing (code not_configured, e.g. public_origin for survey e-mails). Nothing was changed.")
                .header("Retry-After", header(Type::Integer))
                .build(),
        ),
    ]
}

#[cfg(test)]
mod error_codes {
    use crate::error::AppError;

    #[test]
    fn every_error_code_is_in_the_document() {
        let doc = super::spec();
        let error = &doc["components"]["schemas"]["Error"]["properties"]["error"];
        assert_eq!(error["$ref"], "#/components/schemas/ErrorDetail");
        let listed = doc["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for e in AppError::one_of_each() {
            assert!(
                listed.iter().any(|c| c == e.code()),
                "{} is not documented",
                e.code()
            );
        }
        assert_eq!(listed.len(), 13);
    }
}
