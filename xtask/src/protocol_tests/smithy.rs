//! botocore shapes -> one Smithy 2.0 JSON AST model with a single service speaking the
//! file's protocol, so that every suite of a file compiles as one generated crate.
//!
//! Each suite gets its own namespace (suites reuse shape names with different definitions);
//! shapes that are defined identically everywhere, and are not an operation's input, output
//! or error, live once in the service namespace to keep the generated crate small. A suite
//! whose shapes cannot be translated is left out of the model with the reason, so that its
//! cases fail with it while the other suites run.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use super::botocore::{
    Direction, Member, Metadata, Operation, Shape, ShapeRef, Suite, Unread, XmlNamespace,
};

/// The service a protocol file's suites become.
pub struct Service {
    /// Namespace of the service and of the shapes all suites share.
    pub namespace: &'static str,
    /// `aws.api#service` `sdkId`, which names the generated package.
    pub sdk_id: &'static str,
    /// The service shape's name when botocore gives no `targetPrefix` (REST protocols).
    pub default_name: &'static str,
}

/// The model, and per suite (in input order) its operation.
pub struct Translated {
    pub model: Value,
    pub suites: Vec<TranslatedSuite>,
}

pub struct TranslatedSuite {
    /// The ID of the suite's operation shape (unique in the model).
    pub operation: String,
    /// Why the suite is not in the model, when it could not be translated.
    pub failure: Option<String>,
}

/// Where one suite's shapes live.
struct SuiteScope<'a> {
    service_namespace: &'a str,
    namespace: String,
    shared: &'a BTreeSet<String>,
    /// botocore's `locationName` of a body member is its `smithy.api#jsonName` in the JSON
    /// protocols and its `smithy.api#xmlName` in the others.
    json: bool,
}

impl SuiteScope<'_> {
    fn id(&self, name: &str) -> String {
        if self.shared.contains(name) {
            format!("{}#{name}", self.service_namespace)
        } else {
            format!("{}#{name}", self.namespace)
        }
    }
}

pub fn translate(service: &Service, suites: &[(Direction, Suite)]) -> Result<Translated, String> {
    let metadata = suites
        .first()
        .map(|(_, suite)| &suite.metadata)
        .ok_or("the file has no suites")?;
    if let Some((_, other)) = suites.iter().find(|(_, s)| s.metadata != *metadata) {
        return Err(format!(
            "suite `{}` describes another service than the first: {:?} and {:?}",
            other.description, other.metadata, metadata
        ));
    }
    let protocol = protocol_traits(metadata)?;
    let shared = shared_shapes(suites);
    let mut shapes = Map::new();
    let mut translated_suites = Vec::new();
    let mut taken = BTreeSet::new();
    for (direction, suite) in suites {
        let operation = suite
            .cases
            .first()
            .map(|case| &case.given)
            .ok_or_else(|| format!("suite `{}` has no cases", suite.description))?;
        let name = unique_operation_name(&mut taken, *direction, &operation.name);
        let scope = SuiteScope {
            service_namespace: service.namespace,
            namespace: format!("{}.{}", service.namespace, name.to_snake_case()),
            shared: &shared,
            json: matches!(metadata.protocol.as_str(), "rest-json" | "json"),
        };
        // A shared shape another suite already translated is reused as it is.
        let mut suite_shapes = Map::new();
        let translated = suite
            .shapes
            .iter()
            .filter(|(shape_name, _)| !shapes.contains_key(&scope.id(shape_name)))
            .try_for_each(|(shape_name, shape)| {
                let translated = translate_shape(&scope, shape_name, shape, &mut suite_shapes)?;
                suite_shapes.insert(scope.id(shape_name), translated);
                Ok::<_, String>(())
            })
            .and_then(|()| translate_operation(&scope, suite, operation));
        // botocore's name: what the query protocols name an operation by on the wire.
        let operation = format!("{}#{}", scope.namespace, operation.name);
        let failure = match translated {
            Ok(operation_shape) => {
                shapes.extend(suite_shapes);
                shapes.insert(operation.clone(), operation_shape);
                None
            }
            Err(reason) => Some(reason),
        };
        translated_suites.push(TranslatedSuite { operation, failure });
    }
    let targets: Vec<Value> = translated_suites
        .iter()
        .filter(|suite| suite.failure.is_none())
        .map(|suite| json!({ "target": suite.operation }))
        .collect();
    let name = metadata
        .target_prefix
        .as_deref()
        .unwrap_or(service.default_name);
    let mut traits = protocol;
    traits.insert("aws.api#service".into(), json!({ "sdkId": service.sdk_id }));
    traits.insert(
        "aws.auth#sigv4".into(),
        json!({ "name": name.to_ascii_lowercase() }),
    );
    traits.insert(
        "smithy.api#title".into(),
        format!("{} protocol compliance tests", metadata.protocol).into(),
    );
    shapes.insert(
        format!("{}#{name}", service.namespace),
        json!({
            "type": "service",
            "version": metadata.api_version,
            "operations": targets,
            "traits": traits,
        }),
    );
    Ok(Translated {
        model: json!({ "smithy": "2.0", "shapes": shapes }),
        suites: translated_suites,
    })
}

/// The Smithy protocol traits of botocore's protocol name.
fn protocol_traits(metadata: &Metadata) -> Result<Map<String, Value>, String> {
    let protocol = match (metadata.protocol.as_str(), metadata.json_version.as_deref()) {
        ("rest-json", _) => "aws.protocols#restJson1",
        ("json", Some("1.0")) => "aws.protocols#awsJson1_0",
        ("json", Some("1.1")) => "aws.protocols#awsJson1_1",
        ("rest-xml", _) => "aws.protocols#restXml",
        ("query", _) => "aws.protocols#awsQuery",
        ("ec2", _) => "aws.protocols#ec2Query",
        (other, version) => {
            return Err(format!(
                "botocore protocol `{other}` (jsonVersion {version:?}) has no Smithy protocol here"
            ));
        }
    };
    let mut traits = Map::new();
    traits.insert(protocol.into(), json!({}));
    if metadata.aws_query_compatible.is_some() {
        traits.insert("aws.protocols#awsQueryCompatible".into(), json!({}));
    }
    Ok(traits)
}

/// botocore keys that change nothing a Smithy client does: docs, `box` (a nullable
/// primitive; members here are nullable anyway) and `idempotent` (retry safety, which the
/// standard retry mode does not distinguish).
const NO_EFFECT: &[&str] = &["documentation", "box", "idempotent"];

/// An error naming the botocore keys that nothing translates.
fn unread(what: &str, unread: &Unread) -> Result<(), String> {
    let keys: Vec<&str> = unread
        .keys()
        .map(String::as_str)
        .filter(|key| !NO_EFFECT.contains(key))
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{what} has botocore keys this runner does not translate: {}",
        keys.join(", ")
    ))
}

/// A name unique to the suite, for its namespace: botocore's operation name, with
/// `Response` for output suites and a number when several suites test the same operation.
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

/// `smithy.api#xmlNamespace` of botocore's `xmlNamespace`.
fn xml_namespace(namespace: &XmlNamespace) -> Value {
    match namespace {
        XmlNamespace::Uri(uri) => json!({ "uri": uri }),
        XmlNamespace::Prefixed { prefix, uri } => match prefix {
            Some(prefix) => json!({ "uri": uri, "prefix": prefix }),
            None => json!({ "uri": uri }),
        },
    }
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
    unread(&format!("shape `{name}`"), &shape.unread)?;
    let mut traits = Map::new();
    if let Some(format) = &shape.timestamp_format {
        traits.insert(
            "smithy.api#timestampFormat".into(),
            timestamp_format(format)?.into(),
        );
    }
    if let Some(xml_name) = &shape.location_name {
        traits.insert("smithy.api#xmlName".into(), xml_name.as_str().into());
    }
    if let Some(namespace) = &shape.xml_namespace {
        traits.insert("smithy.api#xmlNamespace".into(), xml_namespace(namespace));
    }
    let element = |r: &Option<ShapeRef>, what: &str| {
        let r = r
            .as_ref()
            .ok_or_else(|| format!("shape `{name}` has no `{what}`"))?;
        unread(&format!("`{what}` of shape `{name}`"), &r.unread)?;
        let mut element = json!({ "target": scope.id(&r.shape) });
        let mut traits = Map::new();
        if let Some(xml_name) = &r.location_name {
            traits.insert("smithy.api#xmlName".into(), xml_name.as_str().into());
        }
        if let Some(namespace) = &r.xml_namespace {
            traits.insert("smithy.api#xmlNamespace".into(), xml_namespace(namespace));
        }
        if !traits.is_empty() {
            element["traits"] = traits.into();
        }
        Ok::<_, String>(element)
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
                if let Some(status) = error.http_status_code {
                    traits.insert("smithy.api#httpError".into(), status.into());
                }
                if let Some(code) = &error.code {
                    let mut query_error = json!({ "code": code });
                    if let Some(status) = error.http_status_code {
                        query_error["httpResponseCode"] = status.into();
                    }
                    traits.insert("aws.protocols#awsQueryError".into(), query_error);
                }
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
    unread(&format!("member `{name}`"), &member.unread)?;
    let mut traits = Map::new();
    let wire_name = || {
        member
            .location_name
            .clone()
            .unwrap_or_else(|| name.to_owned())
    };
    match member.location.as_deref() {
        None => {
            // botocore writes a member's own name as its `locationName` where Smithy has
            // no `smithy.api#xmlName` (a payload's root is then named after its target).
            let renamed = member.location_name.as_ref().filter(|n| n.as_str() != name);
            if let Some(body_name) = renamed {
                let trait_id = if scope.json {
                    "smithy.api#jsonName"
                } else {
                    "smithy.api#xmlName"
                };
                traits.insert(trait_id.into(), body_name.as_str().into());
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
    if member.flattened {
        traits.insert("smithy.api#xmlFlattened".into(), json!({}));
    }
    if member.xml_attribute {
        traits.insert("smithy.api#xmlAttribute".into(), json!({}));
    }
    if let Some(namespace) = &member.xml_namespace {
        traits.insert("smithy.api#xmlNamespace".into(), xml_namespace(namespace));
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
    unread(
        &format!("operation `{}`", operation.name),
        &operation.unread,
    )?;
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
