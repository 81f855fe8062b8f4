//! What some services need beyond their model, as every AWS SDK does it; one function per
//! service, keyed by its shape ID, each rule saying why.

use super::{Binding, Crate};
use crate::model::ShapeId;

/// S3's service shape.
const S3: &str = "com.amazonaws.s3#AmazonS3";

/// Applies the customizations of `service` to its crate.
pub(super) fn apply(service: &ShapeId, krate: &mut Crate) {
    if service.as_str() == S3 {
        s3(krate);
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

    use crate::ir::{Binding, Crate};
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
