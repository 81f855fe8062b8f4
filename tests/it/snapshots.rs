//! Generates every model in `models/` and fails on any difference from `snapshots/<model>/`,
//! which `cargo xtask codegen` writes (review the result with `git diff`). Checked here too,
//! so that `cargo test` alone catches a stale snapshot.

use std::path::Path;

use leansdk_codegen::Manifest;
use leansdk_codegen::model::Model;

/// Snapshots sit three levels below the workspace root.
const SNAPSHOT_MANIFEST: Manifest<'static> = Manifest {
    runtime_path: "../../../runtime",
    standalone: false,
};

#[test]
fn snapshots_match_generator_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut models: Vec<_> = std::fs::read_dir(root.join("models"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    models.sort();
    assert!(!models.is_empty(), "no models under tests/models");
    let mut failures = Vec::new();
    for model_path in models {
        let name = model_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let model = Model::from_path(&model_path).unwrap();
        let files = leansdk_codegen::generate(&model, &SNAPSHOT_MANIFEST, &[]).unwrap();
        let dir = root.join("snapshots").join(&name);
        for difference in leansdk_codegen::check(&dir, &files).unwrap() {
            failures.push(format!("{name}: {difference}"));
        }
    }
    assert!(
        failures.is_empty(),
        "snapshots differ from generator output:\n  {}\nrun `cargo xtask codegen` and review `git diff tests/snapshots`",
        failures.join("\n  ")
    );
}
