//! `cargo xtask endpoint-tests [--model PATH]`: runs a model's `smithy.rules#endpointTests`
//! cases against its `smithy.rules#endpointRuleSet` through the runtime interpreter, the code
//! every generated resolver calls.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use leansdk_runtime::endpoint::RuleSet;
use leansdk_runtime::endpoint::test_case::TestSuite;

/// Endpoint test cases, per service shape ID, whose expectation the runtime's partitions
/// data (`runtime/data/partitions.json`) no longer meets. Customer Profiles: botocore
/// 1.44.8's partitions give aws-iso and aws-iso-b `supportsDualStack: true`, so these
/// resolve a URL where the model (written against older data) expects an error; botocore's
/// own copy of these tests dropped them. They must keep diverging; one that starts passing
/// means this list is stale. Facts about models, so they live here with the maintainers'
/// tooling: `codegen` and `conformance` hand a service's list to the generator (the
/// generated tests assert the divergence) and this command checks it.
const KNOWN_DIVERGENCES: &[(&str, &[&str])] = &[(
    "com.amazonaws.customerprofiles#CustomerProfiles_20200815",
    &[
        "For region us-iso-east-1 with FIPS enabled and DualStack enabled",
        "For region us-iso-east-1 with FIPS disabled and DualStack enabled",
        "For region us-isob-east-1 with FIPS enabled and DualStack enabled",
        "For region us-isob-east-1 with FIPS disabled and DualStack enabled",
    ],
)];

/// The known divergences of the service with shape ID `service` (none for most).
pub fn known_divergences(service: &str) -> &'static [&'static str] {
    KNOWN_DIVERGENCES
        .iter()
        .find(|(id, _)| *id == service)
        .map_or(&[], |(_, cases)| cases)
}

/// Where the target service's model lives, relative to the workspace root.
const DEFAULT_MODEL: &str = "../shared/models/aws/customer-profiles-2020-08-15.json";

/// The command: parses `--model PATH`, prints the report, fails unless it is a success.
pub fn command(mut args: impl Iterator<Item = String>) -> ExitCode {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut model = workspace.join(DEFAULT_MODEL);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--model", Some(path)) => model = PathBuf::from(path),
            _ => {
                eprintln!("usage: cargo xtask endpoint-tests [--model PATH]");
                return ExitCode::FAILURE;
            }
        }
    }
    match run(&model) {
        Ok(report) => {
            print!("{report}");
            if report.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("endpoint-tests: {error}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(model: &Path) -> Result<Report, EndpointTestsError> {
    let json = std::fs::read_to_string(model)
        .map_err(|e| EndpointTestsError::Read(model.to_owned(), e.to_string()))?;
    check(&json, known_divergences)
}

/// Runs every case of the model's first service that has an endpoint rule set, with the
/// divergences `known_divergences` gives for its shape ID.
pub fn check(
    model_json: &str,
    known_divergences: impl Fn(&str) -> &'static [&'static str],
) -> Result<Report, EndpointTestsError> {
    let model: serde_json::Value =
        serde_json::from_str(model_json).map_err(|e| EndpointTestsError::Model(e.to_string()))?;
    let (service, traits) = model["shapes"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, shape)| shape["type"] == "service")
        .map(|(id, service)| (id, &service["traits"]))
        .find(|(_, traits)| traits.get("smithy.rules#endpointRuleSet").is_some())
        .ok_or(EndpointTestsError::NoRuleSet)?;
    let known_divergences = known_divergences(service);
    let rule_set = RuleSet::from_json(&traits["smithy.rules#endpointRuleSet"].to_string())
        .map_err(|e| EndpointTestsError::Model(e.to_string()))?;
    let suite = TestSuite::from_value(&traits["smithy.rules#endpointTests"])
        .map_err(|e| EndpointTestsError::Model(format!("smithy.rules#endpointTests: {e}")))?;
    if let Some(unknown) = known_divergences
        .iter()
        .find(|name| !suite.test_cases.iter().any(|c| c.documentation == **name))
    {
        return Err(EndpointTestsError::UnknownDivergence((*unknown).to_owned()));
    }
    let outcomes = suite
        .test_cases
        .iter()
        .map(|case| {
            let expected_to_diverge = known_divergences.contains(&case.documentation.as_str());
            let result = match (case.check(&rule_set), expected_to_diverge) {
                (Ok(()), false) => CaseResult::Passed,
                (Err(why), false) => CaseResult::Failed(why),
                (Err(_), true) => CaseResult::Diverged,
                (Ok(()), true) => CaseResult::DivergenceGone,
            };
            CaseOutcome {
                name: case.documentation.clone(),
                result,
            }
        })
        .collect();
    Ok(Report { outcomes })
}

#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<CaseOutcome>,
}

#[derive(Debug)]
pub struct CaseOutcome {
    pub name: String,
    pub result: CaseResult,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CaseResult {
    Passed,
    Failed(String),
    /// A known divergence that still diverges, as it must.
    Diverged,
    /// A known divergence that now passes: the list is stale.
    DivergenceGone,
}

impl Report {
    pub fn is_success(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.result, CaseResult::Passed | CaseResult::Diverged))
    }

    fn count(&self, wanted: fn(&CaseResult) -> bool) -> usize {
        self.outcomes.iter().filter(|o| wanted(&o.result)).count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for outcome in &self.outcomes {
            match &outcome.result {
                CaseResult::Passed => writeln!(f, "pass      {}", outcome.name)?,
                CaseResult::Diverged => writeln!(f, "diverges  {} (known)", outcome.name)?,
                CaseResult::Failed(why) => writeln!(f, "FAIL      {}: {why}", outcome.name)?,
                CaseResult::DivergenceGone => writeln!(
                    f,
                    "FAIL      {}: listed as a known divergence but passes",
                    outcome.name
                )?,
            }
        }
        writeln!(
            f,
            "{} cases: {} passed, {} known divergences, {} failed",
            self.outcomes.len(),
            self.count(|r| *r == CaseResult::Passed),
            self.count(|r| *r == CaseResult::Diverged),
            self.count(|r| matches!(r, CaseResult::Failed(_) | CaseResult::DivergenceGone)),
        )
    }
}

#[derive(Debug)]
pub enum EndpointTestsError {
    Read(PathBuf, String),
    Model(String),
    NoRuleSet,
    UnknownDivergence(String),
}

impl fmt::Display for EndpointTestsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            Self::Model(e) => write!(f, "invalid model: {e}"),
            Self::NoRuleSet => {
                f.write_str("no service in the model has smithy.rules#endpointRuleSet")
            }
            Self::UnknownDivergence(name) => {
                write!(
                    f,
                    "known divergence `{name}` is not a test case of the model"
                )
            }
        }
    }
}

impl std::error::Error for EndpointTestsError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model made of the team's own rule set and cases, plus one case that cannot pass.
    fn model() -> String {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/endpoint");
        let read = |name: &str| {
            std::fs::read_to_string(data.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        let mut tests: serde_json::Value =
            serde_json::from_str(&read("tests.json")).unwrap_or_else(|e| panic!("{e}"));
        if let Some(cases) = tests["testCases"].as_array_mut() {
            cases.push(serde_json::json!({
                "documentation": "stale expectation",
                "params": {"Region": "us-east-1"},
                "expect": {"error": "something else"}
            }));
        }
        format!(
            r#"{{"smithy":"2.0","shapes":{{"x#S":{{"type":"service","traits":{{
                "smithy.rules#endpointRuleSet":{},"smithy.rules#endpointTests":{tests}}}}}}}}}"#,
            read("rule-set.json")
        )
    }

    fn outcome<'a>(report: &'a Report, name: &str) -> Option<&'a CaseResult> {
        report
            .outcomes
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.result)
    }

    #[test]
    fn a_listed_divergence_that_diverges_is_a_success() {
        let report = check(&model(), |_| &["stale expectation"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.outcomes.len(), 14);
        assert_eq!(
            outcome(&report, "stale expectation"),
            Some(&CaseResult::Diverged)
        );
        assert!(report.is_success(), "{report}");
        assert!(
            report
                .to_string()
                .ends_with("14 cases: 13 passed, 1 known divergences, 0 failed\n")
        );
    }

    #[test]
    fn an_unlisted_failure_fails() {
        let report = check(&model(), |_| &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            outcome(&report, "stale expectation"),
            Some(CaseResult::Failed(_))
        ));
        assert!(!report.is_success());
        assert!(report.to_string().contains("FAIL      stale expectation"));
    }

    #[test]
    fn a_listed_divergence_that_passes_fails() {
        let report = check(&model(), |_| &["stale expectation", "missing region"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            outcome(&report, "missing region"),
            Some(&CaseResult::DivergenceGone)
        );
        assert!(!report.is_success());
    }

    #[test]
    fn a_divergence_naming_no_case_is_an_error() {
        let error = check(&model(), |_| &["no such case"]).err();
        assert!(matches!(
            error,
            Some(EndpointTestsError::UnknownDivergence(_))
        ));
    }

    #[test]
    fn a_model_without_rules_is_an_error() {
        let error = check(r#"{"smithy":"2.0","shapes":{}}"#, |_| &[]).err();
        assert!(matches!(error, Some(EndpointTestsError::NoRuleSet)));
    }
}
