//! `isValidHostLabel` and `aws.isVirtualHostableS3Bucket`.

/// An RFC 1123 host label: 1 to 63 ASCII letters, digits and hyphens, not starting with a
/// hyphen. With `allow_subdomains`, dot-separated labels that are each valid.
pub fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        value.split('.').all(is_single_host_label)
    } else {
        is_single_host_label(value)
    }
}

fn is_single_host_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && !label.starts_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A bucket name usable as a virtual host: a valid host label (dotted when
/// `allow_subdomains`) of 3 to 63 lower-case letters, digits, hyphens and dots that starts
/// and ends with a letter or digit, has no label ending in a hyphen, and is not an IPv4 address.
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    let bytes = value.as_bytes();
    let alphanumeric = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    is_valid_host_label(value, allow_subdomains)
        && (3..=63).contains(&bytes.len())
        && bytes.first().is_some_and(alphanumeric)
        && bytes.last().is_some_and(alphanumeric)
        && bytes
            .iter()
            .all(|b| alphanumeric(b) || matches!(b, b'-' | b'.'))
        && !value.contains("-.")
        && !looks_like_ipv4(value)
}

fn looks_like_ipv4(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("a", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("-a", false));
        assert!(!is_valid_host_label("a_b", false));
        assert!(!is_valid_host_label("a.b", false));
    }

    #[test]
    fn host_labels_with_subdomains() {
        assert!(is_valid_host_label("a.b-c.d", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label("a.b.", true));
        assert!(!is_valid_host_label(".a", true));
        assert!(!is_valid_host_label("a.-b", true));
    }

    #[test]
    fn virtual_hostable_buckets() {
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(is_virtual_hostable_s3_bucket("a--b--x-s3", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("MyBucket", false));
        assert!(!is_virtual_hostable_s3_bucket("bucket-", false));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket", false));
    }

    #[test]
    fn virtual_hostable_buckets_with_subdomains() {
        assert!(is_virtual_hostable_s3_bucket("my.bucket.name", true));
        assert!(!is_virtual_hostable_s3_bucket("a-.b-.c", true));
        assert!(!is_virtual_hostable_s3_bucket("abc.-de", true));
        assert!(!is_virtual_hostable_s3_bucket("192.168.100.200", true));
    }
}
