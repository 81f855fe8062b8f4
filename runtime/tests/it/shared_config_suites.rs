//! Runs every case of the cross-SDK shared-config suites (`tests/data/aws-config/`, from
//! smithy-rs; see its ORIGIN.md) against the runtime: `profile-parser-tests.json` through
//! `ProfileSet::parse`, `file-location-tests.json` through `Env`'s file locations on the
//! case's platform. No case is skipped; each failure is reported with its number and name
//! (two names occur twice in the parser suite), and an expectation this runner does not
//! understand is a failure too, so a newer copy of the suites cannot pass by being ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leansdk_runtime::config::env::{Env, Platform};
use leansdk_runtime::config::profile::{ProfileSet, Section};
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/aws-config")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `check` over every case of `file`, failing with the list of cases that failed.
fn run_suite(file: &str, expected_cases: usize, check: fn(&Value) -> Result<(), String>) {
    let suite = data(file);
    let cases = suite["tests"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no \"tests\" array"));
    assert_eq!(cases.len(), expected_cases, "{file}: number of cases");
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(index, case)| {
            let name = case["name"].as_str().unwrap_or("(no name)");
            check(case)
                .err()
                .map(|why| format!("#{} {name:?}: {why}", index + 1))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{file}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn profile_parser_suite() {
    run_suite("profile-parser-tests.json", 65, check_parser_case);
}

#[test]
fn file_location_suite() {
    run_suite("file-location-tests.json", 9, check_location_case);
}

/// An optional string member of a JSON object.
fn optional_str<'a>(object: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match object.get(key) {
        None => Ok(None),
        Some(value) => value
            .as_str()
            .map(Some)
            .ok_or_else(|| format!("{key} is not a string")),
    }
}

fn check_parser_case(case: &Value) -> Result<(), String> {
    let input = &case["input"];
    for key in input.as_object().ok_or("input is not an object")?.keys() {
        if key != "configFile" && key != "credentialsFile" {
            return Err(format!("unknown input {key:?}"));
        }
    }
    let parsed = ProfileSet::parse(
        optional_str(input, "configFile")?,
        optional_str(input, "credentialsFile")?,
    );
    let output = case["output"]
        .as_object()
        .ok_or("output is not an object")?;
    if let Some(expected) = output.get("errorContaining") {
        let expected = expected.as_str().ok_or("errorContaining is not a string")?;
        return match parsed {
            Err(error) if error.to_string().contains(expected) => Ok(()),
            Err(error) => Err(format!(
                "expected an error containing {expected:?}, got {error:?} ({error})"
            )),
            Ok(set) => Err(format!(
                "expected an error containing {expected:?}, parsed {set:?}"
            )),
        };
    }
    let expected = output
        .get("config")
        .ok_or("output has neither config nor errorContaining")?
        .as_object()
        .ok_or("config is not an object")?;
    let set = parsed.map_err(|e| format!("unexpected error: {e}"))?;
    for key in expected.keys() {
        if !["profiles", "sso_sessions", "services"].contains(&key.as_str()) {
            return Err(format!("unknown expectation {key:?}"));
        }
    }
    // A kind of section the case does not list must be absent.
    let empty = Value::Object(Default::default());
    let expectation = |key: &str| expected.get(key).unwrap_or(&empty);
    compare_sections(
        "profile",
        set.profile_names().collect(),
        |name| set.profile(name),
        expectation("profiles"),
    )?;
    compare_sections(
        "sso-session",
        set.sso_session_names().collect(),
        |name| set.sso_session(name),
        expectation("sso_sessions"),
    )?;
    compare_sections(
        "services",
        set.services_names().collect(),
        |name| set.services(name),
        expectation("services"),
    )
}

/// The sections of one kind: the same names, each with exactly the expected properties.
fn compare_sections<'a>(
    kind: &str,
    names: Vec<&str>,
    lookup: impl Fn(&str) -> Option<&'a Section>,
    expected: &Value,
) -> Result<(), String> {
    let expected = expected
        .as_object()
        .ok_or_else(|| format!("expected {kind} sections are not an object"))?;
    let expected_names: Vec<&str> = expected.keys().map(String::as_str).collect();
    let mut names = names;
    let mut sorted_expected = expected_names.clone();
    names.sort_unstable();
    sorted_expected.sort_unstable();
    if names != sorted_expected {
        return Err(format!(
            "{kind} sections {names:?}, expected {sorted_expected:?}"
        ));
    }
    for (name, properties) in expected {
        let section = lookup(name).ok_or_else(|| format!("{kind} {name:?} not found"))?;
        compare_properties(kind, section, properties)?;
    }
    Ok(())
}

fn compare_properties(kind: &str, section: &Section, expected: &Value) -> Result<(), String> {
    let name = section.name();
    let expected: BTreeMap<&str, &str> = expected
        .as_object()
        .ok_or_else(|| format!("{kind} {name:?}: expected properties are not an object"))?
        .iter()
        .map(|(k, v)| {
            v.as_str()
                .map(|v| (k.as_str(), v))
                .ok_or_else(|| format!("{kind} {name:?}: property {k:?} is not a string"))
        })
        .collect::<Result<_, _>>()?;
    let actual: BTreeMap<&str, &str> = section.properties().map(|(k, p)| (k, p.value())).collect();
    if actual != expected {
        return Err(format!(
            "{kind} {name:?} has properties {actual:?}, expected {expected:?}"
        ));
    }
    for (key, value) in expected {
        // Keys are case-insensitive on lookup as well as stored lower-cased.
        let upper = section
            .property(&key.to_ascii_uppercase())
            .map(|p| p.value());
        if upper != Some(value) {
            return Err(format!(
                "{kind} {name:?}: property {key:?} looked up in upper case gave {upper:?}"
            ));
        }
        // A value that starts on the next line is a block of sub-properties: each of its
        // `key = value` lines with a valid key must be readable as a sub-property.
        let Some(block) = value.strip_prefix('\n') else {
            continue;
        };
        let property = section.property(key).ok_or("property vanished")?;
        let expected_subs: BTreeMap<String, &str> = block
            .lines()
            .filter_map(|line| {
                let (k, v) = line.split_once('=')?;
                let k = k.trim().to_ascii_lowercase();
                let valid = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c));
                valid.then(|| (k, v.trim()))
            })
            .collect();
        let actual_subs: BTreeMap<String, &str> = property
            .sub_properties()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        if actual_subs != expected_subs {
            return Err(format!(
                "{kind} {name:?}: property {key:?} has sub-properties {actual_subs:?}, \
                 expected {expected_subs:?}"
            ));
        }
    }
    Ok(())
}

fn check_location_case(case: &Value) -> Result<(), String> {
    let object = case.as_object().ok_or("case is not an object")?;
    for key in object.keys() {
        let known = [
            "name",
            "environment",
            "platform",
            "profile",
            "configLocation",
            "credentialsLocation",
        ];
        if !known.contains(&key.as_str()) {
            return Err(format!("unknown member {key:?}"));
        }
    }
    let vars = case["environment"]
        .as_object()
        .ok_or("environment is not an object")?
        .iter()
        .map(|(k, v)| {
            v.as_str()
                .map(|v| (k.clone(), v.to_owned()))
                .ok_or_else(|| format!("environment {k:?} is not a string"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let env = Env::from_vars(vars);
    let platform = match optional_str(case, "platform")? {
        Some("windows") => Platform::Windows,
        Some("linux") => Platform::Unix,
        other => return Err(format!("unknown platform {other:?}")),
    };
    let config = optional_str(case, "configLocation")?.ok_or("no configLocation")?;
    let credentials = optional_str(case, "credentialsLocation")?.ok_or("no credentialsLocation")?;
    let mut checks = vec![
        ("config file", env.config_file_for(platform), config),
        (
            "credentials file",
            env.credentials_file_for(platform),
            credentials,
        ),
    ];
    // The methods without a platform use this one's rules.
    if platform == Platform::current() {
        checks.push(("config file (this platform)", env.config_file(), config));
        checks.push((
            "credentials file (this platform)",
            env.credentials_file(),
            credentials,
        ));
    }
    for (what, actual, expected) in checks {
        // Compared as text: the separators are what the Windows cases are about.
        let actual = actual.as_deref().map(Path::to_str);
        if actual != Some(Some(expected)) {
            return Err(format!("{what} {actual:?}, expected {expected:?}"));
        }
    }
    if let Some(profile) = optional_str(case, "profile")? {
        if env.profile_name() != profile {
            return Err(format!(
                "profile {:?}, expected {profile:?}",
                env.profile_name()
            ));
        }
    }
    Ok(())
}

/// The runners report a case the runtime gets wrong instead of passing it by accident.
#[test]
fn wrong_expectations_are_reported() {
    let wrong_value: Value = serde_json::json!({
        "name": "wrong",
        "input": { "configFile": "[profile foo]\nname = value" },
        "output": { "config": { "profiles": { "foo": { "name": "other" } } } }
    });
    let why = check_parser_case(&wrong_value).unwrap_err();
    assert!(why.contains("\"other\""), "{why}");
    let missing_error: Value = serde_json::json!({
        "name": "no error",
        "input": { "configFile": "[profile foo]" },
        "output": { "errorContaining": "anything" }
    });
    assert!(check_parser_case(&missing_error).is_err());
    let extra_session: Value = serde_json::json!({
        "name": "unlisted sso-session",
        "input": { "configFile": "[sso-session s]\n[profile foo]" },
        "output": { "config": { "profiles": { "foo": {} } } }
    });
    let why = check_parser_case(&extra_session).unwrap_err();
    assert!(why.contains("sso-session"), "{why}");
    let unknown: Value = serde_json::json!({
        "name": "unknown expectation",
        "input": { "configFile": "" },
        "output": { "config": { "profiles": {}, "something": {} } }
    });
    assert!(check_parser_case(&unknown).is_err());
    let wrong_location: Value = serde_json::json!({
        "name": "wrong separator",
        "environment": { "HOME": "C:\\users\\user" },
        "platform": "windows",
        "configLocation": "C:\\users\\user/.aws/config",
        "credentialsLocation": "C:\\users\\user\\.aws\\credentials"
    });
    let why = check_location_case(&wrong_location).unwrap_err();
    assert!(why.starts_with("config file"), "{why}");
}
