//! STS (awsQuery) against moto: who the caller is, a role of another account assumed and
//! then called as with its temporary credentials, those credentials kept out of `Debug`,
//! the errors of a request STS refuses and of one that cannot be sent, and the runtime's own
//! credential providers (a profile's role chain, a web identity) assuming roles through moto.

mod common;

use leansdk_sts::error::{BuildError, ProvideErrorMetadata, SdkError};
use leansdk_sts::operation::assume_role::AssumeRoleError;
use leansdk_sts::{Client, Credentials, DateTime};

/// The account moto puts callers in when their keys belong to no IAM user of its own.
const MOTO_ACCOUNT: &str = "123456789012";

/// A role of another account: moto assumes any role ARN, existing or not, and takes the
/// account of the credentials it hands out from the ARN, as AWS does.
const ROLE_ACCOUNT: &str = "111122223333";
const ROLE_NAME: &str = "leansdk-e2e-reader";

fn client_with(credentials: Credentials) -> Client {
    Client::new(&common::config().credentials(credentials).build())
}

fn client() -> Client {
    client_with(common::credentials())
}

fn role_arn() -> String {
    format!("arn:aws:iam::{ROLE_ACCOUNT}:role/{ROLE_NAME}")
}

/// A role session name: at most 64 characters of `[\w+=,.@-]`.
fn session_name() -> String {
    let name = common::unique_name("session");
    assert!(name.len() <= 64, "{name}");
    name
}

#[tokio::test]
async fn the_caller_is_moto_s_default_user() {
    let identity = client()
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(identity.account.as_deref(), Some(MOTO_ACCOUNT));
    assert_eq!(
        identity.arn.as_deref(),
        Some(format!("arn:aws:sts::{MOTO_ACCOUNT}:user/moto").as_str())
    );
    // moto's fixed user ID for keys it does not know (the example key of the AWS docs).
    assert_eq!(identity.user_id.as_deref(), Some("AKIAIOSFODNN7EXAMPLE"));
    // From the `x-amzn-RequestId` header or the body's `ResponseMetadata`.
    let request_id = identity.request_id.expect("a request ID");
    assert!(!request_id.is_empty());
}

#[tokio::test]
async fn an_assumed_role_s_credentials_call_as_the_role() {
    let session = session_name();
    let before = DateTime::now();
    let assumed = client()
        .assume_role()
        .role_arn(role_arn())
        .role_session_name(&session)
        .duration_seconds(900)
        .send()
        .await
        .expect("AssumeRole");

    let user = assumed
        .assumed_role_user
        .clone()
        .expect("AssumeRole names the assumed-role user");
    let assumed_arn = format!("arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/{ROLE_NAME}/{session}");
    assert_eq!(user.arn, assumed_arn);
    // `<role ID>:<session name>`; moto makes up the role ID, as the role is not in its IAM.
    assert!(
        user.assumed_role_id.ends_with(&format!(":{session}")),
        "{}",
        user.assumed_role_id
    );

    let credentials = assumed
        .credentials
        .clone()
        .expect("AssumeRole returns credentials");
    // Temporary keys start with ASIA (long-term ones with AKIA).
    assert!(
        credentials.access_key_id.starts_with("ASIA"),
        "{}",
        credentials.access_key_id
    );
    assert_eq!(credentials.access_key_id.len(), 20);
    assert_eq!(credentials.secret_access_key.len(), 40);
    assert!(!credentials.session_token.is_empty());
    // Within the 900 seconds asked for, allowing for the clocks' resolution (moto's
    // timestamps have microseconds, which must parse).
    let expiration = credentials.expiration;
    assert!(expiration > before, "{expiration} is not after {before}");
    assert!(
        expiration.secs() <= DateTime::now().secs() + 900 + 5,
        "{expiration} is more than 900 s away"
    );

    // Debug shows the key ID only: `SecretAccessKey` is `@sensitive` in the model, and the
    // generator treats every `SessionToken` member as sensitive (the model does not).
    let shown = format!("{assumed:?}");
    assert!(shown.contains(&credentials.access_key_id), "{shown}");
    assert!(
        !shown.contains(&credentials.secret_access_key),
        "the secret access key is in Debug: {shown}"
    );
    assert!(
        !shown.contains(&credentials.session_token),
        "the session token is in Debug: {shown}"
    );

    // moto identifies the caller by the access key ID the request is signed with, so the
    // new keys make calls as the assumed role, in the role's account.
    let as_role = client_with(Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.clone(),
        Some(credentials.session_token.clone()),
        None,
    ));
    let identity = as_role
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity with the assumed role's credentials");
    assert_eq!(identity.arn.as_deref(), Some(assumed_arn.as_str()));
    assert_eq!(identity.account.as_deref(), Some(ROLE_ACCOUNT));
    let user_id = identity.user_id.expect("the assumed role's user ID");
    assert!(user_id.ends_with(&format!(":{session}")), "{user_id}");

    // The long-term keys are still moto's default user.
    let identity = client()
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(identity.account.as_deref(), Some(MOTO_ACCOUNT));
}

#[tokio::test]
async fn a_session_name_over_64_characters_is_a_validation_error() {
    let too_long = "s".repeat(65);
    let error = client()
        .assume_role()
        .role_arn(role_arn())
        .role_session_name(&too_long)
        .send()
        .await
        .expect_err("AssumeRole with a 65-character session name");
    let shown = error.to_string();
    let request_id = error.request_id().map(str::to_owned);
    // `ValidationError` is not among AssumeRole's modelled errors: it is `Unhandled`, its
    // code and message read from `<ErrorResponse><Error>`.
    match error.into_service_error() {
        Some(AssumeRoleError::Unhandled(unhandled)) => {
            assert_eq!(unhandled.code(), Some("ValidationError"));
            let message = unhandled.message().unwrap_or_default();
            assert!(message.contains("roleSessionName"), "{message}");
            assert!(message.contains(&too_long), "{message}");
            assert_eq!(unhandled.meta().status(), 400);
            assert!(unhandled.request_id().is_some());
            assert_eq!(unhandled.request_id(), request_id.as_deref());
        }
        _ => panic!("expected an unhandled ValidationError, got {shown}"),
    }
    assert!(shown.contains("ValidationError"), "{shown}");
    assert!(shown.contains("roleSessionName"), "{shown}");
}

#[tokio::test]
async fn assume_role_without_a_role_arn_is_never_sent() {
    let error = client()
        .assume_role()
        .role_session_name(session_name())
        .send()
        .await
        .expect_err("AssumeRole without RoleArn");
    match error {
        SdkError::Construction(BuildError::MissingMember { member }) => {
            assert_eq!(member, "RoleArn");
        }
        other => panic!("expected a missing RoleArn, got {other}"),
    }
}

/// A home directory of its own for a test's profile files, removed when dropped.
struct Home(std::path::PathBuf);

impl Home {
    fn new(purpose: &str) -> Self {
        let dir = std::env::temp_dir().join(common::unique_name(purpose));
        std::fs::create_dir_all(dir.join(".aws")).expect("create a home directory");
        Self(dir)
    }

    fn write(&self, relative: &str, contents: &str) -> String {
        let path = self.0.join(relative);
        std::fs::write(&path, contents).expect("write a profile file");
        path.display().to_string()
    }

    /// The environment of a process configured by these files, calling moto (every
    /// service, STS included, through `AWS_ENDPOINT_URL`), with the instance metadata
    /// service off.
    fn env(&self, extra: &[(&str, String)]) -> leansdk_runtime::config::env::Env {
        let vars = [
            ("HOME", self.0.display().to_string()),
            ("AWS_ENDPOINT_URL", common::endpoint()),
            ("AWS_REGION", common::REGION.to_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ];
        leansdk_runtime::config::env::Env::from_vars(vars.into_iter().chain(extra.iter().cloned()))
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Who moto says the caller of a client configured from `env` is.
async fn caller_arn(env: leansdk_runtime::config::env::Env) -> String {
    let config = leansdk_runtime::config::Config::from_env()
        .env(env)
        .load()
        .await
        .expect("load the configuration");
    Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity")
        .arn
        .expect("an ARN")
}

#[tokio::test]
async fn the_default_chain_assumes_a_profile_s_role_chain_through_sts() {
    let home = Home::new("role-chain");
    let inner_role = format!("arn:aws:iam::{ROLE_ACCOUNT}:role/leansdk-e2e-inner");
    home.write(
        ".aws/config",
        &format!(
            "[profile outer]\nrole_arn = {}\nsource_profile = inner\nrole_session_name = outer-session\n\
             [profile inner]\nrole_arn = {inner_role}\nsource_profile = base\n"
            ,
            role_arn()
        ),
    );
    home.write(
        ".aws/credentials",
        &format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            common::ACCESS_KEY_ID,
            common::SECRET_ACCESS_KEY
        ),
    );
    // The runtime's own STS client assumes `inner` with the base keys, then `outer` with
    // `inner`'s credentials; the call is made as `outer`.
    let arn = caller_arn(home.env(&[("AWS_PROFILE", "outer".to_owned())])).await;
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/{ROLE_NAME}/outer-session")
    );
}

#[tokio::test]
async fn the_default_chain_assumes_a_role_with_a_web_identity_token() {
    let home = Home::new("web-identity");
    let token_file = home.write("token", "an-oidc-token-moto-accepts");
    let arn = caller_arn(home.env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file),
        ("AWS_ROLE_ARN", role_arn()),
        ("AWS_ROLE_SESSION_NAME", "pod-session".to_owned()),
    ]))
    .await;
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/{ROLE_NAME}/pod-session")
    );
}
