//! Body integrity against the local server: request checksums (`aws.protocols#httpChecksum`:
//! each algorithm's header on a known body, CRC32 by default, an `aws-chunked` trailer for
//! files, the settings that turn them off), response validation of a streamed download
//! (success, a mismatch failing the read, composite checksums left alone), and request
//! compression (`smithy.api#requestCompression`: the threshold, the settings in code, the
//! environment and the profile). Vectors: Python's `zlib.crc32` and `hashlib`, and for CRC32C
//! and CRC64NVME a bitwise reference implementation (the runtime's unit tests say which).

use std::io::Read;
use std::time::Duration;

use leansdk_restjsonprotocol::operation::put_with_content_encoding::PutWithContentEncodingInput;
use leansdk_runtime::ByteStream;
use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::auth::sigv4::SigningSettings;
use leansdk_runtime::checksum::{ChecksumAlgorithm as Algorithm, ChecksumMismatch};
use leansdk_runtime::config::env::Env;
use leansdk_runtime::config::integrity::{RequestChecksumCalculation, ResponseChecksumValidation};
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_runtime::config::{Config, ConfigBuilder};
use leansdk_runtime::error::{BuildError, SdkError};
use leansdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
use leansdk_tests::config::{ACCESS_KEY, SECRET};
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};
use leansdk_tests::signing;

const BODY: &[u8] = b"Hello world";

fn s3(server: &TestServer, config: ConfigBuilder) -> leansdk_s3::Client {
    leansdk_s3::Client::new(&config.endpoint_url(server.url()).build())
}

fn local() -> ConfigBuilder {
    leansdk_tests::config::base()
}

async fn put(client: &leansdk_s3::Client, body: ByteStream, algorithm: Option<ChecksumAlgorithm>) {
    client
        .put_object()
        .bucket("b")
        .key("k")
        .body(body)
        .set_checksum_algorithm(algorithm)
        .send()
        .await
        .unwrap();
}

/// The recorded request was signed by what the runtime computes for it.
fn assert_signed(server: &TestServer, request: &RecordedRequest) {
    let recomputed = signing::recomputed_authorization(
        request,
        &server.url(),
        &signing::Scope {
            credentials: &Credentials::new(ACCESS_KEY, SECRET, None, None),
            region: "us-east-1",
            service: "s3",
            settings: SigningSettings {
                double_uri_encode: false,
                normalize_path: false,
                payload_header: true,
            },
        },
    );
    assert_eq!(request.header("authorization"), Some(recomputed.as_str()));
}

#[tokio::test]
async fn each_algorithm_sends_its_checksum_header_of_a_body_in_memory() {
    let cases = [
        (ChecksumAlgorithm::Crc32, "x-amz-checksum-crc32", "i9aeUg=="),
        (
            ChecksumAlgorithm::Crc32c,
            "x-amz-checksum-crc32c",
            "crUfeA==",
        ),
        (
            ChecksumAlgorithm::Crc64nvme,
            "x-amz-checksum-crc64nvme",
            "OOJZ0D8xKts=",
        ),
        (
            ChecksumAlgorithm::Sha1,
            "x-amz-checksum-sha1",
            "e1AsOh9IyGCa4hLN+2Od7jlnP14=",
        ),
        (
            ChecksumAlgorithm::Sha256,
            "x-amz-checksum-sha256",
            "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=",
        ),
    ];
    for (algorithm, header, value) in cases {
        let server = TestServer::start(vec![Reply::status(200)]).await;
        put(
            &s3(&server, local()),
            ByteStream::from(BODY),
            Some(algorithm.clone()),
        )
        .await;
        let request = &server.requests()[0];
        assert_eq!(request.header(header), Some(value), "{algorithm:?}");
        assert_eq!(
            request.header("x-amz-sdk-checksum-algorithm"),
            Some(algorithm.as_str())
        );
        let checksums = request
            .headers
            .iter()
            .filter(|(name, _)| name.starts_with("x-amz-checksum-"))
            .count();
        assert_eq!(checksums, 1, "one checksum only: {:?}", request.headers);
        assert_eq!(request.body, BODY);
        assert_signed(&server, request);
    }
}

#[tokio::test]
async fn by_default_an_upload_carries_a_crc32_and_when_required_none() {
    let server = TestServer::start(vec![Reply::status(200), Reply::status(200)]).await;
    put(&s3(&server, local()), ByteStream::from(BODY), None).await;
    let when_required =
        local().request_checksum_calculation(RequestChecksumCalculation::WhenRequired);
    put(&s3(&server, when_required), ByteStream::from(BODY), None).await;
    let requests = server.requests();
    assert_eq!(requests[0].header("x-amz-checksum-crc32"), Some("i9aeUg=="));
    assert_eq!(
        requests[0].header("x-amz-sdk-checksum-algorithm"),
        Some("CRC32")
    );
    assert_eq!(requests[1].header("x-amz-checksum-crc32"), None);
    assert_eq!(requests[1].header("x-amz-sdk-checksum-algorithm"), None);
}

#[tokio::test]
async fn a_checksum_the_caller_gives_is_sent_instead() {
    let server = TestServer::start(vec![Reply::status(200)]).await;
    s3(&server, local())
        .put_object()
        .bucket("b")
        .key("k")
        .body(BODY.to_vec())
        .checksum_crc32("given==")
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("x-amz-checksum-crc32"), Some("given=="));
    assert_eq!(request.header("x-amz-sdk-checksum-algorithm"), None);
}

#[tokio::test]
async fn a_file_upload_carries_its_checksum_as_an_aws_chunked_trailer_on_every_attempt() {
    let path = std::env::temp_dir().join(format!("leansdk-trailer-{}", std::process::id()));
    std::fs::write(&path, BODY).unwrap();
    let server = TestServer::start(vec![
        Reply::status(500).body("<Error><Code>InternalError</Code></Error>"),
        Reply::status(200),
    ])
    .await;
    let retrying = local().retry_config(
        RetryConfig::standard()
            .with_max_attempts(2)
            .with_max_backoff(Duration::from_millis(1)),
    );
    let body = ByteStream::from_path(&path).await.unwrap();
    put(&s3(&server, retrying), body, None).await;
    std::fs::remove_file(&path).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let expected = b"b\r\nHello world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n";
    for request in &requests {
        assert_eq!(
            String::from_utf8_lossy(&request.body),
            String::from_utf8_lossy(expected)
        );
        assert_eq!(request.header("content-encoding"), Some("aws-chunked"));
        assert_eq!(request.header("x-amz-decoded-content-length"), Some("11"));
        assert_eq!(
            request.header("x-amz-trailer"),
            Some("x-amz-checksum-crc32")
        );
        assert_eq!(
            request.header("x-amz-content-sha256"),
            Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        );
        assert_eq!(
            request.header("content-length"),
            Some(expected.len().to_string().as_str())
        );
        assert_eq!(
            request.header("x-amz-checksum-crc32"),
            None,
            "a trailer, not a header"
        );
        assert_signed(&server, request);
    }
}

async fn download(server: &TestServer, config: ConfigBuilder) -> std::io::Result<Vec<u8>> {
    let output = s3(server, config)
        .get_object()
        .bucket("b")
        .key("k")
        .send()
        .await
        .unwrap();
    output.body.collect().await
}

#[tokio::test]
async fn a_download_is_validated_as_it_is_read() {
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("x-amz-checksum-crc32", "i9aeUg==")
            .body(BODY),
    ])
    .await;
    assert_eq!(download(&server, local()).await.unwrap(), BODY);
    // Validation whenever supported asks the service for the checksums.
    assert_eq!(
        server.requests()[0].header("x-amz-checksum-mode"),
        Some("ENABLED")
    );
}

#[tokio::test]
async fn a_corrupted_download_fails_at_its_end_with_the_mismatch() {
    let server = TestServer::start(vec![
        Reply::status(200)
            // The CRC32 of "Hello world": the body says "Hello World".
            .header("x-amz-checksum-crc32", "i9aeUg==")
            .header(
                "x-amz-checksum-sha256",
                "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=",
            )
            .body("Hello World"),
    ])
    .await;
    let error = download(&server, local()).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    let mismatch = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ChecksumMismatch>())
        .expect("the mismatch is the error inside");
    // CRC32 is checked before SHA-256.
    assert_eq!(mismatch.algorithm(), Algorithm::Crc32);
    assert_eq!(mismatch.expected(), "i9aeUg==");
    assert_eq!(
        mismatch.computed(),
        Algorithm::Crc32.checksum(b"Hello World")
    );
}

#[tokio::test]
async fn when_required_only_an_enabled_checksum_mode_validates() {
    let corrupted = || {
        Reply::status(200)
            .header("x-amz-checksum-crc32", "i9aeUg==")
            .body("Hello World")
    };
    let server = TestServer::start(vec![corrupted(), corrupted()]).await;
    let when_required =
        || local().response_checksum_validation(ResponseChecksumValidation::WhenRequired);
    assert_eq!(
        download(&server, when_required()).await.unwrap(),
        b"Hello World"
    );
    assert_eq!(server.requests()[0].header("x-amz-checksum-mode"), None);
    let output = s3(&server, when_required())
        .get_object()
        .bucket("b")
        .key("k")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert!(output.body.collect().await.is_err());
}

#[tokio::test]
async fn composite_checksums_of_multipart_objects_are_not_validated() {
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("x-amz-checksum-crc32", "AAAAAA==-3")
            .body(BODY),
    ])
    .await;
    assert_eq!(download(&server, local()).await.unwrap(), BODY);
}

/// A `PutWithContentEncoding` (rest-json compliance crate, `smithy.api#requestCompression`
/// with gzip) of `size` bytes of data; returns what the server received.
async fn put_data(config: ConfigBuilder, size: usize) -> Result<RecordedRequest, SdkError<()>> {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let client =
        leansdk_restjsonprotocol::client::Client::new(&config.endpoint_url(server.url()).build());
    let input = PutWithContentEncodingInput {
        data: Some("x".repeat(size)),
        encoding: None,
    };
    match input.send_with(&client).await {
        Ok(_) => Ok(server.requests().remove(0)),
        Err(SdkError::Construction(error)) => Err(SdkError::Construction(error)),
        Err(other) => panic!("{other}"),
    }
}

fn gunzip(body: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(body)
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[tokio::test]
async fn bodies_from_the_threshold_on_are_gzipped() {
    // `{"data":"..."}`: 11 bytes around the data.
    let below = put_data(local(), 10_240 - 12).await.unwrap();
    assert_eq!(below.header("content-encoding"), None);
    assert_eq!(below.body.len(), 10_239);
    let at = put_data(local(), 10_240 - 11).await.unwrap();
    assert_eq!(at.header("content-encoding"), Some("gzip"));
    assert_eq!(
        gunzip(&at.body),
        format!("{{\"data\":\"{}\"}}", "x".repeat(10_229))
    );
    assert_eq!(
        at.header("content-length"),
        Some(at.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn compression_settings_in_code() {
    let small = put_data(local().request_min_compression_size_bytes(0), 10)
        .await
        .unwrap();
    assert_eq!(small.header("content-encoding"), Some("gzip"));
    let disabled = put_data(local().disable_request_compression(true), 20_000)
        .await
        .unwrap();
    assert_eq!(disabled.header("content-encoding"), None);
    let too_large = put_data(local().request_min_compression_size_bytes(10_485_761), 10).await;
    match too_large {
        Err(SdkError::Construction(BuildError::Config { reason })) => {
            assert!(reason.contains("10485760"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

/// No home directory (no profile of this machine), IMDS off, static credentials.
fn env(vars: &[(&str, &str)]) -> Env {
    let base = [
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    Env::from_vars(base.iter().chain(vars).map(|(k, v)| (*k, *v)))
}

async fn from_env(vars: &[(&str, &str)]) -> Result<Config, String> {
    Config::from_env()
        .env(env(vars))
        .load()
        .await
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn the_environment_and_the_profile_set_compression_and_checksums() {
    let dir = std::env::temp_dir().join(format!("leansdk-integrity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("config");
    std::fs::write(
        &profile,
        "[default]\nrequest_min_compression_size_bytes = 5\n\
         request_checksum_calculation = WHEN_REQUIRED\n\
         response_checksum_validation = when_required\n",
    )
    .unwrap();
    let config_file = profile.to_str().unwrap();
    let from_profile = from_env(&[("AWS_CONFIG_FILE", config_file)]).await.unwrap();
    assert_eq!(from_profile.request_min_compression_size_bytes(), 5);
    assert_eq!(
        from_profile.request_checksum_calculation(),
        RequestChecksumCalculation::WhenRequired
    );
    assert_eq!(
        from_profile.response_checksum_validation(),
        ResponseChecksumValidation::WhenRequired
    );
    let env_wins = from_env(&[
        ("AWS_CONFIG_FILE", config_file),
        ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "100"),
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_supported"),
        ("AWS_DISABLE_REQUEST_COMPRESSION", "true"),
    ])
    .await
    .unwrap();
    assert_eq!(env_wins.request_min_compression_size_bytes(), 100);
    assert!(env_wins.disable_request_compression());
    assert_eq!(
        env_wins.request_checksum_calculation(),
        RequestChecksumCalculation::WhenSupported
    );
    // The profile's threshold reaches calls: a 10-byte body is compressed.
    let config = Config::from_env()
        .env(env(&[("AWS_CONFIG_FILE", config_file)]))
        .credentials(Credentials::new(ACCESS_KEY, SECRET, None, None));
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let client = leansdk_restjsonprotocol::client::Client::new(
        &config.endpoint_url(server.url()).load().await.unwrap(),
    );
    PutWithContentEncodingInput {
        data: Some("0123456789".to_owned()),
        encoding: None,
    }
    .send_with(&client)
    .await
    .unwrap();
    assert_eq!(
        server.requests()[0].header("content-encoding"),
        Some("gzip")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn invalid_settings_are_typed_errors_naming_their_source() {
    for (variable, value) in [
        ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "10485761"),
        ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "-1"),
        ("AWS_DISABLE_REQUEST_COMPRESSION", "yes"),
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "always"),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "never"),
    ] {
        let error = from_env(&[(variable, value)]).await.unwrap_err();
        assert!(error.contains(variable) && error.contains(value), "{error}");
    }
}
