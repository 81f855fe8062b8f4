//! Shapes of the `smithy.api` prelude, which models reference without defining.

use super::{ShapeId, ShapeKind};

/// The prelude shape `id` names, and whether it is a `Primitive*` shape, whose
/// members default to the zero value.
pub fn prelude_shape(id: &ShapeId) -> Option<(ShapeKind, bool)> {
    if id.namespace() != "smithy.api" {
        return None;
    }
    let (kind, primitive) = match id.name() {
        "String" => (ShapeKind::String, false),
        "Blob" => (ShapeKind::Blob, false),
        "BigInteger" => (ShapeKind::BigInteger, false),
        "BigDecimal" => (ShapeKind::BigDecimal, false),
        "Timestamp" => (ShapeKind::Timestamp, false),
        "Document" => (ShapeKind::Document, false),
        "Boolean" => (ShapeKind::Boolean, false),
        "PrimitiveBoolean" => (ShapeKind::Boolean, true),
        "Byte" => (ShapeKind::Byte, false),
        "PrimitiveByte" => (ShapeKind::Byte, true),
        "Short" => (ShapeKind::Short, false),
        "PrimitiveShort" => (ShapeKind::Short, true),
        "Integer" => (ShapeKind::Integer, false),
        "PrimitiveInteger" => (ShapeKind::Integer, true),
        "Long" => (ShapeKind::Long, false),
        "PrimitiveLong" => (ShapeKind::Long, true),
        "Float" => (ShapeKind::Float, false),
        "PrimitiveFloat" => (ShapeKind::Float, true),
        "Double" => (ShapeKind::Double, false),
        "PrimitiveDouble" => (ShapeKind::Double, true),
        // `smithy.api#Unit`: the empty structure that marks "no input/output/value".
        "Unit" => (ShapeKind::Structure(Vec::new()), false),
        _ => return None,
    };
    Some((kind, primitive))
}

pub fn is_prelude_shape(id: &ShapeId) -> bool {
    prelude_shape(id).is_some()
}
