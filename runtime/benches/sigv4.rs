//! SigV4 signing of a GetWorkflow-shaped GET and of a POST with a 1 KiB JSON body (the body
//! is hashed, so its size shows in the time).

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::auth::sigv4::{self, SigningParams, SigningSettings};
use leansdk_runtime::http::{Headers, HttpRequest};

fn request(method: &str, path: &str, body: Vec<u8>) -> HttpRequest {
    let mut headers = Headers::new();
    headers.insert("content-type", "application/json");
    headers.insert("user-agent", "leansdk-bench");
    HttpRequest {
        method: method.to_owned(),
        url: format!("https://profile.us-east-1.amazonaws.com{path}"),
        headers,
        body: body.into(),
        ..HttpRequest::default()
    }
}

fn signing(c: &mut Criterion) {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token".to_owned()),
        None,
    );
    let params = SigningParams {
        credentials: &credentials,
        region: "us-east-1",
        service: "profile",
        time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        settings: SigningSettings::default(),
    };
    let get = request(
        "GET",
        "/domains/bench-domain/workflows/3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81?max-results=5",
        Vec::new(),
    );
    let post = request("POST", "/domains/bench-domain/profiles", vec![b'x'; 1024]);

    let mut group = c.benchmark_group("sigv4");
    for (name, unsigned) in [("get_workflow", &get), ("post_1KiB", &post)] {
        group.bench_function(name, |b| {
            b.iter_batched_ref(
                || unsigned.clone(),
                |request| sigv4::sign(black_box(request), &params),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = signing
}
criterion_main!(benches);
