//! The credential sources that call AWS, end to end through `Config::from_env` and the
//! default chain, against a scripted local server that stands in for STS, SSO and SSO-OIDC
//! (`AWS_ENDPOINT_URL_STS`, `_SSO`, `_SSO_OIDC`) and for the container endpoint: web identity
//! (unsigned, the token file re-read), role chains (each role signed with the credentials of
//! the one before), `credential_source`, IAM Identity Center sessions (refresh, write-back,
//! `GetRoleCredentials`) and the errors that tell the user what to do. The instance
//! metadata service is off in every environment here: this machine answers at its address.

use std::fs;
use std::path::PathBuf;

use leansdk_runtime::auth::credentials::{Credentials, CredentialsError, ProvideCredentials};
use leansdk_runtime::config::Config;
use leansdk_runtime::config::env::Env;
use leansdk_runtime::providers::credentials::ProfileCredentialsProvider;
use leansdk_runtime::providers::provider_config::ProviderConfig;
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};

/// SHA-1 of `corp`, the session name: the cache file name of `[sso-session corp]`.
const CORP_CACHE: &str = "ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
/// SHA-1 of the legacy profile's start URL.
const LEGACY_URL: &str = "https://legacy.awsapps.com/start";
const LEGACY_CACHE: &str = "79e435d7a515078e81c9dffc35f38d5687ebd3a7.json";

/// A fresh directory standing in for `$HOME`, removed when dropped.
struct Home(PathBuf);

impl Home {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("leansdk-providers-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        Self(dir)
    }

    fn write(&self, relative: &str, contents: &str) -> String {
        let path = self.0.join(relative);
        fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.0.join(relative)).unwrap()
    }

    /// `$HOME`, IMDS off, and `vars`.
    fn env(&self, vars: &[(&str, String)]) -> Env {
        Env::from_vars(
            [
                ("HOME", self.0.to_str().unwrap().to_owned()),
                ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
            ]
            .into_iter()
            .chain(vars.iter().cloned()),
        )
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The credentials of the configuration `Config::from_env` loads from `env`.
async fn load(env: Env) -> Result<Credentials, CredentialsError> {
    let config = Config::from_env().env(env).load().await.unwrap();
    config
        .credentials_provider()
        .expect("from_env always has a provider")
        .provide_credentials()
        .await
}

/// An STS answer (awsQuery XML) to `action` with temporary credentials `key`.
fn sts_credentials(action: &str, key: &str) -> Reply {
    Reply::status(200).header("content-type", "text/xml").body(format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
           <{action}Result><Credentials>\
             <AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-of-{key}</SecretAccessKey>\
             <SessionToken>token-of-{key}</SessionToken><Expiration>2100-01-01T00:00:00Z</Expiration>\
           </Credentials></{action}Result>\
           <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\
         </{action}Response>"
    ))
}

fn sts_error(status: u16, code: &str) -> Reply {
    Reply::status(status)
        .header("content-type", "text/xml")
        .body(format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
         <Message>scripted {code}</Message></Error><RequestId>req-e</RequestId></ErrorResponse>"
        ))
}

fn form(request: &RecordedRequest) -> String {
    String::from_utf8(request.body.clone()).unwrap()
}

/// The access key an `Authorization` header names, and the scope it signs for.
fn signer(request: &RecordedRequest) -> Option<(String, String)> {
    let authorization = request.header("authorization")?;
    let credential = authorization.split("Credential=").nth(1)?;
    let credential = credential.split(',').next()?;
    let (key, scope) = credential.split_once('/')?;
    // Scope: date/region/service/aws4_request; the date varies.
    let scope = scope.split_once('/')?.1.to_owned();
    Some((key.to_owned(), scope))
}

#[tokio::test]
async fn web_identity_from_the_environment_is_unsigned_and_rereads_its_token() {
    let home = Home::new("web-identity");
    let server = TestServer::start(vec![
        sts_credentials("AssumeRoleWithWebIdentity", "ASIAWEB1"),
        sts_error(400, "IDPCommunicationError"),
        sts_credentials("AssumeRoleWithWebIdentity", "ASIAWEB2"),
    ])
    .await;
    let token_file = home.write("token", "first-token\n");
    let env = home.env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file),
        (
            "AWS_ROLE_ARN",
            " arn:aws:iam::123456789012:role/web ".to_owned(),
        ),
        ("AWS_ROLE_SESSION_NAME", "pod-7".to_owned()),
        ("AWS_REGION", "eu-west-1".to_owned()),
        ("AWS_ENDPOINT_URL_STS", server.url()),
    ]);
    let provider = leansdk_runtime::providers::sts::WebIdentityTokenProvider::from_env(
        ProviderConfig::new(env.clone(), &Config::builder().region("eu-west-1").build()),
    );

    let first = load(env).await.unwrap();
    assert_eq!(first.access_key_id(), "ASIAWEB1");
    assert_eq!(first.session_token(), Some("token-of-ASIAWEB1"));
    assert!(first.expiry().is_some());

    // The token is rotated in its file; the next load sends the new one, and STS's failure
    // to reach the identity provider is tried again.
    home.write("token", "second-token");
    let second = provider.provide_credentials().await.unwrap();
    assert_eq!(second.access_key_id(), "ASIAWEB2");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (request, token) in requests
        .iter()
        .zip(["first-token", "second-token", "second-token"])
    {
        assert_eq!(request.method, "POST");
        assert!(request.header("authorization").is_none(), "{request:?}");
        let body = form(request);
        assert!(body.contains("Action=AssumeRoleWithWebIdentity"), "{body}");
        assert!(
            body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb&"),
            "{body}"
        );
        assert!(body.contains("RoleSessionName=pod-7"), "{body}");
        assert!(
            body.contains(&format!("WebIdentityToken={token}")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn web_identity_half_configured_is_an_error_naming_the_missing_variable() {
    let home = Home::new("web-identity-half");
    let token_file = home.write("token", "t");
    let error = load(home.env(&[("AWS_WEB_IDENTITY_TOKEN_FILE", token_file)]))
        .await
        .unwrap_err();
    assert!(error.is_fatal(), "{error}");
    assert!(error.to_string().contains("AWS_ROLE_ARN is not"), "{error}");
}

#[tokio::test]
async fn a_role_chain_is_assumed_innermost_first_each_signed_with_the_one_before() {
    let home = Home::new("role-chain");
    let server = TestServer::start(vec![
        sts_credentials("AssumeRole", "ASIAINNER"),
        sts_credentials("AssumeRole", "ASIAOUTER"),
    ])
    .await;
    home.write(
        ".aws/config",
        "[profile outer]\n\
         role_arn = arn:aws:iam::123456789012:role/outer\n\
         source_profile = inner\n\
         role_session_name = outer-session\n\
         external_id = ext-42\n\
         duration_seconds = 900\n\
         [profile inner]\n\
         role_arn = arn:aws:iam::123456789012:role/inner\n\
         source_profile = base\n\
         [profile base]\n\
         region = ap-southeast-2\n",
    );
    home.write(
        ".aws/credentials",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let credentials = load(home.env(&[
        ("AWS_PROFILE", "outer".to_owned()),
        ("AWS_REGION", "eu-west-1".to_owned()),
        ("AWS_ENDPOINT_URL_STS", server.url()),
    ]))
    .await
    .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAOUTER");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let (inner, outer) = (&requests[0], &requests[1]);
    // Signed for the client's region, first with the base keys, then with the inner role's.
    assert_eq!(
        signer(inner),
        Some((
            "AKIDBASE".to_owned(),
            "eu-west-1/sts/aws4_request".to_owned()
        ))
    );
    assert!(inner.header("x-amz-security-token").is_none());
    assert!(form(inner).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Finner"));
    assert!(form(inner).contains("RoleSessionName=leansdk-rust-"));
    assert_eq!(
        signer(outer),
        Some((
            "ASIAINNER".to_owned(),
            "eu-west-1/sts/aws4_request".to_owned()
        ))
    );
    assert_eq!(
        outer.header("x-amz-security-token"),
        Some("token-of-ASIAINNER")
    );
    let body = form(outer);
    for part in [
        "Action=AssumeRole&",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fouter",
        "RoleSessionName=outer-session",
        "ExternalId=ext-42",
        "DurationSeconds=900",
    ] {
        assert!(body.contains(part), "{part} not in {body}");
    }
}

#[tokio::test]
async fn sts_throttling_and_5xx_are_retried_and_other_errors_are_reported() {
    let home = Home::new("role-retry");
    let server = TestServer::start(vec![
        sts_error(503, "ServiceUnavailable"),
        sts_error(400, "Throttling"),
        sts_credentials("AssumeRole", "ASIARETRIED"),
        sts_error(403, "AccessDenied"),
    ])
    .await;
    home.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = keys\n\
         [profile keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = s\n",
    );
    let env = home.env(&[
        ("AWS_REGION", "us-west-2".to_owned()),
        ("AWS_ENDPOINT_URL_STS", server.url()),
    ]);
    let provider =
        ProfileCredentialsProvider::new(ProviderConfig::new(env.clone(), &fast_retries()));
    let credentials = provider.provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIARETRIED");
    assert_eq!(server.requests().len(), 3);

    let error = provider.provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert!(error.is_fatal(), "{text}");
    assert!(
        text.contains("assume role arn:aws:iam::123456789012:role/r")
            && text.contains("AccessDenied"),
        "{text}"
    );
    assert!(!text.contains("secret-of-"), "{text}");
}

/// A base configuration whose retries do not wait.
fn fast_retries() -> Config {
    Config::builder()
        .sleep_impl(leansdk_tests::doubles::RecordingSleep::default())
        .build()
}

#[tokio::test]
async fn credential_source_picks_where_the_role_is_assumed_from() {
    let home = Home::new("credential-source");
    let server = TestServer::start(vec![
        // The container endpoint's answer, then STS.
        Reply::json(
            200,
            r#"{"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret",
                "Token": "container-token", "Expiration": "2100-01-01T00:00:00Z"}"#,
        ),
        sts_credentials("AssumeRole", "ASIAFROMCONTAINER"),
        sts_credentials("AssumeRole", "ASIAFROMENV"),
    ])
    .await;
    home.write(
        ".aws/config",
        "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/ecs\ncredential_source = EcsContainer\n\
         [profile env]\nrole_arn = arn:aws:iam::123456789012:role/env\ncredential_source = Environment\n\
         [profile typo]\nrole_arn = arn:aws:iam::123456789012:role/t\ncredential_source = Ec2Instance\n",
    );
    let provider = |profile: &str, extra: &[(&str, String)]| {
        let mut vars = vec![
            ("AWS_PROFILE", profile.to_owned()),
            ("AWS_ENDPOINT_URL_STS", server.url()),
        ];
        vars.extend_from_slice(extra);
        let env = home.env(&vars);
        ProfileCredentialsProvider::new(ProviderConfig::new(env, &Config::builder().build()))
    };

    let from_container = provider(
        "ecs",
        &[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/creds", server.url()),
        )],
    )
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(from_container.access_key_id(), "ASIAFROMCONTAINER");

    let from_env = provider(
        "env",
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDENV".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "env-secret".to_owned()),
        ],
    )
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(from_env.access_key_id(), "ASIAFROMENV");

    let requests = server.requests();
    assert_eq!(requests[0].path, "/creds");
    assert_eq!(signer(&requests[1]).unwrap().0, "ASIACONTAINER");
    assert_eq!(signer(&requests[2]).unwrap().0, "AKIDENV");

    // A source the profile names must deliver: no keys in the environment is an error, not
    // a silent move to the next source.
    let error = provider("env", &[])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        error.is_fatal() && error.to_string().contains("AWS_ACCESS_KEY_ID"),
        "{error}"
    );
    let error = provider("typo", &[])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        error.is_fatal() && error.to_string().contains("\"Ec2Instance\""),
        "{error}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn mfa_and_loops_are_errors_naming_the_profiles() {
    let home = Home::new("role-errors");
    home.write(
        ".aws/config",
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n\
         [profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = a\nmfa_serial = arn:aws:iam::1:mfa/u\n",
    );
    let error = load(home.env(&[("AWS_PROFILE", "a".to_owned())]))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("a -> b -> a"), "{error}");
    let error = load(home.env(&[("AWS_PROFILE", "mfa".to_owned())]))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("profile \"mfa\" sets mfa_serial"),
        "{error}"
    );
}

/// An SSO session profile, its session, and `corp`'s cached token expiring `expires_at`.
fn sso_session_home(test: &str, expires_at: &str) -> Home {
    let home = Home::new(test);
    home.write(
        ".aws/config",
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Developer\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-north-1\n\
         sso_registration_scopes = sso:account:access\n",
    );
    home.write(
        &format!(".aws/sso/cache/{CORP_CACHE}"),
        &format!(
            r#"{{"startUrl": "https://corp.awsapps.com/start", "region": "eu-north-1",
                "accessToken": "old-access-token", "expiresAt": "{expires_at}",
                "refreshToken": "old-refresh-token", "clientId": "client-id",
                "clientSecret": "client-secret", "registrationExpiresAt": "2100-01-01T00:00:00Z"}}"#
        ),
    );
    home
}

fn role_credentials(key: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"roleCredentials": {{"accessKeyId": "{key}", "secretAccessKey": "sso-secret",
                 "sessionToken": "sso-token", "expiration": 4102444800000}}}}"#
        ),
    )
}

fn sso_env(home: &Home, server: &TestServer) -> Env {
    home.env(&[
        ("AWS_PROFILE", "dev".to_owned()),
        ("AWS_ENDPOINT_URL_SSO", server.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", server.url()),
    ])
}

#[tokio::test]
async fn an_sso_session_token_near_expiry_is_refreshed_and_written_back() {
    // Expiring within the five-minute window (in a minute or so, at most an hour ago: the
    // refresh happens either way, since the registration is valid).
    let soon = leansdk_runtime::DateTime::from(
        std::time::SystemTime::now() + std::time::Duration::from_secs(60),
    )
    .to_rfc3339();
    let home = sso_session_home("sso-refresh", &soon);
    let server = TestServer::start(vec![
        Reply::json(
            200,
            r#"{"accessToken": "new-access-token", "tokenType": "Bearer", "expiresIn": 28800,
                "refreshToken": "new-refresh-token"}"#,
        ),
        role_credentials("ASIASSO"),
    ])
    .await;
    let credentials = load(sso_env(&home, &server)).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIASSO");
    assert_eq!(credentials.session_token(), Some("sso-token"));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let (refresh, role) = (&requests[0], &requests[1]);
    assert_eq!(
        (refresh.method.as_str(), refresh.path.as_str()),
        ("POST", "/token")
    );
    let body: serde_json::Value = serde_json::from_slice(&refresh.body).unwrap();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "old-refresh-token");
    assert_eq!(body["clientId"], "client-id");
    assert_eq!(body["clientSecret"], "client-secret");
    assert_eq!(role.method, "GET");
    assert!(
        role.path.starts_with("/federation/credentials?")
            && role.path.contains("account_id=111122223333")
            && role.path.contains("role_name=Developer"),
        "{}",
        role.path
    );
    assert_eq!(
        role.header("x-amz-sso_bearer_token"),
        Some("new-access-token")
    );
    // Neither is signed: the bearer token and the client secret are the credentials.
    assert!(refresh.header("authorization").is_none() && role.header("authorization").is_none());

    let cache: serde_json::Value =
        serde_json::from_str(&home.read(&format!(".aws/sso/cache/{CORP_CACHE}"))).unwrap();
    assert_eq!(cache["accessToken"], "new-access-token");
    assert_eq!(cache["refreshToken"], "new-refresh-token");
    assert_ne!(cache["expiresAt"], soon.as_str());
    // What the write-back does not own is kept.
    assert_eq!(cache["startUrl"], "https://corp.awsapps.com/start");
}

#[tokio::test]
async fn a_valid_sso_token_is_used_without_refreshing() {
    let home = sso_session_home("sso-fresh", "2100-01-01T00:00:00Z");
    let server = TestServer::start(vec![role_credentials("ASIAFRESH")]).await;
    let credentials = load(sso_env(&home, &server)).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAFRESH");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("x-amz-sso_bearer_token"),
        Some("old-access-token")
    );
}

#[tokio::test]
async fn an_expired_session_whose_refresh_fails_says_to_log_in() {
    let home = sso_session_home("sso-expired", "2000-01-01T00:00:00Z");
    let server = TestServer::start(vec![
        Reply::json(
            400,
            r#"{"error": "invalid_grant", "error_description": "refresh token revoked"}"#,
        )
        .header("x-amzn-errortype", "InvalidGrantException"),
    ])
    .await;
    let error = load(sso_env(&home, &server)).await.unwrap_err();
    let text = error.to_string();
    assert!(error.is_fatal(), "{text}");
    assert!(text.contains("aws sso login --profile dev"), "{text}");
    assert!(
        !text.contains("client-secret") && !text.contains("old-refresh-token"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn legacy_sso_profiles_never_refresh_and_say_to_log_in() {
    let home = Home::new("sso-legacy");
    home.write(
        ".aws/config",
        &format!(
            "[profile old]\nsso_start_url = {LEGACY_URL}\nsso_region = us-east-2\n\
             sso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
        ),
    );
    let server = TestServer::start(vec![role_credentials("ASIALEGACY")]).await;
    let env = || {
        home.env(&[
            ("AWS_PROFILE", "old".to_owned()),
            ("AWS_ENDPOINT_URL_SSO", server.url()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", server.url()),
        ])
    };
    // No token yet.
    let error = load(env()).await.unwrap_err();
    assert!(
        error.to_string().contains("aws sso login --profile old"),
        "{error}"
    );
    // Expired: not refreshed (legacy tokens have no refresh), the same advice.
    home.write(
        &format!(".aws/sso/cache/{LEGACY_CACHE}"),
        r#"{"accessToken": "legacy-token", "expiresAt": "2000-01-01T00:00:00Z",
            "refreshToken": "r", "clientId": "c", "clientSecret": "s"}"#,
    );
    let error = load(env()).await.unwrap_err();
    assert!(
        error.to_string().contains("expired")
            && error.to_string().contains("aws sso login --profile old"),
        "{error}"
    );
    assert!(server.requests().is_empty());
    // Valid: used as it is.
    home.write(
        &format!(".aws/sso/cache/{LEGACY_CACHE}"),
        r#"{"accessToken": "legacy-token", "expiresAt": "2100-01-01T00:00:00Z"}"#,
    );
    assert_eq!(load(env()).await.unwrap().access_key_id(), "ASIALEGACY");
    assert_eq!(
        server.requests()[0].header("x-amz-sso_bearer_token"),
        Some("legacy-token")
    );
}

#[tokio::test]
async fn the_container_endpoint_comes_after_the_profile() {
    let home = Home::new("container-order");
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"AccessKeyId": "ASIAECS", "SecretAccessKey": "s", "Token": "t",
            "Expiration": "2100-01-01T00:00:00Z"}"#,
    )])
    .await;
    let full_uri = format!("{}/v2/credentials?id=1", server.url());
    // No profile: the container's credentials.
    let credentials = load(home.env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.clone())]))
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAECS");
    assert_eq!(server.requests()[0].path, "/v2/credentials?id=1");
    // A profile with keys wins, and the endpoint is not asked.
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
    );
    let credentials = load(home.env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri)]))
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDPROFILE");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_region_comes_from_instance_metadata_after_the_environment_and_profile() {
    let home = Home::new("imds-region");
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
            .body("imds-token"),
        Reply::status(200).body("sa-east-1"),
    ])
    .await;
    let env = |extra: &[(&str, String)]| {
        let mut vars = vec![
            ("AWS_ACCESS_KEY_ID", "AKID".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "s".to_owned()),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()),
        ];
        vars.extend_from_slice(extra);
        // `Home::env` turns IMDS off; here it is on, at the local server.
        Env::from_vars(
            [("HOME", home.0.to_str().unwrap().to_owned())]
                .into_iter()
                .chain(vars),
        )
    };
    let config = Config::from_env().env(env(&[])).load().await.unwrap();
    assert_eq!(config.region(), Some("sa-east-1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("PUT", "/latest/api/token")
    );
    assert_eq!(
        requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(requests[1].path, "/latest/meta-data/placement/region");
    assert_eq!(
        requests[1].header("x-aws-ec2-metadata-token"),
        Some("imds-token")
    );

    // The environment and the profile come first; IMDS is not asked.
    home.write(".aws/config", "[default]\nregion = ca-central-1\n");
    let config = Config::from_env().env(env(&[])).load().await.unwrap();
    assert_eq!(config.region(), Some("ca-central-1"));
    let config = Config::from_env()
        .env(env(&[("AWS_REGION", "eu-south-1".to_owned())]))
        .load()
        .await
        .unwrap();
    assert_eq!(config.region(), Some("eu-south-1"));
    assert_eq!(server.requests().len(), 2);

    // Disabled: no region, nothing asked.
    fs::remove_file(home.0.join(".aws/config")).unwrap();
    let config = Config::from_env()
        .env(env(&[("AWS_EC2_METADATA_DISABLED", "true".to_owned())]))
        .load()
        .await
        .unwrap();
    assert_eq!(config.region(), None);
    assert_eq!(server.requests().len(), 2);
}
