//! botocore's protocol test format: suites of a service-2 style shape table plus cases.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

/// Whether a suite tests request serialisation or response parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Input,
    Output,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Input => "input",
            Direction::Output => "output",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Suite {
    pub description: String,
    pub metadata: Metadata,
    pub shapes: BTreeMap<String, Shape>,
    pub cases: Vec<Case>,
}

/// What a suite says of its service; the protocol's suites all say the same.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// botocore's protocol name: `rest-json`, `json`, `query`, `ec2`, `rest-xml`...
    pub protocol: String,
    /// The service's version: awsQuery's `Version`.
    pub api_version: String,
    /// `1.0` or `1.1` for `json`.
    pub json_version: Option<String>,
    /// awsJson's `X-Amz-Target` prefix: the service shape's name.
    pub target_prefix: Option<String>,
    /// Present for `aws.protocols#awsQueryCompatible` services.
    pub aws_query_compatible: Option<Value>,
}

/// Keys of botocore's format that the translation does not read. Collected so that an
/// unknown key fails its suite's cases, naming it, instead of being silently dropped.
pub type Unread = BTreeMap<String, Value>;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
    pub member: Option<ShapeRef>,
    pub key: Option<ShapeRef>,
    pub value: Option<ShapeRef>,
    #[serde(default)]
    pub required: Vec<String>,
    pub payload: Option<String>,
    pub timestamp_format: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub union: bool,
    #[serde(default)]
    pub document: bool,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub fault: bool,
    pub error: Option<ErrorInfo>,
    /// The shape's `smithy.api#xmlName`.
    pub location_name: Option<String>,
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(flatten)]
    pub unread: Unread,
}

/// botocore writes an `xmlNamespace` as its URI, or as `{prefix, uri}`.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum XmlNamespace {
    Uri(String),
    Prefixed { prefix: Option<String>, uri: String },
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The awsQuery error code (`aws.protocols#awsQueryError`).
    pub code: Option<String>,
    pub http_status_code: Option<u16>,
    #[serde(default)]
    pub sender_fault: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    pub shape: String,
    /// The element name of a list's items or a map's keys or values.
    pub location_name: Option<String>,
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(flatten)]
    pub unread: Unread,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub shape: String,
    pub location: Option<String>,
    pub location_name: Option<String>,
    #[serde(default)]
    pub jsonvalue: bool,
    #[serde(default)]
    pub host_label: bool,
    #[serde(default)]
    pub idempotency_token: bool,
    pub timestamp_format: Option<String>,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub xml_attribute: bool,
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(flatten)]
    pub unread: Unread,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: String,
    pub given: Operation,
    pub description: Option<String>,
    /// Input cases: the operation's input, by member name.
    pub params: Option<Value>,
    pub serialized: Option<SerializedRequest>,
    /// Output cases: the response and what it parses into.
    pub response: Option<Response>,
    pub result: Option<Value>,
    pub error: Option<Value>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub name: String,
    pub http: Http,
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    pub endpoint: Option<Endpoint>,
    #[serde(default)]
    pub http_checksum_required: bool,
    pub requestcompression: Option<Value>,
    #[serde(flatten)]
    pub unread: Unread,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    pub method: String,
    pub request_uri: String,
    pub response_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub host_prefix: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SerializedRequest {
    pub method: String,
    pub uri: String,
    /// Absent: the case does not say what the body is, so it is not compared.
    pub body: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub forbid_headers: Vec<String>,
    #[serde(default)]
    pub require_headers: Vec<String>,
    pub host: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Response {
    pub status_code: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: String,
}

/// The suites of both directions and the ids of the cases botocore skips.
pub struct TestData {
    pub suites: Vec<(Direction, Suite)>,
    pub ignored: Ignored,
}

/// Case ids botocore skips, per direction; whole input suites by description.
#[derive(Default)]
pub struct Ignored {
    pub suites: Vec<String>,
    pub input: Vec<String>,
    pub output: Vec<String>,
}

impl Ignored {
    pub fn contains(&self, direction: Direction, suite: &Suite, case: &Case) -> bool {
        match direction {
            Direction::Input => {
                self.suites.contains(&suite.description) || self.input.contains(&case.id)
            }
            Direction::Output => self.output.contains(&case.id),
        }
    }
}

#[derive(Deserialize)]
struct IgnoreList {
    general: IgnoreGeneral,
    protocols: BTreeMap<String, IgnoreDirections>,
}

#[derive(Deserialize)]
struct IgnoreGeneral {
    input: IgnoreSuites,
}

#[derive(Deserialize)]
struct IgnoreSuites {
    suites: Vec<String>,
}

#[derive(Default, Deserialize)]
struct IgnoreDirections {
    #[serde(default)]
    input: IgnoreCases,
    #[serde(default)]
    output: IgnoreCases,
}

#[derive(Default, Deserialize)]
struct IgnoreCases {
    #[serde(default)]
    cases: Vec<String>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads `input/<stem>.json`, `output/<stem>.json` and, from the ignore list under `dir`,
/// the cases botocore skips for `ignore_key` (its name for the protocol).
pub fn load(dir: &Path, stem: &str, ignore_key: &str) -> Result<TestData, String> {
    let mut suites = Vec::new();
    for direction in [Direction::Input, Direction::Output] {
        let path = dir.join(direction.name()).join(format!("{stem}.json"));
        let file: Vec<Suite> = read_json(&path)?;
        suites.extend(file.into_iter().map(|suite| (direction, suite)));
    }
    let list: IgnoreList = read_json(&dir.join("protocol-tests-ignore-list.json"))?;
    let protocol = list
        .protocols
        .into_iter()
        .find(|(name, _)| name == ignore_key)
        .map(|(_, directions)| directions)
        .unwrap_or_default();
    Ok(TestData {
        suites,
        ignored: Ignored {
            suites: list.general.input.suites,
            input: protocol.input.cases,
            output: protocol.output.cases,
        },
    })
}
