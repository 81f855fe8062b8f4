//! The floor under both SDKs: the request leansdk sends for GetWorkflow, byte for byte the
//! same headers with the signature computed once in advance, sent by bare hyper
//! (`client::conn::http1`) over one keep-alive connection per caller; the response's status
//! is checked and its body read whole and searched for the `WorkflowId`, but not parsed.
//! What an SDK spends above this is its own work: building and signing the request,
//! endpoint resolution, retries, parsing, its pool.
//!
//! The bench server checks no signature, so the precomputed `authorization` header (captured
//! from leansdk, same length as every SigV4 header for this request) serves for any port.

use bench_harness::{Args, Caller};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::HeaderValue;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The `WorkflowId` member of the fixture the bench server answers with.
const WORKFLOW_ID_MEMBER: &[u8] = br#""WorkflowId": "3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81""#;
const PATH: &str = "/domains/bench-domain/workflows/3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81";
/// leansdk's headers for this request other than `host`, in its order.
const HEADERS: [(&str, &str); 6] = [
    ("user-agent", "leansdk-rust/0.1.0 os/linux lang/rust"),
    (
        "x-amz-user-agent",
        "leansdk-rust/0.1.0 api/customerprofiles/0.1.0 os/linux lang/rust",
    ),
    (
        "amz-sdk-invocation-id",
        "7e7d6a72-a689-4967-b143-e4ee4be88452",
    ),
    ("x-amz-date", "20261202T040717Z"),
    (
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/profile/aws4_request, \
         SignedHeaders=amz-sdk-invocation-id;host;x-amz-date;x-amz-user-agent, \
         Signature=e54a3218abc4cd64d66cdcfda441d4279243666f493d8b6ecf7100706b2dca4b",
    ),
    ("amz-sdk-request", "attempt=1; max=3"),
];

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::from_env_or_exit();
    let Some(authority) = args.endpoint.strip_prefix("http://").map(str::to_owned) else {
        eprintln!("bench-floor speaks plain HTTP only: --endpoint http://HOST:PORT");
        std::process::exit(2);
    };
    let host = HeaderValue::from_str(&authority).unwrap_or_else(|_| {
        eprintln!("not a host: {authority:?}");
        std::process::exit(2);
    });
    bench_harness::run(&args, || Floor {
        authority: authority.clone(),
        host: host.clone(),
        connection: None,
    })
    .await;
}

/// One keep-alive connection, opened on the first call and again if the server closes it.
struct Floor {
    authority: String,
    host: HeaderValue,
    connection: Option<SendRequest<Empty<Bytes>>>,
}

impl Floor {
    async fn connect(&self) -> Result<SendRequest<Empty<Bytes>>, String> {
        let stream = TcpStream::connect(&self.authority)
            .await
            .map_err(|e| format!("connect to {}: {e}", self.authority))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        // Ends when the connection closes; a broken one shows up as the next call's error.
        tokio::spawn(connection);
        Ok(sender)
    }
}

impl Caller for Floor {
    async fn call(&mut self) -> Result<(), String> {
        let sender = match self.connection.take() {
            Some(sender) if !sender.is_closed() => sender,
            _ => self.connect().await?,
        };
        let sender = self.connection.insert(sender);
        sender.ready().await.map_err(|e| e.to_string())?;
        let mut request = Request::get(PATH)
            .body(Empty::new())
            .map_err(|e| e.to_string())?;
        let headers = request.headers_mut();
        headers.insert("host", self.host.clone());
        for (name, value) in HEADERS {
            headers.insert(name, HeaderValue::from_static(value));
        }
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        if response.status() != StatusCode::OK {
            return Err(format!("status {}", response.status()));
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        if body
            .windows(WORKFLOW_ID_MEMBER.len())
            .any(|window| window == WORKFLOW_ID_MEMBER)
        {
            Ok(())
        } else {
            Err("the response has no WorkflowId".to_owned())
        }
    }
}
