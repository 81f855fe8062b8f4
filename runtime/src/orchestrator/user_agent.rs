//! The `User-Agent` and `x-amz-user-agent` headers: AWS reads the latter (SDK metrics,
//! support cases) and proxies log the former, so both name this SDK and its version.

/// Both header values for one service client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAgent {
    pub user_agent: String,
    pub amz_user_agent: String,
}

impl UserAgent {
    /// `service_id` is the model's `sdkId`; `app_name` is the caller's optional `app/` token.
    pub fn new(service_id: &str, service_version: &str, app_name: Option<&str>) -> Self {
        let sdk = format!("leansdk-rust/{}", env!("CARGO_PKG_VERSION"));
        let os = format!("os/{}", std::env::consts::OS);
        let api = format!(
            "api/{}/{}",
            token(&service_id.to_ascii_lowercase().replace(' ', "")),
            token(service_version)
        );
        let mut amz_user_agent = format!("{sdk} {api} {os} lang/rust");
        if let Some(app) = app_name.filter(|app| !app.is_empty()) {
            amz_user_agent.push_str(" app/");
            amz_user_agent.push_str(&token(app));
        }
        Self {
            user_agent: format!("{sdk} {os} lang/rust"),
            amz_user_agent,
        }
    }
}

/// Replaces what an HTTP token cannot hold (RFC 9110 `tchar`), so a caller's app name can
/// never break the header.
fn token(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sdk_service_and_app() {
        let ua = UserAgent::new("Customer Profiles", "0.1.0", Some("my app/1\r\n"));
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            ua.user_agent
                .starts_with(&format!("leansdk-rust/{version} os/"))
        );
        assert!(ua.amz_user_agent.contains("api/customerprofiles/0.1.0"));
        assert!(
            ua.amz_user_agent.ends_with(" app/my-app-1--"),
            "{}",
            ua.amz_user_agent
        );
        assert!(
            !UserAgent::new("S3", "1", None)
                .amz_user_agent
                .contains("app/")
        );
    }
}
