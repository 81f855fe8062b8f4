//! The waiters of the `waiters` snapshot (tests/models/waiters.json) against a local server:
//! every acceptor kind and comparator, the JMESPath forms the generator compiles, and the
//! polling loop's delays, failure states and limits.

use std::time::Duration;

use leansdk_tests::doubles::RecordingSleep;
use leansdk_tests::server::{Reply, TestServer};
use leansdk_waiterstest::error::SdkError;
use leansdk_waiterstest::operation::get_oven::{GetOvenError, GetOvenOutput};
use leansdk_waiterstest::types::OvenState;
use leansdk_waiterstest::{Client, FinalPoll, RetryConfig, WaiterError};

const PLENTY: Duration = Duration::from_secs(3600);

/// A server answering `replies` in order, and a client of it whose delays are recorded.
async fn setup(replies: Vec<Reply>) -> (TestServer, Client, RecordingSleep) {
    let server = TestServer::start(replies).await;
    let sleep = RecordingSleep::default();
    let config = leansdk_tests::config::local(server.url())
        // The waiter, not the call, decides what to do with errors here.
        .retry_config(RetryConfig::disabled())
        .sleep_impl(sleep.clone())
        .build();
    (server, Client::new(&config), sleep)
}

fn oven(body: &str) -> Reply {
    Reply::json(200, body)
}

fn error(status: u16, code: &str) -> Reply {
    Reply::json(status, r#"{"message": "no"}"#).header("x-amzn-errortype", code)
}

/// The output of a waiter's successful final poll.
fn output(
    result: Result<
        FinalPoll<GetOvenOutput, SdkError<GetOvenError>>,
        WaiterError<GetOvenOutput, GetOvenError>,
    >,
) -> GetOvenOutput {
    result
        .expect("the waiter succeeds")
        .into_result()
        .expect("a successful final poll")
}

#[tokio::test]
async fn polls_with_exponential_backoff_until_success() {
    let (server, client, sleep) = setup(vec![
        error(404, "OvenNotFound"),
        oven(r#"{"state": "HEATING"}"#),
        oven(r#"{"state": "HEATING"}"#),
        oven(r#"{"state": "READY", "ovenId": "o1"}"#),
    ])
    .await;
    let done = output(
        client
            .wait_until_oven_ready()
            .oven_id("o1")
            .wait(PLENTY)
            .await,
    );
    assert_eq!(done.state, Some(OvenState::Ready));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        4,
        "a retry acceptor on the error, then two retries"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.method == "GET" && r.path == "/ovens/o1")
    );
    // minDelay 2, maxDelay 20: the n-th delay is jittered in [2, min(2 * 2^(n-1), 20)].
    let delays = sleep.delays();
    assert_eq!(delays.len(), 3);
    for (n, delay) in delays.iter().enumerate() {
        let ceiling = Duration::from_secs((2 << n).min(20));
        assert!(
            (Duration::from_secs(2)..=ceiling).contains(delay),
            "delay {n}: {delay:?} outside 2 s..={ceiling:?}"
        );
    }
}

#[tokio::test]
async fn a_failure_acceptor_ends_the_wait_with_the_final_poll() {
    let (server, client, _) = setup(vec![
        oven(r#"{"state": "HEATING"}"#),
        oven(r#"{"state": "BROKEN"}"#),
    ])
    .await;
    let result = client
        .wait_until_oven_ready()
        .oven_id("o1")
        .wait(PLENTY)
        .await;
    let Err(WaiterError::FailureState(poll)) = result else {
        panic!("expected a failure state: {result:?}");
    };
    assert_eq!(poll.into_result().unwrap().state, Some(OvenState::Broken));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_no_acceptor_covers_ends_the_wait() {
    let (server, client, _) = setup(vec![error(400, "ValidationException")]).await;
    let result = client
        .wait_until_oven_ready()
        .oven_id("o1")
        .wait(PLENTY)
        .await;
    let Err(WaiterError::OperationFailed(error)) = result else {
        panic!("expected the operation's error: {result:?}");
    };
    assert_eq!(error.raw_response().map(|r| r.status), Some(400));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_unset_required_member_fails_before_sending() {
    let (server, client, _) = setup(vec![]).await;
    // `OvenAnswers` fails on any error (`success: false`), but an unbuilt request is no
    // answer of the service's.
    #[allow(deprecated)]
    let result = client.wait_until_oven_answers().wait(PLENTY).await;
    let Err(WaiterError::OperationFailed(SdkError::Construction(e))) = result else {
        panic!("expected a construction error: {result:?}");
    };
    assert!(e.to_string().contains("ovenId"), "{e}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_maximum_wait_bounds_the_attempts() {
    let replies = (0..20).map(|_| oven(r#"{"state": "HEATING"}"#)).collect();
    let (server, client, sleep) = setup(replies).await;
    let max_wait = Duration::from_secs(30);
    let result = client
        .wait_until_oven_ready()
        .oven_id("o1")
        .wait(max_wait)
        .await;
    let Err(WaiterError::ExceededMaxWait {
        max_wait: reported,
        elapsed,
        attempts,
    }) = result
    else {
        panic!("expected the maximum wait to pass: {result:?}");
    };
    assert_eq!(reported, max_wait);
    let slept: Duration = sleep.delays().iter().sum();
    assert!(
        slept <= max_wait - Duration::from_secs(2),
        "{slept:?}: the last attempt needs minDelay"
    );
    assert!(elapsed >= slept && elapsed <= max_wait, "{elapsed:?}");
    assert_eq!(attempts as usize, server.requests().len());
    assert_eq!(attempts as usize, sleep.delays().len() + 1);
    assert!(
        attempts >= 3,
        "{attempts} attempts in 30 s with delays of 2 to 20 s"
    );
}

/// Each reply's outcome under one waiter: "success", "failure", or "retry" when the waiter
/// asked again (and got an error no acceptor takes as success).
macro_rules! outcomes {
    ($waiter:ident, [$($reply:expr),* $(,)?]) => {{
        let mut outcomes = Vec::new();
        for reply in [$($reply),*] {
            let (server, client, _) = setup(vec![reply, error(400, "Unlisted")]).await;
            #[allow(deprecated)]
            let result = client.$waiter().oven_id("o1").wait(PLENTY).await;
            outcomes.push(match result {
                _ if server.requests().len() > 1 => "retry",
                Ok(_) => "success",
                Err(WaiterError::FailureState(_)) => "failure",
                Err(other) => panic!("unexpected outcome: {other:?}"),
            });
        }
        outcomes
    }};
}

#[tokio::test]
async fn all_string_equals_and_any_string_equals() {
    let outcomes = outcomes!(
        wait_until_trays_done,
        [
            oven(r#"{"trays": [{"status": "DONE"}, {"status": "DONE"}]}"#),
            oven(r#"{"trays": [{"status": "DONE"}, {"status": "BAKING"}]}"#),
            oven(r#"{"trays": [{"status": "DONE"}, {"status": "BURNT"}]}"#),
            // No trays: allStringEquals needs a non-empty list.
            oven(r#"{"trays": []}"#),
            oven(r#"{}"#),
            // A tray without a status is no string: not all are DONE.
            oven(r#"{"trays": [{"status": "DONE"}, {}]}"#),
        ]
    );
    assert_eq!(
        outcomes,
        ["success", "retry", "failure", "retry", "retry", "success"],
        "projections drop nulls, so the tray without a status is not counted"
    );
}

#[tokio::test]
async fn boolean_equals_on_a_member_and_on_a_comparison() {
    let door = outcomes!(
        wait_until_door_closed,
        [
            oven(r#"{"door": {"open": false}}"#),
            oven(r#"{"door": {"open": true}}"#),
            oven(r#"{"door": {}}"#),
            oven(r#"{}"#),
        ]
    );
    assert_eq!(
        door,
        ["success", "retry", "retry", "retry"],
        "null is not false"
    );
    let hot = outcomes!(
        wait_until_hot_enough,
        [
            oven(r#"{"temperature": 200}"#),
            oven(r#"{"temperature": 250}"#),
            oven(r#"{"temperature": 199}"#),
            oven(r#"{}"#),
        ]
    );
    assert_eq!(
        hot,
        ["success", "success", "retry", "retry"],
        "null >= 200 is null"
    );
}

#[tokio::test]
async fn object_projections_flatten_and_length() {
    let outcomes = outcomes!(
        wait_until_racks_empty,
        [
            oven(r#"{"racks": {"a": {"items": []}, "b": {}}}"#),
            oven(r#"{"racks": {"a": {"items": []}, "b": {"items": ["bread"]}}}"#),
            oven(r#"{"racks": {}}"#),
        ]
    );
    assert_eq!(outcomes, ["success", "retry", "success"]);
}

#[tokio::test]
async fn filter_projections_with_and_and_contains() {
    let outcomes = outcomes!(
        wait_until_bread_baked,
        [
            oven(
                r#"{"trays": [{"status": "DONE", "items": ["cake"]}, {"status": "BAKING", "items": ["bread"]}]}"#
            ),
            oven(
                r#"{"trays": [{"status": "BAKING"}, {"status": "DONE", "items": ["cake", "bread"]}]}"#
            ),
            oven(r#"{"trays": [{"status": "DONE"}]}"#),
        ]
    );
    assert_eq!(outcomes, ["retry", "success", "retry"]);
}

#[tokio::test]
async fn indexes_from_both_ends() {
    let outcomes = outcomes!(
        wait_until_bottom_tray_named,
        [
            oven(r#"{"trays": [{"name": "bottom"}, {"name": "middle"}, {"name": "top"}]}"#),
            oven(r#"{"trays": [{"name": "top"}, {"name": "bottom"}]}"#),
            oven(r#"{"trays": []}"#),
        ]
    );
    assert_eq!(outcomes, ["success", "retry", "retry"]);
}

#[tokio::test]
async fn multi_select_lists_per_item_flattened() {
    let outcomes = outcomes!(
        wait_until_all_top_trays_done,
        [
            oven(r#"{"trays": [{"name": "top", "status": "BAKING"}]}"#),
            oven(
                r#"{"trays": [{"name": "top", "status": "DONE"}, {"name": "low", "status": "BAKING"}]}"#
            ),
            oven(r#"{"trays": []}"#),
        ]
    );
    assert_eq!(outcomes, ["retry", "success", "success"]);
}

#[tokio::test]
async fn input_output_paths_read_the_input_sent() {
    let outcomes = outcomes!(
        wait_until_same_oven,
        [
            oven(r#"{"ovenId": "o1"}"#),
            oven(r#"{"ovenId": "o2"}"#),
            oven(r#"{"ovenId": "o2", "state": "BROKEN"}"#),
        ]
    );
    assert_eq!(outcomes, ["success", "retry", "failure"]);
}

#[tokio::test]
async fn error_type_and_success_matchers() {
    let gone = outcomes!(
        wait_until_oven_gone,
        [error(404, "OvenNotFound"), oven(r#"{}"#)]
    );
    assert_eq!(
        gone,
        ["success", "retry"],
        "a modelled error, by its variant"
    );
    let answers = outcomes!(
        wait_until_oven_answers,
        [
            oven(r#"{}"#),
            // Not modelled for GetOven: matched by its code.
            error(503, "ServiceUnavailable"),
            error(500, "InternalFailure"),
        ]
    );
    assert_eq!(answers, ["success", "retry", "failure"]);
}
