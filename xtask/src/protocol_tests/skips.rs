//! Cases that do not run, each with its reason.

use super::botocore::{Case, Direction, Ignored, Suite};

/// Cases this SDK knowingly does not pass, with why. Empty entries are not allowed: each
/// one names the missing feature.
const LIMITATIONS: &[(Direction, &str, &str)] = &[];

pub fn skip_reason(
    ignored: &Ignored,
    direction: Direction,
    suite: &Suite,
    case: &Case,
) -> Option<String> {
    if ignored.contains(direction, suite, case) {
        return Some("botocore's ignore list skips it as Python-specific".to_owned());
    }
    LIMITATIONS
        .iter()
        .find(|(d, id, _)| *d == direction && *id == case.id)
        .map(|(_, _, reason)| format!("limitation: {reason}"))
}
