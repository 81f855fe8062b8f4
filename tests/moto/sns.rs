//! SNS (awsQuery, from our own model in `models/sns.json`) against moto: a topic from
//! creation to deletion (attributes, tags, the `ListTopics` paginator over several pages),
//! SQS queues subscribed to it and the notification a publish delivers to them, message
//! attributes of every type included, and the typed errors of missing topics and invalid
//! parameters.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use leansdk_sns::error::{BuildError, ProvideErrorMetadata, SdkError};
use leansdk_sns::operation::create_topic::CreateTopicError;
use leansdk_sns::operation::get_topic_attributes::GetTopicAttributesError;
use leansdk_sns::operation::list_subscriptions_by_topic::ListSubscriptionsByTopicError;
use leansdk_sns::operation::publish::PublishError;
use leansdk_sns::operation::subscribe::SubscribeError;
use leansdk_sns::types::{MessageAttributeValue, Subscription, Tag};
use leansdk_sns::{Client, Config};
use leansdk_sqs::types::QueueAttributeName;
use serde_json::{Value, json};

/// moto's account, which owns everything created with keys it does not know.
const ACCOUNT: &str = "123456789012";

/// moto (like SNS) lists 100 topics per page: this many more than the test's own topic
/// make at least two pages.
const FILLER_TOPICS: usize = 100;
const PAGE_SIZE: usize = 100;

fn config() -> Config {
    common::config().build()
}

fn client() -> Client {
    Client::new(&config())
}

fn sqs() -> leansdk_sqs::Client {
    leansdk_sqs::Client::new(&config())
}

fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{}:{ACCOUNT}:{name}", common::REGION)
}

async fn create_topic(client: &Client, name: &str) -> String {
    client
        .create_topic()
        .name(name)
        .send()
        .await
        .expect("CreateTopic")
        .topic_arn
        .expect("CreateTopic returns the topic's ARN")
}

async fn attributes(client: &Client, topic: &str) -> BTreeMap<String, String> {
    client
        .get_topic_attributes()
        .topic_arn(topic)
        .send()
        .await
        .expect("GetTopicAttributes")
        .attributes
        .expect("GetTopicAttributes returns attributes")
}

/// An SQS queue and its ARN, which SNS subscriptions name.
async fn create_queue(sqs: &leansdk_sqs::Client, name: &str) -> (String, String) {
    let url = sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("CreateQueue")
        .queue_url
        .expect("CreateQueue returns the queue's URL");
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(vec![QueueAttributeName::QueueArn])
        .send()
        .await
        .expect("GetQueueAttributes")
        .attributes
        .and_then(|mut attributes| attributes.remove("QueueArn"))
        .expect("the queue's ARN");
    (url, arn)
}

fn string_attribute(data_type: &str, value: &str) -> MessageAttributeValue {
    MessageAttributeValue {
        data_type: data_type.into(),
        string_value: Some(value.into()),
        ..Default::default()
    }
}

/// Not UTF-8, so only base64 carries it; `<` checks that nothing treats it as XML.
const BINARY: &[u8] = &[0x00, 0xff, 0x80, b'\n', b'<'];
/// [`BINARY`] as the notification carries it.
const BINARY_BASE64: &str = "AP+ACjw=";

#[tokio::test]
async fn a_topic_lives_from_creation_to_deletion() {
    let client = client();
    let name = common::unique_name("topic");
    // Characters that form encoding, XML escaping and UTF-8 must all carry.
    let display_name = "leansdk e2e & <friends> = 100%";
    let tags = vec![
        Tag {
            key: "team".into(),
            value: "sdk".into(),
        },
        Tag {
            key: "purpose".into(),
            value: "end-to-end test".into(),
        },
    ];
    let created = client
        .create_topic()
        .name(&name)
        .attributes(BTreeMap::from([(
            "DisplayName".to_owned(),
            display_name.to_owned(),
        )]))
        .tags(tags.clone())
        .send()
        .await
        .expect("CreateTopic");
    let arn = created.topic_arn.expect("CreateTopic returns the ARN");
    assert_eq!(arn, topic_arn(&name));
    assert!(created.request_id.is_some());

    let described = attributes(&client, &arn).await;
    assert_eq!(
        described.get("DisplayName").map(String::as_str),
        Some(display_name)
    );
    assert_eq!(described.get("TopicArn"), Some(&arn));
    assert_eq!(described.get("Owner").map(String::as_str), Some(ACCOUNT));
    assert_eq!(
        described.get("SubscriptionsConfirmed").map(String::as_str),
        Some("0")
    );
    // The default access policy, a JSON document naming the topic.
    let policy = described.get("Policy").expect("the topic's policy");
    let policy: Value = serde_json::from_str(policy).expect("the policy is JSON");
    assert!(policy["Statement"].to_string().contains(&arn), "{policy}");

    let listed_tags = client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource")
        .tags
        .expect("the topic's tags");
    let sorted = |tags: Vec<Tag>| -> BTreeSet<(String, String)> {
        tags.into_iter().map(|tag| (tag.key, tag.value)).collect()
    };
    assert_eq!(sorted(listed_tags), sorted(tags));

    let new_name = "été ✓ \"quoted\"";
    client
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("DisplayName")
        .attribute_value(new_name)
        .send()
        .await
        .expect("SetTopicAttributes");
    let changed = attributes(&client, &arn).await;
    assert_eq!(
        changed.get("DisplayName").map(String::as_str),
        Some(new_name)
    );
    assert_eq!(changed.get("TopicArn"), Some(&arn));

    // More topics than fit in a page, so that the paginator has to follow `NextToken`.
    // Here rather than in a test of their own: moto's token is an index into its topics,
    // so a topic deleted while another test pages would shift the pages. Only this test
    // deletes topics.
    let mut fillers = Vec::new();
    for i in 0..FILLER_TOPICS {
        fillers.push(create_topic(&client, &format!("{name}-{i}")).await);
    }
    let mut pages = client.list_topics().into_paginator();
    let (mut listed, mut page_count) = (Vec::new(), 0);
    while let Some(page) = pages.next_page().await {
        let topics = page.expect("ListTopics").topics.unwrap_or_default();
        assert!(
            topics.len() <= PAGE_SIZE,
            "{} topics in a page",
            topics.len()
        );
        listed.extend(
            topics
                .into_iter()
                .map(|topic| topic.topic_arn.unwrap_or_default()),
        );
        page_count += 1;
    }
    assert!(
        page_count >= 2,
        "{page_count} pages of {} topics",
        listed.len()
    );
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "a topic listed twice");
    for topic in fillers.iter().chain([&arn]) {
        assert!(unique.contains(topic), "{topic} not listed");
    }
    // And item by item, the same topics.
    let mut items = client.list_topics().into_paginator().items();
    let mut listed_items = BTreeSet::new();
    while let Some(topic) = items.next_item().await {
        listed_items.insert(topic.expect("ListTopics").topic_arn.unwrap_or_default());
    }
    assert!(listed_items.contains(&arn));
    assert!(listed_items.len() > FILLER_TOPICS);

    deliver_to_queues(&client, &arn).await;

    // A subject over 100 characters is refused, and typed.
    let error = client
        .publish()
        .topic_arn(&arn)
        .message("m")
        .subject("s".repeat(101))
        .send()
        .await
        .expect_err("Publish with a 101-character subject");
    let shown = error.to_string();
    match error.into_service_error() {
        Some(PublishError::InvalidParameterException(invalid)) => {
            assert_eq!(invalid.code(), Some("InvalidParameter"));
            assert_eq!(invalid.meta().status(), 400);
            let message = invalid.message().unwrap_or_default();
            assert!(message.contains("Subject"), "{message}");
        }
        _ => panic!("expected InvalidParameterException, got {shown}"),
    }

    for topic in fillers.iter().chain([&arn]) {
        client
            .delete_topic()
            .topic_arn(topic)
            .send()
            .await
            .expect("DeleteTopic");
    }
    let error = client
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect_err("GetTopicAttributes of a deleted topic");
    assert_not_found(error.to_string(), error.into_service_error());
    // Deleting a topic that is gone succeeds, as on SNS.
    client
        .delete_topic()
        .topic_arn(&arn)
        .send()
        .await
        .expect("DeleteTopic of a deleted topic");
}

/// Subscribes two SQS queues to `topic`, lists the subscriptions, publishes a message with
/// attributes of every type, and checks the notification each queue receives.
async fn deliver_to_queues(client: &Client, topic: &str) {
    let sqs = sqs();
    let mut queues = BTreeMap::new();
    for purpose in ["queue-a", "queue-b"] {
        let (url, queue_arn) = create_queue(&sqs, &common::unique_name(purpose)).await;
        let subscription = client
            .subscribe()
            .topic_arn(topic)
            .protocol("sqs")
            .endpoint(&queue_arn)
            .send()
            .await
            .expect("Subscribe")
            .subscription_arn
            .expect("Subscribe returns the subscription's ARN");
        // `<topic ARN>:<subscription ID>`: queues need no confirmation.
        assert!(
            subscription.starts_with(&format!("{topic}:")),
            "{subscription}"
        );
        queues.insert(queue_arn, (url, subscription));
    }

    let mut subscriptions: Vec<Subscription> = Vec::new();
    let mut items = client
        .list_subscriptions_by_topic()
        .topic_arn(topic)
        .into_paginator()
        .items();
    while let Some(subscription) = items.next_item().await {
        subscriptions.push(subscription.expect("ListSubscriptionsByTopic"));
    }
    assert_eq!(subscriptions.len(), queues.len(), "{subscriptions:?}");
    for subscription in &subscriptions {
        let endpoint = subscription.endpoint.as_deref().unwrap_or_default();
        let (_, subscribed) = queues.get(endpoint).expect("a subscribed queue");
        assert_eq!(subscription.subscription_arn.as_ref(), Some(subscribed));
        assert_eq!(subscription.protocol.as_deref(), Some("sqs"));
        assert_eq!(subscription.topic_arn.as_deref(), Some(topic));
        assert_eq!(subscription.owner.as_deref(), Some(ACCOUNT));
    }

    let message = "Hello <world> & \"friends\"\nline two, été ✓";
    let subject = "leansdk e2e";
    let published = client
        .publish()
        .topic_arn(topic)
        .message(message)
        .subject(subject)
        .message_attributes(BTreeMap::from([
            (
                "text".to_owned(),
                string_attribute("String", "a value & <more>, ünïcode"),
            ),
            ("count".to_owned(), string_attribute("Number", "42")),
            (
                "bytes".to_owned(),
                MessageAttributeValue {
                    data_type: "Binary".into(),
                    binary_value: Some(BINARY.to_vec()),
                    ..Default::default()
                },
            ),
        ]))
        .send()
        .await
        .expect("Publish");
    let message_id = published.message_id.expect("Publish returns a message ID");
    assert!(!message_id.is_empty());

    // SNS delivers a JSON notification to each queue (the subscriptions do not ask for raw
    // delivery); moto delivers before Publish returns.
    for (url, _) in queues.values() {
        let received = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("ReceiveMessage")
            .messages
            .unwrap_or_default();
        assert_eq!(received.len(), 1, "{received:?}");
        let body = received[0].body.as_deref().expect("a message body");
        let notification: Value = serde_json::from_str(body).expect("a JSON notification");
        assert_eq!(notification["Type"], "Notification");
        assert_eq!(notification["MessageId"], message_id.as_str());
        assert_eq!(notification["TopicArn"], topic);
        assert_eq!(notification["Subject"], subject);
        assert_eq!(notification["Message"], message);
        assert_eq!(
            notification["MessageAttributes"],
            json!({
                "text": {"Type": "String", "Value": "a value & <more>, ünïcode"},
                "count": {"Type": "Number", "Value": "42"},
                "bytes": {"Type": "Binary", "Value": BINARY_BASE64},
            })
        );
    }
    for (url, _) in queues.values() {
        sqs.delete_queue()
            .queue_url(url)
            .send()
            .await
            .expect("DeleteQueue");
    }
}

/// `error` (shown as `shown`) is the typed `NotFoundException`, with SNS's code.
fn assert_not_found(shown: String, error: Option<GetTopicAttributesError>) {
    match error {
        Some(GetTopicAttributesError::NotFoundException(not_found)) => {
            assert_eq!(not_found.code(), Some("NotFound"));
            assert_eq!(not_found.meta().status(), 404);
            let message = not_found.message().unwrap_or_default();
            assert!(message.contains("does not exist"), "{message}");
            assert!(not_found.request_id().is_some());
        }
        _ => panic!("expected NotFoundException, got {shown}"),
    }
}

#[tokio::test]
async fn a_topic_never_created_is_not_found() {
    let client = client();
    let arn = topic_arn(&common::unique_name("missing"));
    let error = client
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .expect_err("GetTopicAttributes of a topic never created");
    assert_not_found(error.to_string(), error.into_service_error());

    let error = client
        .subscribe()
        .topic_arn(&arn)
        .protocol("sqs")
        .endpoint(format!("arn:aws:sqs:{}:{ACCOUNT}:nowhere", common::REGION))
        .send()
        .await
        .expect_err("Subscribe to a topic never created");
    assert!(
        matches!(
            error.as_service_error(),
            Some(SubscribeError::NotFoundException(_))
        ),
        "{error}"
    );

    let error = client
        .list_subscriptions_by_topic()
        .topic_arn(&arn)
        .send()
        .await
        .expect_err("ListSubscriptionsByTopic of a topic never created");
    assert!(
        matches!(
            error.as_service_error(),
            Some(ListSubscriptionsByTopicError::NotFoundException(_))
        ),
        "{error}"
    );
}

#[tokio::test]
async fn an_invalid_topic_name_is_an_invalid_parameter() {
    let error = client()
        .create_topic()
        .name("not a valid name!")
        .send()
        .await
        .expect_err("CreateTopic with spaces in the name");
    let shown = error.to_string();
    match error.into_service_error() {
        Some(CreateTopicError::InvalidParameterException(invalid)) => {
            assert_eq!(invalid.code(), Some("InvalidParameter"));
            assert_eq!(invalid.meta().status(), 400);
            let message = invalid.message().unwrap_or_default();
            assert!(message.contains("Topic names"), "{message}");
        }
        _ => panic!("expected InvalidParameterException, got {shown}"),
    }
}

#[tokio::test]
async fn publish_without_a_message_is_never_sent() {
    let error = client()
        .publish()
        .topic_arn(topic_arn("any"))
        .send()
        .await
        .expect_err("Publish without Message");
    match error {
        SdkError::Construction(BuildError::MissingMember { member }) => {
            assert_eq!(member, "Message");
        }
        other => panic!("expected a missing Message, got {other}"),
    }
}

#[tokio::test]
async fn without_endpoint_rules_a_client_needs_an_endpoint_url() {
    // Our model has no `smithy.rules#endpointRuleSet`, so the generated client resolves
    // only the configured endpoint URL; without one, nothing is sent.
    let config = Config::builder()
        .region(common::REGION)
        .credentials(common::credentials())
        .build();
    let error = Client::new(&config)
        .list_topics()
        .send()
        .await
        .expect_err("ListTopics without an endpoint URL");
    match error {
        SdkError::Construction(BuildError::Endpoint { reason }) => {
            assert!(reason.contains("endpoint_url"), "{reason}");
        }
        other => panic!("expected an endpoint error, got {other}"),
    }
}
