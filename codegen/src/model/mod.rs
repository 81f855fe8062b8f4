//! A faithful, Rust-agnostic model of a Smithy 2.0 JSON AST document.
//!
//! Parsing happens in two steps: serde reads the loose JSON layout ([`raw`]), then
//! [`Model::from_raw`] turns every shape into a typed [`Shape`] and checks that each
//! reference resolves. `apply` shapes are ignored.

mod ordered;
mod prelude;
mod raw;
mod traits;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub use ordered::OrderedMap;
pub use prelude::{is_prelude_shape, prelude_shape};
pub use traits::{ErrorFault, LegacyEnumValue, TimestampFormat, Traits};

use crate::error::Error;

/// An absolute shape ID, `namespace#Name`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShapeId(String);

impl ShapeId {
    pub fn parse(id: &str) -> Result<Self, Error> {
        match id.split_once('#') {
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('$') => {
                Ok(ShapeId(id.to_owned()))
            }
            _ => Err(Error::InvalidShapeId { id: id.to_owned() }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn namespace(&self) -> &str {
        self.0.split_once('#').map_or("", |(ns, _)| ns)
    }

    pub fn name(&self) -> &str {
        self.0
            .split_once('#')
            .map_or(self.0.as_str(), |(_, name)| name)
    }

    /// The ID of one of this shape's members, `ns#Shape$member`.
    pub fn member(&self, member: &str) -> String {
        format!("{}${member}", self.0)
    }
}

impl fmt::Display for ShapeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A member of an aggregate shape (or the `member`/`key`/`value` of a list or map).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub target: ShapeId,
    pub traits: Traits,
}

/// Input, output and errors of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub input: Option<ShapeId>,
    pub output: Option<ShapeId>,
    pub errors: Vec<ShapeId>,
}

/// The lifecycle and nested shapes of a resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    pub identifiers: Vec<(String, ShapeId)>,
    pub properties: Vec<(String, ShapeId)>,
    pub create: Option<ShapeId>,
    pub put: Option<ShapeId>,
    pub read: Option<ShapeId>,
    pub update: Option<ShapeId>,
    pub delete: Option<ShapeId>,
    pub list: Option<ShapeId>,
    pub operations: Vec<ShapeId>,
    pub collection_operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
}

impl Resource {
    /// Every operation bound to the resource, lifecycle ones first.
    pub fn all_operations(&self) -> impl Iterator<Item = &ShapeId> {
        [
            &self.create,
            &self.put,
            &self.read,
            &self.update,
            &self.delete,
            &self.list,
        ]
        .into_iter()
        .flatten()
        .chain(&self.operations)
        .chain(&self.collection_operations)
    }
}

/// A service shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub version: Option<String>,
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
    pub errors: Vec<ShapeId>,
}

/// The type of a shape, with what that type carries.
#[derive(Clone, Debug, PartialEq)]
pub enum ShapeKind {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    Enum(Vec<Member>),
    IntEnum(Vec<Member>),
    List(Member),
    Map { key: Member, value: Member },
    Structure(Vec<Member>),
    Union(Vec<Member>),
    Operation(Operation),
    Resource(Resource),
    Service(Service),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub id: ShapeId,
    pub kind: ShapeKind,
    pub traits: Traits,
}

impl Shape {
    /// Members of enum, intEnum, structure and union shapes (empty for the others).
    pub fn members(&self) -> &[Member] {
        match &self.kind {
            ShapeKind::Enum(m)
            | ShapeKind::IntEnum(m)
            | ShapeKind::Structure(m)
            | ShapeKind::Union(m) => m,
            _ => &[],
        }
    }

    /// Like [`Shape::members`], plus the `member` of a list and the `key`/`value` of a map.
    pub fn all_members(&self) -> Vec<&Member> {
        match &self.kind {
            ShapeKind::List(m) => vec![m],
            ShapeKind::Map { key, value } => vec![key, value],
            _ => self.members().iter().collect(),
        }
    }

    /// Shapes an operation, resource or service points at, other than through members.
    pub fn references(&self) -> Vec<&ShapeId> {
        match &self.kind {
            ShapeKind::Operation(op) => op
                .input
                .iter()
                .chain(&op.output)
                .chain(&op.errors)
                .collect(),
            ShapeKind::Resource(res) => res
                .all_operations()
                .chain(&res.resources)
                .chain(res.identifiers.iter().map(|(_, id)| id))
                .chain(res.properties.iter().map(|(_, id)| id))
                .collect(),
            ShapeKind::Service(svc) => svc
                .operations
                .iter()
                .chain(&svc.resources)
                .chain(&svc.errors)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A parsed model: every shape by ID, sorted for deterministic walks.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub smithy_version: String,
    pub shapes: BTreeMap<ShapeId, Shape>,
}

impl Model {
    /// Parses a Smithy JSON AST document.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let raw: raw::RawModel = serde_json::from_str(json).map_err(|e| Error::json(None, &e))?;
        Self::from_raw(raw)
    }

    /// Reads and parses a model file; errors name the path.
    pub fn from_path(path: &Path) -> Result<Self, Error> {
        let json = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let raw: raw::RawModel =
            serde_json::from_str(&json).map_err(|e| Error::json(Some(path.to_owned()), &e))?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: raw::RawModel) -> Result<Self, Error> {
        let mut shapes = BTreeMap::new();
        for (id, shape) in raw.shapes {
            if let Some(shape) = shape.into_shape(&id)? {
                shapes.insert(shape.id.clone(), shape);
            }
        }
        let model = Model {
            smithy_version: raw.smithy,
            shapes,
        };
        model.check_references()?;
        Ok(model)
    }

    pub fn shape(&self, id: &ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The only service in the model, or the one named by `id`.
    pub fn service(&self, id: Option<&str>) -> Result<&Shape, Error> {
        if let Some(id) = id {
            return self
                .shapes
                .values()
                .find(|s| s.id.as_str() == id && matches!(s.kind, ShapeKind::Service(_)))
                .ok_or_else(|| Error::ServiceNotFound { id: id.to_owned() });
        }
        let mut services = self
            .shapes
            .values()
            .filter(|s| matches!(s.kind, ShapeKind::Service(_)));
        match (services.next(), services.next()) {
            (None, _) => Err(Error::NoService),
            (Some(only), None) => Ok(only),
            (Some(first), Some(second)) => {
                let candidates = [first, second]
                    .into_iter()
                    .chain(services)
                    .map(|s| s.id.to_string())
                    .collect();
                Err(Error::AmbiguousService { candidates })
            }
        }
    }

    fn resolves(&self, id: &ShapeId) -> bool {
        self.shapes.contains_key(id) || is_prelude_shape(id)
    }

    /// Every member target and every shape reference must name a known shape.
    fn check_references(&self) -> Result<(), Error> {
        for shape in self.shapes.values() {
            for member in shape.all_members() {
                if !self.resolves(&member.target) {
                    return Err(Error::UnknownTarget {
                        member: shape.id.member(&member.name),
                        target: member.target.to_string(),
                    });
                }
            }
            for target in shape.references() {
                if !self.resolves(target) {
                    return Err(Error::UnknownReference {
                        from: shape.id.to_string(),
                        target: target.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
