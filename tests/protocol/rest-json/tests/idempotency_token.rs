//! `smithy.api#idempotencyToken` auto-fill. The compliance case for it expects botocore's
//! fixed test token, so it stays skipped there; this checks the real behaviour instead:
//! an unset token becomes a fresh UUID v4 per call, a set one is sent unchanged.

use leansdk_protocol_harness as harness;
use leansdk_restjsonprotocol::client::Client;
use leansdk_restjsonprotocol::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillInput;

fn sent_token(token: Option<&str>) -> String {
    let capture = harness::Capture::ok();
    let client = Client::new(&capture.config("https://example.com"));
    let input = QueryIdempotencyTokenAutoFillInput {
        token: token.map(str::to_owned),
    };
    let request = capture.sent(harness::block_on(input.send_with(&client)));
    let (_, query) = request.url.split_once("?token=").unwrap_or_default();
    query.to_owned()
}

fn is_uuid_v4(token: &str) -> bool {
    let groups: Vec<&str> = token.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

#[test]
fn an_unset_token_is_filled_with_a_fresh_uuid_v4() {
    let (first, second) = (sent_token(None), sent_token(None));
    assert!(is_uuid_v4(&first), "{first}");
    assert!(is_uuid_v4(&second), "{second}");
    assert_ne!(first, second);
}

#[test]
fn a_set_token_is_sent_unchanged() {
    assert_eq!(sent_token(Some("my-token")), "my-token");
}
