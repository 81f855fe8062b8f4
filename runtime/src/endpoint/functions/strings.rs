//! `substring` and `uriEncode`.

/// `substring(input, start, stop, reverse)`: `[start, stop)` counted from the front, or from
/// the back when `reverse`. Unset for non-ASCII input, an empty or inverted range, or input
/// shorter than `stop`.
pub fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<&str> {
    if start >= stop || stop > input.len() || !input.is_ascii() {
        return None;
    }
    if reverse {
        input.get(input.len() - stop..input.len() - start)
    } else {
        input.get(start..stop)
    }
}

/// `uriEncode`: RFC 3986 percent-encoding of everything but the unreserved characters, with
/// upper-case hex digits.
pub fn uri_encode(input: &str) -> String {
    let mut encoded = String::with_capacity(input.len());
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
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

    #[test]
    fn substring_counts_from_the_front() {
        assert_eq!(substring("abcdefg", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdefg", 2, 7, false), Some("cdefg"));
    }

    #[test]
    fn substring_reverse_counts_from_the_back() {
        assert_eq!(substring("abcdefg", 0, 4, true), Some("defg"));
        assert_eq!(substring("abcdefg", 1, 3, true), Some("ef"));
    }

    #[test]
    fn substring_is_unset_for_bad_ranges_and_non_ascii() {
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abc", 2, 2, false), None);
        assert_eq!(substring("abc", 2, 1, true), None);
        assert_eq!(substring("a\u{e9}bc", 0, 1, false), None);
    }

    #[test]
    fn uri_encode_keeps_only_unreserved_characters() {
        assert_eq!(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(uri_encode("a b/c:d"), "a%20b%2Fc%3Ad");
        assert_eq!(
            uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
        );
        assert_eq!(uri_encode("\u{e9}"), "%C3%A9");
    }
}
