//! What the generated examples share, so each one is a list of arguments and one call:
//! `--member-name VALUE` arguments, configuration from the environment, the output printed
//! as pretty JSON with RFC 3339 timestamps (as the AWS CLI prints it), errors to stderr.

use std::fmt::Display;
use std::future::Future;
use std::io::Write;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;

use crate::config::{Config, TimeoutConfig};
use crate::providers::ConfigLoader;

/// The optional argument every example accepts: the operation timeout in seconds.
pub const TIMEOUT_ARGUMENT: &str = "timeout-secs";

/// Parsed `--name value` arguments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    values: Vec<(String, String)>,
    timeout: Option<Duration>,
}

impl Args {
    /// Reads `--name value` pairs; `known` lists the accepted names (without `--`), and
    /// `--timeout-secs N` is always accepted. Errors are messages for the user.
    pub fn parse(known: &[&str], args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let name = arg
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument `{arg}`"))?;
            if name != TIMEOUT_ARGUMENT && !known.contains(&name) {
                return Err(format!("unknown argument `--{name}`"));
            }
            let value = args
                .next()
                .ok_or_else(|| format!("`--{name}` needs a value"))?;
            if name == TIMEOUT_ARGUMENT {
                // `try_from_secs_f64` refuses what a `Duration` cannot hold (1e20) instead of
                // panicking as `from_secs_f64` does.
                let timeout = value
                    .parse()
                    .ok()
                    .filter(|secs: &f64| *secs > 0.0)
                    .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
                    .ok_or_else(|| {
                        format!("`--{name}` takes a positive number of seconds below 1.8e19, not `{value}`")
                    })?;
                parsed.timeout = Some(timeout);
            } else {
                parsed.values.push((name.to_owned(), value));
            }
        }
        Ok(parsed)
    }

    /// The value of `--name`, parsed; `None` when absent. A value that does not parse is a
    /// user error: it is reported and the process exits with status 2.
    pub fn get<T: FromStr>(&self, name: &str) -> Option<T> {
        match self.try_get(name) {
            Ok(value) => value,
            Err(message) => {
                eprintln!("error: {message}");
                std::process::exit(2);
            }
        }
    }

    /// Like [`get`](Self::get), returning the parse failure instead of exiting.
    pub fn try_get<T: FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, value)| {
                value
                    .parse()
                    .map_err(|_| format!("invalid value `{value}` for `--{name}`"))
            })
            .transpose()
    }

    /// `--timeout-secs`, if given.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

/// The output as the AWS CLI prints it: pretty JSON, model member names, timestamps as
/// RFC 3339 with their fraction.
pub fn to_cli_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    crate::protocol::json::codec::with_rfc3339_timestamps(|| serde_json::to_string_pretty(value))
}

/// An example's whole `main`: parses the process arguments (`known` plus `--timeout-secs`),
/// loads [`Config::from_env`], runs `call`, prints its output to stdout (exit status 0) or
/// its error to stderr (status 1). Bad arguments exit with status 2.
pub async fn run<O, E, F, Fut>(known: &[&str], call: F) -> ExitCode
where
    O: Serialize,
    E: Display,
    F: FnOnce(Config, Args) -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    let status = run_with(
        known,
        std::env::args().skip(1),
        Config::from_env(),
        call,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
    .await;
    ExitCode::from(status)
}

/// [`run`] with its inputs and outputs passed in (tests); returns the exit status.
pub async fn run_with<O, E, F, Fut>(
    known: &[&str],
    args: impl IntoIterator<Item = String>,
    loader: ConfigLoader,
    call: F,
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> u8
where
    O: Serialize,
    E: Display,
    F: FnOnce(Config, Args) -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    // A closed stdout or stderr leaves nothing to report to; the status still tells.
    let args = match Args::parse(known, args) {
        Ok(args) => args,
        Err(message) => {
            let usage: String = known.iter().map(|n| format!(" --{n} VALUE")).collect();
            let _ = writeln!(
                stderr,
                "error: {message}\nusage:{usage} [--{TIMEOUT_ARGUMENT} N]"
            );
            return 2;
        }
    };
    let loader = match args.timeout() {
        Some(timeout) => loader.timeout_config(TimeoutConfig::default().with_operation(timeout)),
        None => loader,
    };
    let config = match loader.load().await {
        Ok(config) => config,
        Err(error) => {
            let _ = writeln!(stderr, "error: {}", escape_controls(&error.to_string()));
            return 1;
        }
    };
    match call(config, args).await {
        Ok(output) => match to_cli_json(&output) {
            Ok(json) => {
                let _ = writeln!(stdout, "{json}");
                0
            }
            Err(error) => {
                let _ = writeln!(stderr, "error: cannot print the output: {error}");
                1
            }
        },
        Err(error) => {
            let _ = writeln!(stderr, "error: {}", escape_controls(&error.to_string()));
            1
        }
    }
}

/// `message` safe to print to a terminal: a service's message could otherwise move the
/// cursor, recolour or clear the screen (escape sequences) or forge lines of output (CR,
/// LF). Control characters are shown escaped (`\u{1b}`); each line break is kept but the
/// line after it is indented, so it cannot pass for a line of its own.
fn escape_controls(message: &str) -> String {
    let mut escaped = String::with_capacity(message.len());
    for c in message.chars() {
        match c {
            '\n' => escaped.push_str("\n  "),
            c if c.is_control() => escaped.extend(c.escape_default()),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DateTime;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn arguments_parse_with_the_timeout() {
        let args = Args::parse(
            &["domain-name", "max-results"],
            strings(&[
                "--domain-name",
                "d",
                "--max-results",
                "7",
                "--timeout-secs",
                "2.5",
            ]),
        )
        .unwrap();
        assert_eq!(args.get::<String>("domain-name").as_deref(), Some("d"));
        assert_eq!(args.get::<i32>("max-results"), Some(7));
        assert_eq!(args.get::<String>("absent"), None);
        assert_eq!(args.timeout(), Some(Duration::from_millis(2500)));
        assert!(args.try_get::<bool>("domain-name").is_err());
    }

    #[test]
    fn bad_arguments_are_messages() {
        for bad in [
            &["--unknown", "x"][..],
            &["--domain-name"],
            &["positional"],
            &["--timeout-secs", "-1"],
            &["--timeout-secs", "soon"],
            &["--timeout-secs", "1e20"],
            &["--timeout-secs", "inf"],
            &["--timeout-secs", "NaN"],
        ] {
            assert!(
                Args::parse(&["domain-name"], strings(bad)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn printed_errors_cannot_drive_the_terminal_or_forge_lines() {
        let message = "Bad \x1b[2J\x1b[31mred\x07\r\nerror: forged\u{9b}1m\nnext";
        assert_eq!(
            escape_controls(message),
            "Bad \\u{1b}[2J\\u{1b}[31mred\\u{7}\\r\n  error: forged\\u{9b}1m\n  next"
        );
    }

    #[test]
    fn cli_json_prints_timestamps_as_rfc3339_only_inside() {
        #[derive(Serialize)]
        #[serde(crate = "serde")]
        struct Output {
            #[serde(
                rename = "StartDate",
                with = "crate::protocol::json::codec::With::<crate::protocol::json::codec::EpochSeconds>"
            )]
            start: DateTime,
        }
        let output = Output {
            start: DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000),
        };
        let json = to_cli_json(&output).unwrap();
        assert!(
            json.contains(r#""StartDate": "2023-11-14T22:13:20.123Z""#),
            "{json}"
        );
        assert_eq!(
            serde_json::to_string(&output).unwrap(),
            r#"{"StartDate":1700000000.123}"#
        );
    }
}
