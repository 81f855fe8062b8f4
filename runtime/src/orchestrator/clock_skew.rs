//! The offset between this machine's clock and the service's, learnt from every response's
//! `Date` header, so that requests are signed at the service's time: AWS rejects a
//! signature more than 5 (some services 15) minutes away from its clock, and a machine
//! whose clock is off would otherwise fail every call.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::DateTime;
use crate::http::Headers;

/// Error codes that say the request's signing time was too far from the service's clock.
const SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
];
/// Codes that mean a skewed clock only when their message says so (other causes are a
/// wrong key or a modified request, which another attempt would not fix).
const SIGNATURE_CODES: &[&str] = &["InvalidSignatureException", "SignatureDoesNotMatch"];
/// What those messages say, e.g. `Signature expired: 20260101T000000Z is now earlier than
/// ...` or `Signature not yet current: ...`.
const SKEW_MESSAGES: &[&str] = &["signature expired", "signature not yet current", "skew"];

/// One client's clock offset, shared by all its operations.
#[derive(Debug, Default)]
pub struct ClockSkew {
    /// The service's clock minus this machine's, in milliseconds.
    offset_millis: AtomicI64,
}

impl ClockSkew {
    /// Now, by the service's clock as last seen.
    pub fn now(&self) -> SystemTime {
        let offset = self.offset_millis.load(Ordering::Relaxed);
        let magnitude = Duration::from_millis(offset.unsigned_abs());
        let local = SystemTime::now();
        let adjusted = match offset >= 0 {
            true => local.checked_add(magnitude),
            false => local.checked_sub(magnitude),
        };
        adjusted.unwrap_or(local)
    }

    #[cfg(test)]
    fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_millis.load(Ordering::Relaxed).unsigned_abs())
    }

    /// Learns the offset from a response's `Date` header, received `received_at` by this
    /// machine's clock; a response without one (or with a malformed one) changes nothing.
    pub fn record(&self, headers: &Headers, received_at: SystemTime) {
        let Some(server) = headers
            .get("date")
            .and_then(|date| DateTime::parse_http_date(date).ok())
            .and_then(|date| SystemTime::try_from(date).ok())
        else {
            return;
        };
        let offset = match server.duration_since(received_at) {
            Ok(ahead) => millis(ahead),
            Err(behind) => -millis(behind.duration()),
        };
        self.offset_millis.store(offset, Ordering::Relaxed);
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Whether an error response says the request was signed too far from the service's time.
pub fn is_skew_error(code: Option<&str>, message: Option<&str>) -> bool {
    let Some(code) = code else {
        return false;
    };
    if SKEW_CODES.contains(&code) {
        return true;
    }
    let message = message.unwrap_or_default().to_ascii_lowercase();
    SIGNATURE_CODES.contains(&code) && SKEW_MESSAGES.iter().any(|m| message.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> Headers {
        let mut headers = Headers::new();
        headers.insert("Date", value);
        headers
    }

    #[test]
    fn the_offset_follows_the_last_date_header() {
        let skew = ClockSkew::default();
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // 2023-11-14T22:13:20Z is 1_700_000_000; the server is an hour ahead.
        skew.record(&date("Tue, 14 Nov 2023 23:13:20 GMT"), local);
        assert_eq!(skew.offset(), Duration::from_secs(3600));
        let ahead = skew.now().duration_since(SystemTime::now()).unwrap();
        assert!(ahead > Duration::from_secs(3590), "{ahead:?}");
        // Then behind by ten minutes.
        skew.record(&date("Tue, 14 Nov 2023 22:03:20 GMT"), local);
        let behind = SystemTime::now().duration_since(skew.now()).unwrap();
        assert!(behind > Duration::from_secs(590), "{behind:?}");
        // Missing or malformed headers leave it alone.
        skew.record(&Headers::new(), local);
        skew.record(&date("yesterday"), local);
        assert_eq!(skew.offset(), Duration::from_secs(600));
    }

    #[test]
    fn skew_errors_are_recognised_by_code_and_message() {
        assert!(is_skew_error(Some("RequestTimeTooSkewed"), None));
        assert!(is_skew_error(Some("RequestExpired"), Some("expired")));
        assert!(is_skew_error(Some("RequestInTheFuture"), None));
        assert!(is_skew_error(
            Some("InvalidSignatureException"),
            Some("Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z")
        ));
        assert!(is_skew_error(
            Some("SignatureDoesNotMatch"),
            Some("Signature not yet current: 20260101T010000Z is still later than ...")
        ));
        assert!(!is_skew_error(
            Some("SignatureDoesNotMatch"),
            Some("The request signature we calculated does not match the signature you provided.")
        ));
        assert!(!is_skew_error(Some("InvalidSignatureException"), None));
        assert!(!is_skew_error(Some("ThrottlingException"), Some("skew")));
        assert!(!is_skew_error(None, Some("Signature expired")));
    }
}
