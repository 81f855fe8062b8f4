//! `credential_process`: credentials printed by a command the user configured, as the AWS
//! CLI and SDKs run it (through `sh -c`, or `cmd.exe /C` on Windows, with no standard input)
//! and read it (the Version 1 JSON object on standard output).
//!
//! The command never blocks the async runtime: waiting for it runs on tokio's blocking pool
//! and its output is read on threads of its own. The whole run has a time limit, past which
//! the command is killed and reaped; so is a command that prints more than
//! [`MAX_OUTPUT_BYTES`], and one whose caller stops waiting (its future dropped). Errors
//! name the exit status and an excerpt of standard error, never standard output, which
//! holds the secrets.
//!
//! A kill reaches every process the command started, not just the shell (which does not
//! always `exec` the command, e.g. dash): on Unix the command runs in a process group of its
//! own and the whole group is killed, on Windows the process tree (`taskkill /T`). Being
//! outside the terminal's foreground group, it cannot prompt on the terminal (it has no
//! standard input either, as in the AWS SDKs).

use std::fmt;
use std::io::{self, Read};
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::BoxFuture;
use crate::DateTime;
use crate::auth::credentials::{Credentials, CredentialsError, ProvideCredentials};

/// How long a command may run, five seconds: the credentials load timeout of aws-sdk-rust,
/// which its cache applies to `credential_process` as to every source.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The most a command may print on standard output, 64 KiB: a Version 1 object is a few
/// hundred bytes, or a few KiB with a long session token. A command printing more is killed
/// and its run fails.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// How much of standard error is kept for error messages; the rest is read and dropped, so
/// a chatty command never stalls on a full pipe.
const STDERR_KEPT_BYTES: u64 = 4 * 1024;

/// How many characters of standard error an error message quotes.
const STDERR_EXCERPT_CHARS: usize = 200;

/// Credentials from a command, as a profile's `credential_process` setting runs it. The
/// profile provider of the default chain uses it for profiles with that setting; build one
/// yourself to run a command of your own.
pub struct CredentialProcessProvider {
    command: String,
    timeout: Duration,
}

impl CredentialProcessProvider {
    /// Runs `command` (a shell command line, e.g. `/opt/bin/creds --profile dev`) on every
    /// call, so wrap it in a
    /// [`LazyCachingProvider`](crate::auth::credentials::LazyCachingProvider), and kills it
    /// after [`DEFAULT_TIMEOUT`].
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// How long the command may run before it is killed and the call fails; default
    /// [`DEFAULT_TIMEOUT`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Shows the program only: arguments may hold secrets (aws-sdk-rust redacts them too).
impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let program = self.command.split_whitespace().next().unwrap_or_default();
        f.debug_struct("CredentialProcessProvider")
            .field("command", &format!("{program} ** arguments redacted **"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            run(&self.command, self.timeout)
                .await
                .map_err(|reason| CredentialsError::failed("credential_process", reason))
        })
    }
}

/// Runs `command` and reads its credentials, killing it once `timeout` has passed. The error
/// says why, without quoting standard output. Dropping the future kills the command too.
pub(crate) async fn run(command: &str, timeout: Duration) -> Result<Credentials, String> {
    // Checked first: tokio's blocking pool and timers panic outside a runtime.
    let runtime = Handle::try_current()
        .map_err(|_| "needs a tokio runtime to run the command on".to_owned())?;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut child = shell(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start: {e}"))?;
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let running = Arc::new(Running {
        child: Mutex::new(Some(child)),
    });
    // From here on every way out (an error, the timeout, the caller dropping this future)
    // leaves no process behind.
    let _kill = KillOnDrop(running.clone());
    let (Some(stdout), Some(stderr)) = (stdout, stderr) else {
        return Err("could not capture its output".into());
    };
    // The pipes are read on threads of their own rather than the blocking pool: a process
    // the command started may outlive the kill and hold them open, and tokio waits for its
    // blocking pool when a runtime shuts down.
    let stdout = {
        let running = running.clone();
        on_thread("credential_process stdout", move || {
            read_stdout(stdout, &running)
        })?
    };
    let stderr = on_thread("credential_process stderr", move || read_stderr(stderr))?;

    let finished = tokio::time::timeout_at(deadline, async {
        let stdout = stdout
            .await
            .map_err(|_| "its output could not be read".to_owned())??;
        let waiting = {
            let running = running.clone();
            runtime.spawn_blocking(move || running.wait())
        };
        let status = waiting
            .await
            .map_err(|_| "waiting for it failed".to_owned())?
            .map_err(|e| format!("could not wait for it: {e}"))?;
        Ok::<_, String>((stdout, status))
    })
    .await;
    let (stdout, status) = match finished {
        Ok(finished) => finished?,
        Err(_elapsed) => {
            if let Some(child) = running.take() {
                // Before returning, so the caller can rely on the processes being gone and
                // no zombie is left.
                let _ = runtime.spawn_blocking(move || terminate(child)).await;
            }
            return Err(format!("did not finish within {timeout:?}; it was killed"));
        }
    };
    let Some(status) = status else {
        return Err("was killed".into());
    };
    if !status.success() {
        // Standard error closes when the command exits, unless a process it started keeps
        // it open: then the message goes without it.
        let stderr = tokio::time::timeout_at(deadline, stderr)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let excerpt = excerpt(&stderr);
        return Err(if excerpt.is_empty() {
            format!("exited with {status}")
        } else {
            format!("exited with {status}: {excerpt}")
        });
    }
    parse_process_output(&stdout)
}

/// The platform shell, as the AWS CLI runs `credential_process`.
fn shell(command: &str) -> Command {
    let mut shell = if cfg!(windows) {
        let mut c = Command::new("cmd.exe");
        c.arg("/C");
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c");
        c
    };
    // A group of its own, led by the shell, so that `kill_tree` reaches what it starts.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut shell, 0);
    shell.arg(command);
    shell
}

/// Kills the command and every process it started, then reaps it. Blocks, briefly.
fn terminate(mut child: Child) {
    kill_tree(&child);
    // In case `kill_tree` could not run.
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the process group the command leads (see [`shell`]), with the shell's `kill`:
/// std has no `killpg`. Until the command is reaped its id cannot be reused, so the signal
/// never reaches a stranger.
#[cfg(unix)]
fn kill_tree(child: &Child) {
    let _ = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -s KILL -- -{}", child.id()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// `cmd.exe /C` runs the command as a child of its own: `taskkill /T` ends the whole tree.
#[cfg(windows)]
fn kill_tree(child: &Child) {
    let _ = Command::new("taskkill")
        .args(["/T", "/F", "/PID", &child.id().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(any(unix, windows)))]
fn kill_tree(_child: &Child) {}

/// The running command, where whoever comes first can reap or kill it: the wait on the
/// blocking pool, the stdout reader (too much output), the timeout, or [`KillOnDrop`].
/// The async side only takes it out; killing and reaping run on other threads.
struct Running {
    /// `None` once reaped or killed.
    child: Mutex<Option<Child>>,
}

impl Running {
    fn slot(&self) -> MutexGuard<'_, Option<Child>> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The command, for [`terminate`], unless it was already reaped or taken.
    fn take(&self) -> Option<Child> {
        self.slot().take()
    }

    /// Blocks until the command exits (`Some`) or is killed by someone else (`None`). It
    /// polls rather than blocking in `wait` so that the lock is free for a kill; it is
    /// called once standard output is closed, when the command is about to exit anyway.
    fn wait(&self) -> io::Result<Option<ExitStatus>> {
        let mut pause = Duration::from_millis(1);
        loop {
            {
                let mut slot = self.slot();
                let Some(child) = slot.as_mut() else {
                    return Ok(None);
                };
                if let Some(status) = child.try_wait()? {
                    *slot = None;
                    return Ok(Some(status));
                }
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

/// Kills the command when the run ends by any other way than its exit.
struct KillOnDrop(Arc<Running>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let Some(mut child) = self.0.take() else {
            return;
        };
        // The shell at once (a signal, which does not block); left unreaped, its id still
        // names the group. On Windows `taskkill /T` needs the parent alive to find the tree.
        #[cfg(unix)]
        let _ = child.kill();
        // Killing the rest and reaping block: off this thread.
        let rest = move || terminate(child);
        match Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(rest)),
            Err(_) => drop(std::thread::Builder::new().spawn(rest)),
        }
    }
}

/// Runs `work` on a new thread; its result arrives on the receiver.
fn on_thread<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<oneshot::Receiver<T>, String> {
    let (sender, receiver) = oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let _ = sender.send(work());
        })
        .map_err(|e| format!("could not start a thread to read its output: {e}"))?;
    Ok(receiver)
}

/// Standard output up to [`MAX_OUTPUT_BYTES`]; past that the command is killed.
fn read_stdout(stdout: ChildStdout, running: &Running) -> Result<Vec<u8>, String> {
    let mut output = Vec::new();
    let limit = MAX_OUTPUT_BYTES as u64 + 1;
    stdout
        .take(limit)
        .read_to_end(&mut output)
        .map_err(|e| format!("could not read its output: {e}"))?;
    if output.len() > MAX_OUTPUT_BYTES {
        if let Some(child) = running.take() {
            terminate(child);
        }
        return Err(format!(
            "printed more than {} KiB on standard output; it was killed",
            MAX_OUTPUT_BYTES / 1024
        ));
    }
    Ok(output)
}

/// The first [`STDERR_KEPT_BYTES`] of standard error, reading the rest to its end.
fn read_stderr(mut stderr: ChildStderr) -> Vec<u8> {
    let mut kept = Vec::new();
    let _ = (&mut stderr).take(STDERR_KEPT_BYTES).read_to_end(&mut kept);
    let _ = io::copy(&mut stderr, &mut io::sink());
    kept
}

/// Standard error trimmed and cut to [`STDERR_EXCERPT_CHARS`].
fn excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    let mut excerpt: String = text.chars().take(STDERR_EXCERPT_CHARS).collect();
    if excerpt.len() < text.len() {
        excerpt.push_str("...");
    }
    excerpt
}

/// The `credential_process` output format (Version 1).
fn parse_process_output(stdout: &[u8]) -> Result<Credentials, String> {
    // Parse errors from serde_json may quote the input, which holds the secret, so the
    // message is generic.
    let json: serde_json::Value =
        serde_json::from_slice(stdout).map_err(|_| "output is not a JSON object".to_owned())?;
    let field = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
    if json.get("Version").and_then(serde_json::Value::as_u64) != Some(1) {
        return Err("output must have \"Version\": 1".into());
    }
    let id = field("AccessKeyId").ok_or("output has no AccessKeyId string")?;
    let secret = field("SecretAccessKey").ok_or("output has no SecretAccessKey string")?;
    let expiry = field("Expiration")
        .map(|text| {
            DateTime::parse_rfc3339(text)
                .map_err(|e| e.to_string())
                .and_then(|t| SystemTime::try_from(t).map_err(|e| e.to_string()))
        })
        .transpose()?;
    Ok(Credentials::new(
        id,
        secret,
        field("SessionToken").map(str::to_owned),
        expiry,
    ))
}
