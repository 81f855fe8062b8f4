//! `cargo xtask <command>`: repository chores, hand-parsed arguments (no CLI crate).

mod codegen;
mod conformance;
mod e2e;
mod endpoint_tests;
mod generated_workspace;
mod protocol_tests;
mod workspace;

use std::process::ExitCode;

/// Runs one command: it parses its own arguments and reports its own errors.
type Run = fn(std::vec::IntoIter<String>) -> ExitCode;

/// Name, usage line and entry point of each command; a new command is one entry.
const COMMANDS: &[(&str, &str, Run)] = &[
    (
        "codegen",
        "[--check] [--model PATH --out DIR]   regenerate generated/, runtime/src/services/, tests/snapshots/ and tests/protocol/ (or DIR from PATH)",
        |args| codegen::command(args),
    ),
    (
        "conformance",
        "[--models DIR]                        generate every reference model and cargo check them all",
        |args| conformance::command(args),
    ),
    (
        "e2e",
        "[--models DIR]                        run tests/moto against DynamoDB and Kinesis clients generated into target/e2e, on moto",
        |args| e2e::command(args),
    ),
    (
        "endpoint-tests",
        "[--model PATH]                        run a model's endpoint test cases",
        |args| endpoint_tests::command(args),
    ),
    (
        "protocol-tests",
        "[--data DIR]                          check tests/protocol is fresh and run every protocol's compliance cases",
        |args| protocol_tests::command(args),
    ),
];

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask <command> [options]\n\ncommands:");
    for (name, help, _) in COMMANDS {
        eprintln!("  {name} {help}");
    }
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        return usage();
    };
    match COMMANDS.iter().find(|(command, _, _)| *command == name) {
        Some((_, _, run)) => run(args.collect::<Vec<_>>().into_iter()),
        None => {
            eprintln!("unknown command `{name}`");
            usage()
        }
    }
}
