//! Traits as an ordered map of shape ID to JSON value, with typed accessors for the traits
//! the generator uses. Unknown traits are kept untouched.

use serde::Deserialize;
use serde_json::Value;

use super::OrderedMap;

/// The `traits` object of a shape or member.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct Traits(OrderedMap<Value>);

/// `smithy.api#timestampFormat` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// One entry of the legacy `smithy.api#enum` trait.
#[derive(Clone, Debug, PartialEq)]
pub struct LegacyEnumValue {
    pub value: String,
    pub name: Option<String>,
    pub documentation: Option<String>,
}

/// `smithy.api#error` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorFault {
    Client,
    Server,
}

impl Traits {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.get(id)
    }

    pub fn has(&self, id: &str) -> bool {
        self.0.get(id).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter()
    }

    fn string(&self, id: &str) -> Option<&str> {
        self.get(id).and_then(Value::as_str)
    }

    pub fn documentation(&self) -> Option<&str> {
        self.string("smithy.api#documentation")
    }

    pub fn is_required(&self) -> bool {
        self.has("smithy.api#required")
    }

    pub fn is_client_optional(&self) -> bool {
        self.has("smithy.api#clientOptional")
    }

    pub fn is_sensitive(&self) -> bool {
        self.has("smithy.api#sensitive")
    }

    pub fn is_sparse(&self) -> bool {
        self.has("smithy.api#sparse")
    }

    /// The member's `@default` value; `null` means "no default" and is returned as `None`.
    pub fn default_value(&self) -> Option<&Value> {
        self.get("smithy.api#default").filter(|v| !v.is_null())
    }

    pub fn json_name(&self) -> Option<&str> {
        self.string("smithy.api#jsonName")
    }

    /// `None` for an absent or unrecognised format, so the protocol default applies.
    pub fn timestamp_format(&self) -> Option<TimestampFormat> {
        match self.string("smithy.api#timestampFormat")? {
            "epoch-seconds" => Some(TimestampFormat::EpochSeconds),
            "date-time" => Some(TimestampFormat::DateTime),
            "http-date" => Some(TimestampFormat::HttpDate),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<ErrorFault> {
        match self.string("smithy.api#error")? {
            "client" => Some(ErrorFault::Client),
            "server" => Some(ErrorFault::Server),
            _ => None,
        }
    }

    /// The value of `smithy.api#enumValue` on an enum or intEnum member.
    pub fn enum_value(&self) -> Option<&Value> {
        self.get("smithy.api#enumValue")
    }

    /// The legacy `smithy.api#enum` trait on a string shape; entries without a string
    /// `value` are skipped rather than rejected.
    pub fn legacy_enum(&self) -> Option<Vec<LegacyEnumValue>> {
        let entries = self.get("smithy.api#enum")?.as_array()?;
        let text =
            |entry: &Value, key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(
            entries
                .iter()
                .filter_map(|entry| {
                    Some(LegacyEnumValue {
                        value: text(entry, "value")?,
                        name: text(entry, "name"),
                        documentation: text(entry, "documentation"),
                    })
                })
                .collect(),
        )
    }

    /// `smithy.api#xmlName`: the element (or attribute) name in XML bodies, and the member's
    /// name in awsQuery requests.
    pub fn xml_name(&self) -> Option<&str> {
        self.string("smithy.api#xmlName")
    }

    pub fn is_xml_attribute(&self) -> bool {
        self.has("smithy.api#xmlAttribute")
    }

    pub fn is_xml_flattened(&self) -> bool {
        self.has("smithy.api#xmlFlattened")
    }

    /// `smithy.api#xmlNamespace` as `(prefix, uri)`.
    pub fn xml_namespace(&self) -> Option<(Option<&str>, &str)> {
        let namespace = self.get("smithy.api#xmlNamespace")?;
        let uri = namespace.get("uri")?.as_str()?;
        Some((namespace.get("prefix").and_then(Value::as_str), uri))
    }

    /// `aws.protocols#ec2QueryName`: the member's name in ec2Query requests.
    pub fn ec2_query_name(&self) -> Option<&str> {
        self.string("aws.protocols#ec2QueryName")
    }

    pub fn title(&self) -> Option<&str> {
        self.string("smithy.api#title")
    }

    /// `sdkId` of the `aws.api#service` trait.
    pub fn aws_sdk_id(&self) -> Option<&str> {
        self.get("aws.api#service")?.get("sdkId")?.as_str()
    }
}
