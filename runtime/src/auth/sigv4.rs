//! AWS Signature Version 4, in the `Authorization` header or in the query string.
//!
//! [`sign`] adds `x-amz-date`, `host` (when absent), `x-amz-security-token` (when the
//! credentials have a session token), optionally `x-amz-content-sha256`, and the
//! `Authorization` header. [`presign`] puts the same in `X-Amz-*` query parameters instead,
//! for a URL anyone may use until it expires. [`sign_parts`] and [`presign_parts`] return
//! every intermediate value so tests can compare them with AWS's published vectors.

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::DateTime;
use crate::auth::credentials::Credentials;
use crate::http::HttpRequest;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The SHA-256 of no bytes, in hex.
const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload hash of a body that is not hashed (a stream).
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The payload hash of an event stream's body, whose messages are signed one by one as they
/// are sent (sent as `x-amz-content-sha256` by every service, as the SDKs do).
const STREAMING_EVENTS_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// The algorithm line of an event stream message's string to sign.
#[cfg(feature = "event-stream")]
const EVENT_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";

/// Headers that proxies or the HTTP stack may rewrite after signing.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "expect",
    "transfer-encoding",
    "connection",
];

/// Service-dependent signing choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Encode the already-encoded request path once more; every service except S3.
    pub double_uri_encode: bool,
    /// Remove `.`/`..` segments and empty segments from the path; every service except S3.
    pub normalize_path: bool,
    /// Send the payload hash as `x-amz-content-sha256`.
    pub payload_header: bool,
}

impl SigningSettings {
    /// What every service but S3 uses: the path double-encoded and normalised, no payload
    /// header.
    pub const STANDARD: Self = Self {
        double_uri_encode: true,
        normalize_path: true,
        payload_header: false,
    };
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// What [`sign`] and [`sign_parts`] sign a request with, besides the request itself.
pub struct SigningParams<'a> {
    /// The key pair the signature is made with; its session token, if any, is sent too.
    pub credentials: &'a Credentials,
    /// The signing region, e.g. `us-east-1`; part of the credential scope.
    pub region: &'a str,
    /// The signing name, e.g. `profile` for Customer Profiles (the model's `aws.auth#sigv4`
    /// name, not the endpoint prefix); part of the credential scope.
    pub service: &'a str,
    /// The signing time, sent as `x-amz-date`. Use the current time: AWS rejects a request
    /// signed more than 15 minutes away from its own clock.
    pub time: SystemTime,
    /// The service-dependent choices; [`SigningSettings::default`] suits every service
    /// but S3.
    pub settings: SigningSettings,
}

/// The request cannot be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigningError {
    /// `url` must be absolute, like `https://host/path?query`.
    InvalidUrl {
        /// The request's URL as given.
        url: String,
        /// What is wrong with it, e.g. `URL has no host`.
        reason: &'static str,
    },
    /// The signing time is before 0000 or after 9999.
    TimeOutOfRange,
    /// A presigned request must expire after 1 second to 7 days, as SigV4 allows.
    ExpiryOutOfRange(Duration),
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl { url, reason } => {
                write!(f, "cannot sign request for URL {url:?}: {reason}")
            }
            Self::TimeOutOfRange => f.write_str("signing time is outside years 0000-9999"),
            Self::ExpiryOutOfRange(expires_in) => write!(
                f,
                "a presigned request expires after 1 second to 7 days, not {expires_in:?}"
            ),
        }
    }
}

impl std::error::Error for SigningError {}

/// Every value computed while signing. The canonical request holds the session token and
/// the rest authorises the request, so `Debug` shows only the signed header names.
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureParts {
    /// The canonical request: method, path, query, signed headers and payload hash, one
    /// per line. Holds the session token when there is one.
    pub canonical_request: String,
    /// `AWS4-HMAC-SHA256`, the time, the credential scope and the canonical request's hash.
    pub string_to_sign: String,
    /// The signature, lower-case hex.
    pub signature: String,
    /// `host;x-amz-date`: lower-case names joined by `;`.
    pub signed_headers: String,
    /// The `Authorization` header value; [`sign`] adds it to the request. Empty for a
    /// presigned request, whose signature is in its URL.
    pub authorization: String,
}

impl fmt::Debug for SignatureParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureParts")
            .field("signed_headers", &self.signed_headers)
            .finish_non_exhaustive()
    }
}

/// Signs `request` in place.
pub fn sign(request: &mut HttpRequest, params: &SigningParams<'_>) -> Result<(), SigningError> {
    let parts = sign_parts(request, params)?;
    request.headers.insert("authorization", parts.authorization);
    Ok(())
}

/// Adds the headers that are signed (`x-amz-date`, `host`, token, payload hash) to
/// `request` and computes the signature without adding `Authorization`.
pub fn sign_parts(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
) -> Result<SignatureParts, SigningError> {
    let url = split_url(&request.url)?;
    let (amz_date, date) = format_time(params.time)?;
    request.headers.insert("x-amz-date", &amz_date);
    if !request.headers.contains("host") {
        request.headers.insert("host", url.host);
    }
    if let Some(token) = params.credentials.session_token() {
        request.headers.insert("x-amz-security-token", token);
    }
    // A streamed body cannot be hashed before it is sent; services that take one (S3)
    // accept the literal in place of the hash, in the header and the canonical request.
    let payload_hash = match request.body.bytes() {
        _ if request.body.is_event_stream() => STREAMING_EVENTS_PAYLOAD.to_owned(),
        // An `aws-chunked` body says how its payload is signed (checksum trailers).
        _ if params.settings.payload_header
            && let Some(given) = request.headers.get("x-amz-content-sha256") =>
        {
            given.to_owned()
        }
        // Most calls (every GET) have no body: its hash is known.
        Some([]) => EMPTY_PAYLOAD_SHA256.to_owned(),
        Some(bytes) => hex_sha256(bytes),
        None => UNSIGNED_PAYLOAD.to_owned(),
    };
    if params.settings.payload_header || request.body.is_event_stream() {
        request
            .headers
            .insert("x-amz-content-sha256", &payload_hash);
    }

    let (canonical_headers, signed_headers) = canonical_headers(request);
    // Joined by `concat` rather than `format!`: one allocation each, on every signed request.
    let canonical_request = [
        &*request.method,
        "\n",
        &canonical_path(url.path, &params.settings),
        "\n",
        &canonical_query(url.query),
        "\n",
        &canonical_headers,
        "\n",
        &signed_headers,
        "\n",
        &payload_hash,
    ]
    .concat();
    let scope = [
        &*date,
        "/",
        params.region,
        "/",
        params.service,
        "/aws4_request",
    ]
    .concat();
    let canonical_hash = hex_sha256(canonical_request.as_bytes());
    let string_to_sign = [
        ALGORITHM,
        "\n",
        &amz_date,
        "\n",
        &scope,
        "\n",
        &canonical_hash,
    ]
    .concat();
    let key = signing_key(params.credentials, &date, params.region, params.service);
    let signature = hex(&key.sign(string_to_sign.as_bytes()));
    let authorization = [
        ALGORITHM,
        " Credential=",
        params.credentials.access_key_id(),
        "/",
        &scope,
        ", SignedHeaders=",
        &signed_headers,
        ", Signature=",
        &signature,
    ]
    .concat();
    Ok(SignatureParts {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        authorization,
    })
}

/// The chained signatures of an event stream's messages: each signs the time (its `:date`
/// header), the message and the signature before it, starting from the request's own
/// signature (the seed). Each message is signed with the key of its own date, as the SDKs do:
/// a stream may outlive the day it began. `Debug` shows no key or signature.
#[cfg(feature = "event-stream")]
pub(crate) struct EventSignatureChain {
    credentials: Credentials,
    region: String,
    service: String,
    /// The last signature, lower-case hex.
    previous: String,
}

#[cfg(feature = "event-stream")]
impl EventSignatureChain {
    /// The chain that follows a request signed with `params` whose signature is
    /// `seed_signature` ([`SignatureParts::signature`]).
    pub(crate) fn new(seed_signature: String, params: &SigningParams<'_>) -> Self {
        Self {
            credentials: params.credentials.clone(),
            region: params.region.to_owned(),
            service: params.service.to_owned(),
            previous: seed_signature,
        }
    }

    /// The signature of the next message: `payload` (the encoded inner message; empty for
    /// the end of the stream) sent at `time`, whose encoded `:date` header is `date_header`.
    pub(crate) fn sign(
        &mut self,
        time: SystemTime,
        date_header: &[u8],
        payload: &[u8],
    ) -> Result<[u8; 32], SigningError> {
        let (amz_date, date) = format_time(time)?;
        let string_to_sign = format!(
            "{EVENT_ALGORITHM}\n{amz_date}\n{date}/{}/{}/aws4_request\n{}\n{}\n{}",
            self.region,
            self.service,
            self.previous,
            hex_sha256(date_header),
            hex_sha256(payload),
        );
        let key = signing_key(&self.credentials, &date, &self.region, &self.service);
        let signature = key.sign(string_to_sign.as_bytes());
        self.previous = hex(&signature);
        Ok(signature)
    }
}

#[cfg(feature = "event-stream")]
impl fmt::Debug for EventSignatureChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSignatureChain")
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// The longest a presigned request may last: seven days.
const MAX_PRESIGNED_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Signs `request` in its URL: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
/// `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (with a session token)
/// and `X-Amz-Signature` are added to its query, so that whoever has the URL can send the
/// request, with the headers it has (they are signed), until `expires_in` has passed.
pub fn presign(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<(), SigningError> {
    presign_parts(request, params, expires_in).map(drop)
}

/// [`presign`], returning every value computed. The payload is `UNSIGNED-PAYLOAD` for
/// services that take the payload hash as a header (S3: the body of a presigned upload is
/// not known yet) and for streamed bodies, else the body's hash.
pub fn presign_parts(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<SignatureParts, SigningError> {
    if expires_in < Duration::from_secs(1) || expires_in > MAX_PRESIGNED_EXPIRY {
        return Err(SigningError::ExpiryOutOfRange(expires_in));
    }
    let (amz_date, date) = format_time(params.time)?;
    if !request.headers.contains("host") {
        let host = split_url(&request.url)?.host.to_owned();
        request.headers.insert("host", host);
    }
    let url = split_url(&request.url)?;
    let payload_hash = match request.body.bytes() {
        Some(bytes) if !params.settings.payload_header => hex_sha256(bytes),
        _ => UNSIGNED_PAYLOAD.to_owned(),
    };
    let (canonical_headers, signed_headers) = canonical_headers(request);
    let scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let credential = format!("{}/{scope}", params.credentials.access_key_id());
    let expires = expires_in.as_secs().to_string();
    let mut added = vec![
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", credential.as_str()),
        ("X-Amz-Date", amz_date.as_str()),
        ("X-Amz-Expires", expires.as_str()),
        ("X-Amz-SignedHeaders", signed_headers.as_str()),
    ];
    if let Some(token) = params.credentials.session_token() {
        added.push(("X-Amz-Security-Token", token));
    }
    let mut query = url.query.to_owned();
    for (key, value) in added {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("{key}={}", uri_encode(value.as_bytes(), true)));
    }
    let canonical_request = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        request.method,
        canonical_path(url.path, &params.settings),
        canonical_query(&query),
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex_sha256(canonical_request.as_bytes())
    );
    let key = signing_key(params.credentials, &date, params.region, params.service);
    let signature = hex(&key.sign(string_to_sign.as_bytes()));
    let base_end = request.url.find(['?', '#']).unwrap_or(request.url.len());
    request.url = format!(
        "{}?{query}&X-Amz-Signature={signature}",
        &request.url[..base_end]
    );
    Ok(SignatureParts {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        authorization: String::new(),
    })
}

/// `20150830T123600Z` and `20150830`.
fn format_time(time: SystemTime) -> Result<(String, String), SigningError> {
    let amz_date = DateTime::from(time)
        .to_amz_date()
        .ok_or(SigningError::TimeOutOfRange)?;
    let date = amz_date[..8].to_owned();
    Ok((amz_date, date))
}

struct UrlParts<'a> {
    host: &'a str,
    path: &'a str,
    query: &'a str,
}

/// Splits `scheme://authority/path?query#fragment`. The default port is dropped from the
/// host, as HTTP clients send it.
fn split_url(url: &str) -> Result<UrlParts<'_>, SigningError> {
    let invalid = |reason| SigningError::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("expected an absolute URL with a scheme"))?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(authority_end);
    if authority.is_empty() {
        return Err(invalid("URL has no host"));
    }
    if authority.contains('@') {
        return Err(invalid("credentials in the URL are not supported"));
    }
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return Err(invalid("scheme must be http or https")),
    };
    let host = authority.strip_suffix(default_port).unwrap_or(authority);
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    Ok(UrlParts { host, path, query })
}

/// Lower-cased names sorted, values trimmed with inner runs of spaces collapsed, repeated
/// headers joined by `,` in request order. Returns the header block and the name list.
fn canonical_headers(request: &HttpRequest) -> (String, String) {
    // Borrowed where the request's names are lower-case and its values need no collapsing,
    // as the SDK's own headers are: the block is written once, without a string per header.
    let mut headers: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(request.headers.len());
    for (name, value) in request.headers.iter() {
        let name = match name.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(name.to_ascii_lowercase()),
            false => Cow::Borrowed(name),
        };
        if UNSIGNED_HEADERS.contains(&&*name) {
            continue;
        }
        let value = collapse_spaces(value);
        match headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, joined)) => {
                let joined = joined.to_mut();
                joined.push(',');
                joined.push_str(&value);
            }
            None => headers.push((name, value)),
        }
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let names_length: usize = headers.iter().map(|(n, _)| n.len() + 1).sum();
    let values_length: usize = headers.iter().map(|(_, v)| v.len() + 1).sum();
    let mut block = String::with_capacity(names_length + values_length);
    let mut names = String::with_capacity(names_length);
    for (name, value) in &headers {
        block.push_str(name);
        block.push(':');
        block.push_str(value);
        block.push('\n');
        if !names.is_empty() {
            names.push(';');
        }
        names.push_str(name);
    }
    (block, names)
}

/// `value` trimmed, inner runs of spaces collapsed to one.
fn collapse_spaces(value: &str) -> Cow<'_, str> {
    if !value.starts_with(' ') && !value.ends_with(' ') && !value.contains("  ") {
        return Cow::Borrowed(value);
    }
    Cow::Owned(
        value
            .split(' ')
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn canonical_path<'a>(path: &'a str, settings: &SigningSettings) -> Cow<'a, str> {
    let path = if settings.normalize_path {
        normalize_path(path)
    } else if path.is_empty() {
        Cow::Borrowed("/")
    } else {
        Cow::Borrowed(path)
    };
    if settings.double_uri_encode {
        Cow::Owned(uri_encode(path.as_bytes(), false))
    } else {
        path
    }
}

/// Removes empty, `.` and `..` segments (RFC 3986 §5.2.4, plus the empty segments AWS
/// drops), keeping a trailing slash. A path with none (most are) is returned as it is.
fn normalize_path(path: &str) -> Cow<'_, str> {
    if let Some(rest) = path.strip_prefix('/') {
        let mut segments = rest.split('/').peekable();
        let mut normal = true;
        while let Some(segment) = segments.next() {
            let last = segments.peek().is_none();
            if matches!(segment, "." | "..") || (segment.is_empty() && !last) {
                normal = false;
                break;
            }
        }
        if normal {
            return Cow::Borrowed(path);
        }
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut normalized = format!("/{}", segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        normalized.push('/');
    }
    Cow::Owned(normalized)
}

/// Pairs decoded and re-encoded strictly, sorted by key then value; `k` becomes `k=`.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(key), true),
                uri_encode(&percent_decode(value), true),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// SigV4 URI encoding: everything but `A-Za-z0-9-._~` as `%XX` (upper-case hex), and `/`
/// too when `encode_slash`.
fn uri_encode(bytes: &[u8], encode_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        let unreserved =
            matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~');
        if unreserved || (b == b'/' && !encode_slash) {
            out.push(char::from(b));
        } else {
            const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0xf)]));
        }
    }
    out
}

/// `%XX` to bytes; a `%` not followed by two hex digits stays literal.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes.get(i + 1..i + 3).and_then(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(pair, 16).ok()
        });
        match (bytes[i], hex_pair) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Identifies a derived key without keeping another copy of the secret.
struct KeyId {
    date: String,
    region: String,
    service: String,
    secret_digest: [u8; 32],
}

impl KeyId {
    fn is(&self, credentials: &Credentials, date: &str, region: &str, service: &str) -> bool {
        self.secret_digest == *credentials.secret_digest()
            && self.date == date
            && self.region == region
            && self.service == service
    }
}

/// A derived signing key as HMAC-SHA256 state that has already absorbed it: signing with it
/// hashes only the string to sign, not the key's two padded blocks again.
#[derive(Clone)]
struct SigningKey(HmacSha256);

impl SigningKey {
    fn sign(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

const KEY_CACHE_SIZE: usize = 16;

/// Derived keys are valid for a day, so most requests reuse one instead of running four
/// HMACs. Oldest entries are evicted first.
static KEY_CACHE: Mutex<Vec<(KeyId, SigningKey)>> = Mutex::new(Vec::new());

fn signing_key(credentials: &Credentials, date: &str, region: &str, service: &str) -> SigningKey {
    let mut cache = KEY_CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, key)) = cache
        .iter()
        .find(|(id, _)| id.is(credentials, date, region, service))
    {
        return key.clone();
    }
    let derived = derive_signing_key(credentials.secret_access_key(), date, region, service);
    let key =
        SigningKey(HmacSha256::new_from_slice(&derived).expect("HMAC accepts keys of any length"));
    if cache.len() >= KEY_CACHE_SIZE {
        cache.remove(0);
    }
    let id = KeyId {
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        secret_digest: *credentials.secret_digest(),
    };
    cache.push((id, key.clone()));
    key
}

fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_payload_hash_is_sha256_of_nothing() {
        assert_eq!(EMPTY_PAYLOAD_SHA256, hex_sha256(b""));
    }
    use std::time::{Duration, UNIX_EPOCH};

    fn params(credentials: &Credentials) -> SigningParams<'_> {
        SigningParams {
            credentials,
            region: "us-east-1",
            service: "service",
            // 2015-08-30T12:36:00Z, the test-suite time.
            time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
            settings: SigningSettings::default(),
        }
    }

    fn request(url: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            url: url.into(),
            ..HttpRequest::default()
        }
    }

    #[test]
    fn signs_get_vanilla() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
        );
        let mut req = request("https://example.amazonaws.com/");
        sign(&mut req, &params(&credentials)).unwrap();
        assert_eq!(req.headers.get("host"), Some("example.amazonaws.com"));
        assert_eq!(req.headers.get("x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            req.headers.get("authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=host;x-amz-date, \
                 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            )
        );
    }

    #[test]
    fn session_token_and_payload_header_are_signed() {
        let credentials = Credentials::new("AKID", "SECRET", Some("TOKEN".into()), None);
        let mut req = request("https://example.amazonaws.com:443/a%20b?x=1");
        req.body = b"{}".to_vec().into();
        let mut p = params(&credentials);
        p.settings.payload_header = true;
        let parts = sign_parts(&mut req, &p).unwrap();
        assert_eq!(req.headers.get("x-amz-security-token"), Some("TOKEN"));
        assert_eq!(req.headers.get("host"), Some("example.amazonaws.com"));
        assert_eq!(
            parts.signed_headers,
            "host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
        );
        assert!(parts.canonical_request.starts_with("GET\n/a%2520b\nx=1\n"));
        let debug = format!("{parts:?}");
        assert!(
            !debug.contains("TOKEN") && !debug.contains(&parts.signature),
            "{debug}"
        );
    }

    #[test]
    fn streamed_bodies_are_signed_as_unsigned_payload() {
        let credentials = Credentials::new("AKID", "SECRET", None, None);
        let mut req = request("https://bucket.s3.us-east-1.amazonaws.com/key");
        req.body = crate::http::ByteStream::from_reader(&b"not hashed"[..], 10);
        let mut p = params(&credentials);
        p.settings.payload_header = true;
        let parts = sign_parts(&mut req, &p).unwrap();
        assert_eq!(
            req.headers.get("x-amz-content-sha256"),
            Some(UNSIGNED_PAYLOAD)
        );
        assert!(parts.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        // The same body in memory is hashed.
        let mut in_memory = request("https://bucket.s3.us-east-1.amazonaws.com/key");
        in_memory.body = b"not hashed".to_vec().into();
        sign_parts(&mut in_memory, &p).unwrap();
        assert_eq!(
            in_memory.headers.get("x-amz-content-sha256"),
            Some(hex_sha256(b"not hashed").as_str())
        );
    }

    #[test]
    fn s3_style_settings_keep_the_path() {
        let credentials = Credentials::new("AKID", "SECRET", None, None);
        let mut req = request("http://localhost:8080/bucket//a%20b/../c");
        let mut p = params(&credentials);
        p.settings = SigningSettings {
            double_uri_encode: false,
            normalize_path: false,
            payload_header: false,
        };
        let parts = sign_parts(&mut req, &p).unwrap();
        assert!(
            parts
                .canonical_request
                .starts_with("GET\n/bucket//a%20b/../c\n\nhost:localhost:8080\n")
        );
    }

    #[test]
    fn path_normalization() {
        for (input, expected) in [
            ("", "/"),
            ("/", "/"),
            ("//example//", "/example/"),
            ("/a/b/../c/./d", "/a/c/d"),
            ("/../..", "/"),
            ("/a/b/..", "/a"),
            ("/foo%2F.%2Fbar", "/foo%2F.%2Fbar"),
        ] {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }

    #[test]
    fn query_canonicalisation() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
        assert_eq!(canonical_query("k=%7e%2f%zz+"), "k=~%2F%25zz%2B");
        assert_eq!(
            canonical_query("%E1%88%B4=x&\u{1234}=y"),
            "%E1%88%B4=x&%E1%88%B4=y"
        );
    }

    #[test]
    fn bad_urls_are_errors() {
        let credentials = Credentials::new("AKID", "SECRET", None, None);
        for url in [
            "/relative",
            "https:///path",
            "ftp://host/",
            "https://user@host/",
        ] {
            let err = sign(&mut request(url), &params(&credentials)).unwrap_err();
            assert!(matches!(err, SigningError::InvalidUrl { .. }), "{url}");
        }
        let mut p = params(&credentials);
        p.time = UNIX_EPOCH + Duration::from_secs(300_000_000_000);
        assert_eq!(
            sign(&mut request("https://h/"), &p),
            Err(SigningError::TimeOutOfRange)
        );
    }

    #[test]
    fn paths_normalize_and_normal_ones_are_kept_as_they_are() {
        for (path, normalized) in [
            ("/", "/"),
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b/"),
            ("", "/"),
            ("a/b", "/a/b"),
            ("//a", "/a"),
            ("/a//", "/a/"),
            ("/a/./b", "/a/b"),
            ("/a/../b", "/b"),
            ("/a/.", "/a"),
            ("/..", "/"),
        ] {
            assert_eq!(normalize_path(path), normalized, "{path:?}");
        }
        for normal in ["/", "/a/b", "/a/b/"] {
            assert!(
                matches!(normalize_path(normal), Cow::Borrowed(_)),
                "{normal}"
            );
        }
    }

    #[test]
    fn signing_keys_are_cached_per_scope() {
        let secret = Credentials::new("AKID", "secret", None, None);
        let other = Credentials::new("AKID", "other", None, None);
        let signed =
            |credentials, date| signing_key(credentials, date, "us-east-1", "iam").sign(b"x");
        let a = signed(&secret, "20150830");
        assert_eq!(
            a,
            hmac(
                &derive_signing_key("secret", "20150830", "us-east-1", "iam"),
                b"x"
            )
        );
        assert_eq!(a, signed(&secret, "20150830"), "from the cache");
        assert_ne!(a, signed(&other, "20150830"));
        assert_ne!(a, signed(&secret, "20150831"));
        for day in 0..2 * KEY_CACHE_SIZE {
            signing_key(&secret, &format!("2015{day:04}"), "r", "s");
        }
        assert!(KEY_CACHE.lock().unwrap().len() <= KEY_CACHE_SIZE);
    }
}
