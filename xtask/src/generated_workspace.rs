//! A cargo workspace under `target/<command>/` holding crates generated from models outside
//! the repository (`conformance`, `e2e`).
//!
//! The reference models must never be copied into the repository, so neither may what is
//! generated from them: it lives under `target/` only. The repository's lock file and
//! `target/` directory are shared, so dependencies resolve to the versions already built
//! and are compiled once for every command.

use std::path::{Path, PathBuf};
use std::process::Command;

use leansdk_codegen::Error;
use leansdk_codegen::Manifest;
use leansdk_codegen::ir::Crate;
use leansdk_codegen::model::Model;

use crate::workspace;

/// Where the reference models are, beside the repository.
pub fn reference_models() -> PathBuf {
    workspace::root().join("../shared/models/aws")
}

pub struct GeneratedWorkspace {
    /// The `cargo xtask` command that writes it, named in the workspace manifest.
    command: &'static str,
    dir: PathBuf,
}

impl GeneratedWorkspace {
    /// The workspace of `cargo xtask <command>`, in `target/<command>/`.
    pub fn of_command(command: &'static str) -> Self {
        Self {
            command,
            dir: target_dir().join(command),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Generates `model` into its member directory ([`member_name`]), making that hold
    /// exactly the generated files.
    pub fn generate(&self, model: &Path) -> Result<Crate, Error> {
        let runtime = workspace::runtime();
        let manifest = Manifest {
            runtime_path: &runtime.to_string_lossy(),
            // A member of this workspace, not a workspace of its own.
            standalone: false,
        };
        let member = self.dir.join(member_name(model));
        let model = Model::from_path(model)?;
        let krate = Crate::build(&model, None)?;
        let files = leansdk_codegen::generate(
            &model,
            &manifest,
            crate::endpoint_tests::known_divergences(model.service(None)?.id.as_str()),
        )?;
        leansdk_codegen::write(&member, &files)?;
        Ok(krate)
    }

    /// Writes `contents` to `path` (relative to [`Self::dir`]), creating its directory.
    pub fn write(&self, path: &str, contents: &str) -> Result<(), String> {
        let path = self.dir.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the workspace manifest listing `members` (directories under [`Self::dir`]),
    /// and copies in the repository's lock file.
    pub fn write_manifest(&self, members: &[&str]) -> Result<(), String> {
        self.write("Cargo.toml", &workspace_manifest(self.command, members))?;
        let lock = workspace::root().join("Cargo.lock");
        std::fs::copy(&lock, self.dir.join("Cargo.lock"))
            .map_err(|e| format!("copying {}: {e}", lock.display()))?;
        Ok(())
    }

    /// `cargo <subcommand>` on this workspace, building into the repository's `target/`.
    pub fn cargo(&self, subcommand: &str) -> Command {
        // `CARGO` is the cargo that runs xtask, so the same toolchain builds the members.
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cargo
            .arg(subcommand)
            .arg("--manifest-path")
            .arg(self.dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target_dir());
        cargo
    }
}

/// The directory, under the workspace, of the crate generated from `model`: its file stem.
pub fn member_name(model: &Path) -> String {
    model
        .file_stem()
        .map_or_else(|| "model".to_owned(), |s| s.to_string_lossy().into_owned())
}

fn target_dir() -> PathBuf {
    workspace::root().join("target")
}

fn workspace_manifest(command: &str, members: &[&str]) -> String {
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    format!(
        "# written by `cargo xtask {command}`\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_manifest_names_its_command_and_members() {
        assert_eq!(
            workspace_manifest("e2e", &["dynamodb-2012-08-10", "moto-tests"]),
            "# written by `cargo xtask e2e`\n[workspace]\nresolver = \"3\"\n\
             members = [\"dynamodb-2012-08-10\", \"moto-tests\"]\n"
        );
    }

    #[test]
    fn members_are_named_after_their_model_under_target() {
        let workspace = GeneratedWorkspace::of_command("conformance");
        assert_eq!(
            workspace.dir(),
            workspace::root().join("target/conformance")
        );
        assert_eq!(
            member_name(Path::new("../shared/models/aws/kinesis-2013-12-02.json")),
            "kinesis-2013-12-02"
        );
    }
}
