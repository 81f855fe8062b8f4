//! The checked-in `generated/` crate is exactly what the generator writes for `model/`.

use std::path::Path;

use leansdk_codegen::model::Model;

#[test]
fn generated_crate_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let model = Model::from_path(&root.join("model/customer-profiles.json")).unwrap();
    let files = leansdk_codegen::generate(&model, &leansdk_codegen::IN_REPOSITORY, &[]).unwrap();
    let differences = leansdk_codegen::check(&root.join("generated"), &files).unwrap();
    let listed: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert!(
        listed.is_empty(),
        "generated/ is out of date, run `cargo xtask codegen`:\n  {}",
        listed.join("\n  ")
    );
}
