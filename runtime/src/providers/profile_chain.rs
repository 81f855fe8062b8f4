//! How the selected profile's settings become a chain of credential sources, by the rules
//! aws-config and botocore share: a base source (static keys, `credential_process`, SSO,
//! a web identity, or a `credential_source`) and the roles assumed from it, innermost first.
//! Pure: no file is read and nothing is called here.

use crate::auth::credentials::Credentials;
use crate::config::profile::{ProfileSet, Section};

/// Where the innermost credentials of a profile chain come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BaseSource {
    /// `aws_access_key_id` and `aws_secret_access_key` (and `aws_session_token`).
    StaticKeys(Credentials),
    /// `credential_process`: the command line.
    Process(String),
    /// `sso_session` or the legacy `sso_start_url` settings.
    Sso(SsoSettings),
    /// `web_identity_token_file` with the profile's `role_arn`.
    WebIdentity {
        token_file: String,
        role: RoleSettings,
    },
    /// `credential_source`: credentials from outside the files.
    Named(CredentialSource),
}

/// A `credential_source` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CredentialSource {
    /// `Environment`: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    Environment,
    /// `Ec2InstanceMetadata`: the instance's role, from IMDS.
    Ec2InstanceMetadata,
    /// `EcsContainer`: the container's role, from the ECS/EKS credentials endpoint.
    EcsContainer,
}

/// What assuming one role takes besides the source credentials: a profile's `role_arn`,
/// `role_session_name`, `external_id` and `duration_seconds`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSettings {
    /// The role to assume.
    pub role_arn: String,
    /// The session's name; a unique `leansdk-rust-<millis>` when unset.
    pub session_name: Option<String>,
    /// What the role's trust policy asks of third parties.
    pub external_id: Option<String>,
    /// How long the credentials last (900 s to the role's maximum; STS's default 3600 s).
    pub duration_seconds: Option<i32>,
}

/// What an SSO profile says, its `[sso-session]` section's settings merged in: the portal,
/// its region, the account and role, and the session whose token can be refreshed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoSettings {
    /// The profile's name, for the `aws sso login --profile NAME` hint.
    pub profile: String,
    /// `sso_start_url`: the portal.
    pub start_url: String,
    /// `sso_region`: where the portal and its OIDC service are.
    pub region: String,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// `sso_session`: the `[sso-session NAME]` section the token belongs to; `None` for
    /// legacy profiles (`sso_start_url` in the profile), whose token is never refreshed.
    pub session: Option<String>,
}

/// The credential sources of a profile: `roles` are assumed innermost (nearest the base)
/// first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProfileChain {
    pub(crate) base: BaseSource,
    pub(crate) roles: Vec<RoleSettings>,
}

/// Why a profile gives no chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ChainError {
    /// The selected profile does not exist, or holds no credential settings: not an error
    /// unless the user named the profile (`AWS_PROFILE`), which the caller decides.
    NotConfigured(String),
    /// The settings are wrong; the message names the profiles and keys.
    Invalid(String),
}

/// The chain of the profile `selected`.
pub(crate) fn resolve(profiles: &ProfileSet, selected: &str) -> Result<ProfileChain, ChainError> {
    let mut visited: Vec<&str> = Vec::new();
    let mut roles = Vec::new();
    let mut name = selected;
    loop {
        if visited.contains(&name) {
            visited.push(name);
            return Err(ChainError::Invalid(format!(
                "the profiles' source_profile settings form a loop: {}",
                visited.join(" -> ")
            )));
        }
        let referrer = visited.last().copied();
        visited.push(name);
        let Some(profile) = profiles.profile(name) else {
            return Err(match referrer {
                None => ChainError::NotConfigured(format!("profile {name:?} not found")),
                Some(referrer) => ChainError::Invalid(format!(
                    "profile {referrer:?} has source_profile {name:?}, which does not exist"
                )),
            });
        };
        let is_source = referrer.is_some();
        // A source profile's keys win over its own role_arn (aws-config, botocore).
        if is_source && let Some(keys) = static_keys(profile)? {
            return Ok(chain(BaseSource::StaticKeys(keys), roles));
        }
        let Some(role) = role(profile)? else {
            let base = base_without_role(profiles, profile)?.ok_or_else(|| {
                let reason = format!(
                    "profile {name:?} has no credential settings (aws_access_key_id, \
                     credential_process, sso_session, sso_start_url or role_arn)"
                );
                if is_source {
                    ChainError::Invalid(format!("{reason}, but is a source_profile"))
                } else {
                    ChainError::NotConfigured(reason)
                }
            })?;
            return Ok(chain(base, roles));
        };
        if let Some(token_file) = profile.get("web_identity_token_file") {
            let base = BaseSource::WebIdentity {
                token_file: token_file.to_owned(),
                role,
            };
            return Ok(chain(base, roles));
        }
        match (
            profile.get("source_profile"),
            profile.get("credential_source"),
        ) {
            (Some(_), Some(_)) => {
                return Err(ChainError::Invalid(format!(
                    "profile {name:?} sets both source_profile and credential_source; it may \
                     have only one"
                )));
            }
            (None, None) => {
                return Err(ChainError::Invalid(format!(
                    "profile {name:?} sets role_arn without source_profile, credential_source \
                     or web_identity_token_file, so there is nothing to assume it with"
                )));
            }
            (None, Some(source)) => {
                roles.push(role);
                return Ok(chain(
                    BaseSource::Named(credential_source(name, source)?),
                    roles,
                ));
            }
            (Some(source_profile), None) if source_profile == name => {
                // A profile that is its own source assumes its role with its own keys.
                roles.push(role);
                let keys = static_keys(profile)?.ok_or_else(|| {
                    ChainError::Invalid(format!(
                        "profile {name:?} is its own source_profile but has no \
                         aws_access_key_id and aws_secret_access_key"
                    ))
                })?;
                return Ok(chain(BaseSource::StaticKeys(keys), roles));
            }
            (Some(source_profile), None) => {
                roles.push(role);
                name = source_profile;
            }
        }
    }
}

/// `roles` were collected outermost (the selected profile's) first.
fn chain(base: BaseSource, mut roles: Vec<RoleSettings>) -> ProfileChain {
    roles.reverse();
    ProfileChain { base, roles }
}

fn role(profile: &Section) -> Result<Option<RoleSettings>, ChainError> {
    let Some(role_arn) = profile.get("role_arn") else {
        return Ok(None);
    };
    let name = profile.name();
    if profile.get("mfa_serial").is_some() {
        return Err(ChainError::Invalid(format!(
            "profile {name:?} sets mfa_serial: roles that need an MFA code are not supported \
             (there is no prompt); get session credentials with the code first, e.g. with \
             `aws sts get-session-token`"
        )));
    }
    let duration_seconds = profile
        .get("duration_seconds")
        .map(|value| {
            value.parse::<i32>().ok().filter(|s| *s > 0).ok_or_else(|| {
                ChainError::Invalid(format!(
                    "profile {name:?}: duration_seconds {value:?} is not a number of seconds"
                ))
            })
        })
        .transpose()?;
    Ok(Some(RoleSettings {
        role_arn: role_arn.to_owned(),
        session_name: profile.get("role_session_name").map(str::to_owned),
        external_id: profile.get("external_id").map(str::to_owned),
        duration_seconds,
    }))
}

/// A profile without `role_arn`: SSO, then `credential_process`, then static keys, as
/// aws-config orders them. `None`: nothing configured.
fn base_without_role(
    profiles: &ProfileSet,
    profile: &Section,
) -> Result<Option<BaseSource>, ChainError> {
    if let Some(sso) = sso(profiles, profile)? {
        return Ok(Some(BaseSource::Sso(sso)));
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(Some(BaseSource::Process(command.to_owned())));
    }
    if profile.get("web_identity_token_file").is_some() {
        return Err(ChainError::Invalid(format!(
            "profile {:?} sets web_identity_token_file without role_arn",
            profile.name()
        )));
    }
    Ok(static_keys(profile)?.map(BaseSource::StaticKeys))
}

fn static_keys(profile: &Section) -> Result<Option<Credentials>, ChainError> {
    let id = profile.get("aws_access_key_id");
    let secret = profile.get("aws_secret_access_key");
    let name = profile.name();
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Some(Credentials::new(
            id,
            secret,
            profile.get("aws_session_token").map(str::to_owned),
            None,
        ))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ChainError::Invalid(format!(
            "profile {name:?} sets aws_access_key_id but not aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(ChainError::Invalid(format!(
            "profile {name:?} sets aws_secret_access_key but not aws_access_key_id"
        ))),
    }
}

fn credential_source(profile: &str, value: &str) -> Result<CredentialSource, ChainError> {
    match value {
        "Environment" => Ok(CredentialSource::Environment),
        "Ec2InstanceMetadata" => Ok(CredentialSource::Ec2InstanceMetadata),
        "EcsContainer" => Ok(CredentialSource::EcsContainer),
        other => Err(ChainError::Invalid(format!(
            "profile {profile:?}: credential_source {other:?} is not Environment, \
             Ec2InstanceMetadata or EcsContainer"
        ))),
    }
}

/// The SSO settings of `profile`, if it has any: `sso_session` (the `[sso-session NAME]`
/// section holds the start URL and region) or the legacy `sso_start_url` in the profile.
fn sso(profiles: &ProfileSet, profile: &Section) -> Result<Option<SsoSettings>, ChainError> {
    let name = profile.name();
    let session_name = profile.get("sso_session");
    if session_name.is_none() && profile.get("sso_start_url").is_none() {
        return Ok(None);
    }
    let session = match session_name {
        Some(session) => Some(profiles.sso_session(session).ok_or_else(|| {
            ChainError::Invalid(format!(
                "profile {name:?} names sso_session {session:?}, but there is no \
                 [sso-session {session}] section"
            ))
        })?),
        None => None,
    };
    // A setting in both the profile and its session must agree.
    let setting = |key: &str| -> Result<Option<&str>, ChainError> {
        let own = profile.get(key);
        match (own, session.and_then(|s| s.get(key))) {
            (Some(own), Some(shared)) if own != shared => Err(ChainError::Invalid(format!(
                "profile {name:?} sets {key} {own:?}, but its sso-session sets {shared:?}"
            ))),
            (own, shared) => Ok(shared.or(own)),
        }
    };
    let start_url = setting("sso_start_url")?;
    let region = setting("sso_region")?;
    let account_id = profile.get("sso_account_id");
    let role_name = profile.get("sso_role_name");
    let missing: Vec<&str> = [
        ("sso_start_url", start_url),
        ("sso_region", region),
        ("sso_account_id", account_id),
        ("sso_role_name", role_name),
    ]
    .iter()
    .filter(|(_, value)| value.is_none())
    .map(|(key, _)| *key)
    .collect();
    match (start_url, region, account_id, role_name) {
        (Some(start_url), Some(region), Some(account_id), Some(role_name)) => {
            Ok(Some(SsoSettings {
                profile: name.to_owned(),
                start_url: start_url.to_owned(),
                region: region.to_owned(),
                account_id: account_id.to_owned(),
                role_name: role_name.to_owned(),
                session: session_name.map(str::to_owned),
            }))
        }
        _ => Err(ChainError::Invalid(format!(
            "profile {name:?} is an SSO profile but lacks {}",
            missing.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_config(config: &str, selected: &str) -> Result<ProfileChain, ChainError> {
        resolve(&ProfileSet::parse(Some(config), None).unwrap(), selected)
    }

    fn invalid(config: &str, selected: &str) -> String {
        match resolve_config(config, selected) {
            Err(ChainError::Invalid(reason)) => reason,
            other => panic!("expected an invalid chain, got {other:?}"),
        }
    }

    fn role(arn: &str) -> RoleSettings {
        RoleSettings {
            role_arn: arn.to_owned(),
            session_name: None,
            external_id: None,
            duration_seconds: None,
        }
    }

    fn keys(id: &str) -> BaseSource {
        BaseSource::StaticKeys(Credentials::new(id, "secret", None, None))
    }

    #[test]
    fn roles_chain_through_source_profiles_innermost_first() {
        let config = "\
[profile top]
role_arn = arn:aws:iam::1:role/top
source_profile = middle
role_session_name = me
external_id = ext
duration_seconds = 1800
[profile middle]
role_arn = arn:aws:iam::1:role/middle
source_profile = base
[profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = secret
";
        let chain = resolve_config(config, "top").unwrap();
        assert_eq!(chain.base, keys("AKIDBASE"));
        let top = RoleSettings {
            session_name: Some("me".into()),
            external_id: Some("ext".into()),
            duration_seconds: Some(1800),
            ..role("arn:aws:iam::1:role/top")
        };
        assert_eq!(chain.roles, [role("arn:aws:iam::1:role/middle"), top]);
    }

    #[test]
    fn a_source_profile_s_keys_win_over_its_role() {
        let config = "\
[profile top]
role_arn = arn:aws:iam::1:role/top
source_profile = base
[profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = secret
role_arn = arn:aws:iam::1:role/ignored
source_profile = nowhere
";
        let chain = resolve_config(config, "top").unwrap();
        assert_eq!(chain.base, keys("AKIDBASE"));
        assert_eq!(chain.roles, [role("arn:aws:iam::1:role/top")]);
    }

    #[test]
    fn the_selected_profile_s_role_wins_over_its_keys_and_a_profile_may_be_its_own_source() {
        let config = "\
[profile self]
aws_access_key_id = AKIDSELF
aws_secret_access_key = secret
role_arn = arn:aws:iam::1:role/self
source_profile = self
";
        let chain = resolve_config(config, "self").unwrap();
        assert_eq!(chain.base, keys("AKIDSELF"));
        assert_eq!(chain.roles, [role("arn:aws:iam::1:role/self")]);
    }

    #[test]
    fn credential_sources_and_web_identity_are_bases() {
        let config = "\
[profile ec2]
role_arn = arn:aws:iam::1:role/a
credential_source = Ec2InstanceMetadata
[profile web]
role_arn = arn:aws:iam::1:role/web
web_identity_token_file = /var/token
[profile over-web]
role_arn = arn:aws:iam::1:role/over
source_profile = web
";
        let chain = resolve_config(config, "ec2").unwrap();
        assert_eq!(
            chain.base,
            BaseSource::Named(CredentialSource::Ec2InstanceMetadata)
        );
        assert_eq!(chain.roles, [role("arn:aws:iam::1:role/a")]);
        let web = BaseSource::WebIdentity {
            token_file: "/var/token".into(),
            role: role("arn:aws:iam::1:role/web"),
        };
        let chain = resolve_config(config, "over-web").unwrap();
        assert_eq!(chain.base, web);
        assert_eq!(chain.roles, [role("arn:aws:iam::1:role/over")]);
    }

    #[test]
    fn errors_name_the_profiles_and_keys() {
        let looped = "\
[profile a]
role_arn = arn:aws:iam::1:role/a
source_profile = b
[profile b]
role_arn = arn:aws:iam::1:role/b
source_profile = a
";
        assert!(invalid(looped, "a").contains("a -> b -> a"));
        let missing = "[profile a]\nrole_arn = r\nsource_profile = gone\n";
        assert!(invalid(missing, "a").contains("\"gone\", which does not exist"));
        let both =
            "[profile a]\nrole_arn = r\nsource_profile = b\ncredential_source = Environment\n";
        assert!(invalid(both, "a").contains("both source_profile and credential_source"));
        let neither = "[profile a]\nrole_arn = r\n";
        assert!(invalid(neither, "a").contains("nothing to assume it with"));
        let partial = "[profile a]\naws_access_key_id = AKID\n";
        assert!(invalid(partial, "a").contains("not aws_secret_access_key"));
        let mfa = "[profile a]\nrole_arn = r\nsource_profile = a\nmfa_serial = arn\n";
        assert!(invalid(mfa, "a").contains("mfa_serial"));
        let source = "[profile a]\nrole_arn = r\ncredential_source = Somewhere\n";
        assert!(invalid(source, "a").contains("\"Somewhere\""));
        let empty_source =
            "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nregion = x\n";
        assert!(invalid(empty_source, "a").contains("is a source_profile"));
        let duration = "[profile a]\nrole_arn = r\nsource_profile = a\nduration_seconds = soon\n";
        assert!(invalid(duration, "a").contains("duration_seconds"));
    }

    #[test]
    fn nothing_configured_is_not_an_error_here() {
        assert!(matches!(
            resolve_config("[profile a]\nregion = x\n", "a"),
            Err(ChainError::NotConfigured(_))
        ));
        assert!(matches!(
            resolve_config("", "default"),
            Err(ChainError::NotConfigured(_))
        ));
    }

    #[test]
    fn sso_profiles_take_their_session_s_settings() {
        let config = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 1
sso_role_name = R
[profile clash]
sso_session = corp
sso_region = us-west-2
sso_account_id = 1
sso_role_name = R
[profile lacking]
sso_session = corp
[profile lost]
sso_session = nowhere
sso_account_id = 1
sso_role_name = R
";
        let chain = resolve_config(config, "dev").unwrap();
        assert_eq!(
            chain.base,
            BaseSource::Sso(SsoSettings {
                profile: "dev".into(),
                start_url: "https://corp.awsapps.com/start".into(),
                region: "eu-west-1".into(),
                account_id: "111122223333".into(),
                role_name: "Developer".into(),
                session: Some("corp".into()),
            })
        );
        let BaseSource::Sso(legacy) = resolve_config(config, "legacy").unwrap().base else {
            panic!("legacy is an SSO profile");
        };
        assert_eq!(legacy.session, None);
        assert!(invalid(config, "clash").contains("us-west-2"));
        assert!(invalid(config, "lacking").contains("sso_account_id, sso_role_name"));
        assert!(invalid(config, "lost").contains("[sso-session nowhere]"));
    }

    #[test]
    fn sso_then_process_then_keys() {
        let config = "\
[profile p]
credential_process = get-creds
aws_access_key_id = AKID
aws_secret_access_key = secret
";
        let chain = resolve_config(config, "p").unwrap();
        assert_eq!(chain.base, BaseSource::Process("get-creds".into()));
        assert!(chain.roles.is_empty());
    }
}
