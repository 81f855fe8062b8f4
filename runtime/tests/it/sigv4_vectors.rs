//! Runs every AWS SigV4 test vector in `tests/data/sigv4`, header signing and (for the cases
//! that have them) query signing, the presigned URLs, and compares the canonical request,
//! string to sign and signature byte for byte.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use leansdk_runtime::DateTime;
use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::auth::sigv4::{SigningParams, SigningSettings, presign_parts, sign_parts};
use leansdk_runtime::http::{Headers, HttpRequest};

/// 5 classic cases + 37 CRT cases, each case once (ORIGIN.md). Adding or removing vectors
/// must be a visible change.
const EXPECTED_CASES: usize = 42;
/// The CRT cases with query-signing (presigned) expectations.
const EXPECTED_PRESIGNED_CASES: usize = 35;

/// Cases that cannot pass, with the reason. The test fails if one of them starts passing.
const KNOWN_FAILURES: &[(&str, &str)] = &[(
    "v4/get-space-normalized",
    "the aws-sigv4 copy of this fixture pre-encodes the path as /example%20space/ where \
     upstream aws-c-auth has a raw space; with non-S3 double encoding of the wire path (what \
     AWS verifies, see double-url-encode) the canonical path is /example%2520space/",
)];

const SUITE_ACCESS_KEY: &str = "AKIDEXAMPLE";
const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/sigv4")
}

struct Case {
    name: String,
    request: HttpRequest,
    credentials: Credentials,
    region: String,
    service: String,
    time: SystemTime,
    settings: SigningSettings,
    expected_canonical_request: String,
    expected_string_to_sign: Option<String>,
    expected_signature: Option<String>,
    expected_authorization: Option<String>,
    /// The query-signed (presigned) form of the case, where the vector has one.
    presigned: Option<Presigned>,
}

struct Presigned {
    expires_in: Duration,
    expected_canonical_request: String,
    expected_string_to_sign: String,
    expected_signature: String,
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8(bytes).unwrap_or_else(|_| panic!("{} is not UTF-8", path.display()))
}

fn read_optional(path: &Path) -> Option<String> {
    path.exists().then(|| read(path))
}

fn suite_time() -> SystemTime {
    SystemTime::try_from(DateTime::parse_rfc3339("2015-08-30T12:36:00Z").unwrap()).unwrap()
}

/// Parses a raw HTTP/1.1 request: the target may contain spaces and raw UTF-8, header values
/// may continue on indented lines (folded with one space), names may repeat.
fn parse_raw_request(raw: &str) -> HttpRequest {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let (method, rest) = request_line.split_once(' ').expect("method");
    let target = rest
        .strip_suffix(" HTTP/1.1")
        .expect("HTTP/1.1 request line");
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = fields.last_mut().expect("continuation after a header");
            value.push(' ');
            value.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':').expect("header line");
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    let mut headers = Headers::new();
    for (name, value) in &fields {
        headers.append(name, value);
    }
    let host = headers.get("host").expect("Host header").trim().to_owned();
    HttpRequest {
        method: method.to_owned(),
        url: format!("https://{host}{target}"),
        headers,
        body: body.as_bytes().to_vec().into(),
        ..HttpRequest::default()
    }
}

fn classic_cases(dir: &Path, cases: &mut Vec<Case>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for case_dir in entries {
        let name = case_dir.file_name().unwrap().to_str().unwrap().to_owned();
        let file = |ext: &str| case_dir.join(format!("{name}.{ext}"));
        if !file("req").exists() {
            classic_cases(&case_dir, cases);
            continue;
        }
        cases.push(Case {
            name: format!("aws4_testsuite/{name}"),
            request: parse_raw_request(&read(&file("req"))),
            credentials: Credentials::new(SUITE_ACCESS_KEY, SUITE_SECRET, None, None),
            region: "us-east-1".into(),
            service: "service".into(),
            time: suite_time(),
            settings: SigningSettings::default(),
            expected_canonical_request: read(&file("creq")),
            expected_string_to_sign: Some(read(&file("sts"))),
            expected_signature: None,
            expected_authorization: Some(read(&file("authz"))),
            presigned: None,
        });
    }
}

fn crt_cases(dir: &Path, cases: &mut Vec<Case>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for case_dir in entries {
        let name = case_dir.file_name().unwrap().to_str().unwrap().to_owned();
        let context = read_optional(&case_dir.join("context.json"))
            .map(|text| serde_json::from_str::<serde_json::Value>(&text).unwrap());
        let (credentials, region, service, time, settings) = match &context {
            Some(context) => crt_context(context),
            // The two Lambda-style cases migrated from the old suite have no context file;
            // their canonical request and scope give lambda/us-east-2 at 20210511T154045Z.
            None => (
                Credentials::new("ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby", None, None),
                "us-east-2".into(),
                "lambda".into(),
                SystemTime::try_from(DateTime::parse_rfc3339("2021-05-11T15:40:45Z").unwrap())
                    .unwrap(),
                SigningSettings::default(),
            ),
        };
        cases.push(Case {
            name: format!("v4/{name}"),
            request: parse_raw_request(&read(&case_dir.join("request.txt"))),
            credentials,
            region,
            service,
            time,
            settings,
            expected_canonical_request: read(&case_dir.join("header-canonical-request.txt")),
            expected_string_to_sign: read_optional(&case_dir.join("header-string-to-sign.txt")),
            expected_signature: read_optional(&case_dir.join("header-signature.txt")),
            expected_authorization: None,
            presigned: presigned(&case_dir, context.as_ref()),
        });
    }
}

/// The case's `query-*.txt` expectations, when it has them.
fn presigned(case_dir: &Path, context: Option<&serde_json::Value>) -> Option<Presigned> {
    let expected_canonical_request = read_optional(&case_dir.join("query-canonical-request.txt"))?;
    let seconds = context?
        .get("expiration_in_seconds")
        .and_then(serde_json::Value::as_u64)
        .expect("expiration_in_seconds");
    Some(Presigned {
        expires_in: Duration::from_secs(seconds),
        expected_canonical_request,
        expected_string_to_sign: read(&case_dir.join("query-string-to-sign.txt")),
        expected_signature: read(&case_dir.join("query-signature.txt")),
    })
}

fn crt_context(
    context: &serde_json::Value,
) -> (Credentials, String, String, SystemTime, SigningSettings) {
    let text = |pointer: &str| {
        context
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let flag = |key: &str| context.get(key).and_then(|v| v.as_bool()).unwrap_or(false);
    // `omit_session_token`: the token is added after signing, so it is not signed at all.
    let token = text("/credentials/token").filter(|_| !flag("omit_session_token"));
    let credentials = Credentials::new(
        text("/credentials/access_key_id").unwrap(),
        text("/credentials/secret_access_key").unwrap(),
        token,
        None,
    );
    let time = DateTime::parse_rfc3339(&text("/timestamp").unwrap()).unwrap();
    let settings = SigningSettings {
        double_uri_encode: true,
        normalize_path: flag("normalize"),
        payload_header: flag("sign_body"),
    };
    (
        credentials,
        text("/region").unwrap(),
        text("/service").unwrap(),
        SystemTime::try_from(time).unwrap(),
        settings,
    )
}

/// Differences between what the signer computed and the vector, empty when it matches.
fn run(case: &Case) -> Vec<String> {
    let mut request = case.request.clone();
    let params = SigningParams {
        credentials: &case.credentials,
        region: &case.region,
        service: &case.service,
        time: case.time,
        settings: case.settings,
    };
    let parts = match sign_parts(&mut request, &params) {
        Ok(parts) => parts,
        Err(e) => return vec![format!("signing failed: {e}")],
    };
    let mut diffs = Vec::new();
    let mut compare = |what: &str, actual: &str, expected: Option<&String>| {
        if let Some(expected) = expected
            && actual != expected.trim_end_matches('\n')
        {
            diffs.push(format!(
                "{what}:\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    };
    compare(
        "canonical request",
        &parts.canonical_request,
        Some(&case.expected_canonical_request),
    );
    compare(
        "string to sign",
        &parts.string_to_sign,
        case.expected_string_to_sign.as_ref(),
    );
    compare(
        "signature",
        &parts.signature,
        case.expected_signature.as_ref(),
    );
    compare(
        "authorization",
        &parts.authorization,
        case.expected_authorization.as_ref(),
    );
    if let Some(presigned) = &case.presigned {
        let mut request = case.request.clone();
        // The body is hashed into a presigned request unless the service takes the hash
        // as a header (S3), so `sign_body` does not apply here.
        let params = SigningParams {
            settings: SigningSettings {
                payload_header: false,
                ..case.settings
            },
            ..params
        };
        match presign_parts(&mut request, &params, presigned.expires_in) {
            Ok(parts) => {
                compare(
                    "presigned canonical request",
                    &parts.canonical_request,
                    Some(&presigned.expected_canonical_request),
                );
                compare(
                    "presigned string to sign",
                    &parts.string_to_sign,
                    Some(&presigned.expected_string_to_sign),
                );
                compare(
                    "presigned signature",
                    &parts.signature,
                    Some(&presigned.expected_signature),
                );
                let in_url = format!("X-Amz-Signature={}", parts.signature);
                if !request.url.ends_with(&in_url) {
                    diffs.push(format!("presigned URL {} lacks {in_url}", request.url));
                }
            }
            Err(e) => diffs.push(format!("presigning failed: {e}")),
        }
    }
    diffs
}

#[test]
fn every_sigv4_vector() {
    let dir = data_dir();
    let mut cases = Vec::new();
    classic_cases(&dir.join("aws4_testsuite"), &mut cases);
    let classic = cases.len();
    crt_cases(&dir.join("aws-signing-test-suite/v4"), &mut cases);
    assert_eq!(cases.len(), EXPECTED_CASES, "number of vectors changed");
    no_classic_copy_of_a_crt_case(&cases[..classic], &cases[classic..]);
    let presigned = cases.iter().filter(|c| c.presigned.is_some()).count();
    assert_eq!(
        presigned, EXPECTED_PRESIGNED_CASES,
        "number of query-signing vectors changed"
    );

    let mut unexpected = Vec::new();
    let mut failed_as_known = Vec::new();
    for case in &cases {
        let diffs = run(case);
        let known = KNOWN_FAILURES.iter().any(|(name, _)| *name == case.name);
        match (diffs.is_empty(), known) {
            (true, false) => {}
            (false, true) => failed_as_known.push(case.name.as_str()),
            (true, true) => unexpected.push(format!(
                "{}: passes now, remove it from KNOWN_FAILURES",
                case.name
            )),
            (false, false) => unexpected.push(format!("{}:\n{}", case.name, diffs.join("\n"))),
        }
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n\n"));
    let known: Vec<&str> = KNOWN_FAILURES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        failed_as_known, known,
        "every known failure must be a case that ran"
    );
}

/// Each case once (ORIGIN.md): no classic case is a copy of a CRT one, which sends the same
/// request with the same session token and expects the same canonical request and string
/// to sign (the copies differ only by an `X-Amz-Date` header the signer adds).
fn no_classic_copy_of_a_crt_case(classic: &[Case], crt: &[Case]) {
    let key = |case: &Case| {
        let normalized = |text: &str| text.replace("\r\n", "\n").trim_end().to_owned();
        (
            case.request.method.clone(),
            case.request.url.clone(),
            case.credentials.session_token().map(str::to_owned),
            normalized(&case.expected_canonical_request),
            case.expected_string_to_sign.as_deref().map(normalized),
        )
    };
    let crt: std::collections::HashMap<_, &str> = crt
        .iter()
        .map(|case| (key(case), case.name.as_str()))
        .collect();
    let copies: Vec<String> = classic
        .iter()
        .filter_map(|case| Some(format!("{} is {}", case.name, crt.get(&key(case))?)))
        .collect();
    assert!(
        copies.is_empty(),
        "the same case in both suites: {copies:?}"
    );
}

#[test]
fn raw_request_parser_folds_and_repeats() {
    let request = parse_raw_request(
        "POST /a b?x=1 HTTP/1.1\nHost:h\nMy-Header1:value1\n  value2\nMy-Header1:v3\n\nbody",
    );
    assert_eq!(request.url, "https://h/a b?x=1");
    assert_eq!(
        request.headers.get_all("my-header1").collect::<Vec<_>>(),
        ["value1 value2", "v3"]
    );
    assert_eq!(request.body.bytes(), Some(&b"body"[..]));
}
