//! Cases that do not run, each with its reason.

use super::botocore::{Case, Direction, Ignored, Suite};

/// Why a case does not run, if it does not. Only botocore's ignore list skips cases: every
/// generator limitation once listed here has been implemented and its case passes. A new
/// limitation is named here with the missing feature, until it lands.
pub fn skip_reason(
    ignored: &Ignored,
    direction: Direction,
    suite: &Suite,
    case: &Case,
) -> Option<String> {
    ignored
        .contains(direction, suite, case)
        .then(|| "botocore's ignore list skips it as Python-specific".to_owned())
}
