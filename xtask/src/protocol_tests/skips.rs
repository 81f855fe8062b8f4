//! Cases that do not run, each with its reason.

use super::botocore::{Case, Direction, Ignored, Suite};

/// Cases botocore's ignore list skips that test Smithy behaviour rather than Python's, so
/// they run here (and pass). The rest of that list stays skipped: fixed idempotency tokens
/// and `host` with a path are botocore's test conventions, and `Content-MD5`, gzip request
/// compression, `smithy.api#mediaType` headers and null entries of dense maps are not
/// implemented.
const RUN_DESPITE_BOTOCORE: &[(Direction, &str)] = &[
    (Direction::Input, "DocumentTypeAsPayloadInput"),
    (Direction::Input, "DocumentTypeAsPayloadInputString"),
    (Direction::Input, "RestJsonHttpPayloadWithUnsetUnion"),
    (Direction::Input, "RestJsonNullAndEmptyHeaders"),
    (
        Direction::Input,
        "RestJsonQueryIdempotencyTokenAutoFillIsSet",
    ),
    (Direction::Input, "RestJsonQueryPrecedence"),
    (Direction::Output, "RestJsonFooErrorUsingXAmznErrorType"),
    (
        Direction::Output,
        "RestJsonFooErrorUsingXAmznErrorTypeWithUri",
    ),
    (
        Direction::Output,
        "RestJsonFooErrorUsingXAmznErrorTypeWithUriAndNamespace",
    ),
    (Direction::Output, "RestJsonHttpPayloadTraitsWithNoBlobBody"),
    (Direction::Output, "RestJsonHttpPayloadWithUnsetUnion"),
    (
        Direction::Output,
        "RestJsonInputAndOutputWithQuotedStringHeaders",
    ),
    (
        Direction::Output,
        "RestJsonInputAndOutputWithTimestampHeaders",
    ),
];

/// Why a case does not run, if it does not. Only botocore's ignore list skips cases: every
/// generator limitation once listed here has been implemented and its case passes. A new
/// limitation is named here with the missing feature, until it lands.
pub fn skip_reason(
    ignored: &Ignored,
    direction: Direction,
    suite: &Suite,
    case: &Case,
) -> Option<String> {
    let runs_anyway = RUN_DESPITE_BOTOCORE
        .iter()
        .any(|(d, id)| *d == direction && *id == case.id);
    (ignored.contains(direction, suite, case) && !runs_anyway)
        .then(|| "botocore's ignore list skips it as Python-specific".to_owned())
}
