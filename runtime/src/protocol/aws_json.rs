//! `aws.protocols#awsJson1_0` and `aws.protocols#awsJson1_1`: every operation is `POST /`
//! naming itself in `X-Amz-Target: <service shape>.<operation>`, with the whole input as a
//! JSON body (`{}` when it has no members; HTTP binding traits do not apply), errors coded
//! in `__type` or `X-Amzn-Errortype`. `aws.protocols#awsQueryCompatible` services (SQS) also
//! say which awsQuery error code they mean, in `x-amzn-query-error`.

use crate::error::ErrorMetadata;
use crate::http::HttpResponse;
use crate::protocol::error_code;
use crate::protocol::http_binding::RequestBuilder;
use crate::protocol::json;

/// What a generated awsJson client states once about its service.
#[derive(Debug)]
pub struct AwsJson {
    /// `application/x-amz-json-1.0` or `application/x-amz-json-1.1`: the only difference
    /// between the two versions.
    pub content_type: &'static str,
    /// The service shape's name, e.g. `DynamoDB_20120810`: `X-Amz-Target`'s first part.
    pub target_prefix: &'static str,
    /// `aws.protocols#awsQueryCompatible`: requests say so in `x-amzn-query-mode`.
    pub query_compatible: bool,
}

impl AwsJson {
    /// The request of `operation` (its shape name), ready for its body.
    pub fn request(&self, operation: &str) -> RequestBuilder {
        let target = format!("{}.{operation}", self.target_prefix);
        let builder = RequestBuilder::new("POST", "/")
            .header("X-Amz-Target", Some(target.as_str()))
            .header("Content-Type", Some(self.content_type));
        if self.query_compatible {
            builder.header("x-amzn-query-mode", Some("true"))
        } else {
            builder
        }
    }
}

/// The error code from `X-Amzn-Errortype`, `code` or `__type`, as [`json::error_metadata`].
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    json::error_metadata(response)
}

/// [`error_metadata`], with the code of the `x-amzn-query-error` header when there is one:
/// that is the code an `aws.protocols#awsQueryCompatible` service's callers know (the
/// `aws.protocols#awsQueryError` of the modelled error), e.g.
/// `AWS.SimpleQueueService.NonExistentQueue` rather than `QueueDoesNotExist`.
pub fn query_compatible_error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let meta = json::error_metadata(response);
    match response
        .headers
        .get("x-amzn-query-error")
        .and_then(error_code::query_error_code)
    {
        Some(code) => meta.with_code(code),
        None => meta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::test_response as response;

    const DYNAMODB: AwsJson = AwsJson {
        content_type: "application/x-amz-json-1.0",
        target_prefix: "DynamoDB_20120810",
        query_compatible: false,
    };

    #[test]
    fn requests_post_to_slash_naming_the_operation() {
        let request = DYNAMODB
            .request("GetItem")
            .json_body(&serde_json::json!({"TableName": "t"}))
            .build()
            .unwrap();
        assert_eq!(
            (request.method.as_str(), request.url.as_str()),
            ("POST", "/")
        );
        assert_eq!(
            request.headers.get("x-amz-target"),
            Some("DynamoDB_20120810.GetItem")
        );
        assert_eq!(
            request.headers.get("content-type"),
            Some("application/x-amz-json-1.0")
        );
        assert!(!request.headers.contains("x-amzn-query-mode"));
        let sqs = AwsJson {
            content_type: "application/x-amz-json-1.0",
            target_prefix: "AmazonSQS",
            query_compatible: true,
        };
        let request = sqs
            .request("ListQueues")
            .json_body(&serde_json::Map::new())
            .build()
            .unwrap();
        assert_eq!(request.headers.get("x-amzn-query-mode"), Some("true"));
    }

    #[test]
    fn query_compatible_errors_take_the_query_code() {
        let body = r#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "gone"}"#;
        let with_header = response(
            400,
            &[(
                "x-amzn-query-error",
                "AWS.SimpleQueueService.NonExistentQueue;Sender",
            )],
            body,
        );
        let meta = query_compatible_error_metadata(&with_header);
        assert_eq!(meta.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
        assert_eq!(meta.message(), Some("gone"));
        assert_eq!(
            error_metadata(&with_header).code(),
            Some("QueueDoesNotExist")
        );
        let without = response(400, &[], body);
        assert_eq!(
            query_compatible_error_metadata(&without).code(),
            Some("QueueDoesNotExist")
        );
    }
}
