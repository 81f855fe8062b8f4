//! Credential sources end to end: environment, profile files in a temporary directory,
//! `credential_process` scripts, caching with an injected clock, and error reporting.
//! Every test builds its own `Env`; none reads the real environment or `~/.aws`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use leansdk_runtime::BoxFuture;
use leansdk_runtime::auth::credentials::{
    Credentials, CredentialsError, LazyCachingProvider, ProvideCredentials,
};
use leansdk_runtime::config::credentials::DefaultCredentialsChain;
use leansdk_runtime::config::env::Env;

/// The providers here finish without waiting on I/O readiness, so polling until ready is
/// enough and no async runtime is needed.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// A fresh directory standing in for `$HOME`, removed when dropped.
struct Home(PathBuf);

impl Home {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("leansdk-creds-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join(".aws")).unwrap();
        Self(dir)
    }

    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.0.join(relative);
        fs::write(&path, contents).unwrap();
        path
    }

    fn env(&self, extra: &[(&str, &str)]) -> Env {
        let home = self.0.to_str().unwrap().to_owned();
        Env::from_vars(
            [("HOME".to_owned(), home)].into_iter().chain(
                extra
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
            ),
        )
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn load(env: Env) -> Result<Credentials, CredentialsError> {
    block_on(DefaultCredentialsChain::new(env).provide_credentials())
}

#[test]
fn environment_variables_come_first() {
    let home = Home::new("env-first");
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n",
    );
    let creds = load(home.env(&[
        ("AWS_ACCESS_KEY_ID", "ENVKEY"),
        ("AWS_SECRET_ACCESS_KEY", "envsecret"),
        ("AWS_SESSION_TOKEN", "envtoken"),
    ]))
    .unwrap();
    assert_eq!(creds.access_key_id(), "ENVKEY");
    assert_eq!(creds.secret_access_key(), "envsecret");
    assert_eq!(creds.session_token(), Some("envtoken"));
    assert_eq!(creds.expiry(), None);
}

#[test]
fn profile_static_keys_and_session_token() {
    let home = Home::new("profile-static");
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = defsecret\n",
    );
    home.write(
        ".aws/config",
        "[profile dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\naws_session_token = devtoken\n",
    );
    let creds = load(home.env(&[])).unwrap();
    assert_eq!(
        (creds.access_key_id(), creds.session_token()),
        ("DEFKEY", None)
    );
    let creds = load(home.env(&[("AWS_PROFILE", "dev")])).unwrap();
    assert_eq!(creds.access_key_id(), "DEVKEY");
    assert_eq!(creds.secret_access_key(), "devsecret");
    assert_eq!(creds.session_token(), Some("devtoken"));
}

#[test]
fn files_named_by_environment_variables() {
    let home = Home::new("custom-paths");
    let creds_file = home.write(
        "my-creds",
        "[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = s\n",
    );
    let config_file = home.write("my-config", "");
    let creds = load(home.env(&[
        ("AWS_SHARED_CREDENTIALS_FILE", creds_file.to_str().unwrap()),
        ("AWS_CONFIG_FILE", config_file.to_str().unwrap()),
        ("AWS_PROFILE", "ci"),
    ]))
    .unwrap();
    assert_eq!(creds.access_key_id(), "CIKEY");
}

#[test]
fn errors_list_every_source_tried() {
    let home = Home::new("nothing");
    let err = load(home.env(&[])).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("environment variables"), "{text}");
    assert!(text.contains("AWS_ACCESS_KEY_ID"), "{text}");
    assert!(text.contains("profile \"default\""), "{text}");
    assert_eq!(err.attempts().len(), 2);
    assert!(!err.is_fatal());

    let err = load(home.env(&[("AWS_PROFILE", "missing")])).unwrap_err();
    assert!(
        err.is_fatal() && err.to_string().contains("\"missing\""),
        "{err}"
    );
}

#[test]
fn misconfiguration_stops_the_chain_without_leaking_secrets() {
    let home = Home::new("half-configured");
    home.write(
        ".aws/credentials",
        "[default]\naws_secret_access_key = PROFILESECRET\n",
    );
    let err = load(home.env(&[("AWS_SECRET_ACCESS_KEY", "ENVSECRET")])).unwrap_err();
    assert_eq!(err.attempts().len(), 1, "{err}");
    assert!(
        err.to_string().contains("AWS_ACCESS_KEY_ID is not"),
        "{err}"
    );

    let err = load(home.env(&[])).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("aws_access_key_id is not"), "{text}");
    assert!(
        !text.contains("PROFILESECRET") && !text.contains("ENVSECRET"),
        "{text}"
    );
}

#[test]
fn unsupported_sources_are_reported() {
    let home = Home::new("role");
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
    );
    let err = load(home.env(&[])).unwrap_err();
    assert!(
        err.is_fatal() && err.to_string().contains("role_arn"),
        "{err}"
    );
}

#[cfg(unix)]
mod credential_process {
    use super::*;

    /// A script printing `output`, counting its runs in `count` next to it.
    fn script(home: &Home, output: &str, exit_code: i32) -> String {
        let count = home.0.join("count");
        let body = format!(
            "#!/bin/sh\necho run >> '{}'\ncat <<'JSON'\n{output}\nJSON\necho 'diagnostic on stderr' >&2\nexit {exit_code}\n",
            count.display()
        );
        let path = home.write("process.sh", &body);
        format!("sh '{}'", path.display())
    }

    fn runs(home: &Home) -> usize {
        fs::read_to_string(home.0.join("count")).map_or(0, |s| s.lines().count())
    }

    fn config_with(home: &Home, command: &str) {
        home.write(
            ".aws/config",
            &format!("[default]\ncredential_process = {command}\n"),
        );
    }

    #[test]
    fn reads_version_1_output() {
        let home = Home::new("process-ok");
        let command = script(
            &home,
            r#"{"Version": 1, "AccessKeyId": "PROCKEY", "SecretAccessKey": "procsecret",
                "SessionToken": "proctoken", "Expiration": "2100-01-01T00:00:00Z"}"#,
            0,
        );
        config_with(&home, &command);
        let creds = load(home.env(&[])).unwrap();
        assert_eq!(creds.access_key_id(), "PROCKEY");
        assert_eq!(creds.secret_access_key(), "procsecret");
        assert_eq!(creds.session_token(), Some("proctoken"));
        assert_eq!(
            creds.expiry(),
            Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
        );
    }

    #[test]
    fn expired_credentials_are_fetched_again_and_fresh_ones_cached() {
        let home = Home::new("process-expiry");
        let expired = r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "S", "Expiration": "2000-01-01T00:00:00Z"}"#;
        config_with(&home, &script(&home, expired, 0));
        let chain = DefaultCredentialsChain::new(home.env(&[]));
        block_on(chain.provide_credentials()).unwrap();
        block_on(chain.provide_credentials()).unwrap();
        assert_eq!(runs(&home), 2);

        let fresh = r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "S", "Expiration": "2100-01-01T00:00:00Z"}"#;
        config_with(&home, &script(&home, fresh, 0));
        let chain = DefaultCredentialsChain::new(home.env(&[]));
        block_on(chain.provide_credentials()).unwrap();
        block_on(chain.provide_credentials()).unwrap();
        assert_eq!(runs(&home), 3);
    }

    #[test]
    fn failures_are_fatal_and_never_echo_output() {
        let home = Home::new("process-fail");
        config_with(&home, &script(&home, r#"{"SecretAccessKey": "LEAKED"}"#, 3));
        let err = load(home.env(&[])).unwrap_err();
        let text = err.to_string();
        assert!(err.is_fatal(), "{text}");
        assert!(
            text.contains("credential_process") && text.contains("exit"),
            "{text}"
        );
        assert!(text.contains("diagnostic on stderr"), "{text}");
        assert!(!text.contains("LEAKED"), "{text}");

        for (output, expected) in [
            (
                r#"{"Version": 2, "AccessKeyId": "K", "SecretAccessKey": "LEAKED"}"#,
                "Version",
            ),
            (
                r#"{"Version": 1, "SecretAccessKey": "LEAKED"}"#,
                "AccessKeyId",
            ),
            (r#"not json LEAKED"#, "JSON"),
            (
                r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "LEAKED", "Expiration": "soon"}"#,
                "RFC 3339",
            ),
        ] {
            config_with(&home, &script(&home, output, 0));
            let text = load(home.env(&[])).unwrap_err().to_string();
            assert!(text.contains(expected), "{text}");
            assert!(!text.contains("LEAKED"), "{text}");
        }
    }
}

/// Counts calls and hands out credentials expiring at a fixed time.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    expiry: Option<SystemTime>,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let creds = Credentials::new(format!("KEY{call}"), "secret", None, self.expiry);
        Box::pin(async move { Ok(creds) })
    }
}

#[test]
fn cache_refreshes_five_minutes_before_expiry() {
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let now = Arc::new(AtomicU64::new(0));
    let clock_now = now.clone();
    let cache = LazyCachingProvider::new(Counting {
        calls: AtomicUsize::new(0),
        expiry: Some(start + Duration::from_secs(3600)),
    })
    .with_clock(Arc::new(move || {
        start + Duration::from_secs(clock_now.load(Ordering::SeqCst))
    }));
    let key = || {
        block_on(cache.provide_credentials())
            .unwrap()
            .access_key_id()
            .to_owned()
    };
    assert_eq!(key(), "KEY0");
    now.store(3600 - 301, Ordering::SeqCst);
    assert_eq!(key(), "KEY0");
    now.store(3600 - 300, Ordering::SeqCst);
    assert_eq!(key(), "KEY1");
}

#[test]
fn cache_keeps_non_expiring_credentials() {
    let cache = LazyCachingProvider::new(Counting {
        calls: AtomicUsize::new(0),
        expiry: None,
    });
    for _ in 0..3 {
        assert_eq!(
            block_on(cache.provide_credentials())
                .unwrap()
                .access_key_id(),
            "KEY0"
        );
    }
}

#[test]
fn static_credentials_provide_themselves() {
    let creds = Credentials::new("AKID", "SECRET", Some("TOKEN".into()), None);
    assert_eq!(
        block_on(creds.provide_credentials())
            .unwrap()
            .access_key_id(),
        "AKID"
    );
}

#[test]
fn debug_and_display_redact_secret_and_token() {
    let creds = Credentials::new(
        "AKIDVISIBLE",
        "SECRETVALUE",
        Some("TOKENVALUE".into()),
        Some(UNIX_EPOCH + Duration::from_secs(1_420_070_400)),
    );
    for text in [
        format!("{creds:?}"),
        format!("{creds}"),
        format!("{creds:#?}"),
    ] {
        assert!(text.contains("AKIDVISIBLE"), "{text}");
        assert!(text.contains("2015-01-01T00:00:00Z"), "{text}");
        assert!(
            !text.contains("SECRETVALUE") && !text.contains("TOKENVALUE"),
            "{text}"
        );
    }
    let chain =
        DefaultCredentialsChain::new(Env::from_vars([("AWS_SECRET_ACCESS_KEY", "SECRETVALUE")]));
    assert!(!format!("{chain:?}").contains("SECRETVALUE"));
}

#[test]
fn home_relative_paths_never_touch_the_real_home() {
    let home = Home::new("tilde");
    home.write(
        "elsewhere",
        "[default]\naws_access_key_id = TILDE\naws_secret_access_key = s\n",
    );
    let env = home.env(&[("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere")]);
    assert_eq!(
        env.credentials_file(),
        Some(Path::new(&home.0).join("elsewhere"))
    );
    assert_eq!(load(env).unwrap().access_key_id(), "TILDE");
}
