//! `aws.protocols#ec2Query`: awsQuery's form-encoded requests with EC2's naming (decided by
//! the generator), XML responses whose root holds the output's members directly, errors as
//! `<Response><Errors><Error>`.

use crate::error::{ErrorMetadata, ResponseError};
use crate::http::HttpResponse;
use crate::protocol::aws_query::query_request;
use crate::protocol::http_binding::RequestBuilder;
use crate::protocol::query::{QueryWriter, ToQuery};
use crate::protocol::xml::{self, Element, XmlError};

/// What a generated ec2Query client states once about its service.
#[derive(Debug)]
pub struct Ec2Query {
    /// The service's API version, sent as `Version` (e.g. `2016-11-15` for EC2).
    pub version: &'static str,
}

impl Ec2Query {
    /// The request of `operation` with `input`'s members as its form-encoded body.
    pub fn request<T: ToQuery>(&self, operation: &str, input: &T) -> RequestBuilder {
        query_request(QueryWriter::new(operation, self.version), input)
    }
}

/// The output's members from the root element, and the request ID (header, else the
/// body's `requestId`).
pub fn output<T>(
    response: &HttpResponse,
    read: impl FnOnce(&Element) -> Result<T, XmlError>,
) -> Result<(T, Option<String>), ResponseError> {
    xml::parse_root(response, |root| {
        let value = read(root)?;
        let request_id = crate::http::request_id(&response.headers)
            .or_else(|| xml::body_request_id(root))
            .map(str::to_owned);
        Ok((value, request_id))
    })
}

/// Code, message and request ID of `<Response><Errors><Error>`: see [`xml::error_metadata`].
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    xml::error_metadata(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::test_response as response;

    #[test]
    fn errors_sit_under_response_errors() {
        let error = response(
            400,
            &[],
            "<Response><Errors><Error><Code>InvalidGreeting</Code><Message>Hi</Message>\
             </Error></Errors><RequestID>foo-id</RequestID></Response>",
        );
        let meta = error_metadata(&error);
        assert_eq!(meta.code(), Some("InvalidGreeting"));
        assert_eq!(meta.message(), Some("Hi"));
        assert_eq!(meta.request_id(), Some("foo-id"));
    }
}
