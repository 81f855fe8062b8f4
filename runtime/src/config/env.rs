//! A snapshot of the process environment, and where it puts the shared profile files.
//! Tests build an [`Env`] from a list so they never see the real environment or `~/.aws`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Environment variables, captured once.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The current process environment; variables that are not UTF-8 are left out.
    pub fn real() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment holding exactly `vars`, for tests and for callers that want the SDK
    /// to ignore the process environment (and, with no home directory among `vars`, the
    /// files under `~/.aws`).
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The variable's value as captured, empty or not; `None` when it is unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Like [`get`](Self::get) but treats an empty value as unset, as the AWS SDKs do.
    pub fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// `HOME`, or on Windows `USERPROFILE` / `HOMEDRIVE` + `HOMEPATH`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.get_non_empty("HOME") {
            return Some(home.into());
        }
        if let Some(profile) = self.get_non_empty("USERPROFILE") {
            return Some(profile.into());
        }
        let drive = self.get_non_empty("HOMEDRIVE")?;
        let path = self.get_non_empty("HOMEPATH")?;
        Some(format!("{drive}{path}").into())
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.shared_file("AWS_CONFIG_FILE", "config")
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    pub fn credentials_file(&self) -> Option<PathBuf> {
        self.shared_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
    }

    /// `AWS_PROFILE`, else `default`.
    pub fn profile_name(&self) -> &str {
        self.get_non_empty("AWS_PROFILE").unwrap_or("default")
    }

    fn shared_file(&self, variable: &str, default_name: &str) -> Option<PathBuf> {
        match self.get_non_empty(variable) {
            Some(path) => self.expand_home(path),
            None => Some(self.home_dir()?.join(".aws").join(default_name)),
        }
    }

    /// `~/x` (or `~\x`) relative to the home directory; other paths unchanged.
    fn expand_home(&self, path: &str) -> Option<PathBuf> {
        match path.strip_prefix('~') {
            Some("") => self.home_dir(),
            Some(rest) if rest.starts_with(['/', '\\']) => Some(self.home_dir()?.join(&rest[1..])),
            _ => Some(path.into()),
        }
    }
}

/// Lists names only: values such as `AWS_SECRET_ACCESS_KEY` must never be printed.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_locations() {
        let env = Env::from_vars([("HOME", "/home/u")]);
        assert_eq!(env.config_file(), Some("/home/u/.aws/config".into()));
        assert_eq!(
            env.credentials_file(),
            Some("/home/u/.aws/credentials".into())
        );
        assert_eq!(env.profile_name(), "default");
        let env = Env::from_vars([
            ("HOME", "/home/u"),
            ("AWS_CONFIG_FILE", "~/custom/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"),
            ("AWS_PROFILE", "dev"),
        ]);
        assert_eq!(env.config_file(), Some("/home/u/custom/config".into()));
        assert_eq!(env.credentials_file(), Some("/etc/creds".into()));
        assert_eq!(env.profile_name(), "dev");
        let windows = Env::from_vars([("HOMEDRIVE", "C:"), ("HOMEPATH", "\\Users\\u")]);
        assert_eq!(windows.home_dir(), Some("C:\\Users\\u".into()));
        assert_eq!(Env::default().config_file(), None);
    }

    #[test]
    fn debug_hides_values() {
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "SECRETVALUE")]);
        let debug = format!("{env:?}");
        assert!(debug.contains("AWS_SECRET_ACCESS_KEY") && !debug.contains("SECRETVALUE"));
    }
}
