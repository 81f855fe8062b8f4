//! `cargo xtask codegen [--check] [--model PATH --out DIR]`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use leansdk_codegen::model::Model;
use leansdk_codegen::render::{self, Difference, Manifest};

use crate::workspace;

const USAGE: &str = "usage: cargo xtask codegen [--check] [--model PATH] [--out DIR]";

#[derive(Debug)]
pub enum CodegenError {
    Usage(String),
    Generator(leansdk_codegen::Error),
    /// `--check` found differences.
    OutOfDate(Vec<Difference>),
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

/// Generates (or with `check`, compares) `files` into `dir`.
fn apply(dir: &Path, files: &[render::GeneratedFile], check: bool) -> Result<(), CodegenError> {
    if check {
        let differences = render::check(dir, files)?;
        if !differences.is_empty() {
            return Err(CodegenError::OutOfDate(differences));
        }
    } else {
        render::write(dir, files)?;
    }
    Ok(())
}

/// The crate for `model` with `manifest`, its known endpoint-test divergences applied.
fn crate_files(
    model: &Path,
    manifest: &Manifest<'_>,
) -> Result<Vec<render::GeneratedFile>, CodegenError> {
    let model = Model::from_path(model)?;
    let divergences = crate::endpoint_tests::known_divergences(model.service(None)?.id.as_str());
    Ok(render::generate(&model, manifest, divergences)?)
}

/// Every [`REPOSITORY`] target, or with `model` one crate: into `out` (standalone) or
/// `generated/`.
pub fn run(model: Option<&Path>, out: Option<&Path>, check: bool) -> Result<(), CodegenError> {
    let root = workspace::root();
    match (model, out) {
        (Some(model), Some(out)) => {
            let runtime = workspace::runtime();
            let manifest = Manifest {
                runtime_path: &runtime.to_string_lossy(),
                standalone: true,
            };
            apply(out, &crate_files(model, &manifest)?, check)
        }
        (Some(model), None) => apply(
            &workspace::generated(),
            &crate_files(model, &render::IN_REPOSITORY)?,
            check,
        ),
        (None, _) => {
            for target in REPOSITORY {
                match target {
                    Target::Crate { model, dir } => apply(
                        &root.join(dir),
                        &crate_files(&root.join(model), &render::IN_REPOSITORY)?,
                        check,
                    )?,
                    Target::RuntimeModule {
                        model,
                        dir,
                        module_path,
                    } => {
                        let model = Model::from_path(&root.join(model))?;
                        let files = render::generate_module(&model, module_path)?;
                        apply(&root.join(dir), &files, check)?;
                    }
                }
            }
            Ok(())
        }
    }
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
