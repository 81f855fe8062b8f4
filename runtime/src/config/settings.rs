//! The settings AWS SDKs read from the environment and the selected profile, environment
//! first: region, FIPS and dual-stack endpoints, retry mode and max attempts, the user
//! agent's app ID, configured endpoint URLs, S3 addressing, data integrity (checksums and
//! request compression).

use crate::config::env::Env;
use crate::config::integrity::{
    MAX_MIN_COMPRESSION_SIZE_BYTES, RequestChecksumCalculation, ResponseChecksumValidation,
    parse_when,
};
use crate::config::profile::{ProfileError, ProfileSet, Section};
use crate::config::retry::RetryMode;

/// Client settings resolved from the environment and the selected profile, environment first.
#[derive(Clone, Debug)]
pub struct SharedSettings {
    env: Env,
    profiles: ProfileSet,
    profile_name: String,
    region: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    max_attempts: Option<u32>,
    retry_mode: Option<RetryMode>,
    app_id: Option<String>,
    ignore_configured_endpoint_urls: bool,
    s3: S3Settings,
    integrity: IntegritySettings,
    /// Where the setting came from (for errors), and the PEM file's path.
    ca_bundle: Option<(String, String)>,
}

/// How S3 (and S3 Control) requests are addressed: the `AWS::S3::*` built-ins of their
/// endpoint rules. `None` leaves a setting at the rule set's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// `AWS::S3::ForcePathStyle`: `https://s3.region.amazonaws.com/bucket/key` instead of
    /// `https://bucket.s3.region.amazonaws.com/key` (needed by emulators and bucket names
    /// that are not valid host labels; IP-address endpoints use it anyway).
    pub force_path_style: Option<bool>,
    /// `AWS::S3::Accelerate`: S3 Transfer Acceleration endpoints.
    pub accelerate: Option<bool>,
    /// `AWS::S3::UseArnRegion`: an access point ARN's region wins over the client's;
    /// `AWS_S3_USE_ARN_REGION` or the profile's `s3_use_arn_region`.
    pub use_arn_region: Option<bool>,
    /// `AWS::S3::UseGlobalEndpoint`: `us-east-1` requests go to the legacy global endpoint;
    /// `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT` / `s3_us_east_1_regional_endpoint` of `legacy`.
    pub use_global_endpoint: Option<bool>,
    /// `AWS::S3::DisableMultiRegionAccessPoints`; `AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS`
    /// or the profile's `s3_disable_multiregion_access_points`.
    pub disable_multi_region_access_points: Option<bool>,
}

/// The data-integrity settings of the environment and the profile; `None` leaves a setting
/// at its default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IntegritySettings {
    /// `AWS_REQUEST_CHECKSUM_CALCULATION` / `request_checksum_calculation`.
    pub request_checksum_calculation: Option<RequestChecksumCalculation>,
    /// `AWS_RESPONSE_CHECKSUM_VALIDATION` / `response_checksum_validation`.
    pub response_checksum_validation: Option<ResponseChecksumValidation>,
    /// `AWS_DISABLE_REQUEST_COMPRESSION` / `disable_request_compression`.
    pub disable_request_compression: Option<bool>,
    /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES` / `request_min_compression_size_bytes`,
    /// 0 to 10485760.
    pub request_min_compression_size_bytes: Option<u32>,
}

impl SharedSettings {
    /// Reads the profile files once and validates every setting, so a malformed value is
    /// reported at start-up with the variable or profile key that holds it.
    pub fn load(env: &Env) -> Result<Self, ProfileError> {
        Self::from_parts(env.clone(), ProfileSet::load(env)?)
    }

    /// Same as [`load`](Self::load) with files already parsed.
    pub fn from_parts(env: Env, profiles: ProfileSet) -> Result<Self, ProfileError> {
        let profile_name = env.profile_name().to_owned();
        let lookup = Lookup {
            env: &env,
            profile: profiles.profile(&profile_name),
            profile_name: &profile_name,
        };
        let region = lookup
            .string(&["AWS_REGION", "AWS_DEFAULT_REGION"], "region")
            .map(|(_, v)| v.to_owned());
        let use_fips = lookup.bool("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
        let use_dual_stack = lookup.bool("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?;
        let max_attempts = lookup.max_attempts()?;
        let retry_mode = lookup.retry_mode()?;
        let app_id = lookup
            .string(&["AWS_SDK_UA_APP_ID"], "sdk_ua_app_id")
            .map(|(_, v)| v.to_owned());
        let s3 = S3Settings {
            use_arn_region: lookup.bool("AWS_S3_USE_ARN_REGION", "s3_use_arn_region")?,
            disable_multi_region_access_points: lookup.bool(
                "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
                "s3_disable_multiregion_access_points",
            )?,
            use_global_endpoint: lookup.us_east_1_endpoint()?,
            ..S3Settings::default()
        };
        let integrity = lookup.integrity()?;
        let ignore_configured_endpoint_urls = lookup
            .bool(
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                "ignore_configured_endpoint_urls",
            )?
            .unwrap_or(false);
        let ca_bundle = lookup
            .string(&["AWS_CA_BUNDLE"], "ca_bundle")
            .map(|(source, path)| (source, path.to_owned()));
        Ok(Self {
            env,
            profiles,
            profile_name,
            region,
            use_fips,
            use_dual_stack,
            max_attempts,
            retry_mode,
            app_id,
            ignore_configured_endpoint_urls,
            s3,
            integrity,
            ca_bundle,
        })
    }

    /// The checksum and request compression settings of the environment and the profile.
    pub fn integrity(&self) -> IntegritySettings {
        self.integrity
    }

    /// The S3 addressing settings of the environment and the profile.
    pub fn s3(&self) -> S3Settings {
        self.s3
    }

    /// `AWS_CA_BUNDLE`, then the profile's `ca_bundle`: a PEM file of certificate
    /// authorities the default client trusts besides its own, as `(source, path)` where
    /// `source` names the variable or profile key.
    pub fn ca_bundle(&self) -> Option<(&str, &str)> {
        self.ca_bundle
            .as_ref()
            .map(|(source, path)| (source.as_str(), path.as_str()))
    }

    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    pub fn region(&self) -> Option<String> {
        self.region.clone()
    }

    /// `AWS_USE_FIPS_ENDPOINT`, then the profile's `use_fips_endpoint`.
    pub fn use_fips(&self) -> Option<bool> {
        self.use_fips
    }

    /// `AWS_USE_DUALSTACK_ENDPOINT`, then the profile's `use_dualstack_endpoint`.
    pub fn use_dual_stack(&self) -> Option<bool> {
        self.use_dual_stack
    }

    /// `AWS_MAX_ATTEMPTS`, then the profile's `max_attempts`; always at least 1.
    pub fn max_attempts(&self) -> Option<u32> {
        self.max_attempts
    }

    /// `AWS_RETRY_MODE`, then the profile's `retry_mode` (`legacy` reads as standard).
    pub fn retry_mode(&self) -> Option<RetryMode> {
        self.retry_mode
    }

    /// `AWS_SDK_UA_APP_ID`, then the profile's `sdk_ua_app_id`: the user agent's `app/` name.
    pub fn app_id(&self) -> Option<String> {
        self.app_id.clone()
    }

    /// The selected profile: `AWS_PROFILE`, else `default`. It need not exist in the files.
    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The environment the settings were read from.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Every profile of the shared files, with the warnings met while parsing them.
    pub fn profiles(&self) -> &ProfileSet {
        &self.profiles
    }

    /// The selected profile, if the files define it.
    pub fn profile(&self) -> Option<&Section> {
        self.profiles.profile(&self.profile_name)
    }

    /// A configured endpoint for the service whose Smithy `sdkId` is `service_id`
    /// (e.g. `Customer Profiles`), in the order of the AWS SDKs and Tools reference:
    /// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section
    /// entry, then the profile's `endpoint_url`. All are skipped when
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls` is true.
    pub fn endpoint_url(&self, service_id: &str) -> Option<String> {
        if self.ignore_configured_endpoint_urls {
            return None;
        }
        let words: Vec<&str> = service_id.split_whitespace().collect();
        let env_suffix = words.join("_").to_ascii_uppercase();
        let profile_key = words.join("_").to_ascii_lowercase();
        let from_env = self
            .env
            .get_non_empty(&format!("AWS_ENDPOINT_URL_{env_suffix}"))
            .or_else(|| self.env.get_non_empty("AWS_ENDPOINT_URL"));
        if let Some(url) = from_env {
            return Some(url.to_owned());
        }
        let profile = self.profile()?;
        let from_services = profile
            .get("services")
            .and_then(|name| self.profiles.services(name))
            .and_then(|services| services.property(&profile_key))
            .and_then(|entry| entry.sub_property("endpoint_url"))
            .filter(|url| !url.is_empty());
        from_services
            .or_else(|| profile.get("endpoint_url"))
            .map(str::to_owned)
    }
}

/// Reads one setting: environment variables first, then the selected profile.
struct Lookup<'a> {
    env: &'a Env,
    profile: Option<&'a Section>,
    profile_name: &'a str,
}

impl<'a> Lookup<'a> {
    /// The first non-empty value and a description of where it came from.
    fn string(&self, variables: &[&str], key: &str) -> Option<(String, &'a str)> {
        for variable in variables {
            if let Some(value) = self.env.get_non_empty(variable) {
                return Some(((*variable).to_owned(), value));
            }
        }
        let value = self.profile?.get(key)?;
        Some((format!("profile {}: {key}", self.profile_name), value))
    }

    fn bool(&self, variable: &str, key: &str) -> Result<Option<bool>, ProfileError> {
        let Some((source, value)) = self.string(&[variable], key) else {
            return Ok(None);
        };
        if value.eq_ignore_ascii_case("true") {
            Ok(Some(true))
        } else if value.eq_ignore_ascii_case("false") {
            Ok(Some(false))
        } else {
            Err(ProfileError::InvalidValue {
                source,
                value: value.to_owned(),
                expected: "true or false",
            })
        }
    }

    /// `legacy` (the global endpoint) or `regional`.
    fn us_east_1_endpoint(&self) -> Result<Option<bool>, ProfileError> {
        let Some((source, value)) = self.string(
            &["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"],
            "s3_us_east_1_regional_endpoint",
        ) else {
            return Ok(None);
        };
        match value.to_ascii_lowercase().as_str() {
            "legacy" => Ok(Some(true)),
            "regional" => Ok(Some(false)),
            _ => Err(ProfileError::InvalidValue {
                source,
                value: value.to_owned(),
                expected: "legacy or regional",
            }),
        }
    }

    fn retry_mode(&self) -> Result<Option<RetryMode>, ProfileError> {
        let Some((source, value)) = self.string(&["AWS_RETRY_MODE"], "retry_mode") else {
            return Ok(None);
        };
        match RetryMode::parse(value) {
            Some(mode) => Ok(Some(mode)),
            None => Err(ProfileError::InvalidValue {
                source,
                value: value.to_owned(),
                expected: "standard, adaptive or legacy",
            }),
        }
    }

    fn integrity(&self) -> Result<IntegritySettings, ProfileError> {
        let when = |variable: &str, key: &str| -> Result<Option<bool>, ProfileError> {
            let Some((source, value)) = self.string(&[variable], key) else {
                return Ok(None);
            };
            parse_when(value)
                .map(Some)
                .ok_or_else(|| ProfileError::InvalidValue {
                    source,
                    value: value.to_owned(),
                    expected: "when_supported or when_required",
                })
        };
        let min_size = match self.string(
            &["AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"],
            "request_min_compression_size_bytes",
        ) {
            None => None,
            Some((source, value)) => match value.parse::<u32>() {
                Ok(n) if n <= MAX_MIN_COMPRESSION_SIZE_BYTES => Some(n),
                _ => {
                    return Err(ProfileError::InvalidValue {
                        source,
                        value: value.to_owned(),
                        expected: "a whole number from 0 to 10485760",
                    });
                }
            },
        };
        Ok(IntegritySettings {
            request_checksum_calculation: when(
                "AWS_REQUEST_CHECKSUM_CALCULATION",
                "request_checksum_calculation",
            )?
            .map(RequestChecksumCalculation::from_when_supported),
            response_checksum_validation: when(
                "AWS_RESPONSE_CHECKSUM_VALIDATION",
                "response_checksum_validation",
            )?
            .map(ResponseChecksumValidation::from_when_supported),
            disable_request_compression: self.bool(
                "AWS_DISABLE_REQUEST_COMPRESSION",
                "disable_request_compression",
            )?,
            request_min_compression_size_bytes: min_size,
        })
    }

    fn max_attempts(&self) -> Result<Option<u32>, ProfileError> {
        let Some((source, value)) = self.string(&["AWS_MAX_ATTEMPTS"], "max_attempts") else {
            return Ok(None);
        };
        match value.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ProfileError::InvalidValue {
                source,
                value: value.to_owned(),
                expected: "a whole number of at least 1",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)], config: &str) -> Result<SharedSettings, ProfileError> {
        let env = Env::from_vars(vars.iter().copied());
        SharedSettings::from_parts(env, ProfileSet::parse(Some(config), None)?)
    }

    #[test]
    fn region_precedence() {
        let config = "[default]\nregion = from-profile\n[profile dev]\nregion = from-dev\n";
        let region = |vars: &[(&str, &str)]| settings(vars, config).unwrap().region();
        assert_eq!(region(&[]), Some("from-profile".into()));
        assert_eq!(region(&[("AWS_PROFILE", "dev")]), Some("from-dev".into()));
        assert_eq!(region(&[("AWS_DEFAULT_REGION", "d")]), Some("d".into()));
        assert_eq!(
            region(&[("AWS_DEFAULT_REGION", "d"), ("AWS_REGION", "r")]),
            Some("r".into())
        );
        assert_eq!(region(&[("AWS_REGION", "")]), Some("from-profile".into()));
        assert_eq!(
            region(&[("AWS_REGION", " \t")]),
            Some("from-profile".into())
        );
        assert_eq!(region(&[("AWS_REGION", " r ")]), Some("r".into()));
        assert_eq!(region(&[("AWS_PROFILE", "missing")]), None);
    }

    #[test]
    fn endpoint_url_precedence() {
        let config = "\
[default]
endpoint_url = http://profile-global
services = local
[services local]
customer_profiles =
  endpoint_url = http://profile-service
dynamodb =
  endpoint_url = http://dynamo
[profile plain]
endpoint_url = http://plain-global
[profile ignoring]
endpoint_url = http://x
ignore_configured_endpoint_urls = true
";
        let url =
            |vars: &[(&str, &str)], id: &str| settings(vars, config).unwrap().endpoint_url(id);
        let both = [
            ("AWS_ENDPOINT_URL_CUSTOMER_PROFILES", "http://env-service"),
            ("AWS_ENDPOINT_URL", "http://env-global"),
        ];
        assert_eq!(
            url(&both, "Customer Profiles"),
            Some("http://env-service".into())
        );
        assert_eq!(
            url(&both[1..], "Customer Profiles"),
            Some("http://env-global".into())
        );
        assert_eq!(
            url(&[], "Customer Profiles"),
            Some("http://profile-service".into())
        );
        assert_eq!(url(&[], "S3"), Some("http://profile-global".into()));
        assert_eq!(
            url(&[("AWS_PROFILE", "plain")], "Customer Profiles"),
            Some("http://plain-global".into())
        );
        assert_eq!(
            url(&[("AWS_PROFILE", "ignoring")], "Customer Profiles"),
            None
        );
        let ignore = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), both[0]];
        assert_eq!(url(&ignore, "Customer Profiles"), None);
        // The environment variable overrides the profile's ignore flag.
        let unignore = [
            ("AWS_PROFILE", "ignoring"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
        ];
        assert_eq!(url(&unignore, "Customer Profiles"), Some("http://x".into()));
        assert_eq!(
            url(&[("AWS_PROFILE", "missing")], "Customer Profiles"),
            None
        );
    }

    #[test]
    fn ca_bundle_from_the_environment_then_the_profile_naming_its_source() {
        let config = "[default]\nca_bundle = /etc/corp/ca.pem\n";
        let from_profile = settings(&[], config).unwrap();
        assert_eq!(
            from_profile.ca_bundle(),
            Some(("profile default: ca_bundle", "/etc/corp/ca.pem"))
        );
        let from_env = settings(&[("AWS_CA_BUNDLE", "/tmp/ca.pem")], config).unwrap();
        assert_eq!(from_env.ca_bundle(), Some(("AWS_CA_BUNDLE", "/tmp/ca.pem")));
        assert_eq!(settings(&[], "").unwrap().ca_bundle(), None);
    }

    #[test]
    fn s3_settings_come_from_the_environment_and_the_profile() {
        let s3 = settings(
            &[("AWS_S3_USE_ARN_REGION", "true")],
            "[default]\ns3_disable_multiregion_access_points = false\ns3_us_east_1_regional_endpoint = legacy\n",
        )
        .unwrap()
        .s3();
        assert_eq!(s3.use_arn_region, Some(true));
        assert_eq!(s3.disable_multi_region_access_points, Some(false));
        assert_eq!(s3.use_global_endpoint, Some(true));
        assert_eq!(s3.force_path_style, None);
        let error = settings(&[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "global")], "").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"),
            "{error}"
        );
    }

    #[test]
    fn booleans_and_attempts() {
        let config = "[default]\nuse_fips_endpoint = TRUE\nmax_attempts = 5\n";
        let s = settings(&[("AWS_USE_DUALSTACK_ENDPOINT", "false")], config).unwrap();
        assert_eq!(
            (s.use_fips(), s.use_dual_stack(), s.max_attempts()),
            (Some(true), Some(false), Some(5))
        );
        let s = settings(&[("AWS_MAX_ATTEMPTS", "2")], "").unwrap();
        assert_eq!((s.use_fips(), s.max_attempts()), (None, Some(2)));
    }

    #[test]
    fn retry_mode_and_app_id_come_from_the_environment_then_the_profile() {
        let config = "[default]\nretry_mode = adaptive\nsdk_ua_app_id = from-profile\n";
        let s = settings(&[], config).unwrap();
        assert_eq!(s.retry_mode(), Some(RetryMode::Adaptive));
        assert_eq!(s.app_id().as_deref(), Some("from-profile"));
        let vars = [
            ("AWS_RETRY_MODE", "legacy"),
            ("AWS_SDK_UA_APP_ID", "from-env"),
        ];
        let s = settings(&vars, config).unwrap();
        assert_eq!(s.retry_mode(), Some(RetryMode::Standard));
        assert_eq!(s.app_id().as_deref(), Some("from-env"));
        let s = settings(&[], "").unwrap();
        assert_eq!((s.retry_mode(), s.app_id()), (None, None));
        let err = settings(&[], "[default]\nretry_mode = turbo\n").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("profile default: retry_mode"), "{message}");
        assert!(message.contains("turbo"), "{message}");
        assert!(
            message.contains("standard, adaptive or legacy"),
            "{message}"
        );
    }

    #[test]
    fn malformed_values_name_their_source() {
        let err = settings(&[("AWS_USE_FIPS_ENDPOINT", "maybe")], "").unwrap_err();
        assert!(err.to_string().contains("AWS_USE_FIPS_ENDPOINT"), "{err}");
        assert!(err.to_string().contains("maybe"), "{err}");
        let err = settings(&[], "[default]\nmax_attempts = 0\n").unwrap_err();
        assert!(
            err.to_string().contains("profile default: max_attempts"),
            "{err}"
        );
        let err = settings(&[("AWS_MAX_ATTEMPTS", "many")], "").unwrap_err();
        assert!(err.to_string().contains("AWS_MAX_ATTEMPTS"), "{err}");
    }
}
