//! Opening a connection: the origin of a URL, TCP (through a proxy's tunnel if need be), TLS,
//! and hyper's HTTP/1.1 handshake.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::Uri;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::runtime::Handle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, AlertDescription, pki_types::ServerName};

use super::pool::Origin;
use super::proxy::Proxy;
use super::trust::TrustConfig;
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
        // Read from the text: `Authority::port` is `None` for a port that is no `u16`, as
        // if there were none, which would send to port 80.
        let port = match authority.as_str()[authority.host().len()..].strip_prefix(':') {
            None => {
                if tls {
                    443
                } else {
                    80
                }
            }
            Some(port) => port
                .parse()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| unusable(format!("URL port {port:?} is not 1 to 65535")))?,
        };
        Ok(Self {
            tls,
            host: authority.host().to_owned(),
            port,
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
    ConnectorError::new(ConnectorErrorKind::InvalidRequest, reason)
}

/// TLS for `https`, then the HTTP/1.1 handshake (see [`open`]). The connection is driven by
/// a task of its own until every [`Sender`] of it is dropped. The caller bounds this with
/// the connect timeout.
///
/// Through a `proxy`, `https` runs TLS with the endpoint inside a `CONNECT` tunnel, `http`
/// sends its requests to the proxy in absolute form (see
/// [`Outgoing::through_proxy`](super::Outgoing::through_proxy)).
pub(super) async fn connect(
    origin: &Origin,
    proxy: Option<&Proxy>,
    runtime: &Handle,
    tls: impl FnOnce() -> Result<TlsConnector, ConnectorError>,
) -> Result<Sender, ConnectorError> {
    handshake(open(origin, proxy, false, tls).await?, runtime).await
}

/// A connection to an origin before any HTTP: TCP for `http`, TLS over it for `https`.
///
/// hyper's connection is generic over its I/O, so both kinds go to it as this one type:
/// hyper's HTTP/1.1 (and HTTP/2) connection code is compiled once, not once for TCP and once
/// for TLS, for the cost of a `match` per read or write.
// Not boxed: it is moved once, straight into a handshake, and a box would be one more
// allocation and indirection for every read and write of the connection.
#[allow(clippy::large_enum_variant)]
pub(super) enum Transport {
    Tcp(TcpStream),
    Tls(TlsStream<TcpStream>),
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Self::Tls(tls) => Pin::new(tls).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Self::Tls(tls) => Pin::new(tls).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Self::Tls(tls) => Pin::new(tls).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Tcp(tcp) => tcp.is_write_vectored(),
            Self::Tls(tls) => tls.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_flush(cx),
            Self::Tls(tls) => Pin::new(tls).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Self::Tls(tls) => Pin::new(tls).poll_shutdown(cx),
        }
    }
}

/// TCP (no Nagle delay: a request is written in one go and waits for its answer), then TLS
/// for `https` with the ALPN protocols `tls` offers. Through a `proxy`, TCP goes to the
/// proxy instead, and on through a `CONNECT` tunnel to the endpoint: always for `https`, for
/// `http` when `tunnel_http` (HTTP/2, which a proxy cannot forward as it forwards HTTP/1.1).
pub(super) async fn open(
    origin: &Origin,
    proxy: Option<&Proxy>,
    tunnel_http: bool,
    tls: impl FnOnce() -> Result<TlsConnector, ConnectorError>,
) -> Result<Transport, ConnectorError> {
    let failed = |error: io::Error| {
        let context = format!("{}:{}: {error}", origin.host, origin.port);
        ConnectorError::new(
            ConnectorErrorKind::Connect,
            io::Error::new(error.kind(), context),
        )
    };
    // Before any connection: a CA bundle that cannot be read fails without network.
    let tls = match origin.tls {
        true => Some(tls()?),
        false => None,
    };
    let tcp = match proxy {
        None => tcp(origin.bare_host(), origin.port).await.map_err(failed)?,
        Some(proxy) => {
            let (host, port) = proxy.address();
            let tcp = tcp(host, port).await.map_err(|error| {
                let context = format!("proxy {host}:{port}: {error}");
                ConnectorError::new(
                    ConnectorErrorKind::Connect,
                    io::Error::new(error.kind(), context),
                )
            })?;
            if origin.tls || tunnel_http {
                open_tunnel(&tcp, origin, proxy).await?;
            }
            tcp
        }
    };
    let Some(tls) = tls else {
        return Ok(Transport::Tcp(tcp));
    };
    let server_name = ServerName::try_from(origin.bare_host().to_owned()).map_err(|e| {
        unusable(format!(
            "{:?} is not a valid TLS server name: {e}",
            origin.host
        ))
    })?;
    match tls.connect(server_name, tcp).await {
        Ok(stream) => Ok(Transport::Tls(stream)),
        Err(error) if refuses_alpn(&error) => {
            let offered: Vec<_> = tls
                .config()
                .alpn_protocols
                .iter()
                .map(|protocol| String::from_utf8_lossy(protocol))
                .collect();
            Err(ConnectorError::new(
                ConnectorErrorKind::Unsupported,
                format!(
                    "{}:{} speaks none of the protocols offered by TLS ALPN ({})",
                    origin.host,
                    origin.port,
                    offered.join(", ")
                ),
            ))
        }
        Err(error) => Err(failed(error)),
    }
}

/// The server ended the TLS handshake because it speaks none of the protocols ALPN offered
/// (a server of HTTP/1.1 only, asked for h2).
fn refuses_alpn(error: &io::Error) -> bool {
    let alert = error
        .get_ref()
        .and_then(|error| error.downcast_ref::<rustls::Error>());
    matches!(
        alert,
        Some(rustls::Error::AlertReceived(
            AlertDescription::NoApplicationProtocol
        ))
    )
}

async fn tcp(host: &str, port: u16) -> io::Result<TcpStream> {
    let tcp = TcpStream::connect((host, port)).await?;
    tcp.set_nodelay(true)?;
    Ok(tcp)
}

/// The longest `CONNECT` answer head read: proxies answer a status line and a few headers.
const MAX_TUNNEL_RESPONSE: usize = 8 * 1024;

/// Asks the proxy for a tunnel to `origin` and reads its answer head; anything but `2xx`
/// is a connect error quoting the status line (never the credentials sent).
async fn open_tunnel(
    tcp: &TcpStream,
    origin: &Origin,
    proxy: &Proxy,
) -> Result<(), ConnectorError> {
    let refused = |reason: String| {
        ConnectorError::new(
            ConnectorErrorKind::Connect,
            format!("proxy {}:{}: {reason}", proxy.host, proxy.port),
        )
    };
    let target = format!("{}:{}", origin.host, origin.port);
    let mut head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n").into_bytes();
    if let Some(authorization) = &proxy.authorization {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(authorization.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    write_all(tcp, &head)
        .await
        .map_err(|e| refused(format!("cannot send CONNECT: {e}")))?;
    // Byte by byte up to the blank line: what follows it is the endpoint's TLS, which must
    // stay in the socket for rustls.
    let mut answer = Vec::with_capacity(128);
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() == MAX_TUNNEL_RESPONSE {
            return Err(refused("its answer to CONNECT is too long".to_owned()));
        }
        match read_byte(tcp).await {
            Ok(byte) => answer.push(byte),
            Err(e) => return Err(refused(format!("no answer to CONNECT: {e}"))),
        }
    }
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or_default();
    let status = status_line.split(' ').nth(1).unwrap_or_default();
    match status.len() == 3 && status.starts_with('2') {
        true => Ok(()),
        false => Err(refused(format!(
            "CONNECT to {target} refused: {}",
            status_line.escape_debug()
        ))),
    }
}

// Written on tokio's readiness API: its `AsyncReadExt` helpers would need the `io-util`
// feature, compiled into every user's build for these two functions.
async fn write_all(tcp: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        tcp.writable().await?;
        match tcp.try_write(bytes) {
            Ok(written) => bytes = &bytes[written..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

async fn read_byte(tcp: &TcpStream) -> io::Result<u8> {
    let mut byte = [0];
    loop {
        tcp.readable().await?;
        match tcp.try_read(&mut byte) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(_) => return Ok(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
}

async fn handshake(transport: Transport, runtime: &Handle) -> Result<Sender, ConnectorError> {
    let (sender, connection) = http1::handshake(TokioIo::new(transport))
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
/// SDK connects; Mozilla's roots and those `trust` adds; `alpn` (`http/1.1`, `h2`) announced.
pub(super) fn tls_connector(trust: &TrustConfig, alpn: &[u8]) -> Result<TlsConnector, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = trust.root_store()?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
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
    fn unusable_urls_are_invalid_requests() {
        for url in [
            "ftp://host/",
            "/relative/path",
            "https://user:secret@host/",
            "http://h:99999/",
            "http://h:0/",
        ] {
            let error = origin(url).unwrap_err();
            assert_eq!(error.kind(), ConnectorErrorKind::InvalidRequest, "{url}");
            assert!(!error.to_string().contains("secret"), "{error}");
        }
    }

    #[test]
    fn the_tls_configuration_builds() {
        let connector = tls_connector(&TrustConfig::default(), b"http/1.1").unwrap();
        assert_eq!(connector.config().alpn_protocols, [b"http/1.1"]);
    }
}
