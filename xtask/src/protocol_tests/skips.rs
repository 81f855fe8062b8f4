//! Cases that do not run, each with its real reason. Every other case runs, those on
//! botocore's ignore list included: most of that list is about Python (botocore's own
//! parsers), not about what a Smithy client must do.

use super::botocore::{Case, Direction, Ignored, Suite};

/// botocore's tests fix the UUID its generator returns; ours is random, and
/// `tests/protocol/rest-json/tests/idempotency_token.rs` checks that it is filled in (the
/// generated code is the same for every protocol).
const FIXED_TOKEN: &str = "expects botocore's fixed UUID as the generated idempotency token";

/// Case id and why it does not run.
const NOT_RUN: &[(&str, &str)] = &[
    ("RestJsonQueryIdempotencyTokenAutoFill", FIXED_TOKEN),
    ("QueryIdempotencyTokenAutoFill", FIXED_TOKEN),
    ("QueryProtocolIdempotencyTokenAutoFill", FIXED_TOKEN),
    ("Ec2ProtocolIdempotencyTokenAutoFill", FIXED_TOKEN),
];

/// Why a case does not run, if it does not, saying when botocore skips it too.
pub fn skip_reason(
    ignored: &Ignored,
    direction: Direction,
    suite: &Suite,
    case: &Case,
) -> Option<String> {
    let (_, reason) = NOT_RUN.iter().find(|(id, _)| *id == case.id)?;
    Some(if ignored.contains(direction, suite, case) {
        format!("{reason} (botocore's ignore list skips it too)")
    } else {
        (*reason).to_owned()
    })
}

/// Entries of [`NOT_RUN`] that name no case of `suites`: stale once a case is renamed.
#[cfg(test)]
pub fn stale<'a>(all_cases: impl IntoIterator<Item = &'a str>) -> Vec<&'static str> {
    let ids: Vec<&str> = all_cases.into_iter().collect();
    NOT_RUN
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !ids.contains(id))
        .collect()
}
