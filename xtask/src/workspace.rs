//! Paths inside this repository, found from xtask's own manifest directory.

use std::path::PathBuf;

pub fn root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().map_or(xtask.clone(), PathBuf::from)
}

/// The checked-in generated crate.
pub fn generated() -> PathBuf {
    root().join("generated")
}

/// Absolute path of the runtime crate, for crates generated outside the repository.
pub fn runtime() -> PathBuf {
    root().join("runtime")
}
