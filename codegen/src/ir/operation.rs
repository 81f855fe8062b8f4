//! Operations with their HTTP bindings (`smithy.api#http` and the member binding traits),
//! the service facts the client needs, and the endpoint rules, parsed.

use std::collections::BTreeSet;

use leansdk_runtime::endpoint::RuleSet;
use leansdk_runtime::endpoint::test_case::{TestCase, TestSuite};
use serde_json::Value;

use super::paginator::Paginator;
use super::waiter::Waiter;
use super::{Builder, Field, Struct, StructRole, Target, XmlName, docs, names};
use crate::error::Error;
use crate::model::{Member, Model, Shape, ShapeId, ShapeKind};

/// One operation: `operation/<module>.rs` and a `Client` method.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The operation's shape name in UpperCamelCase, e.g. `GetWorkflow`: the prefix of its
    /// Rust type names and the name the orchestrator logs.
    pub name: String,
    /// The operation's shape name exactly as in the model, e.g. `DescribeDBInstances`: what
    /// RPC protocols name it by on the wire.
    pub wire_name: String,
    /// The operation's shape ID.
    pub shape_id: String,
    /// Module under `operation/` and `Client` method name, e.g. `get_workflow`.
    pub module: String,
    /// The Rust types of the operation's module.
    pub names: OperationNames,
    pub docs: String,
    /// `smithy.api#http` for REST protocols; `POST /` for RPC ones, which ignore it.
    pub http: Http,
    pub input: Struct,
    pub output: Struct,
    pub errors: Vec<OperationError>,
    /// `smithy.api#paginated`, resolved to fields.
    pub paginator: Option<Paginator>,
    /// `smithy.waiters#waitable`, typed against the input and output.
    pub waiters: Vec<Waiter>,
    /// `smithy.api#endpoint`: put in front of the endpoint's host.
    pub host_prefix: Option<HostPrefix>,
    /// `smithy.rules#staticContextParams`: endpoint rule parameters the operation fixes.
    pub static_context_params: Vec<(String, StaticParam)>,
    /// Sent without a signature: `smithy.api#auth` is empty or `smithy.api#optionalAuth`
    /// is set (STS's web-identity call, SSO's and SSO-OIDC's token calls).
    pub unsigned: bool,
    /// What the operation asks of its bodies: checksums and compression.
    pub integrity: Integrity,
}

/// An operation's body integrity traits: `aws.protocols#httpChecksum`,
/// `smithy.api#httpChecksumRequired` and `smithy.api#requestCompression`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Integrity {
    /// `aws.protocols#httpChecksum` with `requestAlgorithmMember` or
    /// `requestChecksumRequired`.
    pub request_checksum: Option<RequestChecksum>,
    /// `smithy.api#httpChecksumRequired`: `Content-MD5` unless a flexible checksum is sent.
    pub md5_required: bool,
    /// `aws.protocols#httpChecksum` with `responseAlgorithms`.
    pub response_checksum: Option<ResponseChecksum>,
    /// `smithy.api#requestCompression` lists `gzip` (the one encoding AWS SDKs implement).
    pub gzip: bool,
}

impl Integrity {
    /// Whether the operation computes or validates checksums (the runtime's `checksums`).
    pub fn uses_checksums(&self) -> bool {
        self.request_checksum.is_some() || self.md5_required || self.response_checksum.is_some()
    }
}

/// The request side of `aws.protocols#httpChecksum`.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestChecksum {
    /// The `requestAlgorithmMember`'s field: the algorithm the caller picks.
    pub algorithm_member: Option<Field>,
    /// `requestChecksumRequired`.
    pub required: bool,
}

/// The response side of `aws.protocols#httpChecksum`.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseChecksum {
    /// The `requestValidationModeMember`'s field: `ENABLED` turns validation on.
    pub mode_member: Option<Field>,
    /// `responseAlgorithms`, e.g. `CRC32`, `SHA256`.
    pub algorithms: Vec<String>,
}

/// The integrity traits of `operation`, whose input became `input`.
fn integrity(operation: &Shape, input: &Struct) -> Integrity {
    let checksum = operation.traits.get("aws.protocols#httpChecksum");
    let text = |key: &str| checksum.and_then(|c| c.get(key)).and_then(Value::as_str);
    let field = |member: Option<&str>| {
        let member = member?;
        input.fields.iter().find(|f| f.member == member).cloned()
    };
    let required = checksum
        .and_then(|c| c.get("requestChecksumRequired"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let algorithm_member = field(text("requestAlgorithmMember"));
    let request_checksum = (required || algorithm_member.is_some()).then_some(RequestChecksum {
        algorithm_member,
        required,
    });
    let algorithms: Vec<String> = checksum
        .and_then(|c| c.get("responseAlgorithms"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let response_checksum = (!algorithms.is_empty()).then(|| ResponseChecksum {
        mode_member: field(text("requestValidationModeMember")),
        algorithms,
    });
    let gzip = operation
        .traits
        .get("smithy.api#requestCompression")
        .and_then(|c| c.get("encodings"))
        .and_then(Value::as_array)
        .is_some_and(|encodings| {
            encodings
                .iter()
                .any(|e| e.as_str().is_some_and(|e| e.eq_ignore_ascii_case("gzip")))
        });
    Integrity {
        request_checksum,
        md5_required: operation.traits.has("smithy.api#httpChecksumRequired"),
        response_checksum,
        gzip,
    }
}

impl Operation {
    /// The output member that streams (an `smithy.api#httpPayload` with
    /// `smithy.api#streaming`, e.g. S3 `GetObject`'s `Body`), handed to the caller unread.
    pub fn streamed_output(&self) -> Option<&super::Field> {
        self.output.fields.iter().find(|f| {
            matches!(
                f.binding,
                Binding::Payload(PayloadKind::Stream | PayloadKind::EventStream, _)
            )
        })
    }
}

impl Operation {
    /// Whether the input streams events: the request body is a stream of signed messages,
    /// sent over HTTP/2.
    pub fn sends_events(&self) -> bool {
        self.input
            .fields
            .iter()
            .any(|f| matches!(f.ty, super::RustType::EventSender { .. }))
    }

    /// Whether the input or output streams events.
    pub fn streams_events(&self) -> bool {
        self.sends_events()
            || self
                .output
                .fields
                .iter()
                .any(|f| matches!(f.ty, super::RustType::EventReceiver { .. }))
    }
}

/// The value of one `smithy.rules#staticContextParams` entry.
#[derive(Clone, Debug, PartialEq)]
pub enum StaticParam {
    Bool(bool),
    String(String),
}

/// The type names of one operation's module: `<Op>Input`, `<Op>Output`, `<Op>Error` and
/// `<Op>FluentBuilder`, decided here once.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationNames {
    pub input: String,
    pub output: String,
    pub error: String,
    pub builder: String,
}

impl OperationNames {
    fn new(operation: &str) -> Self {
        Self {
            input: format!("{operation}Input"),
            output: format!("{operation}Output"),
            error: format!("{operation}Error"),
            builder: format!("{operation}FluentBuilder"),
        }
    }
}

/// `smithy.api#endpoint` `hostPrefix`, e.g. `{AccountId}.data.`, with the input fields
/// bound to its labels by `smithy.api#hostLabel`.
#[derive(Clone, Debug, PartialEq)]
pub struct HostPrefix {
    pub template: String,
    /// Label (member name) and the field holding its value.
    pub labels: Vec<(String, Field)>,
}

/// An operation of the service that the crate leaves out, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedOperation {
    pub name: String,
    pub reason: String,
}

/// Why an operation cannot be generated, if it cannot: a streaming blob that is not the
/// HTTP payload (Smithy allows none: nothing could carry it), or an event stream whose
/// operation needs what this SDK does not build: an input stream over a protocol other than
/// restJson1 (RPC protocols send the other members first, in an `initial-request` message;
/// no XML service takes one), or the other members of an RPC output (an
/// `initial-response` message).
pub(super) fn unsupported(
    model: &Model,
    protocol: super::Protocol,
    operation: &Shape,
) -> Option<SkippedOperation> {
    let ShapeKind::Operation(op) = &operation.kind else {
        return None;
    };
    let io = |id: &Option<ShapeId>| id.as_ref().and_then(|id| model.shape(id));
    let reason = [(io(&op.input), true), (io(&op.output), false)]
        .into_iter()
        .filter_map(|(shape, input)| Some((shape?, input)))
        .find_map(|(io, input)| {
            io.members().iter().find_map(|member| {
                let target = model.shape(&member.target)?;
                if !target.traits.has("smithy.api#streaming") {
                    return None;
                }
                match target.kind {
                    ShapeKind::Union(_) if input && protocol != super::Protocol::RestJson1 => {
                        Some(format!(
                            "member `{}` is an input event stream, which only restJson1 \
                             operations are built to send",
                            member.name
                        ))
                    }
                    ShapeKind::Union(_)
                        if !input && !protocol.has_http_bindings() && io.members().len() > 1 =>
                    {
                        Some(format!(
                            "output event stream `{}` comes with other members, which RPC \
                             protocols send in an `initial-response` message, not built",
                            member.name
                        ))
                    }
                    ShapeKind::Blob if !member.traits.has("smithy.api#httpPayload") => {
                        Some(format!(
                            "member `{}` is a streaming blob (`smithy.api#streaming` `{}`) but \
                             not the `smithy.api#httpPayload`",
                            member.name, member.target
                        ))
                    }
                    _ => None,
                }
            })
        })?;
    Some(SkippedOperation {
        name: operation.id.name().to_owned(),
        reason,
    })
}

/// `smithy.api#http`.
#[derive(Clone, Debug, PartialEq)]
pub struct Http {
    pub method: String,
    pub uri: String,
    pub code: u16,
}

/// Where a member travels in the HTTP message.
#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    /// In the body with the other unbound members.
    Body,
    /// `smithy.api#httpLabel`.
    Label,
    /// `smithy.api#httpQuery` with the parameter name.
    Query(String),
    /// `smithy.api#httpQueryParams`: a map of further parameters.
    QueryParams,
    /// `smithy.api#httpHeader` with the header name.
    Header(String),
    /// `smithy.api#httpHeader` on a string with `smithy.api#mediaType`: its value travels
    /// base64-encoded (it may hold line breaks, e.g. JSON).
    MediaTypeHeader(String),
    /// `smithy.api#httpPrefixHeaders` with the prefix.
    PrefixHeaders(String),
    /// `smithy.api#httpPayload`: the member is the whole body; a structure or union payload
    /// of an XML protocol is the root element named here (the member's `smithy.api#xmlName`,
    /// else its target's, else the target's shape name).
    Payload(PayloadKind, super::XmlName),
    /// `smithy.api#httpResponseCode` (outputs only).
    ResponseCode,
    /// `smithy.api#eventHeader`: a member of an event, in a header of its message named
    /// after the member.
    EventHeader,
    /// Nowhere in the message: the member only feeds the endpoint rules, which place it
    /// (S3's `Bucket`, in the host or the path; see `customize`).
    EndpointOnly,
}

impl Binding {
    /// The binding where it applies: labels and query parameters are request things, the
    /// response code a response thing; elsewhere Smithy ignores them and the member travels
    /// in the body.
    pub(super) fn filter_for(self, role: StructRole) -> Binding {
        let applies = match &self {
            Binding::Label | Binding::Query(_) | Binding::QueryParams => role == StructRole::Input,
            Binding::ResponseCode => role != StructRole::Input,
            _ => true,
        };
        if applies { self } else { Binding::Body }
    }
}

/// How an `smithy.api#httpPayload` member is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    /// Structures and documents: in the protocol's format (JSON: `{}` when unset).
    Structure,
    /// Unions: in the protocol's format, and no body at all when unset.
    Union,
    /// Blobs: the raw bytes.
    Blob,
    /// Streaming blobs (`smithy.api#streaming`): a `ByteStream`, sent as it is read and
    /// handed to the caller unread.
    Stream,
    /// Strings and string enums: the raw text.
    Text,
    /// An event stream (a `smithy.api#streaming` union): messages, sent or received one by
    /// one. RPC protocols have no `smithy.api#httpPayload`, but the stream is their body
    /// all the same.
    EventStream,
}

/// A modelled error an operation can return; how to read it is the error type's own
/// `from_response` (see [`ErrorInfo`](super::ErrorInfo)).
#[derive(Clone, Debug, PartialEq)]
pub struct OperationError {
    /// The error type in `types`, also the enum variant name.
    pub type_name: String,
    /// The error codes that name it on the wire, the one callers see first: the shape
    /// name, and for query-compatible services its `aws.protocols#awsQueryError` code
    /// before that.
    pub codes: Vec<String>,
    /// `is_<snake>()` helper name.
    pub snake: String,
}

/// What the generated `Client` needs to know about the service.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceInfo {
    /// `aws.api#service` `sdkId`, or the service shape name.
    pub sdk_id: String,
    /// The service shape's name, e.g. `DynamoDB_20120810` (awsJson's `X-Amz-Target` prefix).
    pub shape_name: String,
    /// The service's API version, e.g. `2011-06-15` (awsQuery's `Version`).
    pub version: String,
    /// The service's `smithy.api#xmlNamespace`: declared on the root of XML bodies whose
    /// shape declares none.
    pub xml_namespace: Option<super::XmlNamespace>,
    /// How requests are signed beyond SigV4's defaults.
    pub signing: Signing,
    /// `aws.auth#sigv4` `name`, or the `sdk_id` lowercased.
    pub signing_name: String,
    /// `smithy.rules#endpointRuleSet` and `smithy.rules#endpointTests`, if the service has
    /// a rule set.
    pub endpoint: Option<EndpointRules>,
}

/// A service's endpoint rules: parsed, and so validated, with the runtime's own parser,
/// which the generated module runs too.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointRules {
    /// The rule set as the model writes it, which the generated module embeds.
    pub json: Value,
    pub rule_set: RuleSet,
    /// `smithy.rules#endpointTests`' cases (none without the trait).
    pub tests: Vec<TestCase>,
}

fn endpoint_rules(service: &Shape) -> Result<Option<EndpointRules>, Error> {
    let Some(json) = service.traits.get("smithy.rules#endpointRuleSet") else {
        return Ok(None);
    };
    let error = |message: String| Error::EndpointRules {
        service: service.id.to_string(),
        message,
    };
    let rule_set = RuleSet::from_json(&json.to_string()).map_err(|e| error(e.to_string()))?;
    let tests = match service.traits.get("smithy.rules#endpointTests") {
        None => Vec::new(),
        Some(tests) => {
            TestSuite::from_json(&tests.to_string())
                .map_err(|e| error(format!("smithy.rules#endpointTests: {e}")))?
                .test_cases
        }
    };
    Ok(Some(EndpointRules {
        json: json.clone(),
        rule_set,
        tests,
    }))
}

impl ServiceInfo {
    /// Fails when the endpoint rule set or its tests cannot be used (e.g. a rule calls an
    /// unknown function).
    pub(super) fn new(service: &Shape) -> Result<Self, Error> {
        let traits = &service.traits;
        let sdk_id = traits.aws_sdk_id().unwrap_or(service.id.name()).to_owned();
        let signing_name = traits
            .get("aws.auth#sigv4")
            .and_then(|sigv4| sigv4.get("name"))
            .and_then(Value::as_str)
            .map_or_else(|| sdk_id.to_ascii_lowercase(), str::to_owned);
        let version = match &service.kind {
            ShapeKind::Service(service) => service.version.clone().unwrap_or_default(),
            _ => String::new(),
        };
        Ok(Self {
            signing: Signing::default(),
            version,
            xml_namespace: traits
                .xml_namespace()
                .map(|(prefix, uri)| super::XmlNamespace {
                    prefix: prefix.map(str::to_owned),
                    uri: uri.to_owned(),
                }),
            shape_name: service.id.name().to_owned(),
            signing_name,
            endpoint: endpoint_rules(service)?,
            sdk_id,
        })
    }
}

/// How a service's requests are signed: SigV4's defaults, unless a service says otherwise
/// (S3, see `customize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signing {
    /// Encode the already-encoded path once more before signing.
    pub double_uri_encode: bool,
    /// Remove `.`, `..` and empty segments from the path before signing.
    pub normalize_path: bool,
    /// Send the payload's hash as `x-amz-content-sha256`.
    pub payload_header: bool,
}

impl Default for Signing {
    fn default() -> Self {
        Self {
            double_uri_encode: true,
            normalize_path: true,
            payload_header: false,
        }
    }
}

/// Operation shapes of the service (directly or through resources), sorted by shape ID.
pub(super) fn operation_shapes<'m>(model: &'m Model, closure: &[ShapeId]) -> Vec<&'m Shape> {
    closure
        .iter()
        .filter_map(|id| model.shape(id))
        .filter(|shape| matches!(shape.kind, ShapeKind::Operation(_)))
        .collect()
}

/// Input and output shapes that only serve as an operation's input or output: they become
/// `<Op>Input`/`<Op>Output` and stay out of `types`.
pub(super) fn io_only_shapes(
    model: &Model,
    operations: &[&Shape],
    closure: &[ShapeId],
) -> BTreeSet<ShapeId> {
    let targeted: BTreeSet<&ShapeId> = closure
        .iter()
        .filter_map(|id| model.shape(id))
        .flat_map(|shape| shape.all_members().into_iter().map(|m| &m.target))
        .collect();
    operations
        .iter()
        .filter_map(|op| match &op.kind {
            ShapeKind::Operation(o) => Some(o.input.iter().chain(&o.output)),
            _ => None,
        })
        .flatten()
        .filter(|id| !targeted.contains(id) && model.shape(id).is_some())
        .cloned()
        .collect()
}

impl Builder<'_> {
    /// `methods` keeps client method (and module) names unique, `types` the type-name
    /// prefixes (a model merging several services' operations may repeat a name).
    pub(super) fn operation(
        &self,
        shape: &Shape,
        methods: &mut names::Scope,
        types: &mut names::Scope,
    ) -> Result<Operation, Error> {
        let ShapeKind::Operation(op) = &shape.kind else {
            return Err(Error::UnknownReference {
                from: shape.id.to_string(),
                target: "operation".to_owned(),
            });
        };
        let http = shape
            .traits
            .get("smithy.api#http")
            .filter(|_| self.protocol.has_http_bindings());
        let text = |key: &str| http.and_then(|h| h.get(key)).and_then(Value::as_str);
        let http = Http {
            method: text("method").unwrap_or("POST").to_owned(),
            uri: text("uri").unwrap_or("/").to_owned(),
            code: http
                .and_then(|h| h.get("code"))
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(200),
        };
        let input = self.io_struct(op.input.as_ref(), StructRole::Input)?;
        let host_prefix = shape
            .traits
            .get("smithy.api#endpoint")
            .and_then(|endpoint| endpoint.get("hostPrefix"))
            .and_then(Value::as_str)
            .map(|template| HostPrefix {
                template: template.to_owned(),
                labels: op
                    .input
                    .as_ref()
                    .and_then(|id| self.model.shape(id))
                    .map(|shape| shape.members().iter().zip(&input.fields))
                    .into_iter()
                    .flatten()
                    .filter(|(member, _)| member.traits.has("smithy.api#hostLabel"))
                    .map(|(member, field)| (member.name.clone(), field.clone()))
                    .collect(),
            });
        let output = self.io_struct(op.output.as_ref(), StructRole::Output)?;
        let errors = op
            .errors
            .iter()
            .filter_map(|id| Some((self.names.get(id)?, self.model.shape(id)?)))
            .map(|(name, shape)| self.operation_error(name, shape))
            .collect();
        let name = names::operation_name(types, shape.id.namespace(), shape.id.name());
        let integrity = integrity(shape, &input);
        Ok(Operation {
            integrity,
            names: OperationNames::new(&name),
            name,
            wire_name: shape.id.name().to_owned(),
            shape_id: shape.id.to_string(),
            module: methods.claim(&[names::module_name(shape.id.name())], "_"),
            docs: docs(&shape.traits),
            http,
            input,
            output,
            errors,
            paginator: None,
            waiters: Vec::new(),
            host_prefix,
            static_context_params: static_context_params(shape),
            unsigned: shape.traits.has("smithy.api#optionalAuth")
                || shape
                    .traits
                    .get("smithy.api#auth")
                    .and_then(Value::as_array)
                    .is_some_and(Vec::is_empty),
        })
    }

    fn operation_error(&self, type_name: &str, shape: &Shape) -> OperationError {
        let query_code = shape
            .traits
            .get("aws.protocols#awsQueryError")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .filter(|_| self.protocol.uses_query_error_codes());
        let name = shape.id.name();
        let mut codes: Vec<String> = query_code
            .filter(|code| *code != name)
            .map(str::to_owned)
            .into_iter()
            .collect();
        codes.push(name.to_owned());
        OperationError {
            type_name: type_name.to_owned(),
            codes,
            snake: names::snake(type_name),
        }
    }

    /// The input or output structure (empty for `smithy.api#Unit`).
    fn io_struct(&self, id: Option<&ShapeId>, role: StructRole) -> Result<Struct, Error> {
        match id.and_then(|id| self.model.shape(id)) {
            Some(shape) => self.structure(shape, role),
            None => Ok(Struct {
                xml_name: super::XmlName {
                    name: String::new(),
                    namespace: None,
                },
                fields: Vec::new(),
                sensitive: false,
                error: None,
                role,
            }),
        }
    }
}

/// `smithy.rules#staticContextParams` of an operation; values of other types are left out
/// (the rules only take booleans and strings).
fn static_context_params(operation: &Shape) -> Vec<(String, StaticParam)> {
    operation
        .traits
        .get("smithy.rules#staticContextParams")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, param)| {
            let value = match param.get("value")? {
                Value::Bool(b) => StaticParam::Bool(*b),
                Value::String(s) => StaticParam::String(s.clone()),
                _ => return None,
            };
            Some((name.clone(), value))
        })
        .collect()
}

/// The member's HTTP binding trait, in a REST protocol.
pub(super) fn binding(
    member: &Member,
    target: &Target<'_>,
    root_namespace: Option<&super::XmlNamespace>,
) -> Binding {
    let traits = &member.traits;
    let target_traits = target.traits();
    let target = target.kind();
    let name = |id: &str| traits.get(id).and_then(Value::as_str).map(str::to_owned);
    if traits.has("smithy.api#httpLabel") {
        Binding::Label
    } else if let Some(query) = name("smithy.api#httpQuery") {
        Binding::Query(query)
    } else if traits.has("smithy.api#httpQueryParams") {
        Binding::QueryParams
    } else if let Some(header) = name("smithy.api#httpHeader") {
        let media_type = target_traits.is_some_and(|t| t.has("smithy.api#mediaType"));
        if media_type && matches!(target, ShapeKind::String) {
            Binding::MediaTypeHeader(header)
        } else {
            Binding::Header(header)
        }
    } else if let Some(prefix) = name("smithy.api#httpPrefixHeaders") {
        Binding::PrefixHeaders(prefix)
    } else if traits.has("smithy.api#httpPayload") {
        let kind = match target {
            ShapeKind::Blob if target_traits.is_some_and(|t| t.has("smithy.api#streaming")) => {
                PayloadKind::Stream
            }
            ShapeKind::Blob => PayloadKind::Blob,
            ShapeKind::String | ShapeKind::Enum(_) => PayloadKind::Text,
            ShapeKind::Union(_) => PayloadKind::Union,
            _ => PayloadKind::Structure,
        };
        let target_name = member.target.name();
        let root = match (traits.xml_name(), target_traits) {
            (Some(name), _) => XmlName::new(name, traits),
            (None, Some(target)) => {
                let name = XmlName::new(target.xml_name().unwrap_or(target_name), target);
                match traits.xml_namespace() {
                    Some(_) => XmlName::new(&name.name, traits),
                    None => name,
                }
            }
            (None, None) => XmlName::new(target_name, traits),
        };
        // The payload is the document: its root declares the service's namespace if it has
        // none of its own.
        let root = XmlName {
            namespace: root.namespace.or_else(|| root_namespace.cloned()),
            ..root
        };
        Binding::Payload(kind, root)
    } else if traits.has("smithy.api#httpResponseCode") {
        Binding::ResponseCode
    } else {
        Binding::Body
    }
}
