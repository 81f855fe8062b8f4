//! The generator on the repository's model and on the official Customer Profiles model (all
//! its operations): parsing the JSON AST, building the IR, and the whole crate in memory
//! (emit + prettyplease), which is what `cargo xtask codegen` does before writing files.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leansdk_codegen::ir::Crate;
use leansdk_codegen::model::Model;

const MODELS: [(&str, &str); 2] = [
    (
        "repository_model",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../model/customer-profiles.json"
        ),
    ),
    // Reference material beside the repository, absent from a plain clone.
    (
        "official_model",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/models/aws/customer-profiles-2020-08-15.json"
        ),
    ),
];

fn generating(c: &mut Criterion) {
    for (name, path) in MODELS {
        let json = match std::fs::read_to_string(Path::new(path)) {
            Ok(json) => json,
            Err(e) => {
                eprintln!("skipping codegen/{name}: {path}: {e}");
                continue;
            }
        };
        let model = match Model::from_json(&json) {
            Ok(model) => model,
            Err(e) => {
                eprintln!("skipping codegen/{name}: {path}: {e}");
                continue;
            }
        };
        let mut group = c.benchmark_group(format!("codegen/{name}"));
        group.bench_function("parse", |b| b.iter(|| Model::from_json(black_box(&json))));
        group.bench_function("ir", |b| b.iter(|| Crate::build(black_box(&model), None)));
        group.bench_function("generate", |b| {
            b.iter(|| {
                leansdk_codegen::generate(black_box(&model), &leansdk_codegen::IN_REPOSITORY, &[])
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = generating
}
criterion_main!(benches);
