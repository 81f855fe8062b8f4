//! A local HTTP/1.1 server for the side-by-side benchmarks: it answers every
//! `GET /domains/{DomainName}/workflows/{WorkflowId}` with the documented GetWorkflow response
//! and anything else with a restJson1 `404`, over keep-alive connections.
//!
//! Usage: `bench-server [PORT]` (default: a free port). The first line on stdout is the URL to
//! pass to the clients; the server runs until it is killed.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The same fixture the end-to-end tests use, so both SDKs parse every documented member.
const GET_WORKFLOW_RESPONSE: &str = include_str!("../../../tests/data/get_workflow/response.json");
const NOT_FOUND: &str = r#"{"Message":"bench-server answers GetWorkflow only"}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("bench-server: {error}");
        std::process::exit(1);
    }
}

async fn run() -> std::io::Result<()> {
    let port = match std::env::args().nth(1) {
        Some(port) => port.parse().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("not a port: {port}"),
            )
        })?,
        None => 0,
    };
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    loop {
        let (stream, _) = listener.accept().await?;
        // Without it, Nagle's algorithm holds small responses back and every call waits ~40 ms.
        stream.set_nodelay(true)?;
        tokio::spawn(async move {
            // A client closing its connection at exit is normal.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(respond))
                .await;
        });
    }
}

async fn respond(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, body, error_type) = if is_get_workflow(request.method(), request.uri().path()) {
        (StatusCode::OK, GET_WORKFLOW_RESPONSE, None)
    } else {
        (
            StatusCode::NOT_FOUND,
            NOT_FOUND,
            Some("ResourceNotFoundException"),
        )
    };
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert(
        "x-amzn-requestid",
        HeaderValue::from_static("bench-0000-0000-0000-000000000000"),
    );
    if let Some(error_type) = error_type {
        headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    }
    Ok(response)
}

fn is_get_workflow(method: &hyper::Method, path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    method == hyper::Method::GET
        && matches!(segments.as_slice(), ["", "domains", domain, "workflows", workflow]
            if !domain.is_empty() && !workflow.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_get_workflow_only() {
        let get = hyper::Method::GET;
        assert!(is_get_workflow(&get, "/domains/d/workflows/w"));
        assert!(!is_get_workflow(
            &hyper::Method::POST,
            "/domains/d/workflows/w"
        ));
        assert!(!is_get_workflow(&get, "/domains//workflows/w"));
        assert!(!is_get_workflow(&get, "/domains/d/workflows/w/steps"));
        assert!(!is_get_workflow(&get, "/"));
    }

    #[test]
    fn fixture_is_json_with_the_workflow_id_the_programs_check() {
        assert!(
            GET_WORKFLOW_RESPONSE.contains(r#""WorkflowId": "3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81""#)
        );
    }
}
