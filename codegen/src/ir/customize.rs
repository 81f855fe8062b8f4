//! What some services need beyond their model, as every AWS SDK does it; one function per
//! service, keyed by its shape ID, each rule saying why.

use super::{Binding, Crate, Struct, TypeKind};
use crate::model::ShapeId;

/// S3's service shape.
const S3: &str = "com.amazonaws.s3#AmazonS3";

/// Applies the customizations of `service` to its crate.
pub(super) fn apply(service: &ShapeId, krate: &mut Crate) {
    redact_session_tokens(krate);
    if service.as_str() == S3 {
        s3(krate);
    }
}

/// Every service: a session token is as secret as the key it comes with, but not every model
/// says so (STS's `Credentials.SessionToken`, what assume-role credentials carry, targets a
/// plain string), so members named `SessionToken` are `@sensitive` wherever they are.
fn redact_session_tokens(krate: &mut Crate) {
    let structs = krate
        .types
        .iter_mut()
        .filter_map(|def| match &mut def.kind {
            TypeKind::Struct(shape) => Some(shape),
            _ => None,
        })
        .chain(
            krate
                .operations
                .iter_mut()
                .flat_map(|op| [&mut op.input, &mut op.output]),
        );
    for shape in structs {
        redact_session_token(shape);
    }
}

fn redact_session_token(shape: &mut Struct) {
    for field in &mut shape.fields {
        if field.member.eq_ignore_ascii_case("SessionToken") {
            field.sensitive = true;
        }
    }
}

/// S3:
/// - The endpoint rules address the bucket (`bucket.s3.region.amazonaws.com`, or the path
///   for path-style and IP-address endpoints), so the `{Bucket}` label the model's URIs
///   start with is dropped, as the AWS SDKs do; the member is still sent to the rules
///   (`smithy.rules#contextParam`).
/// - S3 signs the path as sent (encoded once, not normalised: keys may hold `..` and `//`) and wants
///   the payload hash in `x-amz-content-sha256` on every request.
fn s3(krate: &mut Crate) {
    krate.service.signing.double_uri_encode = false;
    krate.service.signing.normalize_path = false;
    krate.service.signing.payload_header = true;
    for op in &mut krate.operations {
        let uri = &mut op.http.uri;
        if let Some(rest) = uri.strip_prefix("/{Bucket}") {
            *uri = if rest.starts_with('/') {
                rest.to_owned()
            } else {
                format!("/{rest}")
            };
        }
        for field in &mut op.input.fields {
            if field.member == "Bucket" && field.binding == Binding::Label {
                field.binding = Binding::EndpointOnly;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::ir::{Binding, Crate, TypeKind};
    use crate::model::Model;

    fn model(service: &str) -> Model {
        let json = json!({
            "smithy": "2.0",
            "shapes": {
                service: {
                    "type": "service",
                    "operations": [{"target": "com.amazonaws.s3#GetObject"}, {"target": "com.amazonaws.s3#ListObjects"}],
                    "traits": {"aws.protocols#restXml": {}}
                },
                "com.amazonaws.s3#GetObject": {
                    "type": "operation",
                    "input": {"target": "com.amazonaws.s3#GetObjectRequest"},
                    "traits": {"smithy.api#http": {"method": "GET", "uri": "/{Bucket}/{Key+}?x-id=GetObject"}}
                },
                "com.amazonaws.s3#ListObjects": {
                    "type": "operation",
                    "input": {"target": "com.amazonaws.s3#GetObjectRequest"},
                    "traits": {"smithy.api#http": {"method": "GET", "uri": "/{Bucket}?list-type=2"}}
                },
                "com.amazonaws.s3#GetObjectRequest": {"type": "structure", "members": {
                    "Bucket": {"target": "smithy.api#String", "traits": {
                        "smithy.api#httpLabel": {}, "smithy.api#required": {},
                        "smithy.rules#contextParam": {"name": "Bucket"}}},
                    "Key": {"target": "smithy.api#String", "traits": {
                        "smithy.api#httpLabel": {}, "smithy.api#required": {}}}
                }}
            }
        });
        Model::from_json(&json.to_string()).unwrap()
    }

    #[test]
    fn s3_buckets_are_addressed_by_the_endpoint_rules() {
        let krate = Crate::build(&model("com.amazonaws.s3#AmazonS3"), None).unwrap();
        let uris: Vec<&str> = krate
            .operations
            .iter()
            .map(|op| op.http.uri.as_str())
            .collect();
        assert_eq!(uris, ["/{Key+}?x-id=GetObject", "/?list-type=2"]);
        let bucket = &krate.operations[0].input.fields[0];
        assert_eq!(bucket.binding, Binding::EndpointOnly);
        assert_eq!(bucket.context_param.as_deref(), Some("Bucket"));
        assert!(!krate.service.signing.double_uri_encode);
        assert!(!krate.service.signing.normalize_path);
        assert!(krate.service.signing.payload_header);
    }

    #[test]
    fn session_tokens_are_sensitive_whatever_the_model_says() {
        let json = json!({
            "smithy": "2.0",
            "shapes": {
                "com.amazonaws.sts#STS": {
                    "type": "service",
                    "operations": [{"target": "com.amazonaws.sts#AssumeRole"}],
                    "traits": {"aws.protocols#awsQuery": {}}
                },
                "com.amazonaws.sts#AssumeRole": {
                    "type": "operation",
                    "output": {"target": "com.amazonaws.sts#AssumeRoleResponse"}
                },
                "com.amazonaws.sts#AssumeRoleResponse": {"type": "structure", "members": {
                    "Credentials": {"target": "com.amazonaws.sts#Credentials"}
                }},
                "com.amazonaws.sts#Credentials": {"type": "structure", "members": {
                    "AccessKeyId": {"target": "smithy.api#String"},
                    "SessionToken": {"target": "smithy.api#String"}
                }}
            }
        });
        let krate = Crate::build(&Model::from_json(&json.to_string()).unwrap(), None).unwrap();
        let credentials = krate
            .types
            .iter()
            .find_map(|def| match &def.kind {
                TypeKind::Struct(shape) if def.name == "Credentials" => Some(shape),
                _ => None,
            })
            .unwrap();
        let sensitive: Vec<(&str, bool)> = credentials
            .fields
            .iter()
            .map(|f| (f.member.as_str(), f.sensitive))
            .collect();
        assert_eq!(sensitive, [("AccessKeyId", false), ("SessionToken", true)]);
    }

    #[test]
    fn other_services_keep_their_uris() {
        let krate = Crate::build(&model("com.amazonaws.s3#NotS3"), None).unwrap();
        assert_eq!(
            krate.operations[0].http.uri,
            "/{Bucket}/{Key+}?x-id=GetObject"
        );
        assert_eq!(krate.operations[0].input.fields[0].binding, Binding::Label);
        assert!(krate.service.signing.normalize_path);
    }
}
