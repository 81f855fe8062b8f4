//! Opening a connection: the origin of a URL, TCP, TLS, and hyper's HTTP/1.1 handshake.

use std::io;
use std::sync::Arc;

use hyper::Uri;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::runtime::Handle;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, pki_types::ServerName};

use super::pool::Origin;
use crate::http::{ConnectorError, ConnectorErrorKind};

pub(super) type Sender = SendRequest<super::body::OutgoingBody>;

impl Origin {
    /// The origin of an absolute `http://` or `https://` URL.
    pub(super) fn of(uri: &Uri) -> Result<Self, ConnectorError> {
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            Some(other) => {
                return Err(unusable(format!("URL scheme {other} is not http or https")));
            }
            None => return Err(unusable("URL is not absolute".to_owned())),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| unusable("URL has no host".to_owned()))?;
        if authority.as_str().contains('@') {
            // Never sent anyway; refusing keeps credentials in URLs from being used silently.
            return Err(unusable("URL carries user information".to_owned()));
        }
        Ok(Self {
            tls,
            host: authority.host().to_owned(),
            port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
        })
    }

    /// The `Host` header: the port only when it is not the scheme's default, as the signer
    /// (`sigv4`) computes the host it signs.
    pub(super) fn host_header(&self) -> String {
        let default_port = if self.tls { 443 } else { 80 };
        if self.port == default_port {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The host to resolve and to verify the certificate against: IPv6 literals unbracketed.
    fn bare_host(&self) -> &str {
        self.host
            .strip_prefix('[')
            .and_then(|host| host.strip_suffix(']'))
            .unwrap_or(&self.host)
    }
}

fn unusable(reason: String) -> ConnectorError {
    ConnectorError::new(ConnectorErrorKind::Connect, reason)
}

/// TCP (no Nagle delay: a request is written in one go and waits for its answer), then TLS
/// for `https`, then the HTTP/1.1 handshake. The connection is driven by a task of its own
/// until every [`Sender`] of it is dropped. The caller bounds this with the connect timeout.
pub(super) async fn connect(
    origin: &Origin,
    runtime: &Handle,
    tls: impl FnOnce() -> Result<TlsConnector, ConnectorError>,
) -> Result<Sender, ConnectorError> {
    let failed = |error: io::Error| {
        let context = format!("{}:{}: {error}", origin.host, origin.port);
        ConnectorError::new(
            ConnectorErrorKind::Connect,
            io::Error::new(error.kind(), context),
        )
    };
    let tcp = TcpStream::connect((origin.bare_host(), origin.port))
        .await
        .map_err(failed)?;
    tcp.set_nodelay(true).map_err(failed)?;
    if !origin.tls {
        return handshake(tcp, runtime).await;
    }
    let server_name = ServerName::try_from(origin.bare_host().to_owned()).map_err(|e| {
        unusable(format!(
            "{:?} is not a valid TLS server name: {e}",
            origin.host
        ))
    })?;
    let stream = tls()?.connect(server_name, tcp).await.map_err(failed)?;
    handshake(stream, runtime).await
}

async fn handshake<S>(stream: S, runtime: &Handle) -> Result<Sender, ConnectorError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| ConnectorError::new(ConnectorErrorKind::Connect, e))?;
    runtime.spawn(async move {
        // Its errors reach the request that was in flight through the sender.
        if let Err(error) = connection.await {
            tracing::debug!(%error, "connection closed with an error");
        }
    });
    Ok(sender)
}

/// rustls with the ring provider selected here rather than through a process-wide default,
/// so that an application installing another provider for its own use cannot change how this
/// SDK connects; Mozilla's roots; HTTP/1.1 announced by ALPN.
pub(super) fn tls_connector() -> Result<TlsConnector, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> Result<Origin, ConnectorError> {
        Origin::of(&url.parse::<Uri>().expect("test URL parses"))
    }

    #[test]
    fn default_ports_follow_the_scheme_and_are_left_out_of_host() {
        let https = origin("https://profile.us-east-1.amazonaws.com/x?y=1").unwrap();
        assert_eq!(
            https,
            Origin {
                tls: true,
                host: "profile.us-east-1.amazonaws.com".to_owned(),
                port: 443
            }
        );
        assert_eq!(https.host_header(), "profile.us-east-1.amazonaws.com");
        let http = origin("http://localhost/").unwrap();
        assert_eq!((http.tls, http.port), (false, 80));
        assert_eq!(origin("https://h:443/").unwrap().host_header(), "h");
    }

    #[test]
    fn explicit_ports_are_kept_in_host() {
        let local = origin("http://127.0.0.1:8080/workflows").unwrap();
        assert_eq!(local.port, 8080);
        assert_eq!(local.host_header(), "127.0.0.1:8080");
        assert_eq!(origin("https://h:80/").unwrap().host_header(), "h:80");
    }

    #[test]
    fn ipv6_literals_keep_brackets_in_host_only() {
        let v6 = origin("http://[::1]:9000/").unwrap();
        assert_eq!(v6.host_header(), "[::1]:9000");
        assert_eq!(v6.bare_host(), "::1");
    }

    #[test]
    fn unusable_urls_are_connect_errors() {
        for url in ["ftp://host/", "/relative/path", "https://user:secret@host/"] {
            let error = origin(url).unwrap_err();
            assert_eq!(error.kind(), ConnectorErrorKind::Connect, "{url}");
            assert!(!error.to_string().contains("secret"), "{error}");
        }
    }

    #[test]
    fn the_tls_configuration_builds() {
        tls_connector().unwrap();
    }
}
