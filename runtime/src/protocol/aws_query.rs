//! `aws.protocols#awsQuery`: form-encoded `POST /` requests ([`crate::protocol::query`])
//! naming the operation and the API version, XML responses wrapped as
//! `<OperationResponse><OperationResult>`, errors as `<ErrorResponse><Error>` with the
//! `aws.protocols#awsQueryError` codes.

use crate::error::{ErrorMetadata, ResponseError};
use crate::http::HttpResponse;
use crate::protocol::http_binding::RequestBuilder;
use crate::protocol::query::{QueryWriter, ToQuery};
use crate::protocol::xml::{self, Element, XmlError};

/// What a generated awsQuery client states once about its service.
#[derive(Debug)]
pub struct AwsQuery {
    /// The service's API version, sent as `Version` (e.g. `2011-06-15` for STS).
    pub version: &'static str,
}

impl AwsQuery {
    /// The request of `operation` with `input`'s members as its form-encoded body.
    pub fn request<T: ToQuery>(&self, operation: &str, input: &T) -> RequestBuilder {
        query_request(QueryWriter::new(operation, self.version), input)
    }
}

/// `POST /` with the form body `writer` holds plus `input`'s members: both query protocols.
pub(crate) fn query_request<T: ToQuery>(mut writer: QueryWriter, input: &T) -> RequestBuilder {
    input.to_query(&mut writer, "");
    RequestBuilder::new("POST", "/").body(Ok(writer.finish()), "application/x-www-form-urlencoded")
}

/// The output's members from `<{result}>` (e.g. `AssumeRoleResult`) inside the root
/// element, and the request ID (header, else `ResponseMetadata/RequestId`). An output
/// without members may come without the result element.
pub fn output<T: Default>(
    response: &HttpResponse,
    result: &str,
    read: impl FnOnce(&Element) -> Result<T, XmlError>,
) -> Result<(T, Option<String>), ResponseError> {
    xml::parse_root(response, |root| {
        let value = match root.child(result) {
            Some(result) => read(result)?,
            None => T::default(),
        };
        let request_id = crate::http::request_id(&response.headers)
            .or_else(|| xml::body_request_id(root))
            .map(str::to_owned);
        Ok((value, request_id))
    })
}

/// Code, message and request ID of `<ErrorResponse><Error>`: see [`xml::error_metadata`].
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    xml::error_metadata(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::test_response as response;
    use crate::protocol::xml::FromXml;

    struct Input;

    impl ToQuery for Input {
        fn to_query(&self, writer: &mut QueryWriter, prefix: &str) {
            writer.value(&crate::protocol::query::key(prefix, "RoleArn"), "arn");
        }
    }

    #[test]
    fn requests_are_form_posts_naming_action_and_version() {
        let sts = AwsQuery {
            version: "2011-06-15",
        };
        let request = sts.request("AssumeRole", &Input).build().unwrap();
        assert_eq!(
            (request.method.as_str(), request.url.as_str()),
            ("POST", "/")
        );
        assert_eq!(
            request.body.bytes(),
            Some(&b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn"[..])
        );
        assert_eq!(
            request.headers.get("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }

    #[test]
    fn outputs_come_from_the_result_element() {
        let ok = response(
            200,
            &[],
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Account>123</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>",
        );
        let (account, id) = output(&ok, "GetCallerIdentityResult", |result| {
            result
                .child("Account")
                .map_or(Ok(String::new()), String::from_xml)
        })
        .unwrap();
        assert_eq!((account.as_str(), id.as_deref()), ("123", Some("req-1")));
        let empty = response(
            200,
            &[],
            "<DeleteResponse><ResponseMetadata/></DeleteResponse>",
        );
        let (nothing, _) = output(&empty, "DeleteResult", |_| Ok(String::from("x"))).unwrap();
        assert_eq!(nothing, "");
        let broken = response(200, &[], "<DeleteResponse>");
        assert!(output(&broken, "DeleteResult", String::from_xml).is_err());
    }
}
