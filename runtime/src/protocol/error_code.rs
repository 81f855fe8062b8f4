//! Error codes as AWS services send them, reduced to what generated error enums match on.

/// The shape name in an error code: `aws.protocoltests.restjson#FooError:http://internal...`
/// (a namespace before `#`, a URI after `:`) becomes `FooError`.
pub fn sanitize(raw: &str) -> &str {
    let without_suffix = raw.split(':').next().unwrap_or(raw);
    let name = without_suffix.rsplit('#').next().unwrap_or(without_suffix);
    name.trim()
}

/// The code of an `aws.protocols#awsQueryCompatible` service's `x-amzn-query-error` header,
/// `Code;Fault` (e.g. `AWS.SimpleQueueService.NonExistentQueue;Sender`): the code the
/// service's awsQuery protocol used, which its callers match on.
pub fn query_error_code(header: &str) -> Option<&str> {
    let code = header.split(';').next()?.trim();
    (!code.is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_and_uri_suffixes_are_stripped() {
        for (raw, code) in [
            ("FooError", "FooError"),
            ("aws.protocoltests.restjson#FooError", "FooError"),
            (
                "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
                "FooError",
            ),
            ("aws.protocoltests.restjson#FooError:http://x/", "FooError"),
            (" FooError ", "FooError"),
            ("", ""),
        ] {
            assert_eq!(sanitize(raw), code, "{raw}");
        }
    }

    #[test]
    fn query_error_codes_come_before_the_fault() {
        assert_eq!(query_error_code("Customized;Sender"), Some("Customized"));
        assert_eq!(
            query_error_code("AWS.SimpleQueueService.NonExistentQueue;Sender"),
            Some("AWS.SimpleQueueService.NonExistentQueue")
        );
        assert_eq!(query_error_code("NoFault"), Some("NoFault"));
        assert_eq!(query_error_code(";Sender"), None);
        assert_eq!(query_error_code(""), None);
    }
}
