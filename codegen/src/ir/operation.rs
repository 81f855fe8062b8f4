//! Operations with their HTTP bindings (`smithy.api#http` and the member binding traits),
//! the service facts the client needs, and the endpoint rule set as JSON text for `render`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::paginator::Paginator;
use super::{Builder, Field, Struct, StructRole, Target, docs, names};
use crate::error::Error;
use crate::model::{Model, Shape, ShapeId, ShapeKind, TimestampFormat};

/// One operation: `operation/<module>.rs` and a `Client` method.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The operation's shape name, e.g. `GetWorkflow`: the prefix of its Rust type names
    /// and the name the orchestrator logs.
    pub name: String,
    /// Module under `operation/` and `Client` method name, e.g. `get_workflow`.
    pub module: String,
    pub docs: String,
    pub http: Http,
    pub input: Struct,
    /// One per input field, same order.
    pub input_bindings: Vec<MemberBinding>,
    pub output: Struct,
    /// One per output field, same order.
    pub output_bindings: Vec<MemberBinding>,
    pub errors: Vec<OperationError>,
    /// `smithy.api#paginated`, resolved to fields.
    pub paginator: Option<Paginator>,
    /// `smithy.api#endpoint`: put in front of the endpoint's host.
    pub host_prefix: Option<HostPrefix>,
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

/// Why an operation cannot be generated, if it cannot: an input or output member targets
/// an event stream (a union with `smithy.api#streaming`), whose framing this SDK lacks.
pub(super) fn unsupported(model: &Model, operation: &Shape) -> Option<SkippedOperation> {
    let ShapeKind::Operation(op) = &operation.kind else {
        return None;
    };
    let member = op
        .input
        .iter()
        .chain(&op.output)
        .filter_map(|id| model.shape(id))
        .flat_map(|io| io.members().iter())
        .find(|member| {
            model.shape(&member.target).is_some_and(|target| {
                matches!(target.kind, ShapeKind::Union(_))
                    && target.traits.has("smithy.api#streaming")
            })
        })?;
    Some(SkippedOperation {
        name: operation.id.name().to_owned(),
        reason: format!(
            "member `{}` is an event stream (`smithy.api#streaming` union `{}`), not supported",
            member.name, member.target
        ),
    })
}

/// `smithy.api#http`.
#[derive(Clone, Debug, PartialEq)]
pub struct Http {
    pub method: String,
    pub uri: String,
    pub code: u16,
}

/// A member's binding, with the timestamp format it states itself (member or target
/// `smithy.api#timestampFormat`), which overrides the binding's default (date-time in URIs,
/// http-date in headers).
#[derive(Clone, Debug, PartialEq)]
pub struct MemberBinding {
    pub binding: Binding,
    pub timestamp_format: Option<TimestampFormat>,
    /// `smithy.api#idempotencyToken`: filled with a fresh UUID when left unset.
    pub idempotency_token: bool,
}

/// Where a member travels in the HTTP message.
#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    /// In the JSON body with the other unbound members.
    Body,
    /// `smithy.api#httpLabel`.
    Label,
    /// `smithy.api#httpQuery` with the parameter name.
    Query(String),
    /// `smithy.api#httpQueryParams`: a map of further parameters.
    QueryParams,
    /// `smithy.api#httpHeader` with the header name.
    Header(String),
    /// `smithy.api#httpPrefixHeaders` with the prefix.
    PrefixHeaders(String),
    /// `smithy.api#httpPayload`: the member is the whole body.
    Payload(PayloadKind),
    /// `smithy.api#httpResponseCode` (outputs only).
    ResponseCode,
}

/// How an `smithy.api#httpPayload` member is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    /// Structures and documents: JSON (`{}` when unset).
    Json,
    /// Unions: JSON, and no body at all when unset (an empty union has no JSON form).
    Union,
    /// Blobs (streaming or not): the raw bytes.
    Blob,
    /// Strings and string enums: the raw text.
    Text,
}

/// A modelled error an operation can return; how to read it is the error type's own
/// `from_response` (see [`ErrorInfo`](super::ErrorInfo)).
#[derive(Clone, Debug, PartialEq)]
pub struct OperationError {
    /// The error type in `types`, also the enum variant name.
    pub type_name: String,
    /// The error code on the wire: the shape name.
    pub code: String,
    /// `is_<snake>()` helper name.
    pub snake: String,
}

/// What the generated `Client` needs to know about the service.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceInfo {
    /// `aws.api#service` `sdkId`, or the service shape name.
    pub sdk_id: String,
    /// `aws.auth#sigv4` `name`, or the `sdk_id` lowercased.
    pub signing_name: String,
    /// `smithy.rules#endpointRuleSet` as compact JSON, if the service has one.
    pub endpoint_rule_set: Option<String>,
    /// `smithy.rules#endpointTests` as JSON, if the service has them.
    pub endpoint_tests: Option<String>,
}

impl ServiceInfo {
    pub(super) fn new(service: &Shape) -> Self {
        let traits = &service.traits;
        let sdk_id = traits.aws_sdk_id().unwrap_or(service.id.name()).to_owned();
        let signing_name = traits
            .get("aws.auth#sigv4")
            .and_then(|sigv4| sigv4.get("name"))
            .and_then(Value::as_str)
            .map_or_else(|| sdk_id.to_ascii_lowercase(), str::to_owned);
        Self {
            signing_name,
            endpoint_rule_set: traits
                .get("smithy.rules#endpointRuleSet")
                .map(Value::to_string),
            endpoint_tests: traits
                .get("smithy.rules#endpointTests")
                .map(Value::to_string),
            sdk_id,
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
    pub(super) fn operation(
        &self,
        shape: &Shape,
        scope: &mut names::Scope,
    ) -> Result<Operation, Error> {
        let ShapeKind::Operation(op) = &shape.kind else {
            return Err(Error::UnknownReference {
                from: shape.id.to_string(),
                target: "operation".to_owned(),
            });
        };
        let http = shape.traits.get("smithy.api#http");
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
        let (input, input_bindings) = self.io_struct(op.input.as_ref(), StructRole::Input)?;
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
        let (output, output_bindings) = self.io_struct(op.output.as_ref(), StructRole::Output)?;
        let errors = op
            .errors
            .iter()
            .filter_map(|id| Some((self.names.get(id)?, self.model.shape(id)?)))
            .map(|(name, shape)| self.operation_error(name, shape))
            .collect();
        Ok(Operation {
            name: names::upper_camel(shape.id.name()),
            module: scope.claim(&[names::module_name(shape.id.name())], "_"),
            docs: docs(&shape.traits),
            http,
            input,
            input_bindings,
            output,
            output_bindings,
            errors,
            paginator: None,
            host_prefix,
        })
    }

    fn operation_error(&self, type_name: &str, shape: &Shape) -> OperationError {
        OperationError {
            type_name: type_name.to_owned(),
            code: shape.id.name().to_owned(),
            snake: names::snake(type_name),
        }
    }

    /// Records an error structure's header-bound members (they are not in its JSON body).
    pub(super) fn bind_error_headers(
        &self,
        shape: &Shape,
        structure: &mut Struct,
    ) -> Result<(), Error> {
        let bindings = self.bindings(shape, structure)?;
        let headers = structure
            .fields
            .iter()
            .zip(bindings)
            .filter(|(_, b)| matches!(b.binding, Binding::Header(_) | Binding::PrefixHeaders(_)))
            .map(|(field, binding)| (field.clone(), binding))
            .collect();
        if let Some(error) = &mut structure.error {
            error.headers = headers;
        }
        Ok(())
    }

    /// The input or output structure (empty for `smithy.api#Unit`) and its bindings.
    fn io_struct(
        &self,
        id: Option<&ShapeId>,
        role: StructRole,
    ) -> Result<(Struct, Vec<MemberBinding>), Error> {
        let Some(shape) = id.and_then(|id| self.model.shape(id)) else {
            let empty = Struct {
                fields: Vec::new(),
                sensitive: false,
                error: None,
                role,
            };
            return Ok((empty, Vec::new()));
        };
        let mut structure = self.structure(shape, role)?;
        let bindings = self.bindings(shape, &mut structure)?;
        Ok((structure, bindings))
    }

    /// The HTTP binding of each member of `shape`, marking the bound fields of `structure`.
    fn bindings(&self, shape: &Shape, structure: &mut Struct) -> Result<Vec<MemberBinding>, Error> {
        let mut bindings = Vec::new();
        for (member, field) in shape.members().iter().zip(&mut structure.fields) {
            let target = self.target(shape, member)?;
            let binding = binding(&member.traits, target.kind());
            field.http_bound = binding != Binding::Body;
            let target_format = match &target {
                Target::Model(shape) => shape.traits.timestamp_format(),
                Target::Prelude(..) => None,
            };
            bindings.push(MemberBinding {
                binding,
                timestamp_format: member.traits.timestamp_format().or(target_format),
                idempotency_token: member.traits.has("smithy.api#idempotencyToken"),
            });
        }
        Ok(bindings)
    }
}

fn binding(traits: &crate::model::Traits, target: &ShapeKind) -> Binding {
    let name = |id: &str| traits.get(id).and_then(Value::as_str).map(str::to_owned);
    if traits.has("smithy.api#httpLabel") {
        Binding::Label
    } else if let Some(query) = name("smithy.api#httpQuery") {
        Binding::Query(query)
    } else if traits.has("smithy.api#httpQueryParams") {
        Binding::QueryParams
    } else if let Some(header) = name("smithy.api#httpHeader") {
        Binding::Header(header)
    } else if let Some(prefix) = name("smithy.api#httpPrefixHeaders") {
        Binding::PrefixHeaders(prefix)
    } else if traits.has("smithy.api#httpPayload") {
        Binding::Payload(match target {
            ShapeKind::Blob => PayloadKind::Blob,
            ShapeKind::String | ShapeKind::Enum(_) => PayloadKind::Text,
            ShapeKind::Union(_) => PayloadKind::Union,
            _ => PayloadKind::Json,
        })
    } else if traits.has("smithy.api#httpResponseCode") {
        Binding::ResponseCode
    } else {
        Binding::Body
    }
}
