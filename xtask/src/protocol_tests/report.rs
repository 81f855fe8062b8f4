//! Runs the generated compliance tests and counts passes, failures and skips per suite.

use std::collections::BTreeMap;
use std::process::Command;

use super::{Generation, TESTS_FILE};

#[derive(Default)]
struct Counts {
    passed: usize,
    failed: Vec<String>,
    /// Test name and the reason it is ignored.
    skipped: Vec<(String, String)>,
}

/// Totals of one run.
#[derive(Default)]
struct Totals {
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// Each crate's compliance tests, a table per file and suite, then the totals. Returns
/// whether no case failed.
pub fn run_and_summarise(generations: &[Generation]) -> Result<bool, String> {
    let mut all_passed = true;
    let mut per_file = Vec::new();
    for generation in generations {
        let (passed, totals) = run_one(generation)?;
        all_passed &= passed;
        per_file.push((generation.stem, totals));
    }
    println!("\n{:<30} {:>5} {:>5} {:>5}", "file", "pass", "fail", "skip");
    let mut sum = Totals::default();
    for (stem, totals) in &per_file {
        println!(
            "{stem:<30} {:>5} {:>5} {:>5}",
            totals.passed, totals.failed, totals.skipped
        );
        sum.passed += totals.passed;
        sum.failed += totals.failed;
        sum.skipped += totals.skipped;
    }
    println!(
        "total: {} passed, {} failed, {} skipped",
        sum.passed, sum.failed, sum.skipped
    );
    Ok(all_passed)
}

/// `cargo test -p <package> --test compliance`, then the file's table per suite.
fn run_one(generation: &Generation) -> Result<(bool, Totals), String> {
    let target = TESTS_FILE
        .trim_start_matches("tests/")
        .trim_end_matches(".rs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["test", "-p", &generation.package, "--test", target, "--"])
        .args(["--test-threads", "2"])
        // Panic messages only: the report quotes their first lines.
        .env("RUST_BACKTRACE", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.contains("test result:") {
        return Err(format!(
            "the compliance tests of {} did not run:\n{}",
            generation.stem,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let counts = parse(&stdout);
    let failures = failure_messages(&stdout);
    let mut all_passed = true;
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    println!(
        "\n{:<60} {:>5} {:>5} {:>5}",
        format!("{}: suite", generation.stem),
        "pass",
        "fail",
        "skip"
    );
    for (module, description) in &generation.suites {
        let suite = counts.get(module.as_str());
        let suite_counts = suite.map_or((0, 0, 0), |c| (c.passed, c.failed.len(), c.skipped.len()));
        println!(
            "{:<60} {:>5} {:>5} {:>5}",
            truncate(description, 60),
            suite_counts.0,
            suite_counts.1,
            suite_counts.2
        );
        passed += suite_counts.0;
        failed += suite_counts.1;
        skipped += suite_counts.2;
        let Some(suite) = suite else { continue };
        for test in &suite.failed {
            all_passed = false;
            let name = format!("{module}::{test}");
            let message = failures.get(name.as_str()).map_or("", String::as_str);
            println!("    FAILED {test}: {message}");
        }
        for (test, reason) in &suite.skipped {
            println!("    skipped {test}: {reason}");
        }
    }
    println!(
        "{}: {passed} passed, {failed} failed, {skipped} skipped",
        generation.stem
    );
    let totals = Totals {
        passed,
        failed,
        skipped,
    };
    Ok((all_passed && output.status.success(), totals))
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

/// Reads libtest's `test module::case ... ok|FAILED|ignored[, reason]` lines.
fn parse(stdout: &str) -> BTreeMap<&str, Counts> {
    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    for line in stdout.lines() {
        let Some((name, outcome)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ... "))
        else {
            continue;
        };
        let Some((module, test)) = name.split_once("::") else {
            continue;
        };
        let entry = counts.entry(module).or_default();
        match outcome.split_once(", ") {
            _ if outcome == "ok" => entry.passed += 1,
            _ if outcome == "FAILED" => entry.failed.push(test.to_owned()),
            Some(("ignored", reason)) => entry.skipped.push((test.to_owned(), reason.to_owned())),
            _ if outcome == "ignored" => entry.skipped.push((test.to_owned(), String::new())),
            _ => {}
        }
    }
    counts
}

/// The first line of each failed test's panic message, from the `---- name stdout ----`
/// sections.
fn failure_messages(stdout: &str) -> BTreeMap<&str, String> {
    let mut messages = BTreeMap::new();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        else {
            continue;
        };
        let message: Vec<&str> = lines
            .by_ref()
            .skip_while(|l| !l.contains("panicked at"))
            .skip(1)
            .take_while(|l| !l.is_empty() && !l.starts_with("note:"))
            .collect();
        messages.insert(name, message.join(" | "));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_lines_are_counted_per_module() {
        let stdout = "\
test input_a::one ... ok
test input_a::two ... FAILED
test output_b::three ... ignored, botocore skips it
test output_b::four ... ignored

failures:

---- input_a::two stdout ----

thread 'input_a::two' panicked at tests/compliance.rs:1:1:
assertion `left == right` failed: path
  left: \"/a\"
 right: \"/b\"
note: run with `RUST_BACKTRACE=1`
";
        let counts = parse(stdout);
        assert_eq!(counts["input_a"].passed, 1);
        assert_eq!(counts["input_a"].failed, vec!["two".to_owned()]);
        assert_eq!(
            counts["output_b"].skipped,
            vec![
                ("three".to_owned(), "botocore skips it".to_owned()),
                ("four".to_owned(), String::new())
            ]
        );
        assert_eq!(
            failure_messages(stdout)["input_a::two"],
            "assertion `left == right` failed: path |   left: \"/a\" |  right: \"/b\""
        );
    }
}
