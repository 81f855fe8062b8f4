//! `cargo xtask conformance [--models DIR]`: generates every reference model (which must
//! never be copied into the repository) into one cargo workspace under
//! `target/conformance/`, checks all crates in one `cargo check` and prints a table.
//!
//! One workspace and the repository's `target/` mean dependencies are checked once and
//! shared with the rest of the repository. Warnings are denied for the generated crates
//! only: `RUSTFLAGS=-D warnings` would rebuild every dependency, so cargo's JSON messages
//! are read instead and any warning in a generated crate fails its model.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::Instant;

use leansdk_codegen::Error;
use serde_json::Value;

use crate::generated_workspace::{self, GeneratedWorkspace};

const USAGE: &str = "usage: cargo xtask conformance [--models DIR]";

pub fn command(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut models = generated_workspace::reference_models();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--models", Some(dir)) => models = PathBuf::from(dir),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::FAILURE;
            }
        }
    }
    match run(&models) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: some models do not generate or compile cleanly (see the table)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One model's row of the table.
struct Row {
    model: String,
    /// The generated package, when generation succeeded.
    package: Option<String>,
    operations: usize,
    skipped: Vec<String>,
    /// Why generation failed.
    failure: Option<String>,
    /// The model's protocols, none of which is built yet: reported, not a failure.
    unbuilt_protocols: Option<Vec<String>>,
    warnings: usize,
    errors: usize,
}

fn run(models: &Path) -> Result<bool, String> {
    let started = Instant::now();
    let out = GeneratedWorkspace::of_command("conformance");
    let mut rows = Vec::new();
    for model in model_files(models)? {
        rows.push(generate(&model, &out));
    }
    if rows.is_empty() {
        return Err(format!("no *.json models in {}", models.display()));
    }
    let members: Vec<&str> = rows
        .iter()
        .filter(|row| row.package.is_some())
        .map(|row| row.model.as_str())
        .collect();
    out.write_manifest(&members)?;
    let generated = started.elapsed();
    eprintln!("generated {} crates in {generated:.1?}", members.len());

    let checked = Instant::now();
    let diagnostics = cargo_check(&out)?;
    for row in &mut rows {
        if let Some(counts) = row.package.as_ref().and_then(|p| diagnostics.counts.get(p)) {
            (row.warnings, row.errors) = *counts;
        }
    }
    print!("{}", table(&rows));
    println!(
        "wall time: {:.1?} (generation {generated:.1?}, cargo check {:.1?})",
        started.elapsed(),
        checked.elapsed()
    );
    let clean = rows
        .iter()
        .all(|row| row.failure.is_none() && row.warnings == 0 && row.errors == 0);
    Ok(clean && diagnostics.success)
}

fn model_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut models = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            models.push(path);
        }
    }
    models.sort();
    Ok(models)
}

/// Generates `model` as a member of the conformance workspace.
fn generate(model: &Path, out: &GeneratedWorkspace) -> Row {
    let mut row = Row {
        model: generated_workspace::member_name(model),
        package: None,
        operations: 0,
        skipped: Vec::new(),
        failure: None,
        unbuilt_protocols: None,
        warnings: 0,
        errors: 0,
    };
    match out.generate(model) {
        Ok(krate) => {
            row.package = Some(krate.package_name);
            row.operations = krate.operations.len();
            row.skipped = krate
                .skipped_operations
                .iter()
                .map(|op| format!("{}: {}", op.name, op.reason))
                .collect();
        }
        Err(Error::UnsupportedProtocol { protocols, .. }) => {
            row.unbuilt_protocols = Some(protocols);
        }
        Err(e) => row.failure = Some(e.to_string()),
    }
    row
}

/// What one `cargo check` reported.
struct Diagnostics {
    success: bool,
    /// Warnings and errors per package name.
    counts: BTreeMap<String, (usize, usize)>,
}

/// Checks every target (library, examples, endpoint tests) of every member at once,
/// printing each diagnostic as rustc renders it.
fn cargo_check(workspace: &GeneratedWorkspace) -> Result<Diagnostics, String> {
    let mut child = workspace
        .cargo("check")
        .args(["--workspace", "--all-targets", "--message-format=json"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running cargo: {e}"))?;
    let mut diagnostics = Diagnostics {
        success: false,
        counts: BTreeMap::new(),
    };
    let stdout = child.stdout.take().ok_or("cargo's stdout is not piped")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading cargo's output: {e}"))?;
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-message") => diagnostics.record(&message),
            Some("build-finished") => {
                diagnostics.success = message["success"].as_bool() == Some(true);
            }
            _ => {}
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo: {e}"))?;
    diagnostics.success &= status.success();
    Ok(diagnostics)
}

impl Diagnostics {
    fn record(&mut self, message: &Value) {
        let diagnostic = &message["message"];
        let counts = self
            .counts
            .entry(package_name(
                message["package_id"].as_str().unwrap_or_default(),
            ))
            .or_default();
        match diagnostic["level"].as_str() {
            Some("warning") => counts.0 += 1,
            Some("error") => counts.1 += 1,
            _ => return,
        }
        if let Some(rendered) = diagnostic["rendered"].as_str() {
            eprint!("{rendered}");
        }
    }
}

/// The name in a package ID such as `path+file:///dir/amp#leansdk-amp@0.1.0`.
fn package_name(id: &str) -> String {
    let name = id.rsplit_once('#').map_or(id, |(_, name)| name);
    name.split_once('@')
        .map_or(name, |(name, _)| name)
        .to_owned()
}

fn table(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|row| row.model.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut table = format!(
        "{:width$}  {:>10}  {:>7}  result\n",
        "model", "operations", "skipped"
    );
    for row in rows {
        let result = match (
            &row.failure,
            &row.unbuilt_protocols,
            row.errors,
            row.warnings,
        ) {
            (Some(failure), _, _, _) => format!("FAILED to generate: {failure}"),
            (None, Some(protocols), _, _) => format!(
                "skipped: its protocol ({}) is not built yet",
                protocols.join(", ")
            ),
            (None, None, 0, 0) => "ok".to_owned(),
            (None, None, errors, warnings) => {
                format!("FAILED: {errors} errors, {warnings} warnings")
            }
        };
        let _ = writeln!(
            table,
            "{:width$}  {:>10}  {:>7}  {result}",
            row.model,
            row.operations,
            row.skipped.len()
        );
        for skipped in &row.skipped {
            let _ = writeln!(table, "{:width$}    skipped {skipped}", "");
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_come_from_cargo_package_ids() {
        assert_eq!(
            package_name("path+file:///t/conformance/amp-2020-08-01#leansdk-amp@0.1.0"),
            "leansdk-amp"
        );
        assert_eq!(package_name("leansdk-amp@0.1.0"), "leansdk-amp");
    }

    #[test]
    fn the_table_names_skipped_operations_and_failures() {
        let row = |model: &str| Row {
            model: model.to_owned(),
            package: Some(format!("leansdk-{model}")),
            operations: 3,
            skipped: Vec::new(),
            failure: None,
            unbuilt_protocols: None,
            warnings: 0,
            errors: 0,
        };
        let streams = Row {
            skipped: vec!["Stream: member `body` is an event stream".to_owned()],
            ..row("streams")
        };
        let broken = Row {
            warnings: 2,
            ..row("broken")
        };
        let xml = Row {
            package: None,
            unbuilt_protocols: Some(vec!["aws.protocols#restXml".to_owned()]),
            ..row("xml")
        };
        let table = table(&[row("fine"), streams, broken, xml]);
        let lines: Vec<Vec<&str>> = table
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(lines[1], ["fine", "3", "0", "ok"], "{table}");
        assert_eq!(lines[2], ["streams", "3", "1", "ok"], "{table}");
        assert!(
            lines[3]
                .join(" ")
                .starts_with("skipped Stream: member `body`"),
            "{table}"
        );
        assert_eq!(
            lines[4][3..],
            ["FAILED:", "0", "errors,", "2", "warnings"],
            "{table}"
        );
        assert!(
            lines[5]
                .join(" ")
                .ends_with("skipped: its protocol (aws.protocols#restXml) is not built yet"),
            "{table}"
        );
    }
}
