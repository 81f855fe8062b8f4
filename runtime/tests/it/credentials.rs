//! Credential sources end to end: environment, profile files in a temporary directory,
//! `credential_process` scripts, caching with an injected clock, and error reporting.
//! Every test builds its own `Env`; none reads the real environment or `~/.aws`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use leansdk_runtime::BoxFuture;
use leansdk_runtime::auth::credentials::{
    Clock, Credentials, CredentialsError, LazyCachingProvider, ProvideCredentials,
};
use leansdk_runtime::config::Config;
use leansdk_runtime::config::env::Env;
use leansdk_runtime::providers::credentials::DefaultCredentialsChain;
use leansdk_runtime::providers::provider_config::ProviderConfig;

/// The providers here finish without waiting on I/O readiness, so polling until ready is
/// enough and no async runtime is needed (which also covers the cache outside any tokio
/// runtime). `credential_process` needs tokio: those tests use `#[tokio::test]`.
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

    /// `$HOME` and `extra`, with the instance metadata service off: this machine answers at
    /// its address, and no test may reach it.
    fn env(&self, extra: &[(&str, &str)]) -> Env {
        let home = self.0.to_str().unwrap().to_owned();
        Env::from_vars(
            [
                ("HOME".to_owned(), home),
                ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
            ]
            .into_iter()
            .chain(
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

/// The default chain over `env`, sending with a default client that no test here reaches
/// (the container and instance metadata sources stay unconfigured).
fn default_chain(env: Env) -> DefaultCredentialsChain {
    DefaultCredentialsChain::new(ProviderConfig::new(env, &Config::builder().build()))
}

fn load(env: Env) -> Result<Credentials, CredentialsError> {
    block_on(default_chain(env).provide_credentials())
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
    let sources: Vec<&str> = err.attempts().iter().map(|a| a.source.as_str()).collect();
    assert_eq!(sources.len(), 5, "{text}");
    for (tried, expected) in sources.iter().zip([
        "environment variables",
        "web identity",
        "profile",
        "container",
        "EC2 instance metadata",
    ]) {
        assert!(
            tried.contains(expected),
            "{tried:?} is not {expected:?}: {text}"
        );
    }
    assert!(text.contains("AWS_EC2_METADATA_DISABLED"), "{text}");
    assert!(!err.is_fatal());
    // What to fix, after the list.
    assert!(
        err.hint()
            .is_some_and(|hint| hint.contains("aws sso login"))
            && text.ends_with(err.hint().unwrap())
            && text.contains("\nto fix: "),
        "{text}"
    );

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
    assert!(
        text.contains("sets aws_secret_access_key but not aws_access_key_id"),
        "{text}"
    );
    assert!(
        !text.contains("PROFILESECRET") && !text.contains("ENVSECRET"),
        "{text}"
    );
}

#[test]
fn a_missing_source_profile_is_an_error_naming_both_profiles() {
    let home = Home::new("role");
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
    );
    let err = load(home.env(&[])).unwrap_err();
    assert!(
        err.is_fatal()
            && err
                .to_string()
                .contains("profile \"default\" has source_profile \"base\", which does not exist"),
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

    async fn load_async(env: Env) -> Result<Credentials, CredentialsError> {
        super::default_chain(env).provide_credentials().await
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

    #[tokio::test]
    async fn reads_version_1_output() {
        let home = Home::new("process-ok");
        let command = script(
            &home,
            r#"{"Version": 1, "AccessKeyId": "PROCKEY", "SecretAccessKey": "procsecret",
                "SessionToken": "proctoken", "Expiration": "2100-01-01T00:00:00Z"}"#,
            0,
        );
        config_with(&home, &command);
        let creds = load_async(home.env(&[])).await.unwrap();
        assert_eq!(creds.access_key_id(), "PROCKEY");
        assert_eq!(creds.secret_access_key(), "procsecret");
        assert_eq!(creds.session_token(), Some("proctoken"));
        assert_eq!(
            creds.expiry(),
            Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
        );
    }

    #[tokio::test]
    async fn expired_credentials_are_an_error_and_fresh_ones_cached() {
        let home = Home::new("process-expiry");
        let expired = r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "S", "Expiration": "2000-01-01T00:00:00Z"}"#;
        config_with(&home, &script(&home, expired, 0));
        let chain = super::default_chain(home.env(&[]));
        for _ in 0..2 {
            let err = chain.provide_credentials().await.unwrap_err();
            assert!(
                err.is_fatal() && err.to_string().contains("expired at 2000-01-01T00:00:00Z"),
                "{err}"
            );
        }
        // Never cached: each call runs the process again.
        assert_eq!(runs(&home), 2);

        let fresh = r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "S", "Expiration": "2100-01-01T00:00:00Z"}"#;
        config_with(&home, &script(&home, fresh, 0));
        let chain = super::default_chain(home.env(&[]));
        chain.provide_credentials().await.unwrap();
        chain.provide_credentials().await.unwrap();
        assert_eq!(runs(&home), 3);
    }

    #[tokio::test]
    async fn failures_are_fatal_and_never_echo_output() {
        let home = Home::new("process-fail");
        config_with(&home, &script(&home, r#"{"SecretAccessKey": "LEAKED"}"#, 3));
        let err = load_async(home.env(&[])).await.unwrap_err();
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
            let text = load_async(home.env(&[])).await.unwrap_err().to_string();
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

/// A source for the cache tests: counts its loads, each taking `delay` (tokio time) and
/// failing while `fail` is set, and hands out `KEY<n>` (n counting from 0) expiring at
/// `expiry`.
#[derive(Debug, Default)]
struct Source {
    calls: AtomicUsize,
    delay: Mutex<Duration>,
    fail: AtomicBool,
    expiry: Mutex<Option<SystemTime>>,
}

impl Source {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn set_expiry(&self, expiry: Option<SystemTime>) {
        *self.expiry.lock().unwrap() = expiry;
    }
}

impl ProvideCredentials for Source {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let delay = *self.delay.lock().unwrap();
        Box::pin(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if self.fail.load(Ordering::SeqCst) {
                return Err(CredentialsError::failed("test source", "source is down"));
            }
            let expiry = *self.expiry.lock().unwrap();
            Ok(Credentials::new(
                format!("KEY{call}"),
                "secret",
                None,
                expiry,
            ))
        })
    }
}

const START: u64 = 1_700_000_000;

/// A clock at `START` plus the seconds stored in the returned counter.
fn test_clock() -> (Arc<AtomicU64>, Clock) {
    let offset = Arc::new(AtomicU64::new(0));
    let read = offset.clone();
    let clock: Clock =
        Arc::new(move || UNIX_EPOCH + Duration::from_secs(START + read.load(Ordering::SeqCst)));
    (offset, clock)
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(START + seconds)
}

type Cache = LazyCachingProvider<Arc<Source>>;

/// Ten callers at once: each as its own task, so they really overlap.
async fn ten_callers(cache: &Arc<Cache>) -> Vec<Result<Credentials, CredentialsError>> {
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.provide_credentials().await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test(start_paused = true)]
async fn cache_loads_once_for_concurrent_callers() {
    let source = Arc::new(Source::default());
    *source.delay.lock().unwrap() = Duration::from_secs(1);
    let cache = Arc::new(LazyCachingProvider::new(source.clone()));
    for result in ten_callers(&cache).await {
        assert_eq!(result.unwrap().access_key_id(), "KEY0");
    }
    assert_eq!(source.calls(), 1);
    // And the load is cached for later callers.
    cache.provide_credentials().await.unwrap();
    assert_eq!(source.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_share_a_failed_load() {
    let source = Arc::new(Source::default());
    *source.delay.lock().unwrap() = Duration::from_secs(1);
    source.fail.store(true, Ordering::SeqCst);
    let cache = Arc::new(LazyCachingProvider::new(source.clone()));
    for result in ten_callers(&cache).await {
        let err = result.unwrap_err();
        assert!(err.to_string().contains("source is down"), "{err}");
    }
    assert_eq!(source.calls(), 1);
    // A later caller tries again.
    source.fail.store(false, Ordering::SeqCst);
    assert_eq!(
        cache.provide_credentials().await.unwrap().access_key_id(),
        "KEY1"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_load_times_out() {
    let source = Arc::new(Source::default());
    *source.delay.lock().unwrap() = Duration::from_secs(3600);
    let cache = LazyCachingProvider::new(source.clone()).with_load_timeout(Duration::from_secs(2));
    let started = tokio::time::Instant::now();
    let err = cache.provide_credentials().await.unwrap_err();
    // Paused time: the clock jumps to the timeout, so this is exact, not a measurement.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(3600),
        "{waited:?}"
    );
    let text = err.to_string();
    assert!(text.contains("timed out after 2s"), "{text}");
    assert!(err.is_fatal());

    // The default is five seconds.
    let cache = LazyCachingProvider::new(source.clone());
    let err = cache.provide_credentials().await.unwrap_err();
    assert!(err.to_string().contains("timed out after 5s"), "{err}");
    assert_eq!(source.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_refresh_that_times_out_keeps_the_unexpired_credentials() {
    let (now, clock) = test_clock();
    let source = Arc::new(Source::default());
    source.set_expiry(Some(at(3600)));
    let cache = LazyCachingProvider::new(source.clone()).with_clock(clock);
    assert_eq!(
        cache.provide_credentials().await.unwrap().access_key_id(),
        "KEY0"
    );
    *source.delay.lock().unwrap() = Duration::from_secs(3600);
    now.store(3500, Ordering::SeqCst);
    assert_eq!(
        cache.provide_credentials().await.unwrap().access_key_id(),
        "KEY0"
    );
    now.store(3600, Ordering::SeqCst);
    let err = cache.provide_credentials().await.unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(source.calls(), 3);
}

#[tokio::test]
async fn cache_refresh_window() {
    let (now, clock) = test_clock();
    let source = Arc::new(Source::default());
    source.set_expiry(Some(at(3600)));
    let cache = LazyCachingProvider::new(source.clone()).with_clock(clock);
    let key = || async {
        cache
            .provide_credentials()
            .await
            .map(|c| c.access_key_id().to_owned())
    };

    // Fresh: cached.
    assert_eq!(key().await.unwrap(), "KEY0");
    now.store(3600 - 301, Ordering::SeqCst);
    assert_eq!(key().await.unwrap(), "KEY0");
    assert_eq!(source.calls(), 1);

    // Within the refresh window: reloaded.
    source.set_expiry(Some(at(7200)));
    now.store(3600 - 300, Ordering::SeqCst);
    assert_eq!(key().await.unwrap(), "KEY1");
    assert_eq!(source.calls(), 2);

    // Within the window and the reload fails: the cached credentials, still valid; every
    // call tries again.
    source.fail.store(true, Ordering::SeqCst);
    now.store(7200 - 100, Ordering::SeqCst);
    assert_eq!(key().await.unwrap(), "KEY1");
    now.store(7200 - 1, Ordering::SeqCst);
    assert_eq!(key().await.unwrap(), "KEY1");
    assert_eq!(source.calls(), 4);

    // Expired and the reload fails: the error, never the expired credentials.
    now.store(7200, Ordering::SeqCst);
    let err = key().await.unwrap_err();
    assert!(err.to_string().contains("source is down"), "{err}");
    assert_eq!(source.calls(), 5);

    // The source recovers.
    source.fail.store(false, Ordering::SeqCst);
    source.set_expiry(Some(at(10_800)));
    assert_eq!(key().await.unwrap(), "KEY5");
}

#[tokio::test]
async fn freshly_loaded_expired_credentials_are_an_error() {
    let (now, clock) = test_clock();
    now.store(100, Ordering::SeqCst);
    let source = Arc::new(Source::default());
    source.set_expiry(Some(at(100)));
    let cache = LazyCachingProvider::new(source.clone()).with_clock(clock);
    for calls in 1..=2 {
        let err = cache.provide_credentials().await.unwrap_err();
        assert!(
            err.is_fatal() && err.to_string().contains("expired at"),
            "{err}"
        );
        assert_eq!(source.calls(), calls);
    }
}

#[tokio::test(start_paused = true)]
async fn callers_during_a_refresh_get_the_unexpired_credentials() {
    let (now, clock) = test_clock();
    let source = Arc::new(Source::default());
    source.set_expiry(Some(at(3600)));
    let cache = Arc::new(LazyCachingProvider::new(source.clone()).with_clock(clock));
    assert_eq!(
        cache.provide_credentials().await.unwrap().access_key_id(),
        "KEY0"
    );

    // Due for refresh; the refresh takes two seconds (within the load timeout).
    now.store(3400, Ordering::SeqCst);
    *source.delay.lock().unwrap() = Duration::from_secs(2);
    let refreshing = {
        let cache = cache.clone();
        tokio::spawn(async move { cache.provide_credentials().await })
    };
    while source.calls() < 2 {
        tokio::task::yield_now().await;
    }
    let started = tokio::time::Instant::now();
    assert_eq!(
        cache.provide_credentials().await.unwrap().access_key_id(),
        "KEY0"
    );
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "did not wait for the refresh"
    );
    assert!(!refreshing.is_finished());
    assert_eq!(refreshing.await.unwrap().unwrap().access_key_id(), "KEY1");
    assert_eq!(source.calls(), 2);
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
    let chain = default_chain(Env::from_vars([("AWS_SECRET_ACCESS_KEY", "SECRETVALUE")]));
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
