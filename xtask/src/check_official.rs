//! `cargo xtask check-official [--model PATH]`: generates the official AWS model (which
//! must never be copied into the repository) into `target/` and compiles it.
//!
//! Warnings are denied with `cargo rustc --profile check -- -D warnings`, which passes the
//! flag to the generated crate only: `RUSTFLAGS` would rebuild every dependency.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::{codegen, workspace};

const DEFAULT_MODEL: &str = "../shared/models/aws/customer-profiles-2020-08-15.json";

pub fn command(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut model = workspace::root().join(DEFAULT_MODEL);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--model", Some(path)) => model = PathBuf::from(path),
            _ => {
                eprintln!("usage: cargo xtask check-official [--model PATH]");
                return ExitCode::FAILURE;
            }
        }
    }
    match run(&model) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!(
                "error: the generated crate for {} does not compile cleanly",
                model.display()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(model: &Path) -> Result<bool, String> {
    let target = workspace::root().join("target");
    let stem = model
        .file_stem()
        .map_or("model".into(), |s| s.to_string_lossy());
    let out = target.join("check-official").join(stem.as_ref());
    let started = std::time::Instant::now();
    codegen::run(model, Some(&out), false).map_err(|e| e.to_string())?;
    eprintln!("generated {} in {:?}", out.display(), started.elapsed());
    // The workspace lock file pins the same dependency versions, so builds are reused.
    let lock = workspace::root().join("Cargo.lock");
    std::fs::copy(&lock, out.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["rustc", "--lib", "--profile", "check", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    Ok(status.success())
}
