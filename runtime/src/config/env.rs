//! A snapshot of the process environment, and where it puts the shared profile files.
//! Tests build an [`Env`] from a list so they never see the real environment or `~/.aws`.
//!
//! Settings read values through [`Env::get_non_empty`]: surrounding whitespace is dropped
//! and a blank value counts as unset, so `AWS_REGION=" "` (easily left by a shell script)
//! falls through to the profile instead of becoming a region named by a space.
//!
//! Where the files live depends on the platform, as in every AWS SDK: the home directory is
//! `HOME`, and on Windows only, `USERPROFILE` or `HOMEDRIVE` + `HOMEPATH` after it. The
//! `*_for` methods take the [`Platform`] explicitly so both rules can be tested anywhere.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The platform whose rules locate the home directory and join paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Windows: home from `HOME`, `USERPROFILE` or `HOMEDRIVE` + `HOMEPATH`; `\` joins
    /// paths, and `~\` as well as `~/` starts a home-relative path.
    Windows,
    /// Every other platform (Linux, macOS, the BSDs): home from `HOME` only; `/` joins paths.
    Unix,
}

impl Platform {
    /// The platform this program was compiled for.
    pub fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Self::Windows => '\\',
            Self::Unix => '/',
        }
    }

    fn is_separator(self, c: char) -> bool {
        c == '/' || (self == Self::Windows && c == '\\')
    }
}

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

    /// The variable's value exactly as captured, blank or not; `None` when it is unset.
    /// Settings use [`get_non_empty`](Self::get_non_empty) instead.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value with surrounding whitespace removed; `None` when the variable is unset,
    /// empty or only whitespace, which the AWS SDKs treat as unset. Every setting, file
    /// location and credential variable is read through this.
    pub fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The home directory on this platform; see [`home_dir_for`](Self::home_dir_for).
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.home_dir_for(Platform::current())
    }

    /// `HOME`, and on Windows after it `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`. Other
    /// platforms ignore the Windows variables, as the AWS SDKs do.
    pub fn home_dir_for(&self, platform: Platform) -> Option<PathBuf> {
        self.home_string(platform).map(PathBuf::from)
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`, on this platform.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.config_file_for(Platform::current())
    }

    /// `AWS_CONFIG_FILE` (a leading `~` expanded), else `.aws/config` in the home
    /// directory of `platform`; `None` when neither is known.
    pub fn config_file_for(&self, platform: Platform) -> Option<PathBuf> {
        self.shared_file(platform, "AWS_CONFIG_FILE", "config")
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`, on this platform.
    pub fn credentials_file(&self) -> Option<PathBuf> {
        self.credentials_file_for(Platform::current())
    }

    /// `AWS_SHARED_CREDENTIALS_FILE` (a leading `~` expanded), else `.aws/credentials` in
    /// the home directory of `platform`; `None` when neither is known.
    pub fn credentials_file_for(&self, platform: Platform) -> Option<PathBuf> {
        self.shared_file(platform, "AWS_SHARED_CREDENTIALS_FILE", "credentials")
    }

    /// `AWS_PROFILE`, else `default`.
    pub fn profile_name(&self) -> &str {
        self.get_non_empty("AWS_PROFILE").unwrap_or("default")
    }

    fn home_string(&self, platform: Platform) -> Option<String> {
        if let Some(home) = self.get_non_empty("HOME") {
            return Some(home.to_owned());
        }
        if platform != Platform::Windows {
            return None;
        }
        if let Some(profile) = self.get_non_empty("USERPROFILE") {
            return Some(profile.to_owned());
        }
        let drive = self.get_non_empty("HOMEDRIVE")?;
        let path = self.get_non_empty("HOMEPATH")?;
        Some(format!("{drive}{path}"))
    }

    /// Joins as strings with the platform's separator rather than with [`PathBuf::join`],
    /// which only knows the platform it was compiled for.
    fn shared_file(&self, platform: Platform, variable: &str, name: &str) -> Option<PathBuf> {
        let path = match self.get_non_empty(variable) {
            Some(path) => self.expand_home(platform, path)?,
            None => {
                let separator = platform.separator();
                join(
                    platform,
                    self.home_string(platform)?,
                    &format!(".aws{separator}{name}"),
                )
            }
        };
        Some(path.into())
    }

    /// `~` alone or followed by a separator is the home directory (`None` when it is not
    /// known, rather than a directory named `~`); `~user/x` and other paths are unchanged.
    fn expand_home(&self, platform: Platform, path: &str) -> Option<String> {
        let Some(rest) = path.strip_prefix('~') else {
            return Some(path.to_owned());
        };
        let mut chars = rest.chars();
        match chars.next() {
            None => self.home_string(platform),
            Some(c) if platform.is_separator(c) => {
                Some(join(platform, self.home_string(platform)?, chars.as_str()))
            }
            Some(_) => Some(path.to_owned()),
        }
    }
}

/// `base` then `rest`, with the platform's separator between them unless `base` already
/// ends with a separator.
fn join(platform: Platform, mut base: String, rest: &str) -> String {
    if rest.is_empty() {
        return base;
    }
    if !base.ends_with(|c| platform.is_separator(c)) {
        base.push(platform.separator());
    }
    base.push_str(rest);
    base
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
        assert_eq!(
            env.config_file_for(Platform::Unix),
            Some("/home/u/.aws/config".into())
        );
        assert_eq!(
            env.credentials_file_for(Platform::Unix),
            Some("/home/u/.aws/credentials".into())
        );
        assert_eq!(env.profile_name(), "default");
        let env = Env::from_vars([
            ("HOME", "/home/u/"),
            ("AWS_CONFIG_FILE", "~/custom/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"),
            ("AWS_PROFILE", "dev"),
        ]);
        assert_eq!(
            env.config_file_for(Platform::Unix),
            Some("/home/u/custom/config".into())
        );
        assert_eq!(env.credentials_file(), Some("/etc/creds".into()));
        assert_eq!(env.profile_name(), "dev");
        assert_eq!(Env::default().config_file(), None);
        assert_eq!(Env::default().credentials_file(), None);
    }

    #[test]
    fn windows_home_and_separators() {
        let windows = Env::from_vars([("HOMEDRIVE", "C:"), ("HOMEPATH", "\\Users\\u")]);
        assert_eq!(
            windows.home_dir_for(Platform::Windows),
            Some("C:\\Users\\u".into())
        );
        assert_eq!(
            windows.config_file_for(Platform::Windows),
            Some("C:\\Users\\u\\.aws\\config".into())
        );
        // Only Windows reads USERPROFILE and HOMEDRIVE/HOMEPATH.
        assert_eq!(windows.home_dir_for(Platform::Unix), None);
        assert_eq!(windows.config_file_for(Platform::Unix), None);
        let profile = Env::from_vars([
            ("USERPROFILE", "C:\\Users\\p\\"),
            ("HOMEDRIVE", "D:"),
            ("HOMEPATH", "\\x"),
            ("AWS_CONFIG_FILE", "~\\cfg"),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/creds"),
        ]);
        assert_eq!(
            profile.config_file_for(Platform::Windows),
            Some("C:\\Users\\p\\cfg".into())
        );
        assert_eq!(
            profile.credentials_file_for(Platform::Windows),
            Some("C:\\Users\\p\\creds".into())
        );
    }

    #[test]
    fn tilde_expansion() {
        let env = Env::from_vars([("HOME", "/h"), ("AWS_CONFIG_FILE", "~")]);
        assert_eq!(env.config_file_for(Platform::Unix), Some("/h".into()));
        let other_user = Env::from_vars([("HOME", "/h"), ("AWS_CONFIG_FILE", "~bob/config")]);
        assert_eq!(
            other_user.config_file_for(Platform::Unix),
            Some("~bob/config".into())
        );
        // `~\` is a file name beginning with `~\` on Unix, a home-relative path on Windows.
        let backslash = Env::from_vars([("HOME", "/h"), ("AWS_CONFIG_FILE", "~\\c")]);
        assert_eq!(
            backslash.config_file_for(Platform::Unix),
            Some("~\\c".into())
        );
        assert_eq!(
            backslash.config_file_for(Platform::Windows),
            Some("/h\\c".into())
        );
        // Without a home directory a home-relative path names no file at all, rather than
        // a directory called `~` under the working directory.
        let homeless = Env::from_vars([("AWS_CONFIG_FILE", "~/config")]);
        assert_eq!(homeless.config_file_for(Platform::Unix), None);
    }

    #[test]
    fn blank_values_are_unset_and_values_are_trimmed() {
        let env = Env::from_vars([
            ("EMPTY", ""),
            ("BLANK", " \t\r\n"),
            ("PADDED", "  eu-west-1\t"),
            ("AWS_PROFILE", "  "),
            ("HOME", " /home/u "),
            ("AWS_CONFIG_FILE", "\t"),
            ("AWS_SHARED_CREDENTIALS_FILE", " /etc/creds "),
        ]);
        assert_eq!(env.get_non_empty("EMPTY"), None);
        assert_eq!(env.get_non_empty("BLANK"), None);
        assert_eq!(env.get_non_empty("MISSING"), None);
        assert_eq!(env.get_non_empty("PADDED"), Some("eu-west-1"));
        // `get` is the raw value, for callers that need to tell blank from unset.
        assert_eq!(env.get("BLANK"), Some(" \t\r\n"));
        assert_eq!(env.get("EMPTY"), Some(""));
        assert_eq!(env.get("MISSING"), None);
        assert_eq!(env.profile_name(), "default");
        assert_eq!(env.home_dir_for(Platform::Unix), Some("/home/u".into()));
        assert_eq!(
            env.config_file_for(Platform::Unix),
            Some("/home/u/.aws/config".into())
        );
        assert_eq!(env.credentials_file(), Some("/etc/creds".into()));
        // A blank HOME falls through to the Windows variables, on Windows only.
        let windows = Env::from_vars([("HOME", " "), ("USERPROFILE", "C:\\u")]);
        assert_eq!(
            windows.home_dir_for(Platform::Windows),
            Some("C:\\u".into())
        );
        assert_eq!(windows.home_dir_for(Platform::Unix), None);
    }

    #[test]
    fn debug_hides_values() {
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "SECRETVALUE")]);
        let debug = format!("{env:?}");
        assert!(debug.contains("AWS_SECRET_ACCESS_KEY") && !debug.contains("SECRETVALUE"));
    }
}
