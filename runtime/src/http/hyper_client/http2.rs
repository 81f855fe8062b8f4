//! HTTP/2 for the requests that need it ([`HttpRequest::needs_http2`]: operations with an
//! input event stream): one connection per origin that every such request shares as a
//! stream of its own, opened again once it closes. h2 over TLS is chosen by ALPN; `http://`
//! endpoints (local servers, emulators) get HTTP/2 with prior knowledge. Each request body is
//! sent by a task of hyper's while the caller reads the response body: both ways at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use hyper::client::conn::http2;
use hyper::header::HOST;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio_rustls::TlsConnector;

use super::body::OutgoingBody;
use super::connect::{self, Transport};
use super::pool::Origin;
use super::{HyperClient, Outgoing, broken, current_runtime, streamed_response};
use crate::http::{
    BoxFuture, ByteStream, ConnectorError, ConnectorErrorKind, HttpRequest, HttpResponse,
};

type Sender = http2::SendRequest<OutgoingBody>;

/// The ALPN protocol ID of HTTP/2 over TLS.
const H2: &[u8] = b"h2";

/// The HTTP/2 connections of a client, one per origin.
#[derive(Default)]
pub(super) struct Connections {
    /// Each origin's connection behind a lock of its own, held while it is opened: requests
    /// made meanwhile wait for it rather than each opening one, and other origins do not wait.
    by_origin: Mutex<HashMap<Origin, Arc<tokio::sync::Mutex<Option<Connection>>>>>,
    /// Numbers the connections, so that one found closed is replaced only once.
    opened: AtomicU64,
    /// Offers `h2` only: a server that does not speak it cannot carry these requests anyway.
    tls: OnceLock<Result<TlsConnector, String>>,
}

/// One connection's sender, as handed to a request.
#[derive(Clone)]
struct Connection {
    id: u64,
    sender: Sender,
    /// Opened before this request asked for it.
    reused: bool,
}

impl Connections {
    fn slot(&self, origin: &Origin) -> Arc<tokio::sync::Mutex<Option<Connection>>> {
        // The map stays consistent even if a holder panicked: every update is one call.
        let mut by_origin = self
            .by_origin
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(by_origin.entry(origin.clone()).or_default())
    }
}

impl HyperClient {
    pub(super) fn send_http2(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        Box::pin(self.exchange_http2(request))
    }

    async fn exchange_http2(
        &self,
        request: HttpRequest,
    ) -> Result<HttpResponse<ByteStream>, ConnectorError> {
        current_runtime()?;
        let (origin, outgoing) = Outgoing::prepare(request)?;
        let request = outgoing.into_http2(&origin)?;
        let mut connection = self.http2_connection(&origin, None).await?;
        let response = match connection.sender.try_send_request(request).await {
            Ok(response) => response,
            Err(mut error) => match error.take_message() {
                // As for HTTP/1.1: a request handed back was not sent at all (the connection
                // closed as it was taken), so it goes out on a new connection.
                Some(unsent) if connection.reused => {
                    tracing::debug!(error = %error.error(), "HTTP/2 connection closed, reconnecting");
                    let mut fresh = self.http2_connection(&origin, Some(connection.id)).await?;
                    fresh.sender.send_request(unsent).await.map_err(broken)?
                }
                _ => return Err(broken(error.into_error())),
            },
        };
        Ok(streamed_response(response, None))
    }

    /// The origin's open connection, else a new one; `closed` names a connection just found
    /// closed, replaced even if hyper has not noticed yet.
    async fn http2_connection(
        &self,
        origin: &Origin,
        closed: Option<u64>,
    ) -> Result<Connection, ConnectorError> {
        let slot = self.inner.http2.slot(origin);
        let mut slot = slot.lock().await;
        if let Some(connection) = slot.as_ref() {
            if !connection.sender.is_closed() && Some(connection.id) != closed {
                return Ok(Connection {
                    reused: true,
                    ..connection.clone()
                });
            }
        }
        *slot = None;
        let proxy = self.proxy_for(origin)?;
        let opening = connect::open(origin, proxy, true, || self.http2_tls());
        let sender = self
            .within_connect_timeout(origin, async {
                let transport = opening.await?;
                if let Transport::Tls(stream) = &transport {
                    let chosen = stream.get_ref().1.alpn_protocol();
                    if chosen != Some(H2) {
                        return Err(not_negotiated(origin, chosen));
                    }
                }
                handshake(transport).await
            })
            .await?;
        let connection = Connection {
            id: self.inner.http2.opened.fetch_add(1, Ordering::Relaxed),
            sender,
            reused: false,
        };
        *slot = Some(connection.clone());
        Ok(connection)
    }

    fn http2_tls(&self) -> Result<TlsConnector, ConnectorError> {
        self.inner
            .http2
            .tls
            .get_or_init(|| connect::tls_connector(&self.inner.trust, H2))
            .clone()
            .map_err(|reason| ConnectorError::new(ConnectorErrorKind::Connect, reason))
    }
}

/// The server finished the TLS handshake without choosing h2 (`chosen` instead, if anything).
fn not_negotiated(origin: &Origin, chosen: Option<&[u8]>) -> ConnectorError {
    let chosen = match chosen {
        Some(protocol) => format!("it chose {:?}", String::from_utf8_lossy(protocol)),
        None => "it chose no protocol".to_owned(),
    };
    ConnectorError::new(
        ConnectorErrorKind::Unsupported,
        format!(
            "{}:{} did not negotiate HTTP/2 over TLS (ALPN h2: {chosen}), which this request \
             needs",
            origin.host, origin.port
        ),
    )
}

/// hyper's HTTP/2 handshake; the connection is then driven by a task of its own until the
/// server closes it or every [`Sender`] of it is dropped.
async fn handshake(transport: Transport) -> Result<Sender, ConnectorError> {
    let (sender, connection) = http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(transport))
        .await
        .map_err(|e| ConnectorError::new(ConnectorErrorKind::Connect, e))?;
    tokio::spawn(async move {
        // Its errors reach the requests in flight through their streams.
        if let Err(error) = connection.await {
            tracing::debug!(%error, "HTTP/2 connection closed with an error");
        }
    });
    Ok(sender)
}

impl Outgoing {
    /// HTTP/2 names the origin in `:scheme` and `:authority` rather than in a `Host` header,
    /// so the URL is absolute, its authority the `Host` header's value (the one signed).
    fn into_http2(
        mut self,
        origin: &Origin,
    ) -> Result<hyper::Request<OutgoingBody>, ConnectorError> {
        let unsendable =
            |reason: String| ConnectorError::new(ConnectorErrorKind::InvalidRequest, reason);
        let authority = match self.headers.remove(HOST) {
            Some(host) => host
                .to_str()
                .map_err(|_| unsendable("the Host header is not a valid authority".to_owned()))?
                .to_owned(),
            None => origin.host_header(),
        };
        let scheme = if origin.tls { "https" } else { "http" };
        self.target = format!("{scheme}://{authority}{}", self.target)
            .parse()
            .map_err(|e| unsendable(format!("invalid URL: {e}")))?;
        Ok(self.into_hyper())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_name_their_origin_in_the_url_not_in_host() {
        let request = HttpRequest {
            method: "POST".to_owned(),
            url: "https://transcribestreaming.us-east-1.amazonaws.com:8443/stream?a=1".to_owned(),
            needs_http2: true,
            ..HttpRequest::default()
        };
        let (origin, outgoing) = Outgoing::prepare(request).unwrap();
        let request = outgoing.into_http2(&origin).unwrap();
        assert_eq!(
            request.uri(),
            "https://transcribestreaming.us-east-1.amazonaws.com:8443/stream?a=1"
        );
        assert!(!request.headers().contains_key(HOST));
    }

    #[test]
    fn a_signed_host_header_becomes_the_authority() {
        let mut request = HttpRequest {
            method: "GET".to_owned(),
            url: "http://127.0.0.1:9/".to_owned(),
            ..HttpRequest::default()
        };
        request.headers.insert("Host", "signed.example");
        let (origin, outgoing) = Outgoing::prepare(request).unwrap();
        let request = outgoing.into_http2(&origin).unwrap();
        assert_eq!(request.uri(), "http://signed.example/");
    }

    #[test]
    fn a_server_choosing_another_protocol_is_unsupported() {
        let origin = Origin {
            tls: true,
            host: "h".to_owned(),
            port: 443,
        };
        let error = not_negotiated(&origin, Some(b"http/1.1"));
        assert_eq!(error.kind(), ConnectorErrorKind::Unsupported);
        assert_eq!(
            error.to_string(),
            "unsupported: h:443 did not negotiate HTTP/2 over TLS (ALPN h2: it chose \
             \"http/1.1\"), which this request needs"
        );
    }
}
