//! `cargo xtask e2e [--models DIR]`: runs the hand-written end-to-end tests in `tests/moto/`
//! against moto (an independent AWS emulator, installed with pip when missing), through
//! crates generated for the occasion: DynamoDB (awsJson1_0), Kinesis (awsJson1_1), SQS
//! (awsJson1_0, query-compatible), STS (awsQuery) and S3 (restXml) from the reference models, and SNS
//! (awsQuery) from `tests/moto/models/sns.json`, a model of our own (STS is the only
//! awsQuery service among the reference models, which are never copied into the
//! repository).
//!
//! The generated crates and a package holding the tests live in the `target/e2e/`
//! workspace; the tests themselves stay in `tests/moto/`, outside `cargo test --workspace`,
//! which must need neither Python nor the reference models. The tests are built before moto
//! starts, and moto is stopped whatever happens.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::generated_workspace::{self, GeneratedWorkspace};
use crate::workspace;

const USAGE: &str = "usage: cargo xtask e2e [--models DIR]";

/// Where a model comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ModelSource {
    /// A file of the reference models (`--models DIR`, `../shared/models/aws` by default),
    /// which must never be copied into the repository.
    Reference(&'static str),
    /// A model of our own, at this path from the repository's root.
    Repository(&'static str),
}

impl ModelSource {
    fn path(self, reference_models: &Path) -> PathBuf {
        match self {
            Self::Reference(file) => reference_models.join(file),
            Self::Repository(path) => workspace::root().join(path),
        }
    }
}

/// One test target of `tests/moto/` and the models of the crates it calls: first the
/// service it tests, then any it needs besides (SNS delivers to SQS queues).
struct Suite {
    test: &'static str,
    models: &'static [ModelSource],
}

const SQS: ModelSource = ModelSource::Reference("sqs-2012-11-05.json");

const SUITES: &[Suite] = &[
    Suite {
        test: "dynamodb",
        models: &[ModelSource::Reference("dynamodb-2012-08-10.json")],
    },
    Suite {
        test: "kinesis",
        models: &[ModelSource::Reference("kinesis-2013-12-02.json")],
    },
    Suite {
        test: "sts",
        models: &[ModelSource::Reference("sts-2011-06-15.json")],
    },
    Suite {
        test: "sns",
        models: &[ModelSource::Repository("tests/moto/models/sns.json"), SQS],
    },
    Suite {
        test: "s3",
        models: &[ModelSource::Reference("s3-2006-03-01.json")],
    },
];

/// Every model the suites need, each once, in the order the suites name them.
fn models(reference_models: &Path) -> Vec<PathBuf> {
    let mut models: Vec<PathBuf> = Vec::new();
    for source in SUITES.iter().flat_map(|suite| suite.models) {
        let path = source.path(reference_models);
        if !models.contains(&path) {
            models.push(path);
        }
    }
    models
}

/// The package of the tests, and its directory in the workspace.
const TESTS_PACKAGE: &str = "leansdk-moto-tests";
const TESTS_MEMBER: &str = "moto-tests";

/// The tests read moto's URL from this variable (`tests/moto/common/mod.rs`).
const ENDPOINT_VAR: &str = "LEANSDK_E2E_ENDPOINT";

/// moto answers within a second here; a slow machine's first start also compiles moto's
/// Python modules.
const MOTO_START_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, PartialEq)]
struct Options {
    models: PathBuf,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        models: generated_workspace::reference_models(),
    };
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--models", Some(dir)) => options.models = PathBuf::from(dir),
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok(options)
}

pub fn command(args: impl Iterator<Item = String>) -> ExitCode {
    let result = parse(args).and_then(|options| run(&options));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    ensure_moto()?;
    let found_moto = started.elapsed();
    let workspace = GeneratedWorkspace::of_command("e2e");
    let mut dependencies = Vec::new();
    for model in models(&options.models) {
        let krate = workspace
            .generate(&model)
            .map_err(|e| format!("generating the crate of {}: {e}", model.display()))?;
        dependencies.push(Dependency {
            package: krate.package_name,
            member: generated_workspace::member_name(&model),
        });
    }
    let tests_dir = workspace::root().join("tests/moto");
    workspace.write(
        &format!("{TESTS_MEMBER}/Cargo.toml"),
        &tests_manifest(&dependencies, &tests_dir, &workspace::runtime()),
    )?;
    let mut members: Vec<&str> = dependencies.iter().map(|d| d.member.as_str()).collect();
    members.push(TESTS_MEMBER);
    workspace.write_manifest(&members)?;
    let generated = started.elapsed();

    // Built first, so that a compile error is reported without starting moto.
    cargo_test(&workspace, &["--no-run"], None)?;
    let built = started.elapsed();

    let moto = Moto::start(&workspace.dir().join("moto.log"))?;
    let tested = cargo_test(&workspace, &["--no-fail-fast"], Some(&moto.endpoint));
    if tested.is_err() {
        eprintln!("moto's log: {}", moto.log.display());
    }
    drop(moto);
    println!(
        "wall time: {:.1?} (finding moto {found_moto:.1?}, generation {:.1?}, build {:.1?}, \
         moto and tests {:.1?})",
        started.elapsed(),
        generated - found_moto,
        built - generated,
        started.elapsed() - built
    );
    tested
}

/// A generated crate the tests depend on.
struct Dependency {
    package: String,
    member: String,
}

/// The tests' package: a member of the `target/e2e` workspace whose test targets are the
/// files in `tests_dir`, outside it (cargo takes target paths anywhere).
fn tests_manifest(dependencies: &[Dependency], tests_dir: &Path, runtime: &Path) -> String {
    let mut manifest = format!(
        "# written by `cargo xtask e2e`: the tests in {}, against moto\n\
         [package]\nname = \"{TESTS_PACKAGE}\"\nedition = \"2024\"\nversion = \"0.1.0\"\n\
         publish = false\n\n[dependencies]\n",
        tests_dir.display()
    );
    for Dependency { package, member } in dependencies {
        manifest.push_str(&format!(
            "{package} = {{ path = {:?} }}\n",
            format!("../{member}")
        ));
    }
    // The configuration every suite builds its clients from (`common/mod.rs`): the same
    // type each generated crate re-exports as its `Config`.
    manifest.push_str(&format!(
        "leansdk-runtime = {{ path = {:?} }}\n",
        runtime.to_string_lossy()
    ));
    // `io-util`: the S3 suite reads object bodies with `AsyncReadExt`.
    manifest
        .push_str("tokio = { version = \"1\", features = [\"io-util\", \"macros\", \"rt\"] }\n");
    // What the SNS suite reads the notifications SNS delivers to SQS with (JSON documents);
    // the runtime's dependency already, so the lock file has it.
    manifest.push_str("serde_json = \"1\"\n");
    for suite in SUITES {
        let path = tests_dir.join(format!("{}.rs", suite.test));
        manifest.push_str(&format!(
            "\n[[test]]\nname = \"{}\"\npath = {:?}\n",
            suite.test,
            path.to_string_lossy()
        ));
    }
    manifest
}

fn cargo_test(
    workspace: &GeneratedWorkspace,
    args: &[&str],
    endpoint: Option<&str>,
) -> Result<(), String> {
    let mut cargo = workspace.cargo("test");
    // The tests package only: the generated crates' own tests (endpoint rules, doc tests)
    // need no moto, and conformance already builds them.
    cargo.args(["--package", TESTS_PACKAGE]).args(args);
    if let Some(endpoint) = endpoint {
        cargo.env(ENDPOINT_VAR, endpoint);
    }
    let status = cargo.status().map_err(|e| format!("running cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo test {} failed ({status})", args.join(" ")))
    }
}

/// Installs `moto[server]` with pip unless Python can already import it.
fn ensure_moto() -> Result<(), String> {
    if can_import_moto()? {
        return Ok(());
    }
    eprintln!("moto is not installed: python3 -m pip install 'moto[server]'");
    let status = Command::new("python3")
        .args(["-m", "pip", "install", "moto[server]"])
        .status()
        .map_err(|e| format!("running pip: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`python3 -m pip install 'moto[server]'` failed ({status}); install moto \
             for python3 yourself (e.g. in a virtualenv) and run again"
        ));
    }
    if can_import_moto()? {
        Ok(())
    } else {
        Err("pip installed moto[server], but python3 still cannot import moto.server".into())
    }
}

fn can_import_moto() -> Result<bool, String> {
    let status = Command::new("python3")
        .args(["-c", "import moto.server"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("running python3 (moto needs it): {e}"))?;
    Ok(status.success())
}

/// A running moto server, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
    log: PathBuf,
}

impl Moto {
    /// Starts moto on a free local port, its output going to `log`, and waits until it
    /// answers HTTP.
    fn start(log: &Path) -> Result<Moto, String> {
        let port = free_port()?;
        let output = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let errors = output
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        // The interpreter that was checked to import moto.server (`moto_server` on PATH
        // may belong to another Python).
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .map_err(|e| format!("starting moto: {e}"))?;
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log: log.to_owned(),
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + MOTO_START_TIMEOUT;
        while !answers_http(address) {
            if let Ok(Some(status)) = moto.child.try_wait() {
                return Err(format!("moto exited ({status}); see {}", log.display()));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto did not answer on {} within {MOTO_START_TIMEOUT:?}; see {}",
                    moto.endpoint,
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("moto is listening on {}", moto.endpoint);
        Ok(moto)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Failing to kill means it has already exited; either way it is reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago: bound by the OS, then released for moto.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("finding a free port: {e}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| format!("finding a free port: {e}"))
}

/// Whether an HTTP server answers a `GET /` at `address` within a second.
fn answers_http(address: SocketAddr) -> bool {
    let timeout = Some(Duration::from_secs(1));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else {
        return false;
    };
    let mut status_line = [0; 5];
    stream.set_read_timeout(timeout).is_ok()
        && stream.set_write_timeout(timeout).is_ok()
        && stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .is_ok()
        && stream.read_exact(&mut status_line).is_ok()
        && &status_line == b"HTTP/"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(args: &[&str]) -> impl Iterator<Item = String> {
        args.iter()
            .map(|arg| (*arg).to_owned())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn models_default_to_the_reference_models_and_can_be_given() {
        assert_eq!(
            parse(args(&[])),
            Ok(Options {
                models: generated_workspace::reference_models()
            })
        );
        assert_eq!(
            parse(args(&["--models", "/m"])),
            Ok(Options {
                models: PathBuf::from("/m")
            })
        );
        assert_eq!(parse(args(&["--models"])), Err(USAGE.to_owned()));
        assert_eq!(parse(args(&["--model", "/m"])), Err(USAGE.to_owned()));
    }

    #[test]
    fn the_tests_package_points_at_tests_moto_and_the_generated_crates() {
        let dependencies = [
            Dependency {
                package: "leansdk-dynamodb".into(),
                member: "dynamodb-2012-08-10".into(),
            },
            Dependency {
                package: "leansdk-kinesis".into(),
                member: "kinesis-2013-12-02".into(),
            },
        ];
        let manifest = tests_manifest(
            &dependencies,
            Path::new("/repo/tests/moto"),
            Path::new("/repo/runtime"),
        );
        let lines: Vec<&str> = manifest.lines().collect();
        for expected in [
            "name = \"leansdk-moto-tests\"",
            "leansdk-dynamodb = { path = \"../dynamodb-2012-08-10\" }",
            "leansdk-kinesis = { path = \"../kinesis-2013-12-02\" }",
            "tokio = { version = \"1\", features = [\"io-util\", \"macros\", \"rt\"] }",
            "serde_json = \"1\"",
            "leansdk-runtime = { path = \"/repo/runtime\" }",
            "name = \"dynamodb\"",
            "path = \"/repo/tests/moto/dynamodb.rs\"",
            "name = \"kinesis\"",
            "path = \"/repo/tests/moto/kinesis.rs\"",
        ] {
            assert!(lines.contains(&expected), "{expected} in\n{manifest}");
        }
        assert_eq!(manifest.matches("[[test]]").count(), SUITES.len());
    }

    #[test]
    fn every_suite_has_its_test_file_and_our_models_are_in_the_repository() {
        for suite in SUITES {
            let path = workspace::root().join(format!("tests/moto/{}.rs", suite.test));
            assert!(path.is_file(), "{} is missing", path.display());
            for source in suite.models {
                if let ModelSource::Repository(model) = source {
                    let path = source.path(Path::new("/unused"));
                    assert!(path.is_file(), "{} is missing", path.display());
                    assert!(model.starts_with("tests/moto/models/"), "{model}");
                }
            }
        }
    }

    #[test]
    fn each_model_is_generated_once_into_a_member_of_its_own() {
        let models = models(Path::new("/reference"));
        let sqs = Path::new("/reference/sqs-2012-11-05.json");
        assert_eq!(models.iter().filter(|model| *model == sqs).count(), 1);
        assert!(models.contains(&workspace::root().join("tests/moto/models/sns.json")));
        assert!(models.contains(&PathBuf::from("/reference/sts-2011-06-15.json")));
        let mut members: Vec<String> = models
            .iter()
            .map(|model| generated_workspace::member_name(model))
            .collect();
        members.sort();
        members.dedup();
        assert_eq!(members.len(), models.len(), "{members:?}");
        assert!(!members.iter().any(|member| member == TESTS_MEMBER));
    }

    #[test]
    fn an_http_server_is_told_from_a_closed_port() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let address = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 16];
            let _ = stream.read(&mut request);
            stream.write_all(b"HTTP/1.1 404 Not Found\r\n\r\n").unwrap();
        });
        assert!(answers_http(address));
        server.join().unwrap();
        let closed = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port().unwrap()));
        assert!(!answers_http(closed));
    }
}
