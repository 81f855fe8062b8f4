//! `credential_process` commands run by [`CredentialProcessProvider`]: output read, errors
//! reported without quoting standard output, too much output and hung commands killed, and
//! the async runtime never blocked. Real processes (`sh`), so Unix only; no network.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, UNIX_EPOCH};

use leansdk_runtime::auth::credentials::{CredentialsError, ProvideCredentials};
use leansdk_runtime::providers::credential_process::CredentialProcessProvider;

const OUTPUT: &str = r#"{"Version": 1, "AccessKeyId": "PROCKEY", "SecretAccessKey": "SECRETVALUE",
    "SessionToken": "TOKENVALUE", "Expiration": "2100-01-01T00:00:00Z"}"#;

/// A fresh directory for one test's scripts and marker files, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("leansdk-process-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `body` as a script and returns the command line running it.
    fn script(&self, body: &str) -> String {
        let path = self.path("process.sh");
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        format!("sh '{}'", path.display())
    }

    /// The pid a script wrote to `pid` with `echo $$ > pid`.
    fn pid(&self) -> String {
        fs::read_to_string(self.path("pid"))
            .unwrap()
            .trim()
            .to_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Whether the process runs. A killed process counts as gone once it is a zombie: the
/// command's own descendants are reparented when it dies, and reaping them is then init's
/// job (which this machine's init never does).
fn is_running(pid: &str) -> bool {
    if let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (name) state ...`; the name may hold spaces and parentheses.
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        return !matches!(state.and_then(|s| s.chars().next()), Some('Z' | 'X'));
    }
    if Path::new("/proc/self/stat").exists() {
        return false;
    }
    let output = Command::new("ps")
        .args(["-o", "stat=", "-p", pid])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let stat = String::from_utf8_lossy(&output.stdout);
    !stat.trim().is_empty() && !stat.trim().starts_with('Z')
}

/// Waits, up to a bound, for a process to be gone: `SIGKILL` takes effect asynchronously,
/// and only the command itself is reaped before the call returns, not what it started.
async fn assert_gone(pid: &str) {
    for _ in 0..250 {
        if !is_running(pid) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("process {pid} still runs");
}

fn in_dir(dir: &Dir, name: &str) -> String {
    dir.path(name).display().to_string()
}

async fn run(
    command: String,
    timeout: Duration,
) -> Result<leansdk_runtime::auth::credentials::Credentials, CredentialsError> {
    CredentialProcessProvider::new(command)
        .with_timeout(timeout)
        .provide_credentials()
        .await
}

#[tokio::test]
async fn reads_version_1_output() {
    let dir = Dir::new("ok");
    let command = dir.script(&format!("cat <<'JSON'\n{OUTPUT}\nJSON"));
    let creds = run(command, Duration::from_secs(20)).await.unwrap();
    assert_eq!(creds.access_key_id(), "PROCKEY");
    assert_eq!(creds.secret_access_key(), "SECRETVALUE");
    assert_eq!(creds.session_token(), Some("TOKENVALUE"));
    assert_eq!(
        creds.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
    );

    // Debug shows the program, not its arguments, which may be secret.
    let provider = CredentialProcessProvider::new("/opt/creds --token HUSH");
    let debug = format!("{provider:?}");
    assert!(
        debug.contains("/opt/creds") && !debug.contains("HUSH"),
        "{debug}"
    );
}

#[tokio::test]
async fn non_zero_exit_reports_status_and_an_excerpt_of_stderr() {
    let dir = Dir::new("exit");
    let long = "x".repeat(5000);
    let command = dir.script(&format!(
        "cat <<'JSON'\n{OUTPUT}\nJSON\necho '   ' >&2\necho 'token expired, run login' >&2\necho '{long}' >&2\nexit 3"
    ));
    let err = run(command, Duration::from_secs(20)).await.unwrap_err();
    let text = err.to_string();
    assert!(err.is_fatal(), "{text}");
    assert!(text.contains("exit status: 3"), "{text}");
    // Trimmed, and cut short.
    assert!(text.contains(": token expired, run login\nxxx"), "{text}");
    assert!(text.len() < 600 && text.ends_with("..."), "{text}");
    assert!(
        !text.contains("SECRETVALUE") && !text.contains("TOKENVALUE"),
        "{text}"
    );
}

#[tokio::test]
async fn malformed_output_is_never_quoted() {
    let dir = Dir::new("malformed");
    for (output, expected) in [
        ("not json SECRETVALUE", "not a JSON object"),
        (
            r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "SECRETVALUE""#,
            "not a JSON object",
        ),
        (
            r#"{"Version": 2, "AccessKeyId": "K", "SecretAccessKey": "SECRETVALUE"}"#,
            "Version",
        ),
        (
            r#"{"Version": 1, "AccessKeyId": "K", "SessionToken": "SECRETVALUE"}"#,
            "SecretAccessKey",
        ),
        (
            r#"{"Version": 1, "AccessKeyId": "K", "SecretAccessKey": "SECRETVALUE", "Expiration": "soon"}"#,
            "RFC 3339",
        ),
    ] {
        let command = dir.script(&format!("cat <<'JSON'\n{output}\nJSON"));
        let err = run(command, Duration::from_secs(20)).await.unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(err.is_fatal() && text.contains(expected), "{text}");
        assert!(!text.contains("SECRETVALUE"), "{text}");
    }
}

#[tokio::test]
async fn too_much_output_kills_the_process() {
    let dir = Dir::new("flood");
    // Prints forever: only a kill stops it.
    let command = dir.script(&format!(
        "echo $$ > '{}'\nwhile :; do echo SECRETVALUE-SECRETVALUE-SECRETVALUE; done",
        in_dir(&dir, "pid")
    ));
    let err = run(command, Duration::from_secs(20)).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("more than 64 KiB") && text.contains("killed"),
        "{text}"
    );
    assert!(!text.contains("SECRETVALUE"), "{text}");
    // The script's shell (started by `sh -c`) is killed with it.
    assert_gone(&dir.pid()).await;

    // Just over the limit, then a normal exit, is an error all the same.
    let command = dir.script("head -c 65537 /dev/zero | tr '\\0' A");
    let err = run(command, Duration::from_secs(20)).await.unwrap_err();
    assert!(err.to_string().contains("more than 64 KiB"), "{err}");
}

#[tokio::test]
async fn a_hung_process_is_killed_at_the_timeout() {
    let dir = Dir::new("hung");
    // The shell waits on a `sleep` of its own, which also holds the output pipes open;
    // `done` is written only if the shell outlives the sleep.
    let command = dir.script(&format!(
        "echo $$ > '{pid}'\nsleep 30 &\necho $! > '{sleep}'\nwait $!\ntouch '{done}'",
        pid = in_dir(&dir, "pid"),
        sleep = in_dir(&dir, "sleep-pid"),
        done = in_dir(&dir, "done"),
    ));
    let err = run(command, Duration::from_secs(2)).await.unwrap_err();
    let text = err.to_string();
    assert!(err.is_fatal(), "{text}");
    assert!(
        text.contains("did not finish within 2s; it was killed"),
        "{text}"
    );
    // The shell is gone (killed and reaped), so it will never write `done`, and so is the
    // sleep it started: the whole process group was killed.
    assert_gone(&dir.pid()).await;
    let sleep = fs::read_to_string(dir.path("sleep-pid")).unwrap();
    assert_gone(sleep.trim()).await;
    assert!(!dir.path("done").exists());
}

#[tokio::test]
async fn dropping_the_call_kills_the_process() {
    let dir = Dir::new("dropped");
    let command = dir.script(&format!(
        "echo $$ > '{}'\nexec sleep 30",
        in_dir(&dir, "pid")
    ));
    let call = tokio::spawn(run(command, Duration::from_secs(60)));
    for _ in 0..250 {
        if dir.path("pid").exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The caller gives up, e.g. at an operation timeout: the future is dropped.
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    // Killed in the background.
    assert_gone(&dir.pid()).await;
}

/// `#[tokio::test]` runs on a current-thread runtime: the process only finishes once a task
/// on that same thread has run, so the call must not block the thread.
#[tokio::test]
async fn the_runtime_keeps_running_other_tasks_meanwhile() {
    let dir = Dir::new("concurrent");
    let flag = dir.path("flag");
    let command = dir.script(&format!(
        "while [ ! -e '{}' ]; do sleep 0.05; done\ncat <<'JSON'\n{OUTPUT}\nJSON",
        flag.display()
    ));
    let ran = Arc::new(AtomicBool::new(false));
    let task = {
        let ran = ran.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            ran.store(true, Ordering::SeqCst);
            fs::write(&flag, "").unwrap();
        })
    };
    // Had the runtime been blocked, the flag would never appear and this would time out.
    let creds = run(command, Duration::from_secs(20)).await.unwrap();
    assert_eq!(creds.access_key_id(), "PROCKEY");
    assert!(ran.load(Ordering::SeqCst));
    task.await.unwrap();
}

#[test]
fn outside_a_tokio_runtime_it_fails_instead_of_panicking() {
    let provider = CredentialProcessProvider::new("true");
    let mut future = std::pin::pin!(provider.provide_credentials());
    let Poll::Ready(result) = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    else {
        panic!("pending without a runtime");
    };
    let err = result.unwrap_err();
    assert!(err.to_string().contains("tokio runtime"), "{err}");
}
