//! `parseURL`.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::endpoint::value::Value;

/// The `URL` structure `parseURL` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    /// Host and port as written, without userinfo.
    pub authority: String,
    /// The path as written: empty when the URL has none.
    pub path: String,
    /// The path with a leading and a trailing `/`.
    pub normalized_path: String,
    pub is_ip: bool,
}

impl Url {
    pub fn to_value(&self) -> Value {
        Value::Object(BTreeMap::from([
            ("scheme".to_owned(), Value::from(self.scheme.as_str())),
            ("authority".to_owned(), Value::from(self.authority.as_str())),
            ("path".to_owned(), Value::from(self.path.as_str())),
            (
                "normalizedPath".to_owned(),
                Value::from(self.normalized_path.as_str()),
            ),
            ("isIp".to_owned(), Value::Bool(self.is_ip)),
        ]))
    }
}

/// Parses an `http`/`https` URL. Unset when the scheme is anything else, the host is
/// missing or the port is not a number, or when the URL has a query or fragment (an endpoint
/// cannot carry them).
pub fn parse_url(input: &str) -> Option<Url> {
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") || rest.contains(['?', '#']) {
        return None;
    }
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = split_port(authority)?;
    if host.is_empty()
        || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let is_ip = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
        None => host.parse::<Ipv4Addr>().is_ok(),
    };
    let mut normalized_path = String::from(path);
    if !normalized_path.starts_with('/') {
        normalized_path.insert(0, '/');
    }
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(Url {
        scheme,
        authority: authority.to_owned(),
        path: path.to_owned(),
        normalized_path,
        is_ip,
    })
}

/// Splits `host[:port]`, where host may be a bracketed IPv6 literal full of colons.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        return match rest.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if rest.is_empty() => Some((host, None)),
            None => None,
        };
    }
    Some(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(scheme: &str, authority: &str, path: &str, normalized: &str, is_ip: bool) -> Url {
        Url {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
            path: path.to_owned(),
            normalized_path: normalized.to_owned(),
            is_ip,
        }
    }

    #[test]
    fn parses_the_spec_examples() {
        assert_eq!(
            parse_url("https://example.com"),
            Some(url("https", "example.com", "", "/", false))
        );
        assert_eq!(
            parse_url("http://example.com:80/foo/bar"),
            Some(url(
                "http",
                "example.com:80",
                "/foo/bar",
                "/foo/bar/",
                false
            ))
        );
        assert_eq!(
            parse_url("https://127.0.0.1"),
            Some(url("https", "127.0.0.1", "", "/", true))
        );
        assert_eq!(
            parse_url("https://[fe80::1]"),
            Some(url("https", "[fe80::1]", "", "/", true))
        );
        assert_eq!(parse_url("https://example.com:8443?foo=bar&faz=baz"), None);
    }

    #[test]
    fn keeps_trailing_slash_and_drops_userinfo() {
        assert_eq!(
            parse_url("HTTPS://user:pw@[::1]:8443/a/"),
            Some(url("https", "[::1]:8443", "/a/", "/a/", true))
        );
        assert_eq!(
            parse_url("http://localhost:8000/path"),
            Some(url("http", "localhost:8000", "/path", "/path/", false))
        );
    }

    #[test]
    fn rejects_what_is_not_an_http_endpoint() {
        assert_eq!(parse_url("wss://example.com"), None);
        assert_eq!(parse_url("example.com"), None);
        assert_eq!(parse_url("https://"), None);
        assert_eq!(parse_url("https://example.com:port"), None);
        assert_eq!(parse_url("https://example.com/#frag"), None);
        assert_eq!(parse_url("https://[::1"), None);
    }

    #[test]
    fn to_value_uses_the_rule_set_attribute_names() {
        let Some(Value::Object(fields)) = parse_url("https://example.com/x").map(|u| u.to_value())
        else {
            panic!("expected an object");
        };
        assert_eq!(fields.get("normalizedPath"), Some(&Value::from("/x/")));
        assert_eq!(fields.get("isIp"), Some(&Value::Bool(false)));
    }
}
