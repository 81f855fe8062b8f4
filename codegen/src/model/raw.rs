//! The JSON AST layout as serde reads it, before shapes are typed and checked.

use serde::Deserialize;

use super::{Member, Operation, OrderedMap, Resource, Service, Shape, ShapeId, ShapeKind, Traits};
use crate::error::Error;

#[derive(Deserialize)]
pub(super) struct RawModel {
    pub smithy: String,
    #[serde(default)]
    pub shapes: OrderedMap<RawShape>,
}

#[derive(Deserialize)]
pub(super) struct Target {
    target: String,
}

#[derive(Deserialize)]
pub(super) struct RawMember {
    target: String,
    #[serde(default)]
    traits: Traits,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawShape {
    #[serde(rename = "type")]
    type_name: String,
    #[serde(default)]
    traits: Traits,
    #[serde(default)]
    members: OrderedMap<RawMember>,
    member: Option<RawMember>,
    key: Option<RawMember>,
    value: Option<RawMember>,
    version: Option<String>,
    input: Option<Target>,
    output: Option<Target>,
    #[serde(default)]
    errors: Vec<Target>,
    #[serde(default)]
    operations: Vec<Target>,
    #[serde(default)]
    resources: Vec<Target>,
    #[serde(default)]
    identifiers: OrderedMap<Target>,
    #[serde(default)]
    properties: OrderedMap<Target>,
    create: Option<Target>,
    put: Option<Target>,
    read: Option<Target>,
    update: Option<Target>,
    delete: Option<Target>,
    list: Option<Target>,
    #[serde(default)]
    collection_operations: Vec<Target>,
}

fn id(target: &Target) -> Result<ShapeId, Error> {
    ShapeId::parse(&target.target)
}

fn optional(target: &Option<Target>) -> Result<Option<ShapeId>, Error> {
    target.as_ref().map(id).transpose()
}

fn ids(targets: &[Target]) -> Result<Vec<ShapeId>, Error> {
    targets.iter().map(id).collect()
}

fn named(targets: &OrderedMap<Target>) -> Result<Vec<(String, ShapeId)>, Error> {
    targets
        .iter()
        .map(|(name, t)| Ok((name.to_owned(), id(t)?)))
        .collect()
}

impl RawShape {
    /// `None` for `apply` statements, which only add traits elsewhere.
    pub(super) fn into_shape(self, shape_id: &str) -> Result<Option<Shape>, Error> {
        let shape = ShapeId::parse(shape_id)?;
        let member = |name: &str, raw: Option<RawMember>| -> Result<Member, Error> {
            let raw = raw.ok_or_else(|| Error::UnknownTarget {
                member: shape.member(name),
                target: "<missing>".to_owned(),
            })?;
            Ok(Member {
                name: name.to_owned(),
                target: ShapeId::parse(&raw.target)?,
                traits: raw.traits,
            })
        };
        let members = |raw: OrderedMap<RawMember>| -> Result<Vec<Member>, Error> {
            raw.into_iter()
                .map(|(name, m)| member(&name, Some(m)))
                .collect()
        };
        let kind = match self.type_name.as_str() {
            "apply" => return Ok(None),
            "blob" => ShapeKind::Blob,
            "boolean" => ShapeKind::Boolean,
            "string" => ShapeKind::String,
            "byte" => ShapeKind::Byte,
            "short" => ShapeKind::Short,
            "integer" => ShapeKind::Integer,
            "long" => ShapeKind::Long,
            "float" => ShapeKind::Float,
            "double" => ShapeKind::Double,
            "bigInteger" => ShapeKind::BigInteger,
            "bigDecimal" => ShapeKind::BigDecimal,
            "timestamp" => ShapeKind::Timestamp,
            "document" => ShapeKind::Document,
            "enum" => ShapeKind::Enum(members(self.members)?),
            "intEnum" => ShapeKind::IntEnum(members(self.members)?),
            "list" | "set" => ShapeKind::List(member("member", self.member)?),
            "map" => ShapeKind::Map {
                key: member("key", self.key)?,
                value: member("value", self.value)?,
            },
            "structure" => ShapeKind::Structure(members(self.members)?),
            "union" => ShapeKind::Union(members(self.members)?),
            "operation" => ShapeKind::Operation(Operation {
                input: optional(&self.input)?,
                output: optional(&self.output)?,
                errors: ids(&self.errors)?,
            }),
            "resource" => ShapeKind::Resource(Resource {
                identifiers: named(&self.identifiers)?,
                properties: named(&self.properties)?,
                create: optional(&self.create)?,
                put: optional(&self.put)?,
                read: optional(&self.read)?,
                update: optional(&self.update)?,
                delete: optional(&self.delete)?,
                list: optional(&self.list)?,
                operations: ids(&self.operations)?,
                collection_operations: ids(&self.collection_operations)?,
                resources: ids(&self.resources)?,
            }),
            "service" => ShapeKind::Service(Service {
                version: self.version,
                operations: ids(&self.operations)?,
                resources: ids(&self.resources)?,
                errors: ids(&self.errors)?,
            }),
            other => {
                return Err(Error::UnsupportedShapeType {
                    shape: shape_id.to_owned(),
                    type_name: other.to_owned(),
                });
            }
        };
        Ok(Some(Shape {
            id: shape,
            kind,
            traits: self.traits,
        }))
    }
}
