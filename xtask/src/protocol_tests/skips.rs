//! Cases that do not run, each with its reason.

use super::botocore::{Case, Direction, Ignored, Suite};

/// Cases this SDK knowingly does not pass yet, each naming the missing generator feature.
/// An entry goes when the feature lands (the case then runs and must pass).
const LIMITATIONS: &[(Direction, &str, &str)] = &[
    (
        Direction::Input,
        "RestJsonEndpointTrait",
        "`smithy.api#endpoint` hostPrefix is not applied to the endpoint host",
    ),
    (
        Direction::Input,
        "RestJsonEndpointTraitWithHostLabel",
        "`smithy.api#endpoint` hostPrefix with `smithy.api#hostLabel` is not applied to the endpoint host",
    ),
];

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
