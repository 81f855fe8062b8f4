//! What every suite shares: where moto is, the settings that keep requests on it, and
//! resource names that no other run uses.

use std::time::{SystemTime, UNIX_EPOCH};

use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::config::{Config, ConfigBuilder};

/// Set by `cargo xtask e2e` to the URL of the moto server it started.
const ENDPOINT_VAR: &str = "LEANSDK_E2E_ENDPOINT";

/// moto's default region; any region would do, as every request goes to the endpoint.
pub const REGION: &str = "us-east-1";

/// moto accepts any keys. Set in code so that nothing reads the environment, the profile
/// files or the instance metadata service.
pub const ACCESS_KEY_ID: &str = "testing";
pub const SECRET_ACCESS_KEY: &str = "testing";

/// moto's keys.
pub fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None)
}

/// What every client of the suites is built from: moto's endpoint, the region, moto's keys
/// (each generated crate's `Config` is this type).
pub fn config() -> ConfigBuilder {
    Config::builder()
        .region(REGION)
        .credentials(credentials())
        .endpoint_url(endpoint())
}

/// moto's URL. Panics when unset: these tests are run by `cargo xtask e2e`, and without an
/// endpoint the clients would call AWS itself.
pub fn endpoint() -> String {
    std::env::var(ENDPOINT_VAR).unwrap_or_else(|_| {
        panic!(
            "{ENDPOINT_VAR} is not set: these tests run against moto, started by \
             `cargo xtask e2e` (see tests/moto/README.md)"
        )
    })
}

/// `leansdk-e2e-<purpose>-<process>-<time>`: a valid DynamoDB table and Kinesis stream
/// name, different in every test and every run.
pub fn unique_name(purpose: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("leansdk-e2e-{purpose}-{}-{nanos}", std::process::id())
}
