//! `aws.protocols#restJson1`: HTTP bindings ([`crate::protocol::http_binding`]) with JSON
//! bodies ([`crate::protocol::json`]). What is restJson1's own is the `smithy.api#httpPayload`
//! of a structure, union or document, and where its errors put their code.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ErrorMetadata, ResponseError};
use crate::http::HttpResponse;
use crate::protocol::http_binding::RequestBuilder;
use crate::protocol::json;

impl RequestBuilder {
    /// A `smithy.api#httpPayload` structure or document, as JSON; an unset payload is sent
    /// as `{}`, as restJson1 requires for structures.
    pub fn json_payload<T: Serialize>(self, payload: Option<&T>) -> Self {
        match payload {
            Some(payload) => self.json_body(payload),
            None => self.json_body(&serde_json::Map::new()),
        }
    }

    /// A `smithy.api#httpPayload` union: JSON when set, no body at all when unset (an empty
    /// union has no JSON form).
    pub fn union_payload<T: Serialize>(self, payload: Option<&T>) -> Self {
        match payload {
            Some(payload) => self.json_body(payload),
            None => self,
        }
    }
}

/// A `smithy.api#httpPayload` structure, union or document; `None` for an empty body. A
/// document may be any JSON, so the body is not required to be an object.
pub fn json_payload<T: DeserializeOwned>(
    response: &HttpResponse,
) -> Result<Option<T>, ResponseError> {
    if response.body.is_empty() {
        return Ok(None);
    }
    json::parse_json(response, &response.body).map(Some)
}

/// The error code comes from `X-Amzn-ErrorType`, else the body's `code` or `__type`: see
/// [`json::error_metadata`].
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    json::error_metadata(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::test_response as response;

    #[test]
    fn an_unset_structure_payload_is_an_empty_object_and_an_unset_union_no_body() {
        let none: Option<&serde_json::Value> = None;
        let request = RequestBuilder::new("POST", "/p")
            .json_payload(none)
            .build()
            .unwrap();
        assert_eq!(request.body.bytes(), Some(&b"{}"[..]));
        assert_eq!(
            request.headers.get("Content-Type"),
            Some("application/json")
        );
        let unset_union = RequestBuilder::new("PUT", "/p")
            .union_payload(none)
            .build()
            .unwrap();
        assert_eq!(unset_union.body.bytes(), Some(&[][..]));
        assert!(!unset_union.headers.contains("Content-Type"));
    }

    #[test]
    fn an_empty_payload_is_absent() {
        let empty = response(200, &[], "");
        assert_eq!(json_payload::<serde_json::Value>(&empty).unwrap(), None);
        let set = response(200, &[], r#"{"a":1}"#);
        assert_eq!(
            json_payload::<serde_json::Value>(&set).unwrap(),
            Some(serde_json::json!({"a": 1}))
        );
    }
}
