//! botocore shapes -> one Smithy 2.0 JSON AST model with a single restJson1 service, so that
//! every suite compiles as one generated crate.
//!
//! Each suite gets its own namespace (suites reuse shape names with different definitions);
//! shapes that are defined identically everywhere, and are not an operation's input, output
//! or error, live once in the service namespace to keep the generated crate small.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use super::botocore::{Direction, Member, Operation, Shape, Suite};

/// Namespace of the service and of the shapes all suites share.
pub const SERVICE_NAMESPACE: &str = "aws.protocoltests.restjson";
pub const SERVICE_ID: &str = "aws.protocoltests.restjson#RestJson";

/// The model, and per suite (in input order) the ID of its operation shape.
pub struct Translated {
    pub model: Value,
    pub operations: Vec<String>,
}

/// Where one suite's shapes live.
struct SuiteScope<'a> {
    namespace: String,
    shared: &'a BTreeSet<String>,
}

impl SuiteScope<'_> {
    fn id(&self, name: &str) -> String {
        if self.shared.contains(name) {
            format!("{SERVICE_NAMESPACE}#{name}")
        } else {
            format!("{}#{name}", self.namespace)
        }
    }
}

pub fn translate(suites: &[(Direction, Suite)]) -> Result<Translated, String> {
    let shared = shared_shapes(suites);
    let mut shapes = Map::new();
    let mut operations = Vec::new();
    let mut taken = BTreeSet::new();
    for (direction, suite) in suites {
        let operation = suite
            .cases
            .first()
            .map(|case| &case.given)
            .ok_or_else(|| format!("suite `{}` has no cases", suite.description))?;
        let name = unique_operation_name(&mut taken, *direction, &operation.name);
        let scope = SuiteScope {
            namespace: format!("{SERVICE_NAMESPACE}.{}", name.to_snake_case()),
            shared: &shared,
        };
        for (shape_name, shape) in &suite.shapes {
            let id = scope.id(shape_name);
            if !shapes.contains_key(&id) {
                let translated = translate_shape(&scope, shape_name, shape, &mut shapes)?;
                shapes.insert(id, translated);
            }
        }
        let id = format!("{}#{name}", scope.namespace);
        shapes.insert(id.clone(), translate_operation(&scope, suite, operation)?);
        operations.push(id);
    }
    let targets: Vec<Value> = operations
        .iter()
        .map(|id| json!({ "target": id }))
        .collect();
    shapes.insert(
        SERVICE_ID.to_owned(),
        json!({
            "type": "service",
            "version": "2019-12-16",
            "operations": targets,
            "traits": {
                "aws.protocols#restJson1": {},
                "aws.api#service": { "sdkId": "Protocol Tests" },
                "aws.auth#sigv4": { "name": "restjson" },
                "smithy.api#title": "restJson1 protocol compliance tests",
            },
        }),
    );
    Ok(Translated {
        model: json!({ "smithy": "2.0", "shapes": shapes }),
        operations,
    })
}

/// Input suites keep botocore's name; output suites get `Response` (and a number when
/// several suites test the same operation).
fn unique_operation_name(taken: &mut BTreeSet<String>, direction: Direction, name: &str) -> String {
    let base = match direction {
        Direction::Input => name.to_owned(),
        Direction::Output => format!("{name}Response"),
    };
    let unique = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base);
    taken.insert(unique.clone());
    unique
}

/// Shape names defined identically by every suite, used by no operation directly, and
/// referring only to other shared shapes.
fn shared_shapes(suites: &[(Direction, Suite)]) -> BTreeSet<String> {
    let mut definitions: BTreeMap<&str, Vec<&Shape>> = BTreeMap::new();
    let mut operation_shapes = BTreeSet::new();
    for (_, suite) in suites {
        for (name, shape) in &suite.shapes {
            definitions.entry(name).or_default().push(shape);
        }
        for case in &suite.cases {
            let given = &case.given;
            let used = given.input.iter().chain(&given.output).chain(&given.errors);
            operation_shapes.extend(used.map(|r| r.shape.as_str()));
        }
    }
    let mut shared: BTreeSet<String> = definitions
        .iter()
        .filter(|(name, defs)| {
            !operation_shapes.contains(*name) && defs.windows(2).all(|w| w[0] == w[1])
        })
        .map(|(name, _)| (*name).to_owned())
        .collect();
    loop {
        let unshareable: Vec<String> = shared
            .iter()
            .filter(|name| {
                definitions[name.as_str()]
                    .iter()
                    .any(|shape| references(shape).any(|r| !shared.contains(r)))
            })
            .cloned()
            .collect();
        if unshareable.is_empty() {
            return shared;
        }
        for name in unshareable {
            shared.remove(&name);
        }
    }
}

fn references(shape: &Shape) -> impl Iterator<Item = &str> {
    let elements = [&shape.member, &shape.key, &shape.value];
    shape
        .members
        .values()
        .map(|m| m.shape.as_str())
        .chain(elements.into_iter().flatten().map(|r| r.shape.as_str()))
}

/// botocore's `timestampFormat` names -> `smithy.api#timestampFormat` values.
fn timestamp_format(botocore: &str) -> Result<&'static str, String> {
    match botocore {
        "iso8601" => Ok("date-time"),
        "rfc822" => Ok("http-date"),
        "unixTimestamp" => Ok("epoch-seconds"),
        other => Err(format!("unknown timestampFormat `{other}`")),
    }
}

fn translate_shape(
    scope: &SuiteScope<'_>,
    name: &str,
    shape: &Shape,
    synthesized: &mut Map<String, Value>,
) -> Result<Value, String> {
    let mut traits = Map::new();
    if let Some(format) = &shape.timestamp_format {
        traits.insert(
            "smithy.api#timestampFormat".into(),
            timestamp_format(format)?.into(),
        );
    }
    let element = |r: &Option<super::botocore::ShapeRef>, what: &str| {
        r.as_ref()
            .map(|r| json!({ "target": scope.id(&r.shape) }))
            .ok_or_else(|| format!("shape `{name}` has no `{what}`"))
    };
    let mut value = match shape.kind.as_str() {
        "structure" if shape.document => json!({ "type": "document" }),
        "structure" => {
            let mut members = Map::new();
            for (member_name, member) in &shape.members {
                let required = shape.required.contains(member_name) && !shape.union;
                let payload = shape.payload.as_deref() == Some(member_name.as_str());
                let translated =
                    translate_member(scope, member_name, member, required, payload, synthesized)?;
                members.insert(member_name.clone(), translated);
            }
            if shape.exception {
                let fault = if shape.fault { "server" } else { "client" };
                traits.insert("smithy.api#error".into(), fault.into());
            }
            if let Some(error) = &shape.error {
                traits.insert("smithy.api#httpError".into(), error.http_status_code.into());
            }
            let kind = if shape.union { "union" } else { "structure" };
            json!({ "type": kind, "members": members })
        }
        "list" => json!({ "type": "list", "member": element(&shape.member, "member")? }),
        "map" => json!({
            "type": "map",
            "key": element(&shape.key, "key")?,
            "value": element(&shape.value, "value")?,
        }),
        "string" => {
            if let Some(values) = &shape.enum_values {
                let entries: Vec<Value> = values.iter().map(|v| json!({ "value": v })).collect();
                traits.insert("smithy.api#enum".into(), entries.into());
            }
            json!({ "type": "string" })
        }
        simple @ ("blob" | "boolean" | "integer" | "long" | "float" | "double" | "timestamp") => {
            json!({ "type": simple })
        }
        other => return Err(format!("shape `{name}` has unsupported type `{other}`")),
    };
    if !traits.is_empty() {
        value["traits"] = traits.into();
    }
    Ok(value)
}

fn translate_member(
    scope: &SuiteScope<'_>,
    name: &str,
    member: &Member,
    required: bool,
    payload: bool,
    synthesized: &mut Map<String, Value>,
) -> Result<Value, String> {
    let mut traits = Map::new();
    let wire_name = || {
        member
            .location_name
            .clone()
            .unwrap_or_else(|| name.to_owned())
    };
    match member.location.as_deref() {
        None => {
            if let Some(json_name) = &member.location_name {
                traits.insert("smithy.api#jsonName".into(), json_name.as_str().into());
            }
        }
        Some("uri") => {
            traits.insert("smithy.api#httpLabel".into(), json!({}));
        }
        Some("querystring") if member.location_name.is_none() => {
            traits.insert("smithy.api#httpQueryParams".into(), json!({}));
        }
        Some("querystring") => {
            traits.insert("smithy.api#httpQuery".into(), wire_name().into());
        }
        Some("header") => {
            traits.insert("smithy.api#httpHeader".into(), wire_name().into());
        }
        Some("headers") => {
            let prefix = member.location_name.clone().unwrap_or_default();
            traits.insert("smithy.api#httpPrefixHeaders".into(), prefix.into());
        }
        Some("statusCode") => {
            traits.insert("smithy.api#httpResponseCode".into(), json!({}));
        }
        Some(other) => return Err(format!("member `{name}` has unknown location `{other}`")),
    }
    if required {
        traits.insert("smithy.api#required".into(), json!({}));
    }
    if payload {
        traits.insert("smithy.api#httpPayload".into(), json!({}));
    }
    if member.host_label {
        traits.insert("smithy.api#hostLabel".into(), json!({}));
    }
    if member.idempotency_token {
        traits.insert("smithy.api#idempotencyToken".into(), json!({}));
    }
    if let Some(format) = &member.timestamp_format {
        traits.insert(
            "smithy.api#timestampFormat".into(),
            timestamp_format(format)?.into(),
        );
    }
    let mut target = scope.id(&member.shape);
    if member.jsonvalue {
        // botocore marks the member; Smithy puts `smithy.api#mediaType` on a string shape.
        target = format!("{}#{}AsJson", scope.namespace, member.shape);
        synthesized.insert(
            target.clone(),
            json!({ "type": "string", "traits": { "smithy.api#mediaType": "application/json" } }),
        );
    }
    let mut value = json!({ "target": target });
    if !traits.is_empty() {
        value["traits"] = traits.into();
    }
    Ok(value)
}

fn translate_operation(
    scope: &SuiteScope<'_>,
    suite: &Suite,
    operation: &Operation,
) -> Result<Value, String> {
    let mut http = json!({
        "method": operation.http.method,
        "uri": smithy_uri(suite, operation)?,
    });
    if let Some(code) = operation.http.response_code {
        http["code"] = code.into();
    }
    let mut traits = Map::new();
    traits.insert("smithy.api#http".into(), http);
    if let Some(endpoint) = &operation.endpoint {
        traits.insert(
            "smithy.api#endpoint".into(),
            json!({ "hostPrefix": endpoint.host_prefix }),
        );
    }
    if operation.http_checksum_required {
        traits.insert("smithy.api#httpChecksumRequired".into(), json!({}));
    }
    if let Some(compression) = &operation.requestcompression {
        traits.insert("smithy.api#requestCompression".into(), compression.clone());
    }
    let mut value = json!({ "type": "operation", "traits": traits });
    if let Some(input) = &operation.input {
        value["input"] = json!({ "target": scope.id(&input.shape) });
    }
    if let Some(output) = &operation.output {
        value["output"] = json!({ "target": scope.id(&output.shape) });
    }
    if !operation.errors.is_empty() {
        let errors: Vec<Value> = operation
            .errors
            .iter()
            .map(|e| json!({ "target": scope.id(&e.shape) }))
            .collect();
        value["errors"] = errors.into();
    }
    Ok(value)
}

/// botocore names URI labels by the member's `locationName`; Smithy by the member name.
fn smithy_uri(suite: &Suite, operation: &Operation) -> Result<String, String> {
    let mut uri = operation.http.request_uri.clone();
    let Some(input) = &operation.input else {
        return Ok(uri);
    };
    let shape = suite
        .shapes
        .get(&input.shape)
        .ok_or_else(|| format!("operation `{}` input not in suite", operation.name))?;
    for (name, member) in &shape.members {
        if member.location.as_deref() != Some("uri") {
            continue;
        }
        let label = member.location_name.as_deref().unwrap_or(name);
        for greedy in ["", "+"] {
            uri = uri.replace(
                &format!("{{{label}{greedy}}}"),
                &format!("{{{name}{greedy}}}"),
            );
        }
    }
    Ok(uri)
}
