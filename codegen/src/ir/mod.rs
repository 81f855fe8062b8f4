//! The service closure with Rust names: everything the emitters need, nothing of JSON.

mod closure;
mod customize;
mod event_stream;
pub(crate) mod names;
mod operation;
mod paginator;
mod protocol;
mod recursion;
pub mod waiter;

use std::collections::BTreeMap;

use heck::ToKebabCase;

use crate::docs::html_to_markdown;
use crate::error::Error;
use serde_json::Value;

use crate::model::{Member, Model, Shape, ShapeId, ShapeKind, TimestampFormat, prelude_shape};

pub use event_stream::{Event, EventPayload, EventStream};
pub use names::escape_ident;
pub use operation::{
    Binding, HostPrefix, Http, Integrity, Operation, OperationError, OperationNames, PayloadKind,
    ServiceInfo, Signing, SkippedOperation, StaticParam,
};
pub use paginator::{Paginator, TokenPath};
pub use protocol::{AwsJsonVersion, Protocol};

/// Name of the catch-all variant of enums and unions.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// One generated crate.
#[derive(Clone, Debug, PartialEq)]
pub struct Crate {
    /// Cargo package name, e.g. `leansdk-customerprofiles`.
    pub package_name: String,
    /// Markdown crate docs from the service's title and documentation.
    pub docs: String,
    /// Data types, sorted by module name. Shapes used only as an operation's input or
    /// output are not among them: they are the operation's `<Op>Input`/`<Op>Output`.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by shape ID.
    pub operations: Vec<Operation>,
    /// Operations of the service left out of the crate, each with the reason.
    pub skipped_operations: Vec<SkippedOperation>,
    pub service: ServiceInfo,
    /// The wire protocol every operation speaks.
    pub protocol: Protocol,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub shape_id: String,
    /// Rust type name, unique in the crate.
    pub name: String,
    /// File/module name under `types/`.
    pub module: String,
    pub docs: String,
    pub kind: TypeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Vec<EnumVariant>),
    IntEnum(Vec<IntEnumVariant>),
    Union(Union),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// The element the structure is written as when it is a body's root: its
    /// `smithy.api#xmlName` (or shape name) and `smithy.api#xmlNamespace`.
    pub xml_name: XmlName,
    pub fields: Vec<Field>,
    /// `@sensitive` on the structure itself: `Debug` redacts the whole value.
    pub sensitive: bool,
    /// `Some` for `@error` shapes.
    pub error: Option<ErrorInfo>,
    pub role: StructRole,
}

/// What a structure is for, which decides the fields the generator adds to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructRole {
    /// A shape in `types` (error shapes included).
    Data,
    /// An operation's `<Op>Input`: HTTP-bound fields stay out of the body.
    Input,
    /// An operation's `<Op>Output`: HTTP-bound fields are not read from the body, and the
    /// request ID is kept in the extra field [`REQUEST_ID_FIELD`].
    Output,
}

/// The field of every `<Op>Output` that holds the response's request ID.
pub const REQUEST_ID_FIELD: &str = "request_id";

/// The field of every error shape that holds its `ErrorMetadata`.
pub const ERROR_META_FIELD: &str = "meta";

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorInfo {
    /// The field holding the error message (member `Message` or `message`).
    pub message_field: Option<String>,
    /// The message is `@sensitive`: it is dropped from the error's metadata.
    pub sensitive_message: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust identifier, possibly raw (`r#type`).
    pub name: String,
    /// The member's name in bodies: the member name, or its `smithy.api#jsonName` where
    /// the protocol honours it.
    pub wire_name: String,
    pub docs: String,
    pub ty: RustType,
    pub presence: Presence,
    pub sensitive: bool,
    /// `smithy.api#required` on an operation input: the field is `Option` (Smithy makes
    /// `@input` members nullable for clients) and sending fails, naming `member`, when unset.
    pub checked_required: bool,
    /// The model's member name, used in error messages.
    pub member: String,
    /// Where the member travels: the body, unless an HTTP binding trait of a REST protocol
    /// places it in an operation's input or output or an error.
    pub binding: Binding,
    /// The member's own (or its target's) `smithy.api#timestampFormat`, which overrides the
    /// default of its binding (date-time in URIs, http-date in headers).
    pub timestamp_format: Option<TimestampFormat>,
    /// `smithy.api#idempotencyToken`: filled with a fresh UUID when left unset.
    pub idempotency_token: bool,
    /// How the member travels in XML bodies.
    pub xml: XmlMember,
    /// `smithy.rules#contextParam`: the endpoint rule parameter the member's value is (in
    /// operation inputs).
    pub context_param: Option<String>,
    /// The member's key in awsQuery and ec2Query requests (`smithy.api#xmlName`, or for
    /// ec2Query `aws.protocols#ec2QueryName` or the capitalised name).
    pub query_name: String,
}

/// An element (or attribute) name in XML bodies, with the `smithy.api#xmlNamespace`
/// declared on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlName {
    pub name: String,
    pub namespace: Option<XmlNamespace>,
}

/// `smithy.api#xmlNamespace`: `xmlns="uri"`, or `xmlns:prefix="uri"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNamespace {
    pub prefix: Option<String>,
    pub uri: String,
}

impl XmlName {
    pub(crate) fn new(name: &str, traits: &crate::model::Traits) -> Self {
        Self {
            name: name.to_owned(),
            namespace: traits.xml_namespace().map(|(prefix, uri)| XmlNamespace {
                prefix: prefix.map(str::to_owned),
                uri: uri.to_owned(),
            }),
        }
    }
}

/// A member's XML form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlMember {
    /// `smithy.api#xmlName` or the member name, with the member's namespace.
    pub name: XmlName,
    /// `smithy.api#xmlAttribute`: an attribute of the structure's element.
    pub attribute: bool,
    /// `smithy.api#xmlFlattened`: list items (or map entries) are repeated elements named
    /// after the member, not children of one.
    pub flattened: bool,
}

impl Field {
    /// Whether the member travels outside the body.
    pub fn is_http_bound(&self) -> bool {
        self.binding != Binding::Body
    }
}

/// How a member's absence is represented.
#[derive(Clone, Debug, PartialEq)]
pub enum Presence {
    /// `Option<T>`.
    Optional,
    /// `@required`: plain `T`; a missing value becomes `T`'s zero value (error correction).
    Required,
    /// `@default`: plain `T` holding this value when absent.
    Default(DefaultValue),
}

/// A `@default` value that differs from what `Default::default()` gives, or `Zero`.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// `Default::default()` is the right value.
    Zero,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// A string enum's wire value.
    EnumValue(String),
    /// An intEnum's value.
    IntEnumValue(i64),
    /// Epoch seconds.
    Timestamp(i64),
}

#[derive(Clone, Debug, PartialEq)]
pub enum RustType {
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    String,
    /// bigInteger / bigDecimal: kept as their decimal text, no bignum crate.
    BigNumber,
    Blob,
    /// A streaming blob (`smithy.api#streaming`): `leansdk_runtime::ByteStream`.
    ByteStream,
    /// An output member targeting an event stream (a `smithy.api#streaming` union): the
    /// events the caller receives, `leansdk_runtime::event_stream::Receiver<union, error>`.
    EventReceiver {
        union: String,
        error: String,
    },
    /// An input member targeting an event stream: the events the caller sends,
    /// `leansdk_runtime::event_stream::EventStreamSender<union>`.
    EventSender {
        union: String,
    },
    Timestamp(TimestampFormat),
    Document,
    Named {
        name: String,
        boxed: bool,
        kind: NamedKind,
    },
    List {
        item: Box<RustType>,
        sparse: bool,
        /// The items' element name in XML bodies (`member` unless the list's member has a
        /// `smithy.api#xmlName`); it names them in awsQuery requests too.
        member: XmlName,
    },
    Map {
        value: Box<RustType>,
        sparse: bool,
        /// The element names of an entry's key and value in XML bodies and awsQuery
        /// requests (`key` and `value` unless renamed).
        key: XmlName,
        value_name: XmlName,
    },
}

/// What a generated type is, for the codecs that read and write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedKind {
    Structure,
    Union,
    /// A string enum (`From<&str>`).
    Enum,
    /// An `intEnum` (`From<i32>`).
    IntEnum,
}

impl RustType {
    /// Whether `Default::default()` exists for this type in generated code.
    pub fn has_default(&self) -> bool {
        !matches!(self, RustType::Timestamp(_))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub value: String,
    pub docs: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IntEnumVariant {
    pub name: String,
    pub value: i32,
    pub docs: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// The element the union is written as when it is a payload: its `smithy.api#xmlName`
    /// (or shape name) and `smithy.api#xmlNamespace`.
    pub xml_name: XmlName,
    /// For an event stream, its events only (its errors are in [`EventStream::errors`]).
    pub variants: Vec<UnionVariant>,
    pub sensitive: bool,
    /// `Some` for a `smithy.api#streaming` union: an event stream.
    pub event_stream: Option<EventStream>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub wire_name: String,
    /// The member's element in XML bodies.
    pub xml_name: XmlName,
    /// The member's key in awsQuery and ec2Query requests.
    pub query_name: String,
    pub docs: String,
    pub ty: RustType,
    pub sensitive: bool,
}

impl Crate {
    /// Builds the IR of the service `service` (or the model's only service).
    pub fn build(model: &Model, service: Option<&str>) -> Result<Self, Error> {
        let service = model.service(service)?;
        let protocol = protocol::select(service)?;
        let closure = closure::data_shapes(model, service);
        let (skipped_operations, operation_shapes): (Vec<_>, Vec<_>) =
            operation::operation_shapes(model, &closure)
                .into_iter()
                .map(|shape| operation::unsupported(model, protocol, shape).ok_or(shape))
                .partition(Result::is_ok);
        let skipped_operations: Vec<SkippedOperation> = skipped_operations
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        let operation_shapes: Vec<&Shape> = operation_shapes
            .into_iter()
            .filter_map(Result::err)
            .collect();
        let io_only = operation::io_only_shapes(model, &operation_shapes, &closure);
        let shapes: Vec<ShapeId> = closure
            .into_iter()
            .filter(|id| !io_only.contains(id))
            .collect();
        let (names, stream_errors) = assign_type_names(model, &shapes, service.id.namespace());
        let service_info = ServiceInfo::new(service)?;
        let builder = Builder {
            model,
            names: &names,
            stream_errors: &stream_errors,
            graph: recursion::ValueGraph::new(model),
            protocol,
            root_namespace: service_info.xml_namespace.clone(),
        };
        let mut types = Vec::new();
        for id in &shapes {
            if let Some(shape) = model.shape(id)
                && let Some(def) = builder.type_def(shape)?
            {
                types.push(def);
            }
        }
        types.sort_by(|a, b| a.module.cmp(&b.module));
        // `Client` has `new` and `config` of its own.
        let mut method_scope = names::Scope::with_reserved(&["new", "config"]);
        let mut operation_types = names::Scope::default();
        let operations: Vec<Operation> = operation_shapes
            .into_iter()
            .map(|shape| {
                let mut op = builder.operation(shape, &mut method_scope, &mut operation_types)?;
                op.paginator = paginator::resolve(&types, service, shape, &op.input, &op.output)?;
                let io = waiter::Io {
                    input: &op.input,
                    input_name: &op.names.input,
                    output: &op.output,
                    output_name: &op.names.output,
                };
                op.waiters = waiter::resolve(&types, shape, io, &op.errors)?;
                Ok(op)
            })
            .collect::<Result<_, Error>>()?;
        event_stream::mark_directions(&mut types, &operations);
        let mut krate = Crate {
            package_name: package_name(service),
            docs: crate_docs(service),
            types,
            operations,
            skipped_operations,
            service: service_info,
            protocol,
        };
        customize::apply(&service.id, &mut krate);
        Ok(krate)
    }
}

/// `leansdk-` plus the `sdkId` lowercased without separators, as AWS SDKs name crates
/// (`Customer Profiles` -> `customerprofiles`); the service shape name without `aws.api#service`.
fn package_name(service: &Shape) -> String {
    let sdk_id = service
        .traits
        .aws_sdk_id()
        .map_or_else(|| service.id.name().to_kebab_case(), str::to_owned);
    let id: String = sdk_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("leansdk-{}", id.to_ascii_lowercase())
}

fn crate_docs(service: &Shape) -> String {
    let title = service.traits.title().unwrap_or(service.id.name());
    let body = service
        .traits
        .documentation()
        .map(html_to_markdown)
        .unwrap_or_default();
    let heading = format!("# {}", crate::docs::escape_text(title));
    if body.is_empty() {
        heading
    } else {
        format!("{heading}\n\n{body}")
    }
}

fn generates_type(shape: &Shape) -> bool {
    match &shape.kind {
        ShapeKind::Structure(_)
        | ShapeKind::Union(_)
        | ShapeKind::Enum(_)
        | ShapeKind::IntEnum(_) => true,
        ShapeKind::String => shape.traits.legacy_enum().is_some(),
        _ => false,
    }
}

/// The Rust name of each generated type and, for each event stream (a
/// `smithy.api#streaming` union), of its error enum (`<Union>Error`), all unique.
fn assign_type_names(
    model: &Model,
    shapes: &[ShapeId],
    service_namespace: &str,
) -> (BTreeMap<ShapeId, String>, BTreeMap<ShapeId, String>) {
    let mut ordered: Vec<&ShapeId> = shapes
        .iter()
        .filter(|id| model.shape(id).is_some_and(generates_type))
        .collect();
    // The service's own namespace gets first pick of the plain names.
    ordered.sort_by_key(|id| (id.namespace() != service_namespace, *id));
    let mut scope = names::Scope::default();
    let names: BTreeMap<ShapeId, String> = ordered
        .iter()
        .map(|id| {
            let name = names::type_name(&mut scope, id.namespace(), id.name());
            ((*id).clone(), name)
        })
        .collect();
    let stream_errors = ordered
        .into_iter()
        .filter(|id| model.shape(id).is_some_and(event_stream::is_event_stream))
        .map(|id| {
            let error = format!("{}Error", names[id]);
            (
                id.clone(),
                names::type_name(&mut scope, id.namespace(), &error),
            )
        })
        .collect();
    (names, stream_errors)
}

struct Builder<'m> {
    model: &'m Model,
    names: &'m BTreeMap<ShapeId, String>,
    /// The error enum names of event streams.
    stream_errors: &'m BTreeMap<ShapeId, String>,
    graph: recursion::ValueGraph<'m>,
    protocol: Protocol,
    /// The service's `smithy.api#xmlNamespace`, declared on XML bodies' roots that declare
    /// none of their own.
    root_namespace: Option<XmlNamespace>,
}

fn docs(traits: &crate::model::Traits) -> String {
    traits
        .documentation()
        .map(html_to_markdown)
        .unwrap_or_default()
}

impl Builder<'_> {
    fn type_def(&self, shape: &Shape) -> Result<Option<TypeDef>, Error> {
        let Some(name) = self.names.get(&shape.id) else {
            return Ok(None);
        };
        let kind = match &shape.kind {
            ShapeKind::Structure(_) => TypeKind::Struct(self.structure(shape, StructRole::Data)?),
            ShapeKind::Union(_) => TypeKind::Union(self.union(shape)?),
            ShapeKind::Enum(_) | ShapeKind::String => TypeKind::Enum(enum_variants(shape)),
            ShapeKind::IntEnum(_) => TypeKind::IntEnum(int_enum_variants(shape)),
            _ => return Ok(None),
        };
        Ok(Some(TypeDef {
            shape_id: shape.id.to_string(),
            name: name.clone(),
            module: names::module_name(name),
            docs: docs(&shape.traits),
            kind,
        }))
    }

    fn structure(&self, shape: &Shape, role: StructRole) -> Result<Struct, Error> {
        // Members keep clear of the fields the generator adds.
        let mut scope = match (role, shape.traits.error()) {
            (StructRole::Output, _) => names::Scope::with_reserved(&[REQUEST_ID_FIELD]),
            (_, Some(_)) => names::Scope::with_reserved(&[ERROR_META_FIELD]),
            _ => names::Scope::default(),
        };
        // Binding traits place members of operation inputs, outputs and errors only.
        let bound = role != StructRole::Data || shape.traits.error().is_some();
        let mut fields = Vec::new();
        for member in shape.members() {
            let target = self.target(shape, member)?;
            let ty = match self.rust_type(shape, member, &target)? {
                // What a caller holds of a stream depends on its direction.
                RustType::EventReceiver { union, .. } if role == StructRole::Input => {
                    RustType::EventSender { union }
                }
                ty => ty,
            };
            let mut presence = presence(member, &target, &ty);
            let checked_required = role == StructRole::Input && presence == Presence::Required;
            if checked_required {
                presence = Presence::Optional;
            }
            let binding = if let Some(binding) = event_stream::binding(member, &target) {
                binding
            } else if bound && self.protocol.has_http_bindings() {
                operation::binding(member, &target, self.root_namespace.as_ref()).filter_for(role)
            } else {
                Binding::Body
            };
            let target_format = target.traits().and_then(|t| t.timestamp_format());
            let xml_name = member.traits.xml_name().unwrap_or(&member.name);
            fields.push(Field {
                xml: XmlMember {
                    name: XmlName::new(xml_name, &member.traits),
                    attribute: member.traits.is_xml_attribute(),
                    flattened: member.traits.is_xml_flattened(),
                },
                query_name: self.query_name(member),
                context_param: member
                    .traits
                    .get("smithy.rules#contextParam")
                    .and_then(|param| param.get("name"))
                    .and_then(Value::as_str)
                    .filter(|_| role == StructRole::Input)
                    .map(str::to_owned),
                name: names::field_name(&mut scope, &member.name),
                wire_name: self.wire_name(member).to_owned(),
                docs: docs(&member.traits),
                ty,
                presence,
                sensitive: self.is_sensitive(member, &target),
                checked_required,
                member: member.name.clone(),
                binding,
                timestamp_format: member.traits.timestamp_format().or(target_format),
                idempotency_token: member.traits.has("smithy.api#idempotencyToken"),
            });
        }
        // `smithy.api#error` shapes get `message()`, backed by `Message` or `message`.
        let message = shape
            .members()
            .iter()
            .zip(&fields)
            .find(|(m, _)| m.name == "Message" || m.name == "message");
        let error = shape.traits.error().map(|_| ErrorInfo {
            message_field: message.map(|(_, f)| f.name.clone()),
            sensitive_message: message.is_some_and(|(_, f)| f.sensitive),
        });
        let mut xml_name = XmlName::new(
            shape.traits.xml_name().unwrap_or(shape.id.name()),
            &shape.traits,
        );
        // An input's body is a document of its own: its root declares the service's namespace.
        if role == StructRole::Input && xml_name.namespace.is_none() {
            xml_name.namespace.clone_from(&self.root_namespace);
        }
        Ok(Struct {
            xml_name,
            fields,
            sensitive: shape.traits.is_sensitive(),
            error,
            role,
        })
    }

    fn union(&self, shape: &Shape) -> Result<Union, Error> {
        let mut scope = names::Scope::with_reserved(&[UNKNOWN_VARIANT]);
        let mut variants = Vec::new();
        let mut stream = self
            .stream_errors
            .get(&shape.id)
            .map(|error_name| EventStream {
                error_name: error_name.clone(),
                errors: Vec::new(),
                events: Vec::new(),
                received: false,
                sent: false,
            });
        for member in shape.members() {
            let target = self.target(shape, member)?;
            let mut event = None;
            if let Some(stream) = &mut stream {
                match self.stream_member(shape, member, &target)? {
                    event_stream::StreamMember::Exception(error) => {
                        stream.errors.push(error);
                        continue;
                    }
                    event_stream::StreamMember::Event(headers, payload) => {
                        event = Some((headers, payload))
                    }
                }
            }
            let name = names::variant_name(&mut scope, &member.name);
            if let (Some(stream), Some((headers, payload))) = (&mut stream, event) {
                stream.events.push(Event {
                    variant: name.clone(),
                    wire_name: member.name.clone(),
                    structure: self.names[&member.target].clone(),
                    headers,
                    payload,
                });
            }
            variants.push(UnionVariant {
                query_name: self.query_name(member),
                xml_name: XmlName::new(
                    member.traits.xml_name().unwrap_or(&member.name),
                    &member.traits,
                ),
                name,
                wire_name: self.wire_name(member).to_owned(),
                docs: docs(&member.traits),
                ty: self.rust_type(shape, member, &target)?,
                sensitive: self.is_sensitive(member, &target),
            });
        }
        Ok(Union {
            xml_name: XmlName::new(
                shape.traits.xml_name().unwrap_or(shape.id.name()),
                &shape.traits,
            ),
            variants,
            sensitive: shape.traits.is_sensitive(),
            event_stream: stream,
        })
    }

    /// The member's key in query requests: ec2Query's own name, capitalised (a rule of the
    /// protocol), else `smithy.api#xmlName` or the member name.
    fn query_name(&self, member: &Member) -> String {
        let xml_name = member.traits.xml_name().unwrap_or(&member.name);
        match self.protocol {
            Protocol::Ec2Query => match member.traits.ec2_query_name() {
                Some(name) => name.to_owned(),
                None => capitalise(xml_name),
            },
            _ => xml_name.to_owned(),
        }
    }

    /// `smithy.api#jsonName` where the protocol honours it, else the member name.
    fn wire_name<'a>(&self, member: &'a Member) -> &'a str {
        member
            .traits
            .json_name()
            .filter(|_| self.protocol.honours_json_name())
            .unwrap_or(&member.name)
    }

    fn target(&self, container: &Shape, member: &Member) -> Result<Target<'_>, Error> {
        resolve(self.model, &member.target).ok_or_else(|| Error::UnknownTarget {
            member: container.id.member(&member.name),
            target: member.target.to_string(),
        })
    }

    /// `@sensitive` on the member, its target, or the elements of a target list/map.
    fn is_sensitive(&self, member: &Member, target: &Target<'_>) -> bool {
        member.traits.is_sensitive() || self.target_is_sensitive(target, 0)
    }

    fn target_is_sensitive(&self, target: &Target<'_>, depth: usize) -> bool {
        let Target::Model(shape) = target else {
            return false;
        };
        if shape.traits.is_sensitive() {
            return true;
        }
        // The depth bound stops recursive lists of lists from looping.
        let element = match &shape.kind {
            ShapeKind::List(m) => Some(m),
            ShapeKind::Map { value, .. } => Some(value),
            _ => None,
        };
        element.is_some_and(|m| {
            m.traits.is_sensitive()
                || (depth < 16
                    && resolve(self.model, &m.target)
                        .is_some_and(|t| self.target_is_sensitive(&t, depth + 1)))
        })
    }

    /// The Rust type of `member` of `container`. A member's `@timestampFormat` wins over its target's.
    fn rust_type(
        &self,
        container: &Shape,
        member: &Member,
        target: &Target<'_>,
    ) -> Result<RustType, Error> {
        let ty = self.rust_type_at(container, &member.target, target, 0)?;
        Ok(with_member_format(ty, member))
    }

    fn rust_type_at(
        &self,
        container: &Shape,
        id: &ShapeId,
        target: &Target<'_>,
        depth: usize,
    ) -> Result<RustType, Error> {
        let traits = match target {
            Target::Prelude(..) => None,
            Target::Model(shape) => Some(&shape.traits),
        };
        if let Some(error) = self.stream_errors.get(id) {
            return Ok(RustType::EventReceiver {
                union: self.names[id].clone(),
                error: error.clone(),
            });
        }
        if let Some(name) = self.names.get(id) {
            let boxed = depth == 0 && self.graph.needs_box(&container.id, id);
            let kind = match target.kind() {
                ShapeKind::Structure(_) => NamedKind::Structure,
                ShapeKind::Union(_) => NamedKind::Union,
                ShapeKind::IntEnum(_) => NamedKind::IntEnum,
                _ => NamedKind::Enum,
            };
            return Ok(RustType::Named {
                name: name.clone(),
                boxed,
                kind,
            });
        }
        let element = |member: &Member| -> Result<RustType, Error> {
            let target =
                resolve(self.model, &member.target).ok_or_else(|| Error::UnknownTarget {
                    member: id.member(&member.name),
                    target: member.target.to_string(),
                })?;
            let ty = self.rust_type_at(container, &member.target, &target, depth + 1)?;
            Ok(with_member_format(ty, member))
        };
        let sparse = traits.is_some_and(|t| t.is_sparse());
        Ok(match target.kind() {
            ShapeKind::Blob if traits.is_some_and(|t| t.has("smithy.api#streaming")) => {
                RustType::ByteStream
            }
            ShapeKind::Blob => RustType::Blob,
            ShapeKind::Boolean => RustType::Bool,
            ShapeKind::String => RustType::String,
            ShapeKind::Byte => RustType::I8,
            ShapeKind::Short => RustType::I16,
            ShapeKind::Integer => RustType::I32,
            ShapeKind::Long => RustType::I64,
            ShapeKind::Float => RustType::F32,
            ShapeKind::Double => RustType::F64,
            ShapeKind::BigInteger | ShapeKind::BigDecimal => RustType::BigNumber,
            ShapeKind::Timestamp => RustType::Timestamp(
                traits
                    .and_then(|t| t.timestamp_format())
                    .unwrap_or(self.protocol.body_timestamp_format()),
            ),
            ShapeKind::Document => RustType::Document,
            ShapeKind::List(member) => RustType::List {
                item: Box::new(element(member)?),
                sparse,
                member: XmlName::new(member.traits.xml_name().unwrap_or("member"), &member.traits),
            },
            ShapeKind::Map { key, value } => RustType::Map {
                value: Box::new(element(value)?),
                sparse,
                key: XmlName::new(key.traits.xml_name().unwrap_or("key"), &key.traits),
                value_name: XmlName::new(value.traits.xml_name().unwrap_or("value"), &value.traits),
            },
            // Aggregates and enums are named above; a prelude Unit has no Rust type.
            _ => RustType::Document,
        })
    }
}

/// A member target: a model shape, or a prelude shape with whether it is a `Primitive*` one.
enum Target<'m> {
    Model(&'m Shape),
    Prelude(Box<ShapeKind>, bool),
}

/// `name` with its first letter in upper case.
fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `smithy.api#timestampFormat` on a member overrides the one on its target.
fn with_member_format(ty: RustType, member: &Member) -> RustType {
    match (ty, member.traits.timestamp_format()) {
        (RustType::Timestamp(_), Some(format)) => RustType::Timestamp(format),
        (ty, _) => ty,
    }
}

fn resolve<'m>(model: &'m Model, id: &ShapeId) -> Option<Target<'m>> {
    match model.shape(id) {
        Some(shape) => Some(Target::Model(shape)),
        None => {
            prelude_shape(id).map(|(kind, primitive)| Target::Prelude(Box::new(kind), primitive))
        }
    }
}

impl Target<'_> {
    /// The target's traits; prelude shapes have none that matter here.
    fn traits(&self) -> Option<&crate::model::Traits> {
        match self {
            Target::Model(shape) => Some(&shape.traits),
            Target::Prelude(..) => None,
        }
    }

    fn kind(&self) -> &ShapeKind {
        match self {
            Target::Model(shape) => &shape.kind,
            Target::Prelude(kind, _) => kind,
        }
    }
}

/// Smithy's nullability rules, simplified for clients: `@clientOptional` and a `null`
/// default force `Option`; a default or a `Primitive*` target give a plain value; so does
/// `@required`. A default the generator cannot express falls back to `Option`.
fn presence(member: &Member, target: &Target<'_>, ty: &RustType) -> Presence {
    let traits = &member.traits;
    if traits.is_client_optional() {
        return Presence::Optional;
    }
    if let Some(value) = traits.default_value() {
        return default_value(value, target, ty).map_or(Presence::Optional, Presence::Default);
    }
    if traits.has("smithy.api#default") {
        return Presence::Optional;
    }
    if matches!(target, Target::Prelude(_, true)) {
        return Presence::Default(DefaultValue::Zero);
    }
    if traits.is_required() {
        return Presence::Required;
    }
    Presence::Optional
}

/// Converts a `smithy.api#default` value for a member of type `ty`.
fn default_value(value: &Value, target: &Target<'_>, ty: &RustType) -> Option<DefaultValue> {
    let zero_or = |is_zero: bool, value: DefaultValue| {
        if is_zero { DefaultValue::Zero } else { value }
    };
    Some(match (ty, value) {
        (RustType::Bool, Value::Bool(b)) => zero_or(!b, DefaultValue::Bool(*b)),
        (RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64, Value::Number(n)) => {
            let n = n.as_i64()?;
            zero_or(n == 0, DefaultValue::Int(n))
        }
        (RustType::F32 | RustType::F64, Value::Number(n)) => {
            let n = n.as_f64()?;
            zero_or(n == 0.0, DefaultValue::Float(n))
        }
        (RustType::String | RustType::BigNumber, Value::String(s)) => {
            zero_or(s.is_empty(), DefaultValue::String(s.clone()))
        }
        (RustType::BigNumber, Value::Number(n)) => DefaultValue::String(n.to_string()),
        (RustType::Blob | RustType::ByteStream, Value::String(s)) if s.is_empty() => {
            DefaultValue::Zero
        }
        (RustType::Timestamp(_), Value::Number(n)) => DefaultValue::Timestamp(n.as_i64()?),
        (RustType::List { .. }, Value::Array(a)) if a.is_empty() => DefaultValue::Zero,
        (RustType::Map { .. }, Value::Object(o)) if o.is_empty() => DefaultValue::Zero,
        (RustType::Named { .. }, Value::String(s)) if is_string_enum(target.kind()) => {
            DefaultValue::EnumValue(s.clone())
        }
        (RustType::Named { .. }, Value::Number(n))
            if matches!(target.kind(), ShapeKind::IntEnum(_)) =>
        {
            DefaultValue::IntEnumValue(n.as_i64()?)
        }
        _ => return None,
    })
}

fn is_string_enum(kind: &ShapeKind) -> bool {
    matches!(kind, ShapeKind::Enum(_) | ShapeKind::String)
}

/// Variants of an `enum` shape or of a string with the legacy `smithy.api#enum` trait.
fn enum_variants(shape: &Shape) -> Vec<EnumVariant> {
    let mut scope = names::Scope::with_reserved(&[UNKNOWN_VARIANT]);
    let values: Vec<(String, String, String)> = match &shape.kind {
        ShapeKind::Enum(members) => members
            .iter()
            .map(|m| {
                let value = m
                    .traits
                    .enum_value()
                    .and_then(Value::as_str)
                    .unwrap_or(&m.name)
                    .to_owned();
                (m.name.clone(), value, docs(&m.traits))
            })
            .collect(),
        _ => shape
            .traits
            .legacy_enum()
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                let name = v.name.clone().unwrap_or_else(|| v.value.clone());
                let docs = v
                    .documentation
                    .as_deref()
                    .map(html_to_markdown)
                    .unwrap_or_default();
                (name, v.value, docs)
            })
            .collect(),
    };
    values
        .into_iter()
        .map(|(name, value, docs)| EnumVariant {
            name: names::variant_name(&mut scope, &name),
            value,
            docs,
        })
        .collect()
}

/// Variants of an `intEnum`; values outside `i32` are dropped (Smithy intEnums are 32-bit).
fn int_enum_variants(shape: &Shape) -> Vec<IntEnumVariant> {
    let mut scope = names::Scope::with_reserved(&[UNKNOWN_VARIANT]);
    shape
        .members()
        .iter()
        .filter_map(|m| {
            let value = i32::try_from(m.traits.enum_value()?.as_i64()?).ok()?;
            Some(IntEnumVariant {
                name: names::variant_name(&mut scope, &m.name),
                value,
                docs: docs(&m.traits),
            })
        })
        .collect()
}
