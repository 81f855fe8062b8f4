//! `aws.protocols#restXml`: HTTP bindings ([`crate::protocol::http_binding`]) with XML
//! bodies ([`crate::protocol::xml`]). What is restXml's own: the request body's root
//! element, `smithy.api#httpPayload` structures and unions as the document root, and (for
//! services with `noErrorWrapping`, S3) errors sent with status 200.

use crate::error::{ErrorMetadata, ResponseError};
use crate::http::HttpResponse;
use crate::protocol::http_binding::RequestBuilder;
use crate::protocol::xml::{self, Element, FromXml, ToXml, XmlWriter};

/// `(prefix, uri)` of an `smithy.api#xmlNamespace`.
pub type Namespace<'a> = Option<(Option<&'a str>, &'a str)>;

impl RequestBuilder {
    /// The body members written as the element `root` (the input's `smithy.api#xmlName`
    /// or shape name), labelled `application/xml`.
    pub fn xml_body<T: ToXml>(self, body: &T, root: &str, namespace: Namespace<'_>) -> Self {
        let mut writer = XmlWriter::new();
        body.to_xml(&mut writer, root, namespace);
        self.body(Ok(writer.finish()), "application/xml")
    }

    /// A `smithy.api#httpPayload` structure or union as the document root; no body when
    /// it is unset.
    pub fn xml_payload<T: ToXml>(
        self,
        payload: Option<&T>,
        root: &str,
        namespace: Namespace<'_>,
    ) -> Self {
        match payload {
            Some(payload) => self.xml_body(payload, root, namespace),
            None => self,
        }
    }
}

/// A `smithy.api#httpPayload` structure or union read from the document root; `None` for
/// an empty body.
pub fn payload<T: FromXml>(response: &HttpResponse) -> Result<Option<T>, ResponseError> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    xml::parse_root(response, T::from_xml).map(Some)
}

/// The body members of an output, from the document root, and the request ID.
pub fn output<T>(
    response: &HttpResponse,
    read: impl FnOnce(&Element) -> Result<T, xml::XmlError>,
) -> Result<(T, Option<String>), ResponseError> {
    let value = xml::parse_root(response, read)?;
    Ok((value, request_id(response)))
}

/// The request ID from the headers (restXml services send it there).
fn request_id(response: &HttpResponse) -> Option<String> {
    crate::http::request_id(&response.headers).map(str::to_owned)
}

/// Code, message and request ID of an error (`<ErrorResponse><Error>`, or S3's bare
/// `<Error>`): see [`xml::error_metadata`].
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    xml::error_metadata(response)
}

/// Whether a successful response is an error all the same: S3 answers 200 to
/// CompleteMultipartUpload, CopyObject and UploadPartCopy and then reports a failure in the
/// body, as a bare `<Error>` root.
pub fn is_error_despite_status(response: &HttpResponse) -> bool {
    let start = response
        .body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(response.body.len());
    let mut rest = &response.body[start..];
    // An XML declaration may come first.
    if rest.starts_with(b"<?") {
        match rest.windows(2).position(|w| w == b"?>") {
            Some(end) => rest = &rest[end + 2..],
            None => return false,
        }
    }
    let rest = rest.trim_ascii_start();
    rest.starts_with(b"<Error>") || rest.starts_with(b"<Error ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::test_response as response;

    #[test]
    fn errors_wrapped_or_bare_and_empty_ones_coded_by_status() {
        let wrapped = response(
            400,
            &[],
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code>\
             <Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>",
        );
        let meta = error_metadata(&wrapped);
        assert_eq!(meta.code(), Some("InvalidGreeting"));
        assert_eq!(meta.message(), Some("Hi"));
        assert_eq!(meta.request_id(), Some("foo-id"));
        let bare = response(
            404,
            &[("x-amz-request-id", "r1")],
            "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>gone</Message>\
             <RequestId>body-id</RequestId></Error>",
        );
        let meta = error_metadata(&bare);
        assert_eq!(meta.code(), Some("NoSuchKey"));
        assert_eq!(meta.request_id(), Some("r1"));
        let head = error_metadata(&response(404, &[], ""));
        assert_eq!((head.code(), head.status()), (Some("NotFound"), 404));
        let html = error_metadata(&response(502, &[], "<html><body>Bad"));
        assert_eq!(html.code(), None);
    }

    #[test]
    fn a_200_with_an_error_root_is_an_error() {
        let error = response(
            200,
            &[],
            "\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code></Error>",
        );
        assert!(is_error_despite_status(&error));
        let fine = response(
            200,
            &[],
            "<?xml version=\"1.0\"?><CopyObjectResult><ETag>x</ETag></CopyObjectResult>",
        );
        assert!(!is_error_despite_status(&fine));
        assert!(!is_error_despite_status(&response(200, &[], "")));
        assert!(!is_error_despite_status(&response(200, &[], "<?xml")));
    }
}
