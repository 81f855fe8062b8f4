//! The headers every AWS SDK adds besides the user agent: `amz-sdk-invocation-id` (one ID
//! per operation, so the service can tell a retry from a new call), `amz-sdk-request`
//! (which attempt of how many this is), and in Lambda, `X-Amzn-Trace-Id` (so that X-Ray
//! follows the call and recursion detection sees it).

use crate::http::Headers;

/// `amz-sdk-request` of attempt `attempt` (from 1) of at most `max_attempts`.
pub fn attempt_header(attempt: u32, max_attempts: u32) -> String {
    format!("attempt={attempt}; max={max_attempts}")
}

/// Adds Lambda's trace ID (`_X_AMZN_TRACE_ID`, which Lambda changes at every invocation, so
/// it is read per operation) when running in Lambda (`AWS_LAMBDA_FUNCTION_NAME` set) and the
/// request carries no trace ID of its own. `var` reads an environment variable.
pub fn add_lambda_trace_id(headers: &mut Headers, var: impl Fn(&str) -> Option<String>) {
    if headers.contains("x-amzn-trace-id") || var("AWS_LAMBDA_FUNCTION_NAME").is_none() {
        return;
    }
    if let Some(trace_id) = var("_X_AMZN_TRACE_ID").filter(|id| !id.is_empty()) {
        // A value that could break the header (a newline) is sent percent-encoded, as the
        // SDKs' recursion detection does.
        headers.insert("x-amzn-trace-id", encode_header_value(&trace_id));
    }
}

fn encode_header_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if (0x20..0x7f).contains(&byte) || byte == b'\t' {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn attempts_are_counted_from_one() {
        assert_eq!(attempt_header(1, 3), "attempt=1; max=3");
    }

    #[test]
    fn the_trace_id_is_added_in_lambda_only_and_never_replaces_one() {
        let trace = (
            "_X_AMZN_TRACE_ID",
            "Root=1-5759e988-bd862e3fe1be46a994272793",
        );
        let lambda = ("AWS_LAMBDA_FUNCTION_NAME", "my-function");

        let mut headers = Headers::new();
        add_lambda_trace_id(&mut headers, vars(&[trace]));
        assert_eq!(headers.get("x-amzn-trace-id"), None);

        add_lambda_trace_id(&mut headers, vars(&[trace, lambda]));
        assert_eq!(headers.get("X-Amzn-Trace-Id"), Some(trace.1));

        let mut own = Headers::new();
        own.insert("X-Amzn-Trace-Id", "Root=mine");
        add_lambda_trace_id(&mut own, vars(&[trace, lambda]));
        assert_eq!(own.get("x-amzn-trace-id"), Some("Root=mine"));

        let mut encoded = Headers::new();
        add_lambda_trace_id(
            &mut encoded,
            vars(&[lambda, ("_X_AMZN_TRACE_ID", "Root=a\nb\u{e9}")]),
        );
        assert_eq!(encoded.get("x-amzn-trace-id"), Some("Root=a%0Ab%C3%A9"));
    }
}
