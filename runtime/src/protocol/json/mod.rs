//! The JSON codec of every JSON protocol (restJson1, awsJson1_0, awsJson1_1): generated types
//! derive serde with the [`codec`]s of this module; bodies are written by
//! [`RequestBuilder::json_body`] and read by [`parse_body`], and the code and message of an
//! error body by [`error_metadata`].

pub mod codec;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{BuildError, ErrorMetadata, ResponseError};
use crate::http::{HttpResponse, request_id};
use crate::protocol::error_code;
use crate::protocol::http_binding::RequestBuilder;

/// A Smithy `document`: untyped JSON.
pub type Document = serde_json::Value;

/// `value` as JSON bytes; a value serde cannot write (a map with non-string keys, say)
/// fails the request instead of sending something else.
pub fn to_body<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, BuildError> {
    serde_json::to_vec(value).map_err(|e| BuildError::invalid("body", e.to_string()))
}

impl RequestBuilder {
    /// The body members as JSON, labelled `application/json` unless the protocol or a header
    /// member set the content type.
    pub fn json_body<T: Serialize + ?Sized>(self, body: &T) -> Self {
        self.body(to_body(body), "application/json")
    }
}

/// Parses the JSON body of a structure (an output or an error); an empty (or all-whitespace)
/// body reads as `{}`. The body is read as JSON whatever its `Content-Type`, as the AWS SDKs
/// do (some services and emulators label JSON `text/html`, or send none); a body that is
/// not a JSON object (serde would read an array as the structure's members by position), is
/// cut short or does not match `T` is a [`ResponseError`] naming the content type it came
/// with. Only an error response's body may also be no JSON at all (a proxy's HTML page):
/// it reads as `{}`, so that the error keeps the code its headers gave.
pub fn parse_body<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ResponseError> {
    match response.body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => parse_json(response, b"{}"),
        Some(b'{') => parse_json(response, &response.body),
        Some(_) if !response.is_success() => parse_json(response, b"{}"),
        Some(_) => Err(invalid_body(response, "the body is not a JSON object")),
    }
}

/// `body` (the response's, or what stands for it) as JSON of `T`, whatever JSON it is.
pub(crate) fn parse_json<T: DeserializeOwned>(
    response: &HttpResponse,
    body: &[u8],
) -> Result<T, ResponseError> {
    serde_json::from_slice(body)
        .map_err(|e| invalid_body(response, &without_quoted_values(&e.to_string())))
}

fn invalid_body(response: &HttpResponse, reason: &str) -> ResponseError {
    let labelled = match response.headers.get("content-type") {
        Some(content_type) => format!(" (content type `{content_type}`)"),
        None => String::new(),
    };
    ResponseError::new(response, format!("invalid JSON body{labelled}: {reason}"))
}

/// serde_json's message with every quoted string value blanked: `invalid type: string
/// "s3cr3t", expected i32` could quote an `@sensitive` member, and errors end up in logs.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    out.extend(parts.next());
    let mut quoted = true;
    for part in parts {
        out.push('"');
        out.push_str(if quoted { "…" } else { part });
        quoted = !quoted;
    }
    out
}

/// Reads an error response of a JSON protocol: the code from the `X-Amzn-ErrorType` header,
/// else the body's `code`, else its `__type` (reduced to the shape name by
/// [`error_code::sanitize`]); the message from `message` or `Message`. A body that is not
/// JSON still yields the header's code and the request ID.
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let body: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&response.body).unwrap_or_default();
    let body_str = |key: &str| body.get(key).and_then(serde_json::Value::as_str);
    let code = response
        .headers
        .get("x-amzn-errortype")
        .or_else(|| body_str("code"))
        .or_else(|| body_str("__type"))
        .map(error_code::sanitize)
        .filter(|code| !code.is_empty());
    let message = body_str("message").or_else(|| body_str("Message"));
    ErrorMetadata::new(
        response.status,
        code.map(str::to_owned),
        message.map(str::to_owned),
        request_id(&response.headers).map(str::to_owned),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Headers, test_response as response};

    #[test]
    fn json_body_sets_content_type_and_content_length() {
        let request = RequestBuilder::new("POST", "/d")
            .json_body(&serde_json::json!({"Name": "x"}))
            .build()
            .unwrap();
        assert_eq!(request.body.bytes(), Some(&br#"{"Name":"x"}"#[..]));
        assert_eq!(
            request.headers.get("Content-Type"),
            Some("application/json")
        );
        assert_eq!(request.headers.get("Content-Length"), Some("12"));
    }

    #[test]
    fn unwritable_bodies_fail_the_request() {
        let keys = std::collections::BTreeMap::from([(vec![1u8], 1)]);
        let built = RequestBuilder::new("POST", "/").json_body(&keys).build();
        assert!(
            matches!(built, Err(BuildError::InvalidMember { ref member, .. }) if member == "body"),
            "{built:?}"
        );
    }

    #[test]
    fn error_code_sources_in_order_and_sanitised() {
        let from_header = response(
            400,
            &[
                (
                    "X-Amzn-ErrorType",
                    "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
                ),
                ("x-amzn-requestid", "r1"),
            ],
            r#"{"code": "BodyCode", "message": "hi"}"#,
        );
        let meta = error_metadata(&from_header);
        assert_eq!(meta.code(), Some("FooError"));
        assert_eq!(meta.message(), Some("hi"));
        assert_eq!(meta.request_id(), Some("r1"));
        assert_eq!(meta.status(), 400);

        let from_code = response(
            404,
            &[],
            r#"{"code": "aws.protocoltests.restjson#NotFound", "__type": "Other"}"#,
        );
        assert_eq!(error_metadata(&from_code).code(), Some("NotFound"));

        let from_type = response(
            400,
            &[("x-amz-request-id", "r2")],
            r#"{"__type": "aws.protocoltests.restjson#FooError:http://x", "Message": "Upper"}"#,
        );
        let meta = error_metadata(&from_type);
        assert_eq!(meta.code(), Some("FooError"));
        assert_eq!(meta.message(), Some("Upper"));
        assert_eq!(meta.request_id(), Some("r2"));

        let garbage = response(502, &[], "<html>Bad Gateway</html>");
        let meta = error_metadata(&garbage);
        assert_eq!(
            (meta.code(), meta.message(), meta.status()),
            (None, None, 502)
        );
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Output {
        #[serde(rename = "Name")]
        name: Option<String>,
    }

    #[test]
    fn bodies_parse_whatever_their_content_type() {
        for content_type in [
            "application/json",
            "application/x-amz-json-1.0",
            "text/html",
            "binary/octet-stream",
        ] {
            let labelled = response(
                200,
                &[("Content-Type", content_type)],
                r#"{"Name":"n","Extra":1}"#,
            );
            assert_eq!(
                parse_body::<Output>(&labelled).unwrap().name.as_deref(),
                Some("n"),
                "{content_type}"
            );
        }
        let unlabelled = response(200, &[], r#"{"Name":"n"}"#);
        assert_eq!(
            parse_body::<Output>(&unlabelled).unwrap().name.as_deref(),
            Some("n")
        );
    }

    #[test]
    fn bad_bodies_are_errors_naming_what_came_without_panicking() {
        let empty = response(200, &[], " \n");
        assert_eq!(parse_body::<Output>(&empty).unwrap(), Output { name: None });

        let truncated = response(200, &[("x-amzn-requestid", "r9")], r#"{"Name":"#);
        let error = parse_body::<Output>(&truncated).unwrap_err();
        assert_eq!(error.request_id(), Some("r9"));
        assert!(
            error.reason().contains("invalid JSON"),
            "{}",
            error.reason()
        );

        let wrong_type = response(200, &[], r#"{"Name": 5}"#);
        assert!(parse_body::<Output>(&wrong_type).is_err());
        #[derive(serde::Deserialize, Debug)]
        struct Count {
            #[serde(rename = "Count")]
            _count: Option<i32>,
        }
        let secret = response(200, &[], r#"{"Count": "s3cr3t"}"#);
        let reason = parse_body::<Count>(&secret)
            .unwrap_err()
            .reason()
            .to_owned();
        assert!(!reason.contains("s3cr3t"), "{reason}");
        assert!(reason.contains("invalid type: string"), "{reason}");
        let html = response(200, &[("Content-Type", "text/html")], "<html/>");
        let reason = parse_body::<Output>(&html).unwrap_err();
        assert!(reason.reason().contains("text/html"), "{}", reason.reason());
        let not_utf8 = HttpResponse {
            status: 200,
            headers: Headers::new(),
            body: vec![0xff, 0xfe],
        };
        assert!(parse_body::<Output>(&not_utf8).is_err());
    }

    #[test]
    fn a_structure_is_an_object_never_an_array_read_by_position() {
        let array = response(200, &[], r#" ["n"]"#);
        let error = parse_body::<Output>(&array).unwrap_err();
        assert!(
            error.reason().contains("not a JSON object"),
            "{}",
            error.reason()
        );
        for scalar in ["\"n\"", "5", "null"] {
            assert!(
                parse_body::<Output>(&response(200, &[], scalar)).is_err(),
                "{scalar}"
            );
        }
    }

    #[test]
    fn an_error_body_that_is_not_json_reads_as_empty() {
        let html = response(
            404,
            &[("Content-Type", "text/html")],
            "<html>Not Found</html>",
        );
        assert_eq!(parse_body::<Output>(&html).unwrap(), Output { name: None });
        let listed = response(400, &[], r#"{"Name":"n"}"#);
        assert_eq!(
            parse_body::<Output>(&listed).unwrap().name.as_deref(),
            Some("n")
        );
    }
}
