//! Parser for the shared AWS `config` and `credentials` files.
//!
//! Follows the rules every AWS SDK shares: `[profile NAME]` (or `[default]`) in the config
//! file, `[NAME]` in the credentials file, `[services NAME]` and `[sso-session NAME]` in
//! the config file only; `#`/`;` comments (inside a property value only after whitespace);
//! indented lines continue the previous value or, after an empty value, hold sub-properties;
//! keys are case-insensitive; duplicate keys and sections merge with the later one winning;
//! the credentials file wins over the config file. Lines that break these rules are skipped
//! and reported as [`ProfileWarning`]s rather than failing the whole file, since a typo in an
//! unrelated profile must not stop a client from starting.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::config::env::Env;

const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];
/// Keys whose values are never printed by `Debug`.
const SECRET_KEYS: &[&str] = &["aws_secret_access_key", "aws_session_token"];

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

/// A skipped line or section. Never quotes the line itself: it may hold a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileWarning {
    /// The file the line is in.
    pub file: FileKind,
    /// The line number, counting from 1.
    pub line: usize,
    /// What is wrong with the line, e.g. `expected 'key = value'`.
    pub message: String,
}

impl fmt::Display for ProfileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.message)
    }
}

/// A shared file exists but cannot be read, or a setting has a malformed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileError {
    /// The file exists but could not be read, or is not UTF-8. A missing file is no error.
    Unreadable {
        /// The file's path.
        path: PathBuf,
        /// The I/O error, or `not valid UTF-8`.
        reason: String,
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
            Self::Unreadable { path, reason } => {
                write!(f, "cannot read {}: {reason}", path.display())
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
    /// The value; continuation lines are joined with `\n`.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// A nested `key = value` under this property, key lower-cased.
    pub fn sub_property(&self, key: &str) -> Option<&str> {
        self.sub_properties
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
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

/// Every section of both files, merged, plus the warnings met while parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Section>,
    services: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
    warnings: Vec<ProfileWarning>,
}

impl ProfileSet {
    /// Parses file contents already in memory; a missing file is `None`. Never fails.
    pub fn parse(config: Option<&str>, credentials: Option<&str>) -> Self {
        let mut set = Self::default();
        if let Some(text) = config {
            set.absorb(FileKind::Config, text);
        }
        if let Some(text) = credentials {
            set.absorb(FileKind::Credentials, text);
        }
        set
    }

    /// Reads the files [`Env`] points at. Missing files are empty; other I/O errors are not.
    pub fn load(env: &Env) -> Result<Self, ProfileError> {
        let config = read_optional(env.config_file())?;
        let credentials = read_optional(env.credentials_file())?;
        Ok(Self::parse(config.as_deref(), credentials.as_deref()))
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

    /// The lines and sections skipped while parsing, config file first.
    pub fn warnings(&self) -> &[ProfileWarning] {
        &self.warnings
    }

    fn absorb(&mut self, file: FileKind, text: &str) {
        let parsed = parse_file(file, text);
        self.warnings.extend(parsed.warnings);
        // `[profile default]` wins over `[default]` in the config file, whatever the order.
        let has_prefixed_default = parsed
            .sections
            .iter()
            .any(|s| s.kind == SectionKind::Profile && s.section.name == "default" && s.prefixed);
        for raw in parsed.sections {
            if has_prefixed_default
                && raw.kind == SectionKind::Profile
                && raw.section.name == "default"
                && !raw.prefixed
            {
                self.warnings.push(ProfileWarning {
                    file,
                    line: raw.line,
                    message: "[default] ignored because [profile default] is also present".into(),
                });
                continue;
            }
            let target = match raw.kind {
                SectionKind::Profile => &mut self.profiles,
                SectionKind::Services => &mut self.services,
                SectionKind::SsoSession => &mut self.sso_sessions,
            };
            target
                .entry(raw.section.name.clone())
                .or_insert_with(|| Section {
                    name: raw.section.name.clone(),
                    properties: BTreeMap::new(),
                })
                .merge(raw.section);
        }
    }
}

fn read_optional(path: Option<PathBuf>) -> Result<Option<String>, ProfileError> {
    let Some(path) = path else { return Ok(None) };
    match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ProfileError::Unreadable {
                path,
                reason: "not valid UTF-8".into(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ProfileError::Unreadable {
            path,
            reason: e.to_string(),
        }),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SectionKind {
    Profile,
    Services,
    SsoSession,
}

/// One section occurrence, before duplicates are merged.
struct RawSection {
    kind: SectionKind,
    /// Written as `[profile NAME]` rather than bare `[NAME]`.
    prefixed: bool,
    line: usize,
    section: Section,
}

struct ParsedFile {
    sections: Vec<RawSection>,
    warnings: Vec<ProfileWarning>,
}

/// Where indented lines that follow go.
enum Cursor {
    /// Before any section header, or inside a skipped section.
    Outside {
        skipping: bool,
    },
    InSection {
        property: Option<String>,
    },
}

fn parse_file(file: FileKind, text: &str) -> ParsedFile {
    let mut sections: Vec<RawSection> = Vec::new();
    let mut warnings = Vec::new();
    let mut cursor = Cursor::Outside { skipping: false };
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let mut warn = |message: String| {
            warnings.push(ProfileWarning {
                file,
                line: line_number,
                message,
            })
        };
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            match parse_header(file, line) {
                Ok((kind, prefixed, name)) => {
                    sections.push(RawSection {
                        kind,
                        prefixed,
                        line: line_number,
                        section: Section {
                            name,
                            properties: BTreeMap::new(),
                        },
                    });
                    cursor = Cursor::InSection { property: None };
                }
                Err(reason) => {
                    warn(format!("section skipped: {reason}"));
                    cursor = Cursor::Outside { skipping: true };
                }
            }
            continue;
        }
        let (Cursor::InSection { property }, Some(current)) = (&mut cursor, sections.last_mut())
        else {
            if matches!(cursor, Cursor::Outside { skipping: false }) {
                warn("line outside of any section ignored".into());
            }
            continue;
        };
        let properties = &mut current.section.properties;
        if line.starts_with(WHITESPACE) {
            let Some(existing) = property.as_ref().and_then(|key| properties.get_mut(key)) else {
                warn("continuation line without a property ignored".into());
                continue;
            };
            continue_property(existing, line).unwrap_or_else(|reason| warn(reason.into()));
            continue;
        }
        match parse_property_line(line) {
            Ok((key, value)) => {
                properties.insert(
                    key.clone(),
                    Property {
                        value: value.to_owned(),
                        sub_properties: BTreeMap::new(),
                    },
                );
                *property = Some(key);
            }
            Err(reason) => {
                warn(format!("property ignored: {reason}"));
                *property = None;
            }
        }
    }
    ParsedFile { sections, warnings }
}

/// An indented line: a sub-property when the property's first line had no value,
/// otherwise more of the value.
fn continue_property(property: &mut Property, line: &str) -> Result<(), &'static str> {
    let is_block = property.value.is_empty() || !property.sub_properties.is_empty();
    if is_block {
        let (key, value) = parse_property_line(line)?;
        property.sub_properties.insert(key, value.to_owned());
    }
    property.value.push('\n');
    property.value.push_str(line.trim_matches(WHITESPACE));
    Ok(())
}

/// `[ profile  name ] # comment` -> kind, whether `profile ` was written, and the name.
fn parse_header(file: FileKind, line: &str) -> Result<(SectionKind, bool, String), String> {
    let line = strip_comment(line, false);
    let inner = line
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or("section header must end with ']'")?
        .trim_matches(WHITESPACE);
    let (kind, prefixed, name) = match (file, split_prefix(inner)) {
        (FileKind::Config, Some(("profile", name))) => (SectionKind::Profile, true, name),
        (FileKind::Config, Some(("services", name))) => (SectionKind::Services, true, name),
        (FileKind::Config, Some(("sso-session", name))) => (SectionKind::SsoSession, true, name),
        (FileKind::Config, _) if inner == "default" => (SectionKind::Profile, false, inner),
        (FileKind::Config, _) => {
            return Err("config file sections must be [default] or [profile NAME]".into());
        }
        (FileKind::Credentials, _) => (SectionKind::Profile, false, inner),
    };
    if name.is_empty() || !name.chars().all(is_name_char) {
        return Err(format!("invalid section name {name:?}"));
    }
    Ok((kind, prefixed, name.to_owned()))
}

/// `profile  foo` -> `("profile", "foo")`; a single word has no prefix.
fn split_prefix(inner: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = inner.split_once(WHITESPACE)?;
    Some((prefix, rest.trim_matches(WHITESPACE)))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c)
}

/// `key = value # comment` -> lower-cased key and value.
fn parse_property_line(line: &str) -> Result<(String, &str), &'static str> {
    let line = strip_comment(line, true);
    let (key, value) = line.split_once('=').ok_or("expected 'key = value'")?;
    let key = key.trim_matches(WHITESPACE);
    if key.is_empty() {
        return Err("property has no name");
    }
    if key.contains(WHITESPACE) {
        return Err("property name contains whitespace");
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

    fn profile<'a>(set: &'a ProfileSet, name: &str) -> &'a Section {
        set.profile(name)
            .unwrap_or_else(|| panic!("no profile {name}: {set:?}"))
    }

    #[test]
    fn config_and_credentials_headers() {
        let set = ProfileSet::parse(
            Some(
                "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n[bare]\nx = 1\n",
            ),
            Some("[dev]\naws_access_key_id = AKID\n[profile bad]\nx = 1\n"),
        );
        assert_eq!(profile(&set, "default").get("region"), Some("us-east-1"));
        assert_eq!(profile(&set, "dev").get("region"), Some("eu-west-1"));
        assert_eq!(profile(&set, "dev").get("aws_access_key_id"), Some("AKID"));
        assert!(set.profile("bare").is_none());
        assert!(set.profile("bad").is_none() && set.profile("profile bad").is_none());
        let lines: Vec<_> = set.warnings().iter().map(|w| (w.file, w.line)).collect();
        assert_eq!(
            lines,
            [(FileKind::Config, 5), (FileKind::Credentials, 3)],
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
        let set = ProfileSet::parse(Some(config), None);
        let spaced = profile(&set, "spaced");
        assert_eq!(spaced.get("region"), Some("us-west-2"));
        assert_eq!(spaced.get("REGION"), Some("us-west-2"));
        assert_eq!(spaced.get("value_with_hash"), Some("abc#def;ghi"));
        assert_eq!(spaced.get("empty"), None);
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
  addressing_style=path
[services svc]
customer_profiles =
  endpoint_url = http://localhost:4566
";
        let set = ProfileSet::parse(Some(config), None);
        let p = profile(&set, "p");
        assert_eq!(
            p.get("multi"),
            Some("first\nsecond # not a comment here\nthird")
        );
        let s3 = p.property("s3").unwrap();
        assert_eq!(s3.sub_property("max_concurrent_requests"), Some("20"));
        assert_eq!(s3.sub_property("ADDRESSING_STYLE"), Some("path"));
        let svc = set
            .services("svc")
            .unwrap()
            .property("customer_profiles")
            .unwrap();
        assert_eq!(
            svc.sub_property("endpoint_url"),
            Some("http://localhost:4566")
        );
        assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    }

    #[test]
    fn duplicates_merge_later_wins() {
        let config = "\
[profile a]
x = 1
y = 1
x = 2
[profile a]
y = 3
z = 3
[profile default]
region = from-profile-default
[default]
region = from-bare-default
other = ignored
";
        let set = ProfileSet::parse(Some(config), Some("[a]\nz = 4\n"));
        let a = profile(&set, "a");
        assert_eq!(
            (a.get("x"), a.get("y"), a.get("z")),
            (Some("2"), Some("3"), Some("4"))
        );
        let default = profile(&set, "default");
        assert_eq!(default.get("region"), Some("from-profile-default"));
        assert_eq!(default.get("other"), None);
        assert_eq!(set.warnings().len(), 1);
        assert_eq!(set.warnings()[0].line, 10);
    }

    #[test]
    fn invalid_lines_are_warnings_without_content() {
        let config = "\
orphan = before any section
[profile ok]
aws_secret_access_key SECRETWITHOUTEQUALS
= no name
a b = spaced key
   continuation without property
good = yes
[profile bad name!]
ignored = yes
[profile unterminated
[profile]
";
        let set = ProfileSet::parse(Some(config), None);
        let ok = profile(&set, "ok");
        assert_eq!(ok.get("good"), Some("yes"));
        assert_eq!(ok.property("ignored"), None);
        let lines: Vec<_> = set.warnings().iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 3, 4, 5, 6, 8, 10, 11], "{:?}", set.warnings());
        let all = format!("{:?}", set.warnings());
        assert!(!all.contains("SECRETWITHOUTEQUALS"));
        assert_eq!(set.profile_names().collect::<Vec<_>>(), ["ok"]);
    }

    #[test]
    fn tricky_headers_and_names() {
        let config = "\
[profile with.dots/slash_%@:+-]
a = 1
[profile junk]after
b = 2
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
        let set = ProfileSet::parse(Some(config), Some("[ spaced ]\nf = 7\n[default]\n"));
        assert_eq!(profile(&set, "with.dots/slash_%@:+-").get("a"), Some("1"));
        assert!(set.profile("junk").is_none());
        assert_eq!(profile(&set, "Tabbed").get("c"), Some("3"));
        assert_eq!(
            set.sso_session("my-sso").unwrap().get("sso_region"),
            Some("us-east-1")
        );
        // Profile names are case-sensitive; keys are not.
        assert_eq!(profile(&set, "Case").get("E"), Some("5"));
        assert_eq!(profile(&set, "case").get("e"), Some("6"));
        assert_eq!(profile(&set, "spaced").get("f"), Some("7"));
        // An empty section still defines the profile.
        assert!(set.profile("default").is_some());
        let lines: Vec<_> = set.warnings().iter().map(|w| w.line).collect();
        assert_eq!(lines, [3, 7], "{:?}", set.warnings());
    }

    #[test]
    fn debug_redacts_secret_values() {
        let set = ProfileSet::parse(
            None,
            Some(
                "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOKEN\n",
            ),
        );
        let debug = format!("{set:?}");
        assert!(debug.contains("AKID"));
        assert!(
            !debug.contains("SECRET") && !debug.contains("TOKEN"),
            "{debug}"
        );
    }

    #[test]
    fn crlf_and_unicode_values() {
        let set = ProfileSet::parse(Some("[default]\r\nname = caf\u{e9} \u{1f431}\r\n"), None);
        assert_eq!(
            profile(&set, "default").get("name"),
            Some("caf\u{e9} \u{1f431}")
        );
    }
}
