//! DynamoDB (awsJson1_0) against moto: a table's life, every attribute type, an item near
//! the size limit, a query read page by page, conditional writes and transactions, and the
//! typed errors they fail with.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use leansdk_dynamodb::operation::delete_item::DeleteItemError;
use leansdk_dynamodb::operation::describe_table::DescribeTableError;
use leansdk_dynamodb::operation::put_item::PutItemError;
use leansdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use leansdk_dynamodb::operation::update_item::UpdateItemError;
use leansdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, Put, ReturnValue,
    ReturnValuesOnConditionCheckFailure, ScalarAttributeType, TableDescription, TableStatus,
    TransactWriteItem,
};
use leansdk_dynamodb::Client;
use tokio::task::JoinSet;

type Item = BTreeMap<String, AttributeValue>;

fn client() -> Client {
    Client::new(&common::config().build())
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn n(value: &str) -> AttributeValue {
    AttributeValue::N(value.to_owned())
}

fn item<const N: usize>(attributes: [(&str, AttributeValue); N]) -> Item {
    attributes
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// The composite primary key of every table here: `pk` (string) and `sk` (number).
fn key(pk: &str, sk: u32) -> Item {
    item([("pk", s(pk)), ("sk", n(&sk.to_string()))])
}

fn key_schema() -> Vec<KeySchemaElement> {
    vec![
        KeySchemaElement {
            attribute_name: "pk".into(),
            key_type: KeyType::Hash,
        },
        KeySchemaElement {
            attribute_name: "sk".into(),
            key_type: KeyType::Range,
        },
    ]
}

/// Creates a pay-per-request table keyed by [`key`], checking what CreateTable says of it.
async fn create_table(client: &Client, name: &str) -> TableDescription {
    let created = client
        .create_table()
        .table_name(name)
        .attribute_definitions(vec![
            AttributeDefinition {
                attribute_name: "pk".into(),
                attribute_type: ScalarAttributeType::S,
            },
            AttributeDefinition {
                attribute_name: "sk".into(),
                attribute_type: ScalarAttributeType::N,
            },
        ])
        .key_schema(key_schema())
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("CreateTable");
    let table = created
        .table_description
        .expect("CreateTable returns the table's description");
    assert_eq!(table.table_name.as_deref(), Some(name));
    assert_eq!(table.key_schema, Some(key_schema()));
    table
}

async fn delete_table(client: &Client, name: &str) {
    let deleted = client
        .delete_table()
        .table_name(name)
        .send()
        .await
        .expect("DeleteTable");
    let table = deleted
        .table_description
        .expect("DeleteTable describes the table");
    assert_eq!(table.table_name.as_deref(), Some(name));
}

async fn put(client: &Client, table: &str, item: Item) {
    client
        .put_item()
        .table_name(table)
        .item(item)
        .send()
        .await
        .expect("PutItem");
}

#[tokio::test]
async fn a_table_is_created_described_listed_and_deleted() {
    let client = client();
    let name = common::unique_name("table");
    let created = create_table(&client, &name).await;
    assert_eq!(
        created
            .billing_mode_summary
            .and_then(|summary| summary.billing_mode),
        Some(BillingMode::PayPerRequest)
    );

    let described = client
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("DescribeTable")
        .table
        .expect("DescribeTable returns the table");
    assert_eq!(described.table_status, Some(TableStatus::Active));
    assert_eq!(described.key_schema, Some(key_schema()));
    assert_eq!(described.item_count, Some(0));
    let arn = described.table_arn.expect("the table's ARN");
    assert!(arn.ends_with(&format!(":table/{name}")), "{arn}");

    // One name per page: the other tests' tables make several pages.
    let mut names = client.list_tables().into_paginator().page_size(1).items();
    let mut listed = Vec::new();
    while let Some(table) = names.next_item().await {
        listed.push(table.expect("ListTables"));
    }
    assert!(listed.contains(&name), "{name} not in {listed:?}");

    delete_table(&client, &name).await;
    let error = client
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect_err("DescribeTable of a deleted table");
    match service_error(error) {
        (_, Some(DescribeTableError::ResourceNotFoundException(not_found))) => {
            let message = not_found.message.unwrap_or_default();
            assert!(message.contains(&name), "{message}");
        }
        (shown, _) => panic!("expected ResourceNotFoundException, got {shown}"),
    }
}

/// Sets are unordered: the service may return their members in any order.
fn sorted_sets(value: AttributeValue) -> AttributeValue {
    match value {
        AttributeValue::Ss(mut set) => {
            set.sort();
            AttributeValue::Ss(set)
        }
        AttributeValue::Ns(mut set) => {
            set.sort();
            AttributeValue::Ns(set)
        }
        AttributeValue::Bs(mut set) => {
            set.sort();
            AttributeValue::Bs(set)
        }
        AttributeValue::M(map) => AttributeValue::M(sorted_item_sets(map)),
        AttributeValue::L(list) => AttributeValue::L(list.into_iter().map(sorted_sets).collect()),
        other => other,
    }
}

fn sorted_item_sets(item: Item) -> Item {
    item.into_iter()
        .map(|(name, value)| (name, sorted_sets(value)))
        .collect()
}

#[tokio::test]
async fn an_item_with_every_attribute_type_reads_back_unchanged() {
    let client = client();
    let table = common::unique_name("types");
    create_table(&client, &table).await;

    // Bytes that are not UTF-8 and would not survive as text: blobs travel as base64.
    let binary = vec![0x00, 0xff, 0xfe, b'\n', 0x80];
    let mut every_type = key("types", 1);
    every_type.extend(item([
        ("string", s("héllo \"wörld\" \u{1F980}")),
        ("number", n("-12.5")),
        ("binary", AttributeValue::B(binary.clone())),
        ("strings", AttributeValue::Ss(vec!["b".into(), "a".into()])),
        (
            "numbers",
            AttributeValue::Ns(vec!["3.14".into(), "-19".into(), "42".into()]),
        ),
        (
            "binaries",
            AttributeValue::Bs(vec![binary.clone(), vec![1, 2, 3]]),
        ),
        (
            "map",
            AttributeValue::M(item([
                ("nested", s("value")),
                (
                    "deeper",
                    AttributeValue::L(vec![n("1"), AttributeValue::Bool(true)]),
                ),
            ])),
        ),
        (
            "list",
            AttributeValue::L(vec![
                s("first"),
                n("2"),
                AttributeValue::B(binary.clone()),
                AttributeValue::Null(true),
                AttributeValue::M(item([("in_list", AttributeValue::Bool(false))])),
            ]),
        ),
        ("null", AttributeValue::Null(true)),
        ("bool", AttributeValue::Bool(false)),
    ]));
    put(&client, &table, every_type.clone()).await;

    let read = client
        .get_item()
        .table_name(&table)
        .key(key("types", 1))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem")
        .item
        .expect("GetItem finds the item");
    assert_eq!(read.len(), every_type.len(), "{read:?}");
    let expected = sorted_item_sets(every_type);
    for (name, value) in sorted_item_sets(read) {
        assert_eq!(Some(&value), expected.get(&name), "attribute {name}");
    }

    delete_table(&client, &table).await;
}

#[tokio::test]
async fn an_item_near_the_size_limit_reads_back_unchanged() {
    let client = client();
    let table = common::unique_name("large");
    create_table(&client, &table).await;
    // 300 KiB of every byte value: a request and a response body of about 400 KiB as base64,
    // under DynamoDB's 400 KB item limit.
    let payload: Vec<u8> = (0..=u8::MAX).cycle().take(300 * 1024).collect();
    let mut large = key("large", 1);
    large.insert("payload".into(), AttributeValue::B(payload));
    put(&client, &table, large.clone()).await;
    let read = client
        .get_item()
        .table_name(&table)
        .key(key("large", 1))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem")
        .item;
    assert!(read == Some(large), "the 300 KiB item differs");
    delete_table(&client, &table).await;
}

#[tokio::test]
async fn a_query_is_read_page_by_page_through_the_paginator() {
    let client = client();
    let table = common::unique_name("query");
    create_table(&client, &table).await;
    // Written all at once, as an application would: several requests in flight on one client.
    let mut writes = JoinSet::new();
    for sk in 1..=7 {
        let mut order = key("orders", sk);
        order.insert("total".into(), n(&(sk * 10).to_string()));
        let (client, table) = (client.clone(), table.clone());
        writes.spawn(async move { put(&client, &table, order).await });
    }
    while let Some(written) = writes.join_next().await {
        written.expect("a PutItem task");
    }
    // Another partition, which the query must not return.
    put(&client, &table, key("returns", 1)).await;

    let orders = || {
        client
            .query()
            .table_name(&table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(item([(":pk", s("orders"))]))
    };
    let mut pages = orders().limit(3).into_paginator();
    let mut page_sizes = Vec::new();
    let mut sort_keys = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("Query");
        let items = page.items.unwrap_or_default();
        assert_eq!(page.count as usize, items.len());
        page_sizes.push(items.len());
        sort_keys.extend(items.into_iter().map(|item| item["sk"].clone()));
    }
    // A full page carries a LastEvaluatedKey, the short last one does not.
    assert_eq!(page_sizes, [3, 3, 1]);
    let expected: Vec<AttributeValue> = (1..=7).map(|sk| n(&sk.to_string())).collect();
    assert_eq!(sort_keys, expected);

    let mut newest_first = orders()
        .scan_index_forward(false)
        .into_paginator()
        .page_size(2)
        .items();
    let mut totals = Vec::new();
    while let Some(order) = newest_first.next_item().await {
        totals.push(order.expect("Query")["total"].clone());
    }
    let expected: Vec<AttributeValue> = (1..=7).rev().map(|sk| n(&(sk * 10).to_string())).collect();
    assert_eq!(totals, expected);

    delete_table(&client, &table).await;
}

/// The error's text (code, message, request ID) for a failure message, and its service error.
fn service_error<E>(error: leansdk_dynamodb::error::SdkError<E>) -> (String, Option<E>)
where
    E: leansdk_dynamodb::error::ProvideErrorMetadata,
{
    (error.to_string(), error.into_service_error())
}

#[tokio::test]
async fn conditional_writes_update_and_delete_fail_with_the_typed_error() {
    let client = client();
    let table = common::unique_name("conditions");
    create_table(&client, &table).await;
    let mut ada = key("users", 1);
    ada.extend(item([("name", s("Ada")), ("visits", n("1"))]));
    let put_if_new = || {
        client
            .put_item()
            .table_name(&table)
            .condition_expression("attribute_not_exists(pk)")
    };
    put_if_new()
        .item(ada.clone())
        .send()
        .await
        .expect("PutItem of a new item");

    let mut impostor = key("users", 1);
    impostor.insert("name".into(), s("Impostor"));
    let refused = put_if_new()
        .item(impostor)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .expect_err("PutItem over an existing item");
    match service_error(refused) {
        (shown, Some(PutItemError::ConditionalCheckFailedException(failed))) => {
            assert!(
                shown.contains("ConditionalCheckFailedException: The conditional request failed"),
                "{shown}"
            );
            assert_eq!(failed.item, Some(ada.clone()), "the item that is there");
        }
        (shown, _) => panic!("expected ConditionalCheckFailedException, got {shown}"),
    }

    let update = || {
        client
            .update_item()
            .table_name(&table)
            .key(key("users", 1))
            .update_expression("SET #name = :name ADD visits :one")
            .condition_expression("visits = :seen")
            .expression_attribute_names(BTreeMap::from([("#name".into(), "name".into())]))
            .expression_attribute_values(item([
                (":name", s("Grace")),
                (":one", n("1")),
                (":seen", n("1")),
            ]))
    };
    let updated = update()
        .return_values(ReturnValue::AllNew)
        .send()
        .await
        .expect("UpdateItem");
    let mut grace = key("users", 1);
    grace.extend(item([("name", s("Grace")), ("visits", n("2"))]));
    assert_eq!(updated.attributes, Some(grace.clone()));

    // `visits` is 2 now, so the same update no longer applies.
    let stale = update()
        .send()
        .await
        .expect_err("UpdateItem with a stale condition");
    match service_error(stale) {
        (_, Some(UpdateItemError::ConditionalCheckFailedException(_))) => {}
        (shown, _) => panic!("expected ConditionalCheckFailedException, got {shown}"),
    }

    let deleted = client
        .delete_item()
        .table_name(&table)
        .key(key("users", 1))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .expect("DeleteItem");
    assert_eq!(deleted.attributes, Some(grace));
    let gone = client
        .get_item()
        .table_name(&table)
        .key(key("users", 1))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem of a deleted item");
    assert_eq!(gone.item, None);

    let missing = client
        .delete_item()
        .table_name(&table)
        .key(key("users", 1))
        .condition_expression("attribute_exists(pk)")
        .send()
        .await
        .expect_err("DeleteItem of a missing item that must exist");
    match service_error(missing) {
        (_, Some(DeleteItemError::ConditionalCheckFailedException(_))) => {}
        (shown, _) => panic!("expected ConditionalCheckFailedException, got {shown}"),
    }

    delete_table(&client, &table).await;
}

#[tokio::test]
async fn a_transaction_with_a_failed_condition_writes_nothing() {
    let client = client();
    let table = common::unique_name("transactions");
    create_table(&client, &table).await;
    let put_if_new = |item: Item| TransactWriteItem {
        put: Some(Put {
            item,
            table_name: table.clone(),
            condition_expression: Some("attribute_not_exists(pk)".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    client
        .transact_write_items()
        .transact_items(vec![
            put_if_new(key("account", 1)),
            put_if_new(key("account", 2)),
        ])
        .send()
        .await
        .expect("TransactWriteItems of two new items");

    // The second item exists, so the third must not be written either.
    let cancelled = client
        .transact_write_items()
        .transact_items(vec![
            put_if_new(key("account", 3)),
            put_if_new(key("account", 2)),
        ])
        .send()
        .await
        .expect_err("TransactWriteItems over an existing item");
    match service_error(cancelled) {
        (_, Some(TransactWriteItemsError::TransactionCanceledException(cancelled))) => {
            let codes: Vec<Option<String>> = cancelled
                .cancellation_reasons
                .unwrap_or_default()
                .into_iter()
                .map(|reason| reason.code)
                .collect();
            assert_eq!(
                codes,
                [
                    Some("None".to_owned()),
                    Some("ConditionalCheckFailed".to_owned())
                ]
            );
        }
        (shown, _) => panic!("expected TransactionCanceledException, got {shown}"),
    }
    let third = client
        .get_item()
        .table_name(&table)
        .key(key("account", 3))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem");
    assert_eq!(third.item, None, "a cancelled transaction wrote an item");

    delete_table(&client, &table).await;
}

#[tokio::test]
async fn the_table_waiters_see_a_table_appear_and_go() {
    let client = client();
    let name = "waited-for";
    // TableExists: its `ResourceNotFoundException` acceptor retries until the table is there.
    let missing = client
        .wait_until_table_not_exists()
        .table_name(name)
        .wait(Duration::from_secs(60))
        .await
        .expect("TableNotExists succeeds at once on a table never created");
    assert!(missing.as_result().is_err(), "the final poll is the not-found error");

    create_table(&client, name).await;
    let exists = client
        .wait_until_table_exists()
        .table_name(name)
        .wait(Duration::from_secs(60))
        .await
        .expect("TableExists");
    let table = exists
        .into_result()
        .expect("TableExists ends on a successful DescribeTable")
        .table
        .expect("DescribeTable describes the table");
    assert_eq!(table.table_status, Some(TableStatus::Active));

    delete_table(&client, name).await;
    client
        .wait_until_table_not_exists()
        .table_name(name)
        .wait(Duration::from_secs(60))
        .await
        .expect("TableNotExists after DeleteTable");

    // A wait shorter than the waiter's minimum delay polls once and gives up.
    let result = client
        .wait_until_table_exists()
        .table_name(name)
        .wait(Duration::from_secs(1))
        .await;
    assert!(
        matches!(
            result,
            Err(leansdk_dynamodb::WaiterError::ExceededMaxWait { attempts: 1, .. })
        ),
        "{result:?}"
    );
}
