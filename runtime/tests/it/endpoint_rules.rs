//! Runs the team's own rule set and test cases (tests/data/endpoint) through the interpreter.

use std::path::PathBuf;

use leansdk_runtime::endpoint::RuleSet;
use leansdk_runtime::endpoint::test_case::TestSuite;

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/endpoint")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_case_resolves_as_expected() {
    let rule_set = RuleSet::from_json(&data("rule-set.json")).unwrap_or_else(|e| panic!("{e}"));
    let suite = TestSuite::from_json(&data("tests.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(suite.test_cases.len(), 13);
    let failures: Vec<String> = suite
        .test_cases
        .iter()
        .filter_map(|case| {
            case.check(&rule_set)
                .err()
                .map(|why| format!("{}: {why}", case.documentation))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_wrong_expectation_is_reported() {
    let rule_set = RuleSet::from_json(&data("rule-set.json")).unwrap_or_else(|e| panic!("{e}"));
    let suite = TestSuite::from_json(
        r#"{"testCases":[{"documentation":"wrong","params":{"Region":"eu-west-1"},
            "expect":{"endpoint":{"url":"https://elsewhere.example"}}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let why = suite.test_cases[0]
        .check(&rule_set)
        .err()
        .unwrap_or_default();
    assert!(
        why.contains("https://demo.eu-west-1.amazonaws.com"),
        "{why}"
    );
}
