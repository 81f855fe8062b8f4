//! `cargo xtask protocol-tests [--data DIR]`: botocore's protocol compliance cases,
//! one crate per protocol file under `tests/protocol/<file>/`: the file's suites as one
//! Smithy model, its generated client and one `#[test]` per case (written by `cargo xtask
//! codegen`, checked here). Then runs them and prints pass/fail/skip counts per file and suite.

mod botocore;
mod cases;
mod literal;
mod report;
mod skips;
mod smithy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use leansdk_codegen::ir::Crate;
use leansdk_codegen::model::{Model, ShapeId};
use leansdk_codegen::{GeneratedFile, Manifest};
use quote::format_ident;

use crate::workspace;

const USAGE: &str = "usage: cargo xtask protocol-tests [--data DIR]";

/// The crates, relative to the repository root.
const CRATES_DIR: &str = "tests/protocol";

/// One botocore protocol file and the crate its cases become.
pub struct ProtocolFile {
    /// The file's name under `input/` and `output/` without `.json`; also the crate's
    /// directory under `tests/protocol/`.
    pub stem: &'static str,
    /// botocore's name of the protocol in its ignore list.
    pub ignore_key: &'static str,
    pub service: smithy::Service,
    /// Files of the crate written by hand: kept as they are by `cargo xtask codegen` and by the check.
    pub hand_written: &'static [&'static str],
}

/// Every protocol file the runner reads, in report order.
pub const FILES: &[ProtocolFile] = &[
    ProtocolFile {
        stem: "rest-json",
        ignore_key: "rest-json",
        service: smithy::Service {
            namespace: "aws.protocoltests.restjson",
            sdk_id: "Rest Json Protocol",
            default_name: "RestJson",
        },
        hand_written: &["tests/idempotency_token.rs"],
    },
    ProtocolFile {
        stem: "json",
        ignore_key: "json",
        service: smithy::Service {
            namespace: "aws.protocoltests.json",
            sdk_id: "Json Protocol",
            default_name: "JsonProtocol",
        },
        hand_written: &[],
    },
    ProtocolFile {
        stem: "json_1_0",
        ignore_key: "json_1_0",
        service: smithy::Service {
            namespace: "aws.protocoltests.json10",
            sdk_id: "Json Rpc 10",
            default_name: "JsonRpc10",
        },
        hand_written: &[],
    },
    ProtocolFile {
        stem: "json_1_0-query-compatible",
        ignore_key: "json_1_0",
        service: smithy::Service {
            namespace: "aws.protocoltests.json10querycompatible",
            sdk_id: "Query Compatible Json Rpc 10",
            default_name: "QueryCompatibleJsonRpc10",
        },
        hand_written: &[],
    },
    ProtocolFile {
        stem: "query",
        ignore_key: "query",
        service: smithy::Service {
            namespace: "aws.protocoltests.query",
            sdk_id: "Query Protocol",
            default_name: "AwsQuery",
        },
        hand_written: &[],
    },
    ProtocolFile {
        stem: "ec2",
        ignore_key: "ec2",
        service: smithy::Service {
            namespace: "aws.protocoltests.ec2",
            sdk_id: "EC2 Protocol",
            default_name: "AwsEc2",
        },
        hand_written: &[],
    },
    ProtocolFile {
        stem: "rest-xml",
        ignore_key: "rest-xml",
        service: smithy::Service {
            namespace: "aws.protocoltests.restxml",
            sdk_id: "Rest Xml Protocol",
            default_name: "RestXml",
        },
        hand_written: &[],
    },
];

/// The generated test file of each crate.
const TESTS_FILE: &str = "tests/compliance.rs";

pub fn data_dir() -> PathBuf {
    workspace::root().join("tests/data/protocol-tests")
}

pub fn crate_dir(file: &ProtocolFile) -> PathBuf {
    workspace::root().join(CRATES_DIR).join(file.stem)
}

/// What `generate` produced for one file: the files, and what the run is reported against.
pub struct Generation {
    pub stem: &'static str,
    pub files: Vec<GeneratedFile>,
    pub package: String,
    /// Test module and description of each suite, in file order.
    pub suites: Vec<(String, String)>,
}

/// Every file of `tests/protocol/<file>/` for the suites of `file` in `data`.
pub fn generate(data: &Path, file: &ProtocolFile) -> Result<Generation, String> {
    let in_file = |e: String| format!("{}: {e}", file.stem);
    let data = botocore::load(data, file.stem, file.ignore_key).map_err(in_file)?;
    let translated = smithy::translate(&file.service, &data.suites).map_err(in_file)?;
    let model =
        Model::from_json(&translated.model.to_string()).map_err(|e| in_file(e.to_string()))?;
    let krate = Crate::build(&model, None).map_err(|e| in_file(e.to_string()))?;
    // The crates sit three levels below the root, next to no other generated crate.
    let manifest = Manifest {
        runtime_path: "../../../runtime",
        standalone: false,
    };
    let mut files =
        leansdk_codegen::generate(&model, &manifest, &[]).map_err(|e| in_file(e.to_string()))?;
    // Example programs of a test service help nobody and each costs a link step.
    files.retain(|file| !file.path.starts_with("examples/"));

    let operation_ids = translated
        .suites
        .iter()
        .map(|s| ShapeId::parse(&s.operation).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(in_file)?;
    let suites: Vec<cases::SuiteOperation<'_>> = data
        .suites
        .iter()
        .zip(&operation_ids)
        .zip(&translated.suites)
        .map(
            |(((direction, suite), operation), translated)| cases::SuiteOperation {
                direction: *direction,
                suite,
                operation,
                failure: translated.failure.as_deref(),
            },
        )
        .collect();
    let crate_name = krate.package_name.replace('-', "_");
    let protocol_name = data
        .suites
        .first()
        .map_or("", |(_, suite)| suite.metadata.protocol.as_str());
    let generated = cases::Generated {
        model: &model,
        krate: &krate,
        literals: literal::Literals::new(&model, &krate, &crate_name),
        crate_ident: format_ident!("{}", crate_name),
        protocol_name,
    };
    let tests = cases::compliance_tests(&generated, &suites, &data.ignored).map_err(in_file)?;
    files
        .push(leansdk_codegen::format_file(TESTS_FILE, tests).map_err(|e| in_file(e.to_string()))?);

    for generated_file in &mut files {
        // Regenerated by this command, not by `cargo xtask codegen`.
        generated_file.contents = generated_file.contents.replacen(
            "cargo xtask codegen",
            "cargo xtask protocol-tests",
            1,
        );
        if generated_file.path == "Cargo.toml" {
            generated_file.contents = with_test_dependencies(&generated_file.contents);
        }
    }
    for path in file.hand_written {
        let full = crate_dir(file).join(path);
        let contents = std::fs::read_to_string(&full)
            .map_err(|e| format!("cannot read {}: {e}", full.display()))?;
        files.push(GeneratedFile {
            path: (*path).to_owned(),
            contents,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let suites = suites
        .iter()
        .map(|s| {
            let module = cases::module_name(s.direction, s.operation);
            (
                module,
                format!("{}: {}", s.direction.name(), s.suite.description),
            )
        })
        .collect();
    Ok(Generation {
        stem: file.stem,
        files,
        package: krate.package_name.clone(),
        suites,
    })
}

/// The tests block on the client with a current-thread tokio runtime and share the harness.
fn with_test_dependencies(cargo_toml: &str) -> String {
    const DEPENDENCIES: &str = concat!(
        "leansdk-protocol-harness = { path = \"../harness\" }\n",
        "tokio = { version = \"1\", features = [\"rt\", \"time\"] }\n",
    );
    match cargo_toml.split_once("[dev-dependencies]\n") {
        Some((_, after)) if after.contains("leansdk-protocol-harness") => cargo_toml.to_owned(),
        Some((before, after)) => {
            let after: String = after
                .lines()
                .filter(|line| !line.starts_with("tokio ="))
                .map(|line| format!("{line}\n"))
                .collect();
            format!("{before}[dev-dependencies]\n{DEPENDENCIES}{after}")
        }
        None => format!(
            "{}\n\n[dev-dependencies]\n{DEPENDENCIES}",
            cargo_toml.trim_end()
        ),
    }
}

struct Options {
    data: PathBuf,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { data: data_dir() };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => {
                options.data = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--data needs a value")?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn run(options: &Options) -> Result<bool, String> {
    let mut generations = Vec::new();
    for file in FILES {
        let generation = generate(&options.data, file)?;
        let differences = leansdk_codegen::check(&crate_dir(file), &generation.files)
            .map_err(|e| e.to_string())?;
        if !differences.is_empty() {
            let listed: Vec<String> = differences.iter().map(ToString::to_string).collect();
            return Err(format!(
                "{CRATES_DIR}/{} is out of date; run `cargo xtask codegen`:\n  {}",
                file.stem,
                listed.join("\n  ")
            ));
        }
        generations.push(generation);
    }
    report::run_and_summarise(&generations)
}

pub fn command(args: impl Iterator<Item = String>) -> ExitCode {
    match parse(args)
        .map_err(|e| format!("{e}\n{USAGE}"))
        .and_then(|o| run(&o))
    {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/protocol/` is what the generator writes for the copied suites.
    #[test]
    fn generated_compliance_crates_are_up_to_date() {
        for file in FILES {
            let generation = generate(&data_dir(), file).unwrap();
            let differences = leansdk_codegen::check(&crate_dir(file), &generation.files).unwrap();
            let listed: Vec<String> = differences.iter().map(ToString::to_string).collect();
            assert!(
                listed.is_empty(),
                "{}: run `cargo xtask codegen`:\n  {}",
                file.stem,
                listed.join("\n  ")
            );
        }
    }

    /// Every case the runner declines to run still exists in the data.
    #[test]
    fn no_skip_is_stale() {
        let mut ids = Vec::new();
        for file in FILES {
            let data = botocore::load(&data_dir(), file.stem, file.ignore_key).unwrap();
            ids.extend(
                data.suites
                    .into_iter()
                    .flat_map(|(_, suite)| suite.cases.into_iter().map(|case| case.id)),
            );
        }
        let stale = skips::stale(ids.iter().map(String::as_str));
        assert!(stale.is_empty(), "skips naming no case: {stale:?}");
    }

    #[test]
    fn test_dependencies_are_added_once_and_replace_the_generated_tokio() {
        let generated = "[package]\nname = \"x\"\n\n[dev-dependencies]\nleansdk-runtime = { path = \"r\" }\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n";
        let added = with_test_dependencies(generated);
        assert!(added.contains("leansdk-protocol-harness = { path = \"../harness\" }"));
        assert!(added.contains("tokio = { version = \"1\", features = [\"rt\", \"time\"] }"));
        assert!(added.contains("leansdk-runtime = { path = \"r\" }"));
        assert_eq!(added.matches("tokio =").count(), 1, "{added}");
        assert_eq!(with_test_dependencies(&added), added);
        let plain = "[package]\nname = \"x\"\n";
        assert!(with_test_dependencies(plain).ends_with(DEPENDENCIES_END));
    }

    const DEPENDENCIES_END: &str = "tokio = { version = \"1\", features = [\"rt\", \"time\"] }\n";
}
