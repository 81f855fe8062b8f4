//! The runtime's integration tests, one binary: each file of this folder is a module here
//! (`leansdk-tests` checks that none is left out). Tests in one process share its
//! globals: none sets environment variables or the current directory (they pass an `Env`
//! instead), and paused time (`start_paused`) belongs to each test's own runtime.

mod credential_process;
mod credentials;
mod endpoint_rules;
mod shared_config_suites;
mod sigv4_vectors;
