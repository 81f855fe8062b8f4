//! Which proxy a request goes through: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (or their
//! lowercase forms) or settings made in code, as curl and the AWS SDKs read them.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use hyper::Uri;
use hyper::header::HeaderValue;

use super::pool::Origin;
use crate::config::env::Env;

/// The proxies of the default client: one for `http://` and one for `https://` URLs, and
/// the hosts reached directly. `Debug` shows each proxy's host and port only: the user
/// name and password of a proxy URL never appear in `Debug` output, logs or errors.
#[derive(Clone, Default)]
pub struct ProxyConfig {
    http: Option<Result<Proxy, InvalidProxy>>,
    https: Option<Result<Proxy, InvalidProxy>>,
    no_proxy: NoProxy,
}

/// A proxy URL that cannot be used; the message never quotes its user name or password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidProxy {
    source: String,
    reason: &'static str,
}

impl fmt::Display for InvalidProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a usable proxy URL: {}",
            self.source, self.reason
        )
    }
}

impl std::error::Error for InvalidProxy {}

/// An HTTP proxy: `host:port`, and the `Proxy-Authorization` header its URL's credentials
/// make (marked sensitive, so hyper never shows it).
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Proxy {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) authorization: Option<HeaderValue>,
}

impl ProxyConfig {
    /// No proxy: every request goes directly to its endpoint.
    pub fn new() -> Self {
        Self::default()
    }

    /// `HTTPS_PROXY` (else `https_proxy`) for `https://` URLs, `HTTP_PROXY` (else
    /// `http_proxy`) for `http://` URLs, and `NO_PROXY` (else `no_proxy`). An unusable
    /// proxy URL fails the requests it would carry, naming the variable, rather than
    /// sending them around the proxy.
    pub fn from_env(env: &Env) -> Self {
        let read = |names: [&str; 2]| {
            let name = names
                .into_iter()
                .find(|name| env.get_non_empty(name).is_some())?;
            Some(Proxy::parse(env.get_non_empty(name)?, name))
        };
        Self {
            http: read(["HTTP_PROXY", "http_proxy"]),
            https: read(["HTTPS_PROXY", "https_proxy"]),
            no_proxy: NoProxy::parse(
                env.get_non_empty("NO_PROXY")
                    .or_else(|| env.get_non_empty("no_proxy"))
                    .unwrap_or_default(),
            ),
        }
    }

    /// Sends `http://` and `https://` requests through the proxy at `url`
    /// (`http://[user:password@]host[:port]`).
    pub fn all(self, url: &str) -> Result<Self, InvalidProxy> {
        self.http(url)?.https(url)
    }

    /// Sends `http://` requests through the proxy at `url`, in absolute form.
    pub fn http(mut self, url: &str) -> Result<Self, InvalidProxy> {
        self.http = Some(Ok(Proxy::parse(url, "the proxy URL")?));
        Ok(self)
    }

    /// Sends `https://` requests through a `CONNECT` tunnel of the proxy at `url`.
    pub fn https(mut self, url: &str) -> Result<Self, InvalidProxy> {
        self.https = Some(Ok(Proxy::parse(url, "the proxy URL")?));
        Ok(self)
    }

    /// Hosts reached without the proxy, as `NO_PROXY` lists them: comma-separated host
    /// names (matching their subdomains too; a leading `.` is allowed), IP addresses,
    /// CIDR blocks (`10.0.0.0/8`), or `*` for every host.
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// The proxy for a request to `origin`, if any.
    pub(super) fn route(&self, origin: &Origin) -> Result<Option<&Proxy>, InvalidProxy> {
        let proxy = match origin.tls {
            true => &self.https,
            false => &self.http,
        };
        match proxy {
            None => Ok(None),
            Some(_) if self.no_proxy.matches(&origin.host) || is_link_local(&origin.host) => {
                Ok(None)
            }
            Some(Ok(proxy)) => Ok(Some(proxy)),
            Some(Err(invalid)) => Err(invalid.clone()),
        }
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |proxy: &Option<Result<Proxy, InvalidProxy>>| match proxy {
            None => "none".to_owned(),
            Some(Ok(proxy)) => format!("{proxy:?}"),
            Some(Err(invalid)) => invalid.to_string(),
        };
        f.debug_struct("ProxyConfig")
            .field("http", &show(&self.http))
            .field("https", &show(&self.https))
            .field("no_proxy", &self.no_proxy.entries)
            .finish()
    }
}

/// `host:port` only: never the credentials.
impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

impl Proxy {
    /// `source` names where `url` came from, for errors.
    fn parse(url: &str, source: &str) -> Result<Self, InvalidProxy> {
        let invalid = |reason| InvalidProxy {
            source: source.to_owned(),
            reason,
        };
        // curl and reqwest read a bare `host:port` as an HTTP proxy.
        let url = match url.contains("://") {
            true => url.to_owned(),
            false => format!("http://{url}"),
        };
        let uri: Uri = url
            .parse()
            .map_err(|_| invalid("it is not a URL of the form http://host:port"))?;
        match uri.scheme_str() {
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => {}
            _ => return Err(invalid("only http:// proxies are supported")),
        }
        let authority = uri.authority().ok_or_else(|| invalid("it names no host"))?;
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid("it names no host"));
        }
        let port = match authority.as_str().rsplit_once('@') {
            Some((_, host_port)) => host_port,
            None => authority.as_str(),
        }[host.len()..]
            .strip_prefix(':');
        let port = match port {
            None => 80,
            Some(port) => port
                .parse()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| invalid("its port is not 1 to 65535"))?,
        };
        let authorization = match authority.as_str().rsplit_once('@') {
            None => None,
            Some((userinfo, _)) => Some(basic_authorization(userinfo).ok_or_else(|| {
                invalid("its user name and password are not valid percent-encoded UTF-8")
            })?),
        };
        Ok(Self {
            host: host.to_owned(),
            port,
            authorization,
        })
    }

    /// Where the proxy listens, to connect to: IPv6 literals without their brackets.
    pub(super) fn address(&self) -> (&str, u16) {
        let host = self
            .host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'));
        (host.unwrap_or(&self.host), self.port)
    }
}

/// `Basic base64(user:password)` from the percent-encoded userinfo of a URL.
fn basic_authorization(userinfo: &str) -> Option<HeaderValue> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |part| {
        let decoded = percent_encoding::percent_decode_str(part)
            .decode_utf8()
            .ok()?;
        Some(decoded.into_owned())
    };
    let credentials = format!("{}:{}", decode(user)?, decode(password)?);
    let encoded = crate::protocol::base64::encode(credentials.as_bytes());
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The `NO_PROXY` list.
#[derive(Clone, Default, PartialEq, Eq)]
struct NoProxy {
    entries: Vec<String>,
}

impl NoProxy {
    fn parse(list: &str) -> Self {
        let entries = list
            .split(',')
            .map(|entry| entry.trim().to_ascii_lowercase())
            .filter(|entry| !entry.is_empty())
            .collect();
        Self { entries }
    }

    /// `host` as in a URL (IPv6 literals in brackets).
    fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
        let ip: Option<IpAddr> = bare.unwrap_or(&host).parse().ok();
        self.entries.iter().any(|entry| match ip {
            Some(ip) => entry == "*" || ip_matches(entry, ip),
            None => entry == "*" || domain_matches(entry, &host),
        })
    }
}

/// Link-local endpoints (the instance metadata service at 169.254.169.254, container
/// credentials at 169.254.170.2, and IMDS's IPv6 address fd00:ec2::254, which is not
/// link-local but just as much the instance's own) are this machine's own: through a proxy they would reach
/// the proxy's (and its credentials), so they are always reached directly.
fn is_link_local(host: &str) -> bool {
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    match bare.unwrap_or(host).parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_link_local(),
        Ok(IpAddr::V6(ip)) => {
            ip.segments()[0] & 0xffc0 == 0xfe80
                || ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
        }
        Err(_) => false,
    }
}

/// `example.com` and `.example.com` both match `example.com` and its subdomains (as curl),
/// never `badexample.com`.
fn domain_matches(entry: &str, host: &str) -> bool {
    let entry = entry
        .strip_prefix("*.")
        .or(entry.strip_prefix('.'))
        .unwrap_or(entry);
    let host = host.strip_suffix('.').unwrap_or(host);
    host == entry
        || host
            .strip_suffix(entry)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// An address (`10.1.2.3`, `::1`, `[::1]`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
fn ip_matches(entry: &str, ip: IpAddr) -> bool {
    let (address, prefix) = match entry.split_once('/') {
        Some((address, prefix)) => match prefix.parse::<u32>() {
            Ok(prefix) => (address, Some(prefix)),
            Err(_) => return false,
        },
        None => (entry, None),
    };
    let address = address
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(address);
    let Ok(network) = address.parse::<IpAddr>() else {
        return false;
    };
    let (network, ip, bits) = match (network, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => (u128::from(n.to_bits()), u128::from(i.to_bits()), 32),
        (IpAddr::V6(n), IpAddr::V6(i)) => (n.to_bits(), i.to_bits(), 128),
        _ => return false,
    };
    let prefix = prefix.unwrap_or(bits);
    if prefix > bits {
        return false;
    }
    // The top `prefix` bits of a `bits`-wide address; a zero prefix matches every address.
    let mask = match prefix {
        0 => 0,
        prefix => (u128::MAX << (128 - prefix)) >> (128 - bits),
    };
    network & mask == ip & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(tls: bool, host: &str) -> Origin {
        Origin {
            tls,
            host: host.to_owned(),
            port: 443,
        }
    }

    fn bypassed(list: &str, host: &str) -> bool {
        NoProxy::parse(list).matches(host)
    }

    #[test]
    fn no_proxy_matches_hosts_and_their_subdomains_only() {
        for list in [
            "example.com",
            ".example.com",
            "*.example.com",
            " other, EXAMPLE.com ",
        ] {
            assert!(bypassed(list, "example.com"), "{list}");
            assert!(bypassed(list, "s3.Example.com"), "{list}");
            assert!(bypassed(list, "a.b.example.com."), "{list}");
            assert!(!bypassed(list, "badexample.com"), "{list}");
            assert!(!bypassed(list, "example.com.evil"), "{list}");
        }
        assert!(!bypassed("", "example.com"));
    }

    #[test]
    fn no_proxy_matches_addresses_and_cidr_blocks() {
        assert!(bypassed("127.0.0.1", "127.0.0.1"));
        assert!(!bypassed("127.0.0.1", "127.0.0.2"));
        assert!(bypassed("10.0.0.0/8", "10.20.30.40"));
        assert!(!bypassed("10.0.0.0/8", "11.0.0.1"));
        assert!(bypassed("192.168.1.0/24", "192.168.1.255"));
        assert!(!bypassed("192.168.1.0/24", "192.168.2.1"));
        assert!(bypassed("0.0.0.0/0", "8.8.8.8"));
        assert!(bypassed("::1", "[::1]"));
        assert!(bypassed("[fd00::]/8", "[fd12::1]"));
        assert!(!bypassed("fd00::/8", "[fe80::1]"));
        assert!(!bypassed("10.0.0.0/8", "[::ffff:10.0.0.1]"));
        // Malformed entries match nothing rather than everything.
        assert!(!bypassed("10.0.0.0/33", "10.0.0.1"));
        assert!(!bypassed("10.0.0.0/x", "10.0.0.1"));
        // A host name is not an address, whatever its digits.
        assert!(!bypassed("10.0.0.0/8", "10.example.com"));
    }

    #[test]
    fn metadata_endpoints_are_never_proxied() {
        let config = ProxyConfig::new().all("http://proxy:3128").unwrap();
        for host in [
            "169.254.169.254",
            "169.254.170.2",
            "[fe80::1]",
            "[fd00:ec2::254]",
        ] {
            assert_eq!(config.route(&origin(false, host)), Ok(None), "{host}");
        }
        for host in ["10.0.0.1", "[fd00:ec2::255]", "169.253.0.1"] {
            assert!(
                config.route(&origin(false, host)).unwrap().is_some(),
                "{host}"
            );
        }
    }

    #[test]
    fn a_star_bypasses_every_host() {
        assert!(bypassed("*", "example.com"));
        assert!(bypassed("a, *", "10.0.0.1"));
        assert!(bypassed("*", "[::1]"));
    }

    #[test]
    fn each_scheme_takes_its_own_variable_uppercase_first() {
        let env = Env::from_vars([
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("http_proxy", "plain:8080"),
            ("no_proxy", "direct.example"),
        ]);
        let config = ProxyConfig::from_env(&env);
        let https = config.route(&origin(true, "a.example")).unwrap().unwrap();
        assert_eq!(https.address(), ("upper", 3128));
        let http = config.route(&origin(false, "a.example")).unwrap().unwrap();
        assert_eq!(http.address(), ("plain", 8080));
        assert_eq!(config.route(&origin(true, "direct.example")), Ok(None));
        let none = ProxyConfig::from_env(&Env::from_vars([("HTTP_PROXY", "http://p:1")]));
        assert_eq!(none.route(&origin(true, "a.example")), Ok(None));
    }

    #[test]
    fn credentials_become_a_sensitive_basic_header_and_stay_out_of_debug() {
        let config = ProxyConfig::new()
            .all("http://us%40er:p%3Ass@proxy.corp:8080")
            .unwrap();
        let proxy = config.route(&origin(true, "h")).unwrap().unwrap();
        let authorization = proxy.authorization.as_ref().unwrap();
        // base64("us@er:p:ss")
        assert_eq!(authorization, "Basic dXNAZXI6cDpzcw==");
        assert!(authorization.is_sensitive());
        assert_eq!(proxy.address(), ("proxy.corp", 8080));
        let debug = format!("{config:?}");
        assert!(debug.contains("proxy.corp:8080"), "{debug}");
        assert!(
            !debug.contains("p%3Ass") && !debug.contains("us%40er"),
            "{debug}"
        );
    }

    #[test]
    fn unusable_proxy_urls_are_errors_without_credentials() {
        for url in [
            "https://user:secret@proxy:443",
            "socks5://user:secret@proxy:1080",
            "http://user:secret@proxy:0",
            "http://user:secret@proxy:99999",
            "http://user:secret@",
            "http://user:%ff@proxy:1",
        ] {
            let error = ProxyConfig::new().https(url).unwrap_err();
            assert!(!error.to_string().contains("secret"), "{error}");
        }
        let env = Env::from_vars([("HTTPS_PROXY", "ftp://user:secret@proxy")]);
        let error = ProxyConfig::from_env(&env)
            .route(&origin(true, "h"))
            .unwrap_err();
        assert!(
            error.to_string().starts_with("HTTPS_PROXY is not"),
            "{error}"
        );
        assert!(!format!("{:?}", ProxyConfig::from_env(&env)).contains("secret"));
    }
}
