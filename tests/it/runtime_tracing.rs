//! The orchestrator's spans and events: they name the operation, the attempt, the status
//! and the request ID, and never carry keys, tokens, signatures or bodies.

use std::time::Duration;

use leansdk_customerprofiles::Client;
use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_tests::get_workflow::input;
use leansdk_tests::server::{Reply, TestServer};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-never-shown";

/// Records every span and event field as text.
mod capture {
    use std::fmt::Debug;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub struct Capture {
        pub lines: Arc<Mutex<Vec<String>>>,
        next_id: Arc<AtomicU64>,
    }

    struct Line(String);

    impl Visit for Line {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }

    impl Capture {
        fn push(&self, name: &str, record: impl FnOnce(&mut Line)) {
            let mut line = Line(name.to_owned());
            record(&mut line);
            self.lines.lock().unwrap().push(line.0);
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            self.push(span.metadata().name(), |line| span.record(line));
            Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            self.push("record", |line| values.record(line));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            self.push("event", |line| event.record(line));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn traces_name_operation_attempt_status_and_request_id_but_no_secrets() {
    let server = TestServer::start(vec![
        Reply::status(500),
        Reply::json(200, r#"{"WorkflowId":"body-secret"}"#)
            .header("x-amzn-requestid", "req-traced"),
    ])
    .await;
    let config = leansdk_tests::config::local(server.url())
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            SECRET,
            Some(TOKEN.to_owned()),
            None,
        ))
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::ZERO))
        .build();
    let capture = capture::Capture::default();
    // Scoped to this thread, where the current-thread runtime runs the call and every task
    // it spawns: a process-wide subscriber would also record the other tests of the binary.
    let _scoped = tracing::subscriber::set_default(capture.clone());

    input().send_with(&Client::new(&config)).await.unwrap();
    let lines = capture.lines.lock().unwrap().join("\n");
    for expected in [
        "operation=\"GetWorkflow\"",
        "attempt=2",
        "status=500",
        "req-traced",
    ] {
        assert!(lines.contains(expected), "{expected} missing from\n{lines}");
    }
    let signature = server.requests()[1]
        .header("authorization")
        .unwrap()
        .to_owned();
    for secret in [SECRET, TOKEN, "body-secret", "AWS4-HMAC-SHA256", &signature] {
        assert!(!lines.contains(secret), "{secret} logged in\n{lines}");
    }
}
