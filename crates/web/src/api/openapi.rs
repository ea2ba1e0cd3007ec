//! The OpenAPI 3.1 document for `/api/v1`. A test checks that every API route in the route table is
//! described here and that nothing described is missing from the table.

use axum::Json;
use serde_json::{Value, json};

pub async fn document() -> Json<Value> {
    Json(spec())
}

fn error_responses() -> Value {
    json!({
        "401": { "description": "Not logged in", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "403": { "description": "Not allowed for this account or unit", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "404": { "description": "No such resource", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "405": { "description": "This path does not take the method; Allow lists the ones it does (code method_not_allowed)", "headers": { "Allow": { "schema": { "type": "string" } } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "503": { "description": "Briefly unavailable (the database or the file store; try again after the Retry-After seconds), or a setting the action needs is missing (code not_configured, e.g. public_origin for survey e-mails). Nothing was changed.", "headers": { "Retry-After": { "schema": { "type": "integer" } } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

fn get(summary: &str, schema: &str, params: Value) -> Value {
    let mut responses = error_responses();
    if let Some(m) = responses.as_object_mut() {
        m.insert(
            "200".into(),
            json!({ "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } }),
        );
    }
    json!({ "get": { "summary": summary, "parameters": params, "responses": responses, "security": [{ "session": [] }] } })
}

fn save_score_op() -> Value {
    let mut responses = error_responses();
    if let Some(m) = responses.as_object_mut() {
        m.insert("200".into(), json!({ "description": "Saved; the leaf as it is now", "content": { "application/json": { "schema": { "type": "object", "properties": { "leaf": { "$ref": "#/components/schemas/Leaf" } } } } } }));
        m.insert("409".into(), json!({ "description": "The self-assessment deadline has passed", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }));
        m.insert("422".into(), json!({ "description": "Invalid input, by field; nothing saved", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ValidationError" } } } }));
        m.insert("413".into(), json!({ "description": "The body is over the size limit; nothing saved", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }));
        m.insert("507".into(), json!({ "description": "The server's storage is full; nothing saved", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }));
    }
    json!({ "post": {
        "summary": "Save one self-assessed leaf's score and explanation (the unit's officers, while the report is a draft and the deadline open). Send an Origin header matching the server, as browsers do.",
        "parameters": [
            { "name": "unit", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } },
            { "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "1.1.1" }
        ],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ScoreBody" } } } },
        "responses": responses,
        "security": [{ "session": [] }]
    } })
}

/// The published results of a year: public, no session needed.
fn results_op() -> Value {
    json!({ "get": {
        "summary": "A year's published PAR Index results: every unit's index, tier, place, points by method, fields and criteria. The newest published version, or `version`. Public.",
        "parameters": [
            { "name": "year", "in": "path", "required": true, "schema": { "type": "integer" }, "example": 2023 },
            { "name": "version", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1 } }
        ],
        "responses": {
            "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Results" } } } },
            "404": { "description": "No published result for that year or version", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
        },
        "security": []
    } })
}

fn id_param(name: &str) -> Value {
    json!([{ "name": name, "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } }])
}

pub fn spec() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "parindex API",
            "version": "1",
            "description": "Public Administration Reform Index (Chỉ số CCHC). Authenticate by logging in at /login (MoHA accounts then give their authenticator code at /login/code); the session cookie authorises API calls. Messages follow the `lang` cookie (vi default, en)."
        },
        "paths": {
            "/api/v1/me": get("The signed-in account", "Me", json!([])),
            "/api/v1/campaigns": get("All campaigns with their deadlines (MoHA staff)", "CampaignList", json!([])),
            "/api/v1/campaigns/{campaign}/units": get("The units of one campaign (MoHA staff)", "UnitList", id_param("campaign")),
            "/api/v1/units/{unit}": get("One unit with its deadlines, support contact and focal contacts (MoHA staff or the unit's own accounts)", "UnitDetail", id_param("unit")),
            "/api/v1/units/{unit}/self-assessment": get("The unit's self-assessment: state, and every leaf with its score, explanation and status (MoHA staff or the unit's own accounts)", "SelfAssessment", id_param("unit")),
            "/api/v1/units/{unit}/self-assessment/leaves/{code}": save_score_op(),
            "/api/v1/units/{unit}/survey": get("The unit's survey progress: when it opened, counts per group and organisation (listed, invited, e-mail sent or failed, opened, completed) and when each response was completed. Never an answer. MoHA staff or the unit's own accounts.", "SurveyProgress", id_param("unit")),
            "/api/v1/results/{year}": results_op(),
            "/api/v1/units/{unit}/appraisal": get("MoHA's appraisal of the unit's submitted self-assessment: the stage and every self-assessed leaf's history. MoHA staff see every decision as it stands; the unit's accounts see round 1 once it was sent to them and round 2 once final.", "Appraisal", id_param("unit"))
        },
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": "parindex_session" } },
            "schemas": {
                "Results": { "type": "object", "required": ["year", "version", "draft", "input_sha256", "levels"], "properties": {
                    "year": { "type": "integer" },
                    "version": { "type": "integer", "description": "Published version number (1, 2, …); 0 is a draft, which this endpoint never returns" },
                    "draft": { "type": "boolean" },
                    "computed_at_ms": { "type": "integer" },
                    "published_at_ms": { "type": ["integer", "null"] },
                    "input_sha256": { "type": "string", "description": "SHA-256 of the canonical inputs the version was computed from" },
                    "levels": { "type": "array", "items": { "type": "object", "required": ["level", "criteria_set", "units"], "properties": {
                        "level": { "type": "string", "enum": ["ministry", "province"] },
                        "criteria_set": { "type": "string" },
                        "units": { "type": "array", "description": "Ranked units by place, then the units that are not ranked", "items": { "$ref": "#/components/schemas/UnitResult" } } } } } } },
                "UnitResult": { "type": "object", "required": ["code", "index", "tier", "total", "max"], "properties": {
                    "code": { "type": "string" }, "name": { "type": "string" }, "short_name": { "type": "string" },
                    "place": { "type": ["integer", "null"], "description": "Shared by ties (1, 2, 2, 4); null when not ranked" },
                    "not_ranked": { "type": "boolean" },
                    "index": { "type": "string", "description": "Points ÷ maximum × 100, two decimals, e.g. \"92.18\"" },
                    "tier": { "type": "string", "enum": ["A", "B", "C", "D"] },
                    "total": { "type": "string" }, "max": { "type": "string" },
                    "survey_cancelled": { "type": "boolean" },
                    "missing": { "type": "integer", "description": "Items with no score, counted answer or figure" },
                    "methods": { "type": "array", "items": { "type": "object", "properties": { "method": { "type": "string", "enum": ["self", "survey", "imported"] }, "points": { "type": "string" }, "max": { "type": "string" } } } },
                    "fields": { "type": "array", "items": { "$ref": "#/components/schemas/NodeResult" } },
                    "criteria": { "type": "array", "items": { "$ref": "#/components/schemas/NodeResult" } } } },
                "NodeResult": { "type": "object", "required": ["code", "points", "max", "index"], "properties": {
                    "code": { "type": "string" }, "points": { "type": "string" }, "max": { "type": "string" }, "index": { "type": "string" } } },
                "SurveyProgress": { "type": "object", "required": ["unit_id", "rows", "completions_ms"], "properties": {
                    "unit_id": { "type": "integer" },
                    "opened_at_ms": { "type": ["integer", "null"], "description": "When MoHA opened the unit's survey (ms since the epoch); null while it is not open" },
                    "rows": { "type": "array", "items": { "type": "object", "required": ["group_code", "organisation", "listed", "invited", "delivered", "failed", "opened", "completed"], "properties": {
                        "group_code": { "type": "string" }, "organisation": { "type": "string" },
                        "listed": { "type": "integer" }, "invited": { "type": "integer" }, "delivered": { "type": "integer" },
                        "failed": { "type": "integer" }, "opened": { "type": "integer" }, "completed": { "type": "integer" } } } },
                    "completions_ms": { "type": "array", "items": { "type": "integer" }, "description": "When each response was completed, oldest first" } } },
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": { "code": { "type": "string", "description": "What went wrong, for programs; the message says it for people, in the request's language.", "enum": ["unauthenticated", "password_change_required", "forbidden", "not_found", "bad_request", "too_large", "method_not_allowed", "locked", "cross_site", "unavailable", "storage_full", "not_configured", "internal"] }, "message": { "type": "string" } } } } },
                "ValidationError": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message", "fields"], "properties": {
                    "code": { "type": "string", "enum": ["invalid"] },
                    "message": { "type": "string" },
                    "fields": { "type": "object", "description": "What is wrong with each field, by the field's name, in the request's language", "additionalProperties": { "type": "string" } } } } } },
                "Me": { "type": "object", "required": ["id", "username", "full_name", "email", "role"], "properties": {
                    "id": { "type": "integer" }, "username": { "type": "string" }, "full_name": { "type": "string" }, "email": { "type": "string" },
                    "role": { "type": "string", "enum": ["moha_admin", "moha_appraiser", "unit_officer", "unit_leader", "unit_viewer"] },
                    "unit_id": { "type": ["integer", "null"] } } },
                "Campaign": { "type": "object", "required": ["id", "year", "name_vi", "name_en"], "properties": {
                    "id": { "type": "integer" }, "year": { "type": "integer" }, "name_vi": { "type": "string" }, "name_en": { "type": "string" },
                    "legal_basis": { "type": "string" },
                    "deadlines": { "type": "object", "description": "Deadline kind → ISO day (respondent_list, survey_answers, self_assessment, focal_registration); each closes at 23:59:59 Vietnam time.", "additionalProperties": { "type": "string", "format": "date" } } } },
                "CampaignList": { "type": "object", "properties": { "campaigns": { "type": "array", "items": { "$ref": "#/components/schemas/Campaign" } } } },
                "Unit": { "type": "object", "required": ["id", "code", "level", "name", "short_name"], "properties": {
                    "id": { "type": "integer" }, "campaign_id": { "type": "integer" }, "code": { "type": "string" },
                    "level": { "type": "string", "enum": ["ministry", "province"] }, "name": { "type": "string" }, "short_name": { "type": "string" },
                    "not_ranked": { "type": "boolean" }, "email_domains": { "type": "array", "items": { "type": "string" } } } },
                "UnitList": { "type": "object", "properties": { "units": { "type": "array", "items": { "$ref": "#/components/schemas/Unit" } } } },
                "UnitDeadline": { "type": "object", "properties": {
                    "kind": { "type": "string" }, "due_date": { "type": ["string", "null"], "format": "date" }, "extended": { "type": "boolean" },
                    "extension_reason": { "type": ["string", "null"] }, "open": { "type": "boolean" } } },
                "ScoreBody": { "type": "object", "properties": {
                    "score": { "type": "string", "description": "Points with up to 2 decimals, e.g. \"1.25\" or \"1,25\"; empty clears the score" },
                    "explanation": { "type": "string" } } },
                "Leaf": { "type": "object", "properties": {
                    "code": { "type": "string" }, "name_vi": { "type": "string" }, "name_en": { "type": "string" },
                    "max": { "type": "string" }, "method": { "type": ["string", "null"], "enum": ["self", "survey", "imported", null] },
                    "score": { "type": ["string", "null"] }, "explanation": { "type": "string" }, "evidence_count": { "type": "integer" },
                    "status": { "type": ["string", "null"], "enum": ["not_started", "in_progress", "complete", "needs_explanation", null] } } },
                "SelfAssessment": { "type": "object", "properties": {
                    "unit_id": { "type": "integer" },
                    "state": { "type": "string", "enum": ["draft", "awaiting_approval", "approved", "submitted"] },
                    "open": { "type": "boolean" }, "editable": { "type": "boolean" }, "complete": { "type": "boolean" },
                    "leader_comment": { "type": "string" }, "difficulties": { "type": "string" },
                    "leaves": { "type": "array", "items": { "$ref": "#/components/schemas/Leaf" } } } },
                "Decision": { "type": ["object", "null"], "properties": {
                    "verdict": { "type": "string", "enum": ["accept", "keep", "adjust"] },
                    "score": { "type": "string" }, "comment": { "type": "string" } } },
                "AppraisedLeaf": { "type": "object", "properties": {
                    "code": { "type": "string" }, "max": { "type": "string" },
                    "self_score": { "type": ["string", "null"] },
                    "round1": { "$ref": "#/components/schemas/Decision" },
                    "explanation": { "type": ["string", "null"], "description": "The unit's explanation; null for MoHA until the unit sent it" },
                    "round2": { "$ref": "#/components/schemas/Decision" },
                    "score": { "type": ["string", "null"], "description": "The score as it stands for the caller: the last visible decision, else the self score" } } },
                "Appraisal": { "type": "object", "properties": {
                    "unit_id": { "type": "integer" },
                    "submitted": { "type": "boolean" },
                    "stage": { "type": ["string", "null"], "enum": ["round1", "explaining", "round2", "final", null], "description": "null until the report is submitted" },
                    "explain_due": { "type": ["string", "null"], "format": "date" },
                    "self_points": { "type": "string" }, "points": { "type": "string" },
                    "leaves": { "type": "array", "items": { "$ref": "#/components/schemas/AppraisedLeaf" } } } },
                "Contact": { "type": ["object", "null"], "additionalProperties": { "type": "string" } },
                "UnitDetail": { "type": "object", "properties": {
                    "unit": { "$ref": "#/components/schemas/Unit" },
                    "campaign": { "type": "object" },
                    "deadlines": { "type": "array", "items": { "$ref": "#/components/schemas/UnitDeadline" } },
                    "support_contact": { "$ref": "#/components/schemas/Contact" },
                    "focal_contacts": { "$ref": "#/components/schemas/Contact" } } }
            }
        }
    })
}

#[cfg(test)]
mod error_codes {
    use crate::error::AppError;

    #[test]
    fn every_error_code_is_in_the_document() {
        let doc = super::spec();
        let listed = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
            ["code"]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let all = [
            AppError::Unauthenticated,
            AppError::PasswordChangeRequired,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::BadRequest("x"),
            AppError::TooLarge,
            AppError::MethodNotAllowed,
            AppError::Locked {
                action_key: "x",
                closed_at: String::new(),
            },
            AppError::CrossSite,
            AppError::Unavailable(String::new()),
            AppError::StorageFull(String::new()),
            AppError::NotConfigured("x"),
            AppError::bug(""),
        ];
        // No wildcard: a new kind of error does not compile until it is listed above.
        let _listed_above = |e: &AppError| match e {
            AppError::Unauthenticated
            | AppError::PasswordChangeRequired
            | AppError::Forbidden
            | AppError::NotFound
            | AppError::BadRequest(_)
            | AppError::TooLarge
            | AppError::MethodNotAllowed
            | AppError::Locked { .. }
            | AppError::CrossSite
            | AppError::Unavailable(_)
            | AppError::StorageFull(_)
            | AppError::NotConfigured(_)
            | AppError::Internal { .. } => (),
        };
        for e in all {
            assert!(
                listed.iter().any(|c| c == e.code()),
                "{} is not documented",
                e.code()
            );
        }
        assert_eq!(listed.len(), 13);
    }
}
