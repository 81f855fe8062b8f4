//! One GetWorkflow call through the generated crate, piece by piece: serialising the input,
//! resolving the endpoint, parsing the documented response, and the whole call (endpoint,
//! signing, retries bookkeeping, parsing) against an in-memory HTTP client, i.e. a call's
//! client CPU cost without sockets.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leansdk_customerprofiles::operation::get_workflow::GetWorkflowOutput;
use leansdk_customerprofiles::{Client, Config, Credentials, endpoint};
use leansdk_runtime::http::{
    BoxFuture, ByteStream, ConnectorError, Headers, HttpClient, HttpRequest, HttpResponse,
};

const RESPONSE: &str = include_str!("../data/get_workflow/response.json");
const WORKFLOW_ID: &str = "3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81";

fn documented_response() -> HttpResponse {
    let mut headers = Headers::new();
    headers.insert("content-type", "application/json");
    headers.insert("x-amzn-requestid", "bench-0000");
    HttpResponse {
        status: 200,
        headers,
        body: RESPONSE.as_bytes().to_vec(),
    }
}

/// Answers every request with the documented response.
#[derive(Debug)]
struct InMemory(HttpResponse);

impl HttpClient for InMemory {
    fn send(
        &self,
        _request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        let HttpResponse {
            status,
            headers,
            body,
        } = self.0.clone();
        Box::pin(std::future::ready(Ok(HttpResponse {
            status,
            headers,
            body: ByteStream::from(body),
        })))
    }
}

/// A client whose every call gets the documented response, without sockets.
fn in_memory_client() -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None, None))
        .http_client(InMemory(documented_response()))
        .build();
    Client::new(&config)
}

fn pieces(c: &mut Criterion) {
    // Built through the fluent builder, as users do, so the bench follows the input's shape.
    let input = in_memory_client()
        .get_workflow()
        .domain_name("bench domain")
        .workflow_id(WORKFLOW_ID)
        .as_input()
        .clone();
    let response = documented_response();
    let params = endpoint::Params {
        region: Some("us-east-1".to_owned()),
        ..endpoint::Params::default()
    };

    let mut group = c.benchmark_group("get_workflow");
    group.bench_function("serialise_request", |b| {
        b.iter(|| black_box(&input).to_request())
    });
    group.bench_function("resolve_endpoint", |b| {
        b.iter(|| endpoint::resolve(black_box(&params)))
    });
    group.bench_function("parse_response", |b| {
        b.iter(|| GetWorkflowOutput::from_response(black_box(&response)))
    });
    group.finish();
}

fn whole_call(c: &mut Criterion) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("skipping get_workflow/call_in_memory: no tokio runtime: {e}");
            return;
        }
    };
    let client = in_memory_client();
    let call = || async {
        client
            .get_workflow()
            .domain_name("bench-domain")
            .workflow_id(WORKFLOW_ID)
            .send()
            .await
    };
    // A failing call would time the error path.
    if let Err(e) = runtime.block_on(call()) {
        eprintln!("skipping get_workflow/call_in_memory: {e}");
        return;
    }
    c.bench_function("get_workflow/call_in_memory", |b| {
        b.iter(|| runtime.block_on(call()).is_ok())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = pieces, whole_call
}
criterion_main!(benches);
