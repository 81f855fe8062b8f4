//! S3 as its users meet it, against the local server: buckets addressed by the endpoint
//! rules (path style on IP addresses and when forced, virtual hosts otherwise), S3's
//! signing (the payload hash in `x-amz-content-sha256`, `UNSIGNED-PAYLOAD` for streamed
//! uploads, keys encoded once), uploads from memory, files and readers (and which of them
//! a retry can resend), downloads that stream, and S3's errors: a HEAD 404 without a body,
//! a 200 that carries an `<Error>`, SigV4a endpoints refused before sending.
//!
//! Why a model of our own: `cargo test` must pass without `../shared`, and the official
//! S3 model must never be copied into the repository. `models/s3_subset.json` declares five
//! object operations with the official shapes' traits (labels, `smithy.rules#contextParam`,
//! the streaming payloads, prefix headers, `noErrorWrapping`) under S3's service shape ID, so
//! the generator applies its S3 customizations, and a small rule set of ours that addresses
//! buckets as S3's does. `cargo xtask conformance` compiles the whole official model, and
//! `cargo xtask e2e` runs an S3 client generated from it against moto.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leansdk_runtime::ByteStream;
use leansdk_runtime::DateTime;
use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::auth::sigv4::SigningSettings;
use leansdk_runtime::config::ConfigBuilder;
use leansdk_runtime::config::integrity::RequestChecksumCalculation;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_runtime::error::{BuildError, ProvideErrorMetadata, SdkError};
use leansdk_runtime::event_stream::{FrameError, HeaderValue, Message, RecvError};
use leansdk_runtime::http::{
    BoxFuture, ConnectorError, Headers, HttpClient, HttpRequest, HttpResponse,
};
use leansdk_s3::Client;
use leansdk_s3::operation::head_object::HeadObjectError;
use leansdk_s3::types::{
    CsvInput, CsvOutput, ExpressionType, FileHeaderInfo, InputSerialization, OutputSerialization,
    SelectObjectContentEventStream,
};
use leansdk_tests::config::{ACCESS_KEY, SECRET};
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};
use leansdk_tests::signing;
use tokio::io::AsyncReadExt;
use tokio::sync::Notify;

const BUCKET: &str = "my-bucket";

/// What the configuration signs with, to sign a recorded request again.
fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, None, None)
}

/// Sends to `endpoint`, retrying server errors with no delay worth waiting for. Checksums
/// only when required: these tests are about S3's signing and bodies as such (with the
/// default, uploads from files and readers carry a CRC32 trailer: `integrity.rs`).
fn config(endpoint: &str) -> ConfigBuilder {
    leansdk_tests::config::local(endpoint)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(2)
                .with_max_backoff(Duration::from_millis(1)),
        )
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
}

fn client(server: &TestServer) -> Client {
    Client::new(&config(&server.url()).build())
}

/// The `Authorization` the runtime computes for the recorded request, signed as S3 is
/// (no double encoding or normalisation, the payload hash it announced).
fn signature_recomputed(server: &TestServer, request: &RecordedRequest) -> String {
    signing::recomputed_authorization(
        request,
        &server.url(),
        &signing::Scope {
            credentials: &credentials(),
            region: "us-east-1",
            service: "s3",
            settings: SigningSettings {
                double_uri_encode: false,
                normalize_path: false,
                payload_header: true,
            },
        },
    )
}

/// A file under the system's temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn with(name: &str, content: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("leansdk-s3-{}-{name}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Bytes that differ from position to position, so that a misplaced chunk shows.
fn content(length: usize) -> Vec<u8> {
    (0..length).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_file_upload_streams_unsigned_with_its_length_metadata_and_an_encoded_key() {
    let server = TestServer::start(vec![Reply::status(200).header("ETag", "\"e1\"")]).await;
    let data = content(3 * 1024 * 1024 + 17);
    let file = TempFile::with("upload.bin", &data);

    let output = client(&server)
        .put_object()
        .bucket(BUCKET)
        .key("dir/a b+c/../ü.txt")
        .body(ByteStream::from_path(&file.0).await.unwrap())
        .content_type("application/octet-stream")
        .metadata(BTreeMap::from([("owner".to_owned(), "team a".to_owned())]))
        .send()
        .await
        .unwrap();

    assert_eq!(output.e_tag.as_deref(), Some("\"e1\""));
    let request = &server.requests()[0];
    assert_eq!(request.method, "PUT");
    // Path style (the endpoint is an IP address); the key encoded once, `..` kept.
    assert_eq!(
        request.path,
        "/my-bucket/dir/a%20b%2Bc/../%C3%BC.txt?x-id=PutObject"
    );
    assert_eq!(request.body, data);
    assert_eq!(
        request.header("content-length"),
        Some(data.len().to_string().as_str())
    );
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(request.header("x-amz-meta-owner"), Some("team a"));
    let authorization = request.header("authorization").unwrap();
    assert!(
        authorization.contains("/us-east-1/s3/aws4_request")
            && authorization.contains("x-amz-content-sha256"),
        "{authorization}"
    );
    assert_eq!(signature_recomputed(&server, request), authorization);
}

#[tokio::test]
async fn an_upload_from_memory_is_signed_with_its_hash() {
    let server = TestServer::start(vec![Reply::status(200)]).await;
    client(&server)
        .put_object()
        .bucket(BUCKET)
        .key("small.txt")
        .body("hello")
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.body, b"hello");
    assert_eq!(
        request.header("x-amz-content-sha256"),
        // SHA-256 of "hello".
        Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    );
    assert_eq!(
        signature_recomputed(&server, request),
        request.header("authorization").unwrap()
    );
}

#[tokio::test]
async fn a_failed_file_upload_is_retried_with_the_whole_file() {
    let server = TestServer::start(vec![
        Reply::status(500).body("<Error><Code>InternalError</Code></Error>"),
        Reply::status(200),
    ])
    .await;
    let data = content(200_000);
    let file = TempFile::with("retried.bin", &data);
    client(&server)
        .put_object()
        .bucket(BUCKET)
        .key("k")
        .body(ByteStream::from_path(&file.0).await.unwrap())
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.body == data));
}

#[tokio::test]
async fn a_reader_upload_that_fails_is_not_resent() {
    let server = TestServer::start(vec![
        Reply::status(500)
            .body("<Error><Code>InternalError</Code><Message>try again</Message></Error>"),
        Reply::status(200),
    ])
    .await;
    let data = content(100_000);
    let error = client(&server)
        .put_object()
        .bucket(BUCKET)
        .key("k")
        .body(ByteStream::from_reader(
            std::io::Cursor::new(data.clone()),
            100_000,
        ))
        .send()
        .await
        .unwrap_err();
    let SdkError::Service(error) = error else {
        panic!("expected the service's error, got {error:?}");
    };
    assert_eq!(error.err().meta().code(), Some("InternalError"));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "a stream already read cannot be sent again"
    );
    assert_eq!(requests[0].body, data);
}

#[tokio::test]
async fn a_reader_shorter_than_its_length_fails_the_request() {
    let server = TestServer::start(vec![Reply::status(200)]).await;
    let error = client(&server)
        .put_object()
        .bucket(BUCKET)
        .key("k")
        .body(ByteStream::from_reader(&b"only this"[..], 100))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::Dispatch(_)), "{error:?}");
    // The server never got a whole request to answer.
    assert!(server.requests().iter().all(|r| r.body.len() == 100));
}

#[tokio::test]
async fn a_download_streams_while_the_server_still_sends() {
    let gate = Arc::new(Notify::new());
    let first = content(1024 * 1024);
    let rest = vec![7u8; 512 * 1024];
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("ETag", "\"e2\"")
            .header("Content-Type", "image/png")
            .header("x-amz-meta-owner", "team a")
            .gated_body(first.clone(), rest.clone(), Arc::clone(&gate)),
    ])
    .await;

    // Bounded only so that a client that buffers fails instead of hanging the suite.
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        client(&server)
            .get_object()
            .bucket(BUCKET)
            .key("big.png")
            .send(),
    )
    .await
    .expect("the output arrives before the whole body")
    .unwrap();

    assert_eq!(
        output.content_length,
        Some((first.len() + rest.len()) as i64)
    );
    assert_eq!(output.e_tag.as_deref(), Some("\"e2\""));
    assert_eq!(output.content_type.as_deref(), Some("image/png"));
    assert_eq!(
        output.metadata,
        Some(BTreeMap::from([("owner".to_owned(), "team a".to_owned())]))
    );
    let mut body = output.body;
    let mut head = vec![0; first.len()];
    body.read_exact(&mut head).await.unwrap();
    assert_eq!(head, first, "read while the server holds the rest");
    gate.notify_one();
    let tail = body.collect().await.unwrap();
    assert_eq!(tail, rest);
    assert_eq!(
        server.requests()[0].path,
        "/my-bucket/big.png?x-id=GetObject"
    );
}

#[tokio::test]
async fn a_download_is_a_reader_for_tokio_io() {
    let data = content(300_000);
    let server = TestServer::start(vec![Reply::status(200).body(data.clone())]).await;
    let output = client(&server)
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .unwrap();
    let mut copied = Vec::new();
    let mut body = output.body;
    let copied_len = tokio::io::copy(&mut body, &mut copied).await.unwrap();
    assert_eq!(copied_len, data.len() as u64);
    assert_eq!(copied, data);
}

#[tokio::test]
async fn a_missing_key_is_the_modelled_error_with_its_body_read() {
    let server = TestServer::start(vec![
        Reply::status(404)
            .header("Content-Type", "application/xml")
            .header("x-amz-request-id", "req-404")
            .body("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key></Error>"),
    ])
    .await;
    let error = client(&server)
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .unwrap_err();
    let error = error.into_service_error().expect("a service error");
    assert!(error.is_no_such_key(), "{error:?}");
    assert_eq!(
        error.meta().message(),
        Some("The specified key does not exist.")
    );
    assert_eq!(error.meta().request_id(), Some("req-404"));
}

#[tokio::test]
async fn head_of_a_missing_object_is_not_found_without_a_body() {
    let server = TestServer::start(vec![
        Reply::status(404).header("x-amz-request-id", "req-head"),
        Reply::status(200)
            .header("Content-Length", "42")
            .header("ETag", "\"e3\"")
            .header("x-amz-meta-a", "1"),
    ])
    .await;
    let client = client(&server);
    let error = client
        .head_object()
        .bucket(BUCKET)
        .key("gone")
        .send()
        .await
        .unwrap_err()
        .into_service_error()
        .expect("a service error");
    assert!(matches!(error, HeadObjectError::NotFound(_)), "{error:?}");
    assert_eq!(error.meta().code(), Some("NotFound"));
    assert_eq!(error.meta().request_id(), Some("req-head"));

    let output = client
        .head_object()
        .bucket(BUCKET)
        .key("there")
        .send()
        .await
        .unwrap();
    assert_eq!(output.content_length, Some(42));
    assert_eq!(output.e_tag.as_deref(), Some("\"e3\""));
    assert_eq!(
        output.metadata,
        Some(BTreeMap::from([("a".to_owned(), "1".to_owned())]))
    );
    let requests = server.requests();
    assert_eq!(requests[1].method, "HEAD");
    assert_eq!(requests[1].path, "/my-bucket/there");
}

#[tokio::test]
async fn a_200_carrying_an_error_is_an_error() {
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("Content-Type", "application/xml")
            .body("<?xml version=\"1.0\"?>\n<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"),
        Reply::status(200).body(
            "<CopyObjectResult><ETag>\"copied\"</ETag><LastModified>2026-12-01T10:00:00.000Z</LastModified></CopyObjectResult>",
        ),
    ])
    .await;
    let output = client(&server)
        .copy_object()
        .bucket(BUCKET)
        .key("copy")
        .copy_source("my-bucket/original")
        .send()
        .await
        .unwrap();
    // SlowDown is retryable: the first answer was retried, and the copy's result read.
    let result = output.copy_object_result.expect("the payload");
    assert_eq!(result.e_tag.as_deref(), Some("\"copied\""));
    assert_eq!(
        result.last_modified,
        Some(DateTime::parse_rfc3339("2026-12-01T10:00:00Z").unwrap())
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("x-amz-copy-source"),
        Some("my-bucket/original")
    );

    let server =
        TestServer::start(vec![Reply::status(200).body(
            "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        )])
        .await;
    let error = client(&server)
        .copy_object()
        .bucket(BUCKET)
        .key("copy")
        .copy_source("my-bucket/original")
        .send()
        .await
        .unwrap_err()
        .into_service_error()
        .expect("a service error");
    assert_eq!(error.meta().code(), Some("AccessDenied"));
    assert_eq!(error.meta().message(), Some("Access Denied"));
}

#[tokio::test]
async fn listing_with_a_prefix_pages_through_continuation_tokens() {
    let page = |keys: &[&str], next: Option<&str>| {
        let contents: String = keys
            .iter()
            .map(|k| format!("<Contents><Key>{k}</Key><Size>3</Size><ETag>\"x\"</ETag></Contents>"))
            .collect();
        let next = next.map_or(String::new(), |t| {
            format!("<NextContinuationToken>{t}</NextContinuationToken>")
        });
        Reply::status(200).body(format!(
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Prefix>logs/</Prefix>\
             <KeyCount>{}</KeyCount><IsTruncated>{}</IsTruncated>{contents}{next}</ListBucketResult>",
            keys.len(),
            !next.is_empty()
        ))
    };
    let server = TestServer::start(vec![
        page(&["logs/a", "logs/b"], Some("token 1")),
        page(&["logs/c"], None),
    ])
    .await;
    let mut items = client(&server)
        .list_objects_v2()
        .bucket(BUCKET)
        .prefix("logs/")
        .into_paginator()
        .page_size(2)
        .items();
    let mut keys = Vec::new();
    while let Some(object) = items.next_item().await {
        keys.push(object.unwrap().key.unwrap());
    }
    assert_eq!(keys, ["logs/a", "logs/b", "logs/c"]);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/my-bucket/?list-type=2&prefix=logs%2F&max-keys=2",
            "/my-bucket/?list-type=2&prefix=logs%2F&continuation-token=token%201&max-keys=2",
        ]
    );
}

/// Records each request's URL and answers 200 without a network: addressing by host name
/// needs no DNS this way.
#[derive(Debug, Default)]
struct RecordUrls(Mutex<Vec<String>>);

#[derive(Debug, Clone, Default)]
struct SharedRecorder(Arc<RecordUrls>);

impl HttpClient for SharedRecorder {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        let host = request.headers.get("host").unwrap_or_default().to_owned();
        self.0
            .0
            .lock()
            .unwrap()
            .push(format!("{host} {}", request.url));
        Box::pin(std::future::ready(Ok(HttpResponse {
            status: 200,
            headers: Headers::new(),
            body: ByteStream::new(),
        })))
    }
}

async fn url_of_head_object(config: leansdk_runtime::config::ConfigBuilder) -> String {
    let recorder = SharedRecorder::default();
    let client = Client::new(&config.http_client(recorder.clone()).build());
    client
        .head_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .unwrap();
    let urls = recorder.0.0.lock().unwrap();
    urls[0].clone()
}

#[tokio::test]
async fn buckets_are_virtual_hosts_unless_path_style_is_forced() {
    assert_eq!(
        url_of_head_object(config("https://objects.example.com")).await,
        "my-bucket.objects.example.com https://my-bucket.objects.example.com/k"
    );
    assert_eq!(
        url_of_head_object(config("https://objects.example.com").force_path_style(true)).await,
        "objects.example.com https://objects.example.com/my-bucket/k"
    );
    // Without an endpoint URL: the regional endpoint of the rules.
    let regional = leansdk_tests::config::base().region("eu-west-1");
    assert_eq!(
        url_of_head_object(regional).await,
        "my-bucket.s3.eu-west-1.amazonaws.com https://my-bucket.s3.eu-west-1.amazonaws.com/k"
    );
}

#[tokio::test]
async fn what_needs_sigv4a_fails_before_sending() {
    let server = TestServer::start(vec![Reply::status(200)]).await;
    let error = client(&server)
        .head_object()
        .bucket("arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap")
        .key("k")
        .send()
        .await
        .unwrap_err();
    let SdkError::Construction(BuildError::Endpoint { reason }) = &error else {
        panic!("expected an endpoint error, got {error:?}");
    };
    assert!(
        reason.contains("SigV4a") && reason.contains("sigv4a"),
        "{reason}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_missing_bucket_fails_before_sending() {
    let server = TestServer::start(vec![Reply::status(200)]).await;
    let error = client(&server)
        .get_object()
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SdkError::Construction(BuildError::MissingMember { member }) if member == "Bucket"),
        "{error:?}"
    );
    assert!(server.requests().is_empty());
}

/// One S3 Select event: an `event` message with its `:event-type` and `:content-type`.
fn select_event(event_type: &str, content_type: Option<&str>, payload: &[u8]) -> Vec<u8> {
    let mut message = Message::new(payload.to_vec())
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String(event_type.into()));
    if let Some(content_type) = content_type {
        message = message.with_header(":content-type", HeaderValue::String(content_type.into()));
    }
    message.encode().unwrap()
}

#[tokio::test]
async fn a_select_streams_records_stats_and_the_end_as_events() {
    let stats = b"<Stats><BytesScanned>42</BytesScanned><BytesProcessed>42</BytesProcessed>\
                  <BytesReturned>11</BytesReturned></Stats>";
    let progress = b"<Progress><BytesScanned>21</BytesScanned></Progress>";
    let body = [
        select_event("Records", Some("application/octet-stream"), b"a,1\nb,2\n"),
        select_event("Cont", None, b""),
        select_event("Progress", Some("text/xml"), progress),
        select_event("Records", Some("application/octet-stream"), b"c,3\n"),
        select_event("Stats", Some("text/xml"), stats),
        select_event("NewKindOfEvent", None, b"?"),
        select_event("End", None, b""),
    ]
    .concat();
    let server = TestServer::start(vec![Reply::status(200).body(body)]).await;
    let output = client(&server)
        .select_object_content()
        .bucket(BUCKET)
        .key("data.csv")
        .expression("SELECT * FROM S3Object s")
        .expression_type(ExpressionType::Sql)
        .input_serialization(InputSerialization {
            csv: Some(CsvInput {
                file_header_info: Some(FileHeaderInfo::None),
            }),
            ..Default::default()
        })
        .output_serialization(OutputSerialization {
            csv: Some(CsvOutput::default()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();

    let mut events = output.payload.expect("an event stream");
    let mut records = Vec::new();
    let mut seen = Vec::new();
    while let Some(event) = events.recv().await.unwrap() {
        match event {
            SelectObjectContentEventStream::Records(records_event) => {
                records.extend(records_event.payload.unwrap());
                seen.push("Records".to_owned());
            }
            SelectObjectContentEventStream::Stats(stats) => {
                let details = stats.details.unwrap();
                assert_eq!(
                    (details.bytes_scanned, details.bytes_returned),
                    (Some(42), Some(11))
                );
                seen.push("Stats".to_owned());
            }
            SelectObjectContentEventStream::Progress(progress) => {
                assert_eq!(progress.details.unwrap().bytes_scanned, Some(21));
                seen.push("Progress".to_owned());
            }
            SelectObjectContentEventStream::Unknown(message) => {
                seen.push(message.string_header(":event-type").unwrap().to_owned());
            }
            other => seen.push(format!("{other:?}")),
        }
    }
    assert_eq!(records, b"a,1\nb,2\nc,3\n");
    assert_eq!(
        seen,
        [
            "Records",
            "Cont(ContinuationEvent)",
            "Progress",
            "Records",
            "Stats",
            "NewKindOfEvent",
            "End(EndEvent)"
        ]
    );

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/my-bucket/data.csv?select&select-type=2");
    let sent = String::from_utf8(request.body.clone()).unwrap();
    for part in [
        "<SelectObjectContentRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
        "<Expression>SELECT * FROM S3Object s</Expression>",
        "<ExpressionType>SQL</ExpressionType>",
        "<InputSerialization><CSV><FileHeaderInfo>NONE</FileHeaderInfo></CSV></InputSerialization>",
    ] {
        assert!(sent.contains(part), "{part} in {sent}");
    }
}

#[tokio::test]
async fn a_select_whose_body_breaks_off_ends_with_a_frame_error() {
    let mut body = select_event("Records", Some("application/octet-stream"), b"a,1\n");
    let whole = body.clone();
    body.extend_from_slice(&whole[..whole.len() - 3]);
    let server = TestServer::start(vec![Reply::status(200).body(body)]).await;
    let output = client(&server)
        .select_object_content()
        .bucket(BUCKET)
        .key("data.csv")
        .expression("SELECT * FROM S3Object")
        .expression_type(ExpressionType::Sql)
        .input_serialization(InputSerialization::default())
        .output_serialization(OutputSerialization::default())
        .send()
        .await
        .unwrap();
    let mut events = output.payload.unwrap();
    assert!(matches!(
        events.recv().await,
        Ok(Some(SelectObjectContentEventStream::Records(_)))
    ));
    let error = events.recv().await.unwrap_err();
    assert!(
        matches!(error, RecvError::Frame(FrameError::Truncated { .. })),
        "{error:?}"
    );
    assert!(events.recv().await.unwrap().is_none(), "the stream is over");
}
