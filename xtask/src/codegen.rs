//! `cargo xtask codegen [--check] [--model PATH --out DIR]`: without a model, everything the
//! generator writes into the repository — `generated/`, the runtime's service modules, the
//! snapshot crates (`tests/snapshots/`) and the protocol compliance crates (`tests/protocol/`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use leansdk_codegen::Manifest;
use leansdk_codegen::model::Model;

use crate::{protocol_tests, workspace};

const USAGE: &str = "usage: cargo xtask codegen [--check] [--model PATH] [--out DIR]";

#[derive(Debug)]
pub enum CodegenError {
    Usage(String),
    Generator(leansdk_codegen::Error),
    /// `--check` found differences, each named with its directory.
    OutOfDate(Vec<String>),
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Usage(message) => write!(f, "{message}\n{USAGE}"),
            CodegenError::Generator(e) => write!(f, "{e}"),
            CodegenError::OutOfDate(differences) => {
                writeln!(
                    f,
                    "generated code is out of date; run `cargo xtask codegen`:"
                )?;
                for difference in differences {
                    writeln!(f, "  {difference}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<leansdk_codegen::Error> for CodegenError {
    fn from(e: leansdk_codegen::Error) -> Self {
        CodegenError::Generator(e)
    }
}

struct Options {
    check: bool,
    model: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, CodegenError> {
    let mut options = Options {
        check: false,
        model: None,
        out: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .map(PathBuf::from)
                .ok_or_else(|| CodegenError::Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--check" => options.check = true,
            "--model" => options.model = Some(value("--model")?),
            "--out" => options.out = Some(value("--out")?),
            other => return Err(CodegenError::Usage(format!("unknown argument `{other}`"))),
        }
    }
    if options.out.is_some() && options.model.is_none() {
        return Err(CodegenError::Usage("--out needs --model".to_owned()));
    }
    Ok(options)
}

/// What the generator writes from one of our models in `model/`.
enum Target {
    /// A crate of its own in `dir`.
    Crate {
        model: &'static str,
        dir: &'static str,
    },
    /// A module of the runtime in `dir`, at `module_path` (see `leansdk_codegen::embed`).
    RuntimeModule {
        model: &'static str,
        dir: &'static str,
        module_path: &'static str,
    },
}

/// Everything `cargo xtask codegen` writes: the Customer Profiles crate, and the runtime's
/// clients of the services its credential providers call (modules of the runtime, as the
/// runtime cannot depend on crates that depend on it).
const REPOSITORY: &[Target] = &[
    Target::Crate {
        model: "model/customer-profiles.json",
        dir: "generated",
    },
    Target::RuntimeModule {
        model: "model/sts.json",
        dir: "runtime/src/services/sts",
        module_path: "crate::services::sts",
    },
    Target::RuntimeModule {
        model: "model/sso.json",
        dir: "runtime/src/services/sso",
        module_path: "crate::services::sso",
    },
    Target::RuntimeModule {
        model: "model/sso-oidc.json",
        dir: "runtime/src/services/sso_oidc",
        module_path: "crate::services::sso_oidc",
    },
];

/// Writes generated files into their directories, or with `check` collects how the
/// directories differ from them.
struct Output {
    check: bool,
    differences: Vec<String>,
}

impl Output {
    fn apply(
        &mut self,
        dir: &Path,
        files: &[leansdk_codegen::GeneratedFile],
    ) -> Result<(), CodegenError> {
        if self.check {
            let shown = dir
                .strip_prefix(workspace::root())
                .unwrap_or(dir)
                .display()
                .to_string();
            self.differences.extend(
                leansdk_codegen::check(dir, files)?
                    .into_iter()
                    .map(|difference| format!("{shown}: {difference}")),
            );
        } else {
            leansdk_codegen::write(dir, files)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), CodegenError> {
        if self.differences.is_empty() {
            Ok(())
        } else {
            Err(CodegenError::OutOfDate(self.differences))
        }
    }
}

/// Where the snapshot crates are: one per model in `tests/models/`, compiled as members of
/// the workspace, three levels below its root.
const SNAPSHOT_MODELS: &str = "tests/models";
const SNAPSHOTS: &str = "tests/snapshots";
const SNAPSHOT_MANIFEST: Manifest<'static> = Manifest {
    runtime_path: "../../../runtime",
    standalone: false,
};

/// Each snapshot crate: `tests/snapshots/<model>/` from `tests/models/<model>.json`.
fn snapshots(output: &mut Output) -> Result<(), CodegenError> {
    let root = workspace::root();
    let mut models: Vec<PathBuf> = std::fs::read_dir(root.join(SNAPSHOT_MODELS))
        .map_err(|e| CodegenError::Usage(format!("{SNAPSHOT_MODELS}: {e}")))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    models.sort();
    for model in models {
        let Some(name) = model
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
        else {
            continue;
        };
        let files = leansdk_codegen::generate(&Model::from_path(&model)?, &SNAPSHOT_MANIFEST, &[])?;
        output.apply(&root.join(SNAPSHOTS).join(name), &files)?;
    }
    Ok(())
}

/// Each compliance crate of `tests/protocol/`, from the copied botocore cases.
fn protocol_crates(output: &mut Output) -> Result<(), CodegenError> {
    for file in protocol_tests::FILES {
        let generation = protocol_tests::generate(&protocol_tests::data_dir(), file)
            .map_err(CodegenError::Usage)?;
        output.apply(&protocol_tests::crate_dir(file), &generation.files)?;
    }
    Ok(())
}

/// The crate for `model` with `manifest`, its known endpoint-test divergences applied.
fn crate_files(
    model: &Path,
    manifest: &Manifest<'_>,
) -> Result<Vec<leansdk_codegen::GeneratedFile>, CodegenError> {
    let model = Model::from_path(model)?;
    let divergences = crate::endpoint_tests::known_divergences(model.service(None)?.id.as_str());
    Ok(leansdk_codegen::generate(&model, manifest, divergences)?)
}

/// Every [`REPOSITORY`] target, or with `model` one crate: into `out` (standalone) or
/// `generated/`.
pub fn run(model: Option<&Path>, out: Option<&Path>, check: bool) -> Result<(), CodegenError> {
    let root = workspace::root();
    let mut output = Output {
        check,
        differences: Vec::new(),
    };
    match (model, out) {
        (Some(model), Some(out)) => {
            let runtime = workspace::runtime();
            let manifest = Manifest {
                runtime_path: &runtime.to_string_lossy(),
                standalone: true,
            };
            output.apply(out, &crate_files(model, &manifest)?)?;
        }
        (Some(model), None) => output.apply(
            &workspace::generated(),
            &crate_files(model, &leansdk_codegen::IN_REPOSITORY)?,
        )?,
        (None, _) => {
            for target in REPOSITORY {
                match target {
                    Target::Crate { model, dir } => output.apply(
                        &root.join(dir),
                        &crate_files(&root.join(model), &leansdk_codegen::IN_REPOSITORY)?,
                    )?,
                    Target::RuntimeModule {
                        model,
                        dir,
                        module_path,
                    } => {
                        let model = Model::from_path(&root.join(model))?;
                        let files = leansdk_codegen::generate_module(&model, module_path)?;
                        output.apply(&root.join(dir), &files)?;
                    }
                }
            }
            snapshots(&mut output)?;
            protocol_crates(&mut output)?;
        }
    }
    output.finish()
}

pub fn command(args: impl Iterator<Item = String>) -> ExitCode {
    let result = parse(args).and_then(|o| run(o.model.as_deref(), o.out.as_deref(), o.check));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
