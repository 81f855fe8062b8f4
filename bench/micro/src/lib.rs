//! Nothing to link: this package exists for `benches/get_workflow.rs`, which needs the
//! generated crate (a dependency the runtime's own benches cannot have).
