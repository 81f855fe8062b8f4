//! The integration tests of this package, one binary: each file of this folder is a module
//! here, and `every_file_is_a_module` fails on one that is not, so no test file goes
//! unrun. Tests in one process share its globals: none sets environment variables or the
//! current directory (they pass an `Env` instead), and `runtime_tracing` captures with a
//! subscriber scoped to its own thread rather than a process-wide one.

mod documented_shapes;
mod e2e_chat_stream;
mod e2e_get_workflow;
mod e2e_official_event_streams;
mod e2e_s3_subset;
mod e2e_shard_stream;
mod fuzz;
mod generated_fresh;
mod integrity;
mod presigning;
mod runtime_config;
mod runtime_container_credentials;
mod runtime_credential_providers;
mod runtime_event_stream;
mod runtime_hostile_peers;
mod runtime_http2;
mod runtime_http_client;
mod runtime_imds;
mod runtime_orchestrator;
mod runtime_proxy_and_tls;
mod runtime_retry;
mod runtime_skew_and_retry_modes;
mod runtime_tracing;
mod snapshot_names;
mod snapshot_shapes;
mod snapshots;
mod test_util;
mod waiters;

/// Every `.rs` file beside this one (here and in the runtime's `tests/it/`) is declared as
/// a module of its binary: a file that is not would compile into nothing and never run.
#[test]
fn every_file_is_a_module() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [root.join("it"), root.join("../runtime/tests/it")] {
        let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
        let declared: Vec<&str> = main
            .lines()
            .filter_map(|line| line.trim().strip_prefix("mod ")?.strip_suffix(';'))
            .collect();
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(module) = name.strip_suffix(".rs")
                && module != "main"
                && !declared.contains(&module)
            {
                missing.push(path.display().to_string());
            }
        }
        assert!(missing.is_empty(), "not declared in main.rs: {missing:?}");
    }
}
