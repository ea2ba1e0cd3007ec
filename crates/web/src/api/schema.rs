//! Schemas the derived ones cannot say by themselves: the names a domain enum is stored and sent
//! by (from the enum's own `ALL` and `as_str`, so a new variant is documented without a second list),
//! exact points sent as text, and the loose contact objects.

use parindex_domain::appraisal::{Stage, Verdict};
use parindex_domain::criteria::Method;
use parindex_domain::self_assessment::LeafStatus;
use parindex_domain::self_assessment::State as SaState;
use parindex_domain::{DeadlineKind, Level, Role};
use serde_json::Value;
use utoipa::openapi::schema::{AdditionalProperties, Object, ObjectBuilder, SchemaType, Type};

/// A string that is one of `names`.
pub(crate) fn one_of<'a>(names: impl IntoIterator<Item = &'a str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .build()
}

/// A string that is one of `names`, or null.
pub(crate) fn one_of_or_null<'a>(names: impl IntoIterator<Item = &'a str>) -> Object {
    let values = names
        .into_iter()
        .map(Value::from)
        .chain([Value::Null])
        .collect::<Vec<_>>();
    ObjectBuilder::new()
        .schema_type(
            [Type::String, Type::Null]
                .into_iter()
                .collect::<SchemaType>(),
        )
        .enum_values(Some(values))
        .build()
}

/// `schema` with a description: a field whose schema comes from a function loses its doc comment.
pub(crate) fn described(mut schema: Object, description: &str) -> Object {
    schema.description = Some(description.to_string());
    schema
}

pub(crate) fn role() -> Object {
    one_of(Role::ALL.map(Role::as_str))
}

pub(crate) fn level() -> Object {
    one_of(Level::ALL.map(Level::as_str))
}

pub(crate) fn deadline_kind() -> Object {
    one_of(DeadlineKind::ALL.map(DeadlineKind::as_str))
}

pub(crate) fn method() -> Object {
    one_of(Method::ALL.map(Method::as_str))
}

/// A leaf's scoring method; null for a leaf scored some other way.
pub(crate) fn method_or_null() -> Object {
    described(
        one_of_or_null(Method::ALL.map(Method::as_str)),
        "How the leaf is scored",
    )
}

/// Where a self-assessed leaf stands; null for the other leaves.
pub(crate) fn leaf_status_or_null() -> Object {
    described(
        one_of_or_null(LeafStatus::ALL.map(LeafStatus::as_str)),
        "Where a self-assessed leaf stands; null for the other leaves",
    )
}

pub(crate) fn report_state() -> Object {
    one_of(SaState::ALL.map(SaState::as_str))
}

pub(crate) fn stage_or_null() -> Object {
    described(
        one_of_or_null(Stage::ALL.map(Stage::as_str)),
        "The appraisal's stage; null until the report is submitted",
    )
}

pub(crate) fn verdict() -> Object {
    one_of(Verdict::ALL.map(Verdict::as_str))
}

/// A contact's fields by name, or null when there is none.
pub(crate) fn contact_or_null() -> Object {
    ObjectBuilder::new()
        .schema_type(
            [Type::Object, Type::Null]
                .into_iter()
                .collect::<SchemaType>(),
        )
        .additional_properties(Some(AdditionalProperties::RefOr(
            Object::with_type(Type::String).into(),
        )))
        .build()
}
