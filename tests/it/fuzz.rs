//! Fuzzing, briefly, on every `cargo test`: the response parsers of every protocol, the XML
//! reader, the profile parser, the endpoint rule-set parser and its interpreter, the
//! timestamp parsers and the event stream decoder, each fed mutations of the checked-in
//! corpus (`tests/data/fuzz/`, see its README; the event stream's seeds are built here) and
//! fully random input. Each must return (never panic, never hang) and keep its promises: a
//! JSON error code is sanitised, a parsed timestamp prints back to itself, a parsed profile
//! set names only valid profiles, a resolved endpoint is the caller's URL or an https one,
//! a decoded event stream message encodes back to the bytes it was read from.
//!
//! `PROPTEST_CASES=100000 cargo test -p leansdk-tests --test it --release fuzz::` runs longer.

use std::path::PathBuf;

use leansdk_customerprofiles::endpoint;
use leansdk_runtime::DateTime;
use leansdk_runtime::config::profile::ProfileSet;
use leansdk_runtime::endpoint::{ParamValues, RuleSet, Value, resolve};
use leansdk_runtime::event_stream::{HeaderValue, Message, MessageDecoder};
use leansdk_runtime::http::{Headers, HttpResponse};
use leansdk_runtime::protocol::{aws_json, aws_query, ec2_query, rest_json, rest_xml, xml};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// The seeds whose names start with `prefix`.
fn corpus(prefix: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/fuzz");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
        .map(|entry| std::fs::read(entry.path()).expect("read a seed"))
        .collect();
    assert!(
        !seeds.is_empty(),
        "no seed named {prefix}* in {}",
        dir.display()
    );
    seeds.sort();
    seeds
}

fn rule_set_seed() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/endpoint/rule-set.json");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One edit of a seed.
#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Insert { at: usize, byte: u8 },
    Remove { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Cut { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Interesting bytes for text formats, as well as any byte.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"<>/&;#\"'{}[]:,=\\\n\r\t \0-.0123456789".to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), byte).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (any::<usize>(), 1usize..16).prop_map(|(at, len)| Mutation::Remove { at, len }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Mutation::Cut { at }),
    ]
}

fn mutate(mut input: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = input.len();
        let position = |at: usize| if len == 0 { 0 } else { at % (len + 1) };
        match *mutation {
            Mutation::Flip { at, bit } if len > 0 => input[at % len] ^= 1 << bit,
            Mutation::Flip { .. } => {}
            Mutation::Insert { at, byte } => input.insert(position(at), byte),
            Mutation::Remove { at, len: n } => {
                let start = position(at).min(len);
                input.drain(start..(start + n).min(len));
            }
            Mutation::Duplicate { at, len: n } => {
                let start = position(at).min(len);
                let copy = input[start..(start + n).min(len)].to_vec();
                input.splice(start..start, copy);
            }
            Mutation::Cut { at } => input.truncate(position(at)),
        }
    }
    input
}

/// Mutations of the seeds, and random bytes.
fn inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (prop::sample::select(seeds), prop::collection::vec(mutation(), 0..8))
            .prop_map(|(seed, mutations)| mutate(seed, &mutations)),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

fn response(status: u16, headers: &[(&str, String)], body: Vec<u8>) -> HttpResponse {
    let mut map = Headers::new();
    for (name, value) in headers {
        map.append(*name, value.clone());
    }
    HttpResponse {
        status,
        headers: map,
        body,
    }
}

/// A JSON protocol's code is a shape name: no namespace (`#`) and no URI suffix (`:`).
fn assert_sanitised(code: Option<&str>) {
    if let Some(code) = code {
        assert!(!code.contains('#') && !code.contains(':'), "{code:?}");
    }
}

/// Failures are reported, not written next to the sources (CI's checkout stays clean);
/// a failing input belongs in the corpus instead.
fn config() -> Config {
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn xml_readers_never_panic(
        body in inputs(corpus("xml-")),
        status in prop::sample::select(vec![200u16, 400, 403, 404, 500, 503]),
    ) {
        let _ = xml::Element::parse(&body);
        let response = response(status, &[("x-amzn-requestid", "r".to_owned())], body);
        for meta in [
            aws_query::error_metadata(&response),
            ec2_query::error_metadata(&response),
            rest_xml::error_metadata(&response),
        ] {
            let _ = (meta.code(), meta.message(), meta.request_id());
        }
        let _ = rest_xml::is_error_despite_status(&response);
    }

    #[test]
    fn json_error_readers_never_panic_and_sanitise_codes(
        body in inputs(corpus("json-")),
        error_type in prop_oneof![
            Just(None),
            "[ -~]{0,40}".prop_map(Some),
            Just(Some("aws.protocoltests#Bad:http://x/".to_owned())),
        ],
    ) {
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if let Some(error_type) = error_type {
            headers.push(("x-amzn-errortype", error_type));
        }
        let response = response(400, &headers, body);
        for meta in [
            rest_json::error_metadata(&response),
            aws_json::error_metadata(&response),
            aws_json::query_compatible_error_metadata(&response),
        ] {
            assert_sanitised(meta.code());
            let _ = (meta.message(), meta.request_id());
        }
    }

    #[test]
    fn the_profile_parser_never_panics_and_keeps_only_valid_names(
        config in inputs(corpus("profile-")),
        credentials in inputs(corpus("profile-")),
    ) {
        let config = String::from_utf8_lossy(&config);
        let credentials = String::from_utf8_lossy(&credentials);
        if let Ok(profiles) = ProfileSet::parse(Some(&config), Some(&credentials)) {
            for name in profiles.profile_names() {
                prop_assert!(
                    !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.%@:+".contains(c)),
                    "profile name {name:?}"
                );
            }
        }
    }

    #[test]
    fn rule_sets_parse_or_fail_and_parsed_ones_resolve_or_fail(
        json in inputs(vec![rule_set_seed()]),
        region in prop_oneof![
            Just("us-east-1".to_owned()),
            Just("cn-north-1".to_owned()),
            "[ -~]{0,24}",
        ],
        fips in any::<bool>(),
    ) {
        let Ok(json) = std::str::from_utf8(&json) else {
            return Ok(());
        };
        if let Ok(rule_set) = RuleSet::from_json(json) {
            let mut params = ParamValues::new();
            params.set("Region", Some(Value::from(region.as_str())));
            params.set("UseFIPS", Some(Value::Bool(fips)));
            if let Ok(endpoint) = resolve(&rule_set, &params) {
                let _ = (endpoint.url(), endpoint.headers(), endpoint.properties());
            }
        }
    }

    #[test]
    fn the_generated_resolver_gives_urls_or_errors(
        region in prop_oneof![Just(None), "[ -~]{0,30}".prop_map(Some)],
        endpoint_url in prop_oneof![Just(None), "(https?://)?[ -~]{0,30}".prop_map(Some)],
        use_fips in any::<bool>(),
        use_dual_stack in any::<bool>(),
    ) {
        let params = endpoint::Params {
            endpoint: endpoint_url.clone(),
            region,
            use_dual_stack,
            use_fips,
        };
        if let Ok(resolved) = endpoint::resolve(&params) {
            // A URL given by the caller is taken as it is (the orchestrator checks it before
            // sending); every other is an https URL on a host the rules built.
            let url = resolved.url();
            match &endpoint_url {
                Some(given) => prop_assert_eq!(url, given.as_str()),
                None => prop_assert!(url.starts_with("https://") && url.len() > 8, "{}", url),
            }
        }
    }

    #[test]
    fn parsed_timestamps_print_back_to_themselves(
        text in prop_oneof![
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})",
            "[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
            "-?[0-9]{1,14}(\\.[0-9]{1,9})?(e[0-9]{1,3})?",
            "[ -~]{0,40}",
        ],
    ) {
        for parsed in [
            DateTime::parse_rfc3339(&text),
            DateTime::parse_http_date(&text),
            DateTime::parse_epoch_seconds(&text),
        ]
        .into_iter()
        .flatten()
        {
            let printed = parsed.to_rfc3339();
            prop_assert_eq!(DateTime::parse_rfc3339(&printed), Ok(parsed), "{} from {:?}", printed, text);
        }
    }
}

/// Messages with every header type, an event, an empty one, and two in a row.
fn event_stream_seeds() -> Vec<Vec<u8>> {
    let every_type = Message::new(&b"\x00\x01"[..])
        .with_header("t", HeaderValue::Bool(true))
        .with_header("f", HeaderValue::Bool(false))
        .with_header("b", HeaderValue::Byte(-1))
        .with_header("s16", HeaderValue::Int16(-2))
        .with_header("s32", HeaderValue::Int32(-3))
        .with_header("s64", HeaderValue::Int64(-4))
        .with_header("bytes", HeaderValue::ByteArray(vec![0, 255].into()))
        .with_header("str", HeaderValue::String("héllo".into()))
        .with_header(
            "time",
            HeaderValue::Timestamp(DateTime::from_secs(1_700_000_000)),
        )
        .with_header("id", HeaderValue::Uuid(u128::MAX / 3));
    let event = Message::new(&br#"{"text":"hi"}"#[..])
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String("chunk".into()));
    let [every_type, event, empty] =
        [every_type, event, Message::new(Vec::new())].map(|m| m.encode().unwrap());
    vec![
        every_type,
        event.clone(),
        empty,
        [event.clone(), event].concat(),
    ]
}

/// The first message's CRC32s rewritten over whatever its bytes now are, so that mutations
/// reach the length checks and the header parser rather than stop at a checksum.
fn with_checksums_fixed(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() < 12 {
        return bytes;
    }
    let prelude_crc = crc32fast::hash(&bytes[..8]);
    bytes[8..12].copy_from_slice(&prelude_crc.to_be_bytes());
    let total = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    if (16..=bytes.len()).contains(&total) {
        let message_crc = crc32fast::hash(&bytes[..total - 4]);
        bytes[total - 4..total].copy_from_slice(&message_crc.to_be_bytes());
    }
    bytes
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_event_stream_decoder_never_panics_and_what_it_reads_encodes_back(
        input in inputs(event_stream_seeds()),
        fix_checksums in any::<bool>(),
        piece in 1usize..64,
    ) {
        let bytes = if fix_checksums { with_checksums_fixed(input) } else { input };
        let mut decoder = MessageDecoder::new();
        let mut read = 0;
        'feeding: for chunk in bytes.chunks(piece) {
            decoder.push(chunk);
            loop {
                match decoder.next_message() {
                    Ok(Some(message)) => {
                        let encoded = message.encode().expect("what was decoded encodes");
                        prop_assert_eq!(&bytes[read..read + encoded.len()], &encoded[..]);
                        read += encoded.len();
                    }
                    Ok(None) => break,
                    Err(_) => break 'feeding,
                }
            }
        }
    }
}

#[test]
fn event_stream_checksums_are_fixed_where_a_message_is_whole() {
    let seed = event_stream_seeds().remove(1);
    let mut corrupt = seed.clone();
    corrupt[20] ^= 1;
    corrupt[9] ^= 1;
    let fixed = with_checksums_fixed(corrupt.clone());
    assert_ne!(fixed, corrupt);
    let mut decoder = MessageDecoder::new();
    decoder.push(&fixed);
    assert!(decoder.next_message().unwrap().is_some());
    assert_eq!(with_checksums_fixed(seed.clone()), seed);
}

#[test]
fn mutations_edit_what_they_say() {
    let edit = |input: &[u8], mutation| mutate(input.to_vec(), &[mutation]);
    assert_eq!(edit(b"ab", Mutation::Flip { at: 3, bit: 0 }), b"ac");
    assert_eq!(edit(b"ab", Mutation::Insert { at: 1, byte: b'<' }), b"a<b");
    assert_eq!(edit(b"abc", Mutation::Remove { at: 1, len: 99 }), b"a");
    assert_eq!(edit(b"ab", Mutation::Duplicate { at: 0, len: 1 }), b"aab");
    assert_eq!(edit(b"abc", Mutation::Cut { at: 2 }), b"ab");
    // Positions wrap around the input, so every mutation applies to any input.
    assert_eq!(edit(b"", Mutation::Remove { at: 7, len: 3 }), b"");
    assert_eq!(edit(b"", Mutation::Flip { at: 7, bit: 3 }), b"");
}
