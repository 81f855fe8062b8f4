//! Parser for the shared AWS `config` and `credentials` files.
//!
//! Follows the rules every AWS SDK shares, as the cross-SDK test suites write them down
//! (`tests/data/aws-config/`, run by `runtime/tests/it/shared_config_suites.rs`):
//!
//! - Sections: `[profile NAME]` or `[default]` in the config file, `[NAME]` in the
//!   credentials file; `[services NAME]` and `[sso-session NAME]` in the config file only.
//!   Whitespace around and inside the brackets is trimmed, and a tab may separate the prefix
//!   from the name. Section names and keys are letters, digits and `-_/.%@:+`.
//! - `#` and `;` start comments: anywhere on a section header, at the start of a line, and
//!   inside a property value only after whitespace (so `abc#def` is a value).
//! - `key = value`; keys are case-insensitive (stored lower-cased), values trimmed. An
//!   indented line continues the previous value (joined with `\n`, comments included) or,
//!   when the property's first line had no value, is a `key = value` sub-property.
//! - Duplicate sections and keys merge, the later one winning; when the config file has
//!   `[profile default]`, its `[default]` sections are ignored; the credentials file wins
//!   over the config file.
//! - Lines end with `\n` or `\r\n`; a UTF-8 byte-order mark at the start (which some
//!   Windows editors write) is ignored rather than read as part of the first line.
//!
//! Two kinds of mistakes are treated differently, as in the AWS SDKs. A line the format
//! cannot make sense of (a property before any section, a header without `]`, a line with
//! no `=`, an empty key, an indented line with no property to continue) makes the whole
//! file a [`ProfileError::Parse`]: guessing what such a file means could pick credentials
//! or a region other than the ones the user wrote. A well-formed section or key with a name
//! outside the allowed characters, or a header the file kind does not allow, is dropped
//! and reported as a [`ProfileWarning`], so a typo in an unrelated profile does not stop a
//! client from starting. A file that cannot be read, is not UTF-8 or is larger than
//! [`MAX_FILE_SIZE`] is also a warning and read as empty, as aws-config does; a missing file
//! is simply absent. Neither errors nor warnings ever quote a line: it may hold a secret.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::env::Env;

const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];
/// Keys whose values are never printed by `Debug`.
const SECRET_KEYS: &[&str] = &["aws_secret_access_key", "aws_session_token"];

/// The largest shared file read, 10 MiB. Real files are a few kilobytes; the limit keeps a
/// path that points at something else (a device, a log) from filling memory. A larger file
/// is a [`ProfileWarning`] and read as empty.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Which shared file a line came from; the two use different section header rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// The config file (`AWS_CONFIG_FILE`, else `~/.aws/config`): `[default]`,
    /// `[profile NAME]`, `[services NAME]` and `[sso-session NAME]` sections.
    Config,
    /// The credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`):
    /// `[NAME]` profile sections only.
    Credentials,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Config => "config file",
            Self::Credentials => "credentials file",
        })
    }
}

/// Something skipped: a section or property with an invalid name, a section the file kind
/// does not allow, or a whole file that could not be read. Never quotes the line itself:
/// it may hold a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileWarning {
    /// The file concerned.
    pub file: FileKind,
    /// Its path, when it was read from disk by [`ProfileSet::load`].
    pub path: Option<PathBuf>,
    /// The line number, counting from 1; `None` when the warning is about the whole file.
    pub line: Option<usize>,
    /// What was skipped and why, e.g. `property ignored: invalid name`.
    pub message: String,
}

impl fmt::Display for ProfileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_location(f, self.file, self.path.as_deref(), self.line)?;
        write!(f, ": {}", self.message)
    }
}

/// `config file /path line 3`, leaving out what is not known.
fn write_location(
    f: &mut fmt::Formatter<'_>,
    file: FileKind,
    path: Option<&Path>,
    line: Option<usize>,
) -> fmt::Result {
    write!(f, "{file}")?;
    if let Some(path) = path {
        write!(f, " {}", path.display())?;
    }
    if let Some(line) = line {
        write!(f, " line {line}")?;
    }
    Ok(())
}

/// A shared file is malformed, or a setting has a malformed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileError {
    /// A line breaks the file format in a way the AWS SDKs reject (see the module docs).
    Parse {
        /// The file the line is in.
        file: FileKind,
        /// Its path, when it was read from disk by [`ProfileSet::load`].
        path: Option<PathBuf>,
        /// The line number, counting from 1.
        line: usize,
        /// What is wrong, in the words of the cross-SDK suites, e.g.
        /// `Expected an '=' sign defining a property`. Never quotes the line.
        message: &'static str,
    },
    /// `source` names the environment variable or `profile NAME: key` that holds `value`.
    InvalidValue {
        /// Where the value came from, e.g. `AWS_MAX_ATTEMPTS` or `profile dev: max_attempts`.
        source: String,
        /// The value as written.
        value: String,
        /// What the setting takes, e.g. `true or false`.
        expected: &'static str,
    },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse {
                file,
                path,
                line,
                message,
            } => {
                write_location(f, *file, path.as_deref(), Some(*line))?;
                write!(f, ": {message}")
            }
            Self::InvalidValue {
                source,
                value,
                expected,
            } => write!(
                f,
                "invalid value {value:?} for {source}: expected {expected}"
            ),
        }
    }
}

impl std::error::Error for ProfileError {}

/// One property: its value and, when written as a nested block, its sub-properties.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Property {
    value: String,
    sub_properties: BTreeMap<String, String>,
}

impl Property {
    /// The value; continuation lines are joined with `\n`. For a block of sub-properties
    /// it is every line of the block (`"\nkey = value\nkey2 = value2"`), as the AWS SDKs
    /// give it.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// A nested `key = value` under this property (`key` case-insensitive).
    pub fn sub_property(&self, key: &str) -> Option<&str> {
        self.sub_properties
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Every sub-property, keys lower-cased and sorted.
    pub fn sub_properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sub_properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Shows only sub-property names: the property's own name, which says whether the value is
/// secret, is not known here.
impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property")
            .field(
                "sub_properties",
                &self.sub_properties.keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A profile, services or sso-session section after merging.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Section {
    name: String,
    properties: BTreeMap<String, Property>,
}

impl Section {
    /// The section's name without its `profile `, `services ` or `sso-session ` prefix,
    /// e.g. `dev` for `[profile dev]`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Value of `key` (case-insensitive); an empty value counts as absent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key)
            .map(Property::value)
            .filter(|v| !v.is_empty())
    }

    /// The whole property `key` (case-insensitive), with its sub-properties; unlike
    /// [`get`](Self::get), an empty value is returned.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.get(&key.to_ascii_lowercase())
    }

    /// Every property, keys lower-cased and sorted, empty values included.
    pub fn properties(&self) -> impl Iterator<Item = (&str, &Property)> {
        self.properties.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn merge(&mut self, other: Section) {
        self.properties.extend(other.properties);
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, property) in &self.properties {
            if SECRET_KEYS.contains(&key.as_str()) {
                map.entry(key, &"** redacted **");
            } else {
                map.entry(key, &property.value);
            }
        }
        map.finish()
    }
}

/// Every section of both files, merged, plus the warnings met while reading them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Section>,
    services: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
    warnings: Vec<ProfileWarning>,
}

impl ProfileSet {
    /// Parses file contents already in memory; a missing file is `None`. Fails only on a
    /// malformed line ([`ProfileError::Parse`]); what the SDKs skip becomes a warning.
    pub fn parse(config: Option<&str>, credentials: Option<&str>) -> Result<Self, ProfileError> {
        let mut set = Self::default();
        if let Some(text) = config {
            set.absorb(FileKind::Config, None, text)?;
        }
        if let Some(text) = credentials {
            set.absorb(FileKind::Credentials, None, text)?;
        }
        Ok(set)
    }

    /// Reads the files [`Env`] points at. A missing file is absent; one that cannot be
    /// read, is not UTF-8 or is larger than [`MAX_FILE_SIZE`] is a warning (also logged
    /// with `tracing`) and read as empty. Fails only on a malformed line
    /// ([`ProfileError::Parse`], with the file's path).
    pub fn load(env: &Env) -> Result<Self, ProfileError> {
        let mut set = Self::default();
        let files = [
            (FileKind::Config, env.config_file()),
            (FileKind::Credentials, env.credentials_file()),
        ];
        for (file, path) in files {
            let Some(path) = path else { continue };
            match read_file(&path) {
                Ok(None) => {}
                Ok(Some(text)) => set.absorb(file, Some(&path), &text)?,
                Err(message) => set.warnings.push(ProfileWarning {
                    file,
                    path: Some(path),
                    line: None,
                    message,
                }),
            }
        }
        for warning in &set.warnings {
            tracing::warn!(%warning, "shared config file");
        }
        Ok(set)
    }

    /// The profile `name` (case-sensitive): `[profile NAME]` or `[default]` in the config
    /// file merged with `[NAME]` in the credentials file, whose keys win.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// A `[services NAME]` section.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }

    /// A `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// The names of every profile in either file, sorted.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The names of every `[services NAME]` section, sorted.
    pub fn services_names(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    /// The names of every `[sso-session NAME]` section, sorted.
    pub fn sso_session_names(&self) -> impl Iterator<Item = &str> {
        self.sso_sessions.keys().map(String::as_str)
    }

    /// What was skipped while reading, config file first.
    pub fn warnings(&self) -> &[ProfileWarning] {
        &self.warnings
    }

    fn absorb(
        &mut self,
        file: FileKind,
        path: Option<&Path>,
        text: &str,
    ) -> Result<(), ProfileError> {
        let sections = parse_file(text).map_err(|(line, message)| ProfileError::Parse {
            file,
            path: path.map(Path::to_path_buf),
            line,
            message,
        })?;
        let mut warn = |line: usize, message: String| {
            self.warnings.push(ProfileWarning {
                file,
                path: path.map(Path::to_path_buf),
                line: Some(line),
                message,
            })
        };
        // `[profile default]` wins over `[default]` in the config file, whatever the order.
        let has_prefixed_default = sections.iter().any(|section| {
            classify_header(file, section.header) == Ok((SectionKind::Profile, true, "default"))
        });
        // Warnings in line order: a section's own, then its properties'.
        for section in sections {
            let (kind, prefixed, name) = match classify_header(file, section.header) {
                Ok(classified) => classified,
                Err(reason) => {
                    warn(section.line, format!("section ignored: {reason}"));
                    continue;
                }
            };
            if has_prefixed_default
                && kind == SectionKind::Profile
                && !prefixed
                && name == "default"
            {
                warn(
                    section.line,
                    "[default] ignored because [profile default] is also present".into(),
                );
                continue;
            }
            let mut properties = BTreeMap::new();
            for property in section.properties {
                if !is_identifier(&property.key) {
                    warn(property.line, format!("property ignored: {INVALID_NAME}"));
                    continue;
                }
                let mut sub_properties = BTreeMap::new();
                for (line, key, value) in property.sub_properties {
                    if is_identifier(&key) {
                        sub_properties.insert(key, value.to_owned());
                    } else {
                        warn(line, format!("sub-property ignored: {INVALID_NAME}"));
                    }
                }
                let value = property.value;
                properties.insert(
                    property.key,
                    Property {
                        value,
                        sub_properties,
                    },
                );
            }
            let target = match kind {
                SectionKind::Profile => &mut self.profiles,
                SectionKind::Services => &mut self.services,
                SectionKind::SsoSession => &mut self.sso_sessions,
            };
            target
                .entry(name.to_owned())
                .or_insert_with(|| Section {
                    name: name.to_owned(),
                    properties: BTreeMap::new(),
                })
                .merge(Section {
                    name: name.to_owned(),
                    properties,
                });
        }
        Ok(())
    }
}

/// The file's text; `Ok(None)` when it does not exist, `Err` (the warning's message) when it
/// exists but cannot be used.
fn read_file(path: &Path) -> Result<Option<String>, String> {
    // Opening a pipe (or a socket path) waits for a writer that may never come; a device
    // such as /dev/zero opens at once and is bounded by the size limit below.
    #[cfg(unix)]
    if let Ok(metadata) = std::fs::metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() || kind.is_socket() {
            return Err("is a pipe or socket, not a file; read as empty".to_owned());
        }
    }
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read ({e}); read as empty")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read ({e}); read as empty"))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "larger than {} MiB; read as empty",
            MAX_FILE_SIZE / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "not valid UTF-8; read as empty".into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SectionKind {
    Profile,
    Services,
    SsoSession,
}

const INVALID_NAME: &str =
    "invalid name (names are letters, digits and - _ / . % @ : +, without spaces)";

/// One section occurrence as written, before its names are checked and duplicates merged.
struct RawSection<'a> {
    /// What is between the brackets, trimmed, e.g. `profile dev`.
    header: &'a str,
    line: usize,
    properties: Vec<RawProperty<'a>>,
}

struct RawProperty<'a> {
    /// Lower-cased, not yet checked.
    key: String,
    line: usize,
    value: String,
    /// Line, lower-cased key (not yet checked) and value.
    sub_properties: Vec<(usize, String, &'a str)>,
}

/// Where an indented line goes, inside a section.
enum State {
    /// After a header, before its first property.
    Section,
    /// After a property; `block` when its first line had no value, so indented lines are
    /// sub-properties.
    Property { block: bool },
}

/// A malformed line: its number and what is wrong.
type ParseError = (usize, &'static str);

/// Splits a file into sections and properties, checking only the syntax; an error names
/// the first malformed line. Names are checked by [`ProfileSet::absorb`].
fn parse_file(text: &str) -> Result<Vec<RawSection<'_>>, ParseError> {
    // Editors on Windows may start a UTF-8 file with a byte-order mark; it is no content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<RawSection<'_>> = Vec::new();
    let mut state = State::Section;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            let header = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or((line_number, "Profile definition must end with ']'"))?
                .trim_matches(WHITESPACE);
            sections.push(RawSection {
                header,
                line: line_number,
                properties: Vec::new(),
            });
            state = State::Section;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err((line_number, "Expected a profile definition"));
        };
        if !line.starts_with(WHITESPACE) {
            let (key, value) = parse_property_line(line).map_err(|e| {
                let message = match e {
                    PropertyError::NoEquals => "Expected an '=' sign defining a property",
                    PropertyError::NoName => "Property did not have a name",
                };
                (line_number, message)
            })?;
            state = State::Property {
                block: value.is_empty(),
            };
            section.properties.push(RawProperty {
                key,
                line: line_number,
                value: value.to_owned(),
                sub_properties: Vec::new(),
            });
            continue;
        }
        let (State::Property { block }, Some(property)) = (&state, section.properties.last_mut())
        else {
            return Err((
                line_number,
                "Expected a property definition, found continuation",
            ));
        };
        if *block {
            let (key, value) = parse_property_line(line).map_err(|e| {
                let message = match e {
                    PropertyError::NoEquals => "Expected an '=' sign defining a sub-property",
                    PropertyError::NoName => "Sub-property did not have a name",
                };
                (line_number, message)
            })?;
            property.sub_properties.push((line_number, key, value));
        }
        property.value.push('\n');
        property.value.push_str(line.trim_matches(WHITESPACE));
    }
    Ok(sections)
}

/// `profile dev` -> kind, whether `profile ` was written, and the name; `Err` when the
/// file kind has no such section or the name is invalid.
fn classify_header(file: FileKind, header: &str) -> Result<(SectionKind, bool, &str), String> {
    let (kind, prefixed, name) = match (file, split_prefix(header)) {
        (FileKind::Config, Some(("profile", name))) => (SectionKind::Profile, true, name),
        (FileKind::Config, Some(("services", name))) => (SectionKind::Services, true, name),
        (FileKind::Config, Some(("sso-session", name))) => (SectionKind::SsoSession, true, name),
        (FileKind::Config, _) if header == "default" => (SectionKind::Profile, false, header),
        (FileKind::Config, _) => {
            return Err(
                "config file sections are [default], [profile NAME], [services NAME] or \
                 [sso-session NAME]"
                    .into(),
            );
        }
        (FileKind::Credentials, _) => (SectionKind::Profile, false, header),
    };
    if !is_identifier(name) {
        return Err(INVALID_NAME.into());
    }
    Ok((kind, prefixed, name))
}

/// `profile  foo` -> `("profile", "foo")`; a single word has no prefix.
fn split_prefix(inner: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = inner.split_once(WHITESPACE)?;
    Some((prefix, rest.trim_matches(WHITESPACE)))
}

/// A section or property name: non-empty, letters, digits and `-_/.%@:+` only.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

enum PropertyError {
    NoEquals,
    NoName,
}

/// `key = value # comment` -> lower-cased key and trimmed value. The key's characters are
/// checked later: an invalid name drops the property without failing the file.
fn parse_property_line(line: &str) -> Result<(String, &str), PropertyError> {
    let line = strip_comment(line, true);
    let (key, value) = line.split_once('=').ok_or(PropertyError::NoEquals)?;
    let key = key.trim_matches(WHITESPACE);
    if key.is_empty() {
        return Err(PropertyError::NoName);
    }
    Ok((key.to_ascii_lowercase(), value.trim_matches(WHITESPACE)))
}

/// Trims and drops a trailing comment. In property lines a comment must follow whitespace,
/// so values such as `abc#def` survive.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut previous_is_space = false;
    for (index, c) in line.char_indices() {
        if COMMENT.contains(&c) && (previous_is_space || !needs_whitespace) {
            return line[..index].trim_matches(WHITESPACE);
        }
        previous_is_space = WHITESPACE.contains(&c);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(config: &str, credentials: Option<&str>) -> ProfileSet {
        ProfileSet::parse(Some(config), credentials).unwrap_or_else(|e| panic!("{e}"))
    }

    fn profile<'a>(set: &'a ProfileSet, name: &str) -> &'a Section {
        set.profile(name)
            .unwrap_or_else(|| panic!("no profile {name}: {set:?}"))
    }

    fn warning_lines(set: &ProfileSet) -> Vec<(FileKind, Option<usize>)> {
        set.warnings().iter().map(|w| (w.file, w.line)).collect()
    }

    #[test]
    fn config_and_credentials_headers() {
        let set = parse(
            "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n[bare]\nx = 1\n",
            Some("[dev]\naws_access_key_id = AKID\n[profile bad]\nx = 1\n"),
        );
        assert_eq!(profile(&set, "default").get("region"), Some("us-east-1"));
        assert_eq!(profile(&set, "dev").get("region"), Some("eu-west-1"));
        assert_eq!(profile(&set, "dev").get("aws_access_key_id"), Some("AKID"));
        assert!(set.profile("bare").is_none());
        assert!(set.profile("bad").is_none() && set.profile("profile bad").is_none());
        assert_eq!(
            warning_lines(&set),
            [
                (FileKind::Config, Some(5)),
                (FileKind::Credentials, Some(3))
            ],
            "{:?}",
            set.warnings()
        );
    }

    #[test]
    fn whitespace_comments_and_case() {
        let config = "\
# full-line comment
; another
[ profile   spaced\t] ; header comment
Region=us-west-2 ; trailing comment
value_with_hash = abc#def;ghi
empty =
  \t
[profile tabbed]#comment right after the bracket
key\t=\tvalue\t# tab comment
";
        let set = parse(config, None);
        let spaced = profile(&set, "spaced");
        assert_eq!(spaced.get("region"), Some("us-west-2"));
        assert_eq!(spaced.get("REGION"), Some("us-west-2"));
        assert_eq!(spaced.get("value_with_hash"), Some("abc#def;ghi"));
        assert_eq!(spaced.get("empty"), None);
        assert_eq!(spaced.property("empty").map(Property::value), Some(""));
        assert_eq!(profile(&set, "tabbed").get("key"), Some("value"));
        assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    }

    #[test]
    fn continuations_and_sub_properties() {
        let config = "\
[profile p]
multi = first
  second # not a comment here
\tthird
s3 =
  max_concurrent_requests = 20 # comment
  Addressing_Style=path
  bad key = dropped
[services svc]
customer_profiles =
  endpoint_url = http://localhost:4566
";
        let set = parse(config, None);
        let p = profile(&set, "p");
        assert_eq!(
            p.get("multi"),
            Some("first\nsecond # not a comment here\nthird")
        );
        let s3 = p.property("s3").unwrap();
        assert_eq!(
            s3.value(),
            "\nmax_concurrent_requests = 20 # comment\nAddressing_Style=path\nbad key = dropped"
        );
        assert_eq!(s3.sub_property("max_concurrent_requests"), Some("20"));
        assert_eq!(s3.sub_property("ADDRESSING_STYLE"), Some("path"));
        assert_eq!(
            s3.sub_properties().collect::<Vec<_>>(),
            [
                ("addressing_style", "path"),
                ("max_concurrent_requests", "20")
            ]
        );
        let svc = set
            .services("svc")
            .unwrap()
            .property("customer_profiles")
            .unwrap();
        assert_eq!(
            svc.sub_property("endpoint_url"),
            Some("http://localhost:4566")
        );
        assert_eq!(set.services_names().collect::<Vec<_>>(), ["svc"]);
        assert_eq!(warning_lines(&set), [(FileKind::Config, Some(8))]);
    }

    #[test]
    fn duplicates_merge_later_wins() {
        let config = "\
[profile a]
x = 1
y = 1
X = 2
[profile a]
y = 3
z = 3
[profile default]
region = from-profile-default
[default]
region = from-bare-default
other = ignored
";
        let set = parse(config, Some("[a]\nz = 4\n"));
        let a = profile(&set, "a");
        assert_eq!(
            (a.get("x"), a.get("y"), a.get("z")),
            (Some("2"), Some("3"), Some("4"))
        );
        let default = profile(&set, "default");
        assert_eq!(default.get("region"), Some("from-profile-default"));
        assert_eq!(default.get("other"), None);
        assert_eq!(warning_lines(&set), [(FileKind::Config, Some(10))]);
    }

    #[test]
    fn malformed_lines_fail_the_file_without_quoting_it() {
        let cases = [
            (
                "orphan = SECRETBEFORESECTION\n",
                1,
                "Expected a profile definition",
            ),
            ("  SECRETINDENTED\n", 1, "Expected a profile definition"),
            (
                "[profile ok]\naws_secret_access_key SECRETWITHOUTEQUALS\n",
                2,
                "Expected an '=' sign defining a property",
            ),
            (
                "[profile ok]\n= SECRETWITHOUTNAME\n",
                2,
                "Property did not have a name",
            ),
            (
                "[profile ok]\n  SECRETCONTINUATION\n",
                2,
                "Expected a property definition, found continuation",
            ),
            (
                "[profile ok]\ns3 =\n  SECRETSUB\n",
                3,
                "Expected an '=' sign defining a sub-property",
            ),
            (
                "[profile ok]\ns3 =\n  = SECRETSUB\n",
                3,
                "Sub-property did not have a name",
            ),
            (
                "[profile ok]\n[profile SECRET\n",
                2,
                "Profile definition must end with ']'",
            ),
            (
                "[profile junk]SECRETAFTER\n",
                1,
                "Profile definition must end with ']'",
            ),
            // Syntax is checked in sections that are then dropped, too.
            (
                "[profile in valid]\nSECRET\n",
                2,
                "Expected an '=' sign defining a property",
            ),
        ];
        for (text, line, message) in cases {
            let error = ProfileSet::parse(None, Some(text)).unwrap_err();
            assert_eq!(
                error,
                ProfileError::Parse {
                    file: FileKind::Credentials,
                    path: None,
                    line,
                    message,
                },
                "{text:?}"
            );
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(
                shown.starts_with(&format!("credentials file line {line}: {message}")),
                "{shown}"
            );
        }
    }

    #[test]
    fn invalid_names_are_warnings_without_content() {
        let config = "\
[profile ok]
aws_secret_access_key SECRET = invalid key
good = yes
bad!key = x
  continued = still dropped
[profile bad name!]
ignored = yes
[profile]
[]
[profile ]
";
        let set = parse(config, None);
        let ok = profile(&set, "ok");
        assert_eq!(ok.get("good"), Some("yes"));
        assert_eq!(ok.properties().count(), 1);
        assert_eq!(ok.property("ignored"), None);
        let lines: Vec<_> = set.warnings().iter().map(|w| w.line).collect();
        assert_eq!(
            lines,
            [Some(2), Some(4), Some(6), Some(8), Some(9), Some(10)],
            "{:?}",
            set.warnings()
        );
        let all = format!("{:?}", set.warnings());
        assert!(!all.contains("SECRET") && !all.contains("bad"), "{all}");
        assert_eq!(set.profile_names().collect::<Vec<_>>(), ["ok"]);
    }

    #[test]
    fn tricky_headers_and_names() {
        let config = "\
[profile with.dots/slash_%@:+-]
a = 1
[profile\tTabbed]
c = 3
[services]
d = 4
[sso-session my-sso]
sso_region = us-east-1
[profile Case]
e = 5
[profile case]
e = 6
";
        let set = parse(config, Some("[ spaced ]\nf = 7\n[default]\n"));
        assert_eq!(profile(&set, "with.dots/slash_%@:+-").get("a"), Some("1"));
        assert_eq!(profile(&set, "Tabbed").get("c"), Some("3"));
        assert_eq!(
            set.sso_session("my-sso").unwrap().get("sso_region"),
            Some("us-east-1")
        );
        assert_eq!(set.sso_session_names().collect::<Vec<_>>(), ["my-sso"]);
        assert_eq!(set.services_names().count(), 0);
        // Profile names are case-sensitive; keys are not.
        assert_eq!(profile(&set, "Case").get("E"), Some("5"));
        assert_eq!(profile(&set, "case").get("e"), Some("6"));
        assert_eq!(profile(&set, "spaced").get("f"), Some("7"));
        // An empty section still defines the profile.
        assert!(set.profile("default").is_some());
        assert_eq!(warning_lines(&set), [(FileKind::Config, Some(5))]);
    }

    #[test]
    fn debug_redacts_secret_values() {
        let set = ProfileSet::parse(
            None,
            Some(
                "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOKEN\n",
            ),
        )
        .unwrap();
        let debug = format!("{set:?}");
        assert!(debug.contains("AKID"));
        assert!(
            !debug.contains("SECRET") && !debug.contains("TOKEN"),
            "{debug}"
        );
    }

    #[test]
    fn crlf_byte_order_mark_and_unicode_values() {
        let set = parse("\u{feff}[default]\r\nname = caf\u{e9} \u{1f431}\r\n", None);
        assert_eq!(
            profile(&set, "default").get("name"),
            Some("caf\u{e9} \u{1f431}")
        );
    }

    /// A fresh directory for one test's files, removed when dropped.
    struct Dir(PathBuf);

    impl Dir {
        fn new(test: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("leansdk-profile-{}-{test}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn write(&self, name: &str, contents: &[u8]) -> String {
            let path = self.0.join(name);
            std::fs::write(&path, contents).unwrap();
            path.to_str().unwrap().to_owned()
        }

        fn env(&self, config: &str, credentials: &str) -> Env {
            Env::from_vars([
                ("AWS_CONFIG_FILE", config),
                ("AWS_SHARED_CREDENTIALS_FILE", credentials),
            ])
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn load_reads_both_files_and_missing_ones_are_absent() {
        let dir = Dir::new("both");
        let config = dir.write("config", b"[default]\nregion = eu-west-1\n");
        let missing = dir.0.join("missing").to_str().unwrap().to_owned();
        let set = ProfileSet::load(&dir.env(&config, &missing)).unwrap();
        assert_eq!(profile(&set, "default").get("region"), Some("eu-west-1"));
        assert!(set.warnings().is_empty(), "{:?}", set.warnings());
        // No file named at all (no home directory): nothing to read, nothing to warn about.
        let set = ProfileSet::load(&Env::default()).unwrap();
        assert_eq!(set, ProfileSet::default());
    }

    #[test]
    fn unusable_files_are_warnings_and_read_as_empty() {
        let dir = Dir::new("unusable");
        let not_utf8 = dir.write("config", b"[default]\nregion = \xff\xfe\n");
        let credentials = dir.write("credentials", b"[default]\naws_access_key_id = AKID\n");
        let set = ProfileSet::load(&dir.env(&not_utf8, &credentials)).unwrap();
        assert_eq!(profile(&set, "default").get("region"), None);
        assert_eq!(
            profile(&set, "default").get("aws_access_key_id"),
            Some("AKID")
        );
        let [warning] = set.warnings() else {
            panic!("{:?}", set.warnings())
        };
        assert_eq!(
            (warning.file, warning.path.as_deref(), warning.line),
            (FileKind::Config, Some(Path::new(&not_utf8)), None)
        );
        let shown = warning.to_string();
        assert!(
            shown.starts_with(&format!("config file {not_utf8}: not valid UTF-8")),
            "{shown}"
        );

        // A directory opens on some platforms but never reads.
        let directory = dir.0.to_str().unwrap().to_owned();
        let set = ProfileSet::load(&dir.env(&credentials, &directory)).unwrap();
        // The config file (the same text) is still read.
        assert_eq!(
            profile(&set, "default").get("aws_access_key_id"),
            Some("AKID")
        );
        let [warning] = set.warnings() else {
            panic!("{:?}", set.warnings())
        };
        assert_eq!(warning.file, FileKind::Credentials);
        assert!(warning.message.contains("cannot be read"), "{warning}");

        let mut big = b"[default]\nregion = far-away-1\n".to_vec();
        big.resize(MAX_FILE_SIZE as usize + 1, b'\n');
        let big = dir.write("big", &big);
        let set = ProfileSet::load(&dir.env(&big, &credentials)).unwrap();
        assert_eq!(profile(&set, "default").get("region"), None);
        assert!(set.warnings()[0].message.contains("larger than 10 MiB"));
        // Exactly at the limit is still read.
        let mut at_limit = b"[default]\nregion = near-1\n".to_vec();
        at_limit.resize(MAX_FILE_SIZE as usize, b'\n');
        let at_limit = dir.write("at-limit", &at_limit);
        let set = ProfileSet::load(&dir.env(&at_limit, &credentials)).unwrap();
        assert_eq!(profile(&set, "default").get("region"), Some("near-1"));
        assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    }

    #[test]
    fn endless_or_writerless_paths_are_warnings_not_hangs() {
        let dir = Dir::new("endless");
        let credentials = dir.write("credentials", b"[default]\naws_access_key_id = AKID\n");
        let set = ProfileSet::load(&dir.env("/dev/zero", &credentials)).unwrap();
        assert!(
            set.warnings()[0].message.contains("larger than 10 MiB"),
            "{:?}",
            set.warnings()
        );
        assert_eq!(
            profile(&set, "default").get("aws_access_key_id"),
            Some("AKID")
        );

        #[cfg(unix)]
        {
            let fifo = dir.0.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(made.is_ok_and(|status| status.success()), "mkfifo");
            let set = ProfileSet::load(&dir.env(fifo.to_str().unwrap(), &credentials)).unwrap();
            let [warning] = set.warnings() else {
                panic!("{:?}", set.warnings())
            };
            assert!(warning.message.contains("pipe"), "{warning}");
        }
    }

    #[test]
    fn load_names_the_malformed_file() {
        let dir = Dir::new("malformed");
        let config = dir.write("config", b"[default]\nregion = ok\n");
        let credentials = dir.write("credentials", b"[default]\nSECRETLINE\n");
        let error = ProfileSet::load(&dir.env(&config, &credentials)).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "credentials file {credentials} line 2: Expected an '=' sign defining a property"
            )
        );
    }
}
