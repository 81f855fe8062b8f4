//! `cargo xtask codegen [--check] [--model PATH --out DIR]`.

use std::fmt;
use std::path::PathBuf;
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
    model: PathBuf,
    out: Option<PathBuf>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, CodegenError> {
    let mut options = Options {
        check: false,
        model: workspace::model(),
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
            "--model" => options.model = value("--model")?,
            "--out" => options.out = Some(value("--out")?),
            other => return Err(CodegenError::Usage(format!("unknown argument `{other}`"))),
        }
    }
    Ok(options)
}

/// Generates the crate for `model` into `out` (standalone) or `generated/`, or checks it.
pub fn run(
    model: &std::path::Path,
    out: Option<&std::path::Path>,
    check: bool,
) -> Result<(), CodegenError> {
    let model = Model::from_path(model)?;
    let runtime = workspace::runtime();
    let runtime = runtime.to_string_lossy();
    let manifest = match out {
        Some(_) => Manifest {
            runtime_path: &runtime,
            standalone: true,
        },
        None => render::IN_REPOSITORY,
    };
    let dir = out.map_or_else(workspace::generated, std::path::Path::to_owned);
    let files = render::generate(
        &model,
        &manifest,
        crate::endpoint_tests::known_divergences(model.service(None)?.id.as_str()),
    )?;
    if check {
        let differences = render::check(&dir, &files)?;
        if !differences.is_empty() {
            return Err(CodegenError::OutOfDate(differences));
        }
    } else {
        render::write(&dir, &files)?;
    }
    Ok(())
}

pub fn command(args: impl Iterator<Item = String>) -> ExitCode {
    let result = parse(args).and_then(|o| run(&o.model, o.out.as_deref(), o.check));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
