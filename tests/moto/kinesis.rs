//! Kinesis (awsJson1_1) against moto: a stream from creation to deletion, binary records
//! written one by one and in batches and read back from every shard, shards and streams
//! listed page by page, and the typed error for a missing stream.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use leansdk_kinesis::operation::describe_stream::DescribeStreamError;
use leansdk_kinesis::operation::describe_stream_summary::DescribeStreamSummaryError;
use leansdk_kinesis::types::{
    PutRecordsRequestEntry, Record, ShardIteratorType, StreamDescriptionSummary, StreamStatus,
};
use leansdk_kinesis::Client;

fn client() -> Client {
    Client::new(&common::config().build())
}

/// How often, and how long apart, a stream's status is asked for while it changes. moto
/// changes it at once; AWS takes seconds.
const STATUS_POLLS: usize = 20;
const STATUS_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The tests run on a single-threaded runtime with nothing else in flight, so blocking it
/// between polls is harmless (and spares the tests tokio's timer).
fn pause() {
    std::thread::sleep(STATUS_POLL_INTERVAL);
}

async fn create_active_stream(
    client: &Client,
    name: &str,
    shards: i32,
) -> StreamDescriptionSummary {
    client
        .create_stream()
        .stream_name(name)
        .shard_count(shards)
        .send()
        .await
        .expect("CreateStream");
    for _ in 0..STATUS_POLLS {
        let summary = client
            .describe_stream_summary()
            .stream_name(name)
            .send()
            .await
            .expect("DescribeStreamSummary")
            .stream_description_summary;
        if summary.stream_status == StreamStatus::Active {
            return summary;
        }
        pause();
    }
    panic!("{name} is not ACTIVE after {STATUS_POLLS} polls");
}

/// Deletes the stream and waits until it is gone.
async fn delete_stream(client: &Client, name: &str) {
    client
        .delete_stream()
        .stream_name(name)
        .send()
        .await
        .expect("DeleteStream");
    for _ in 0..STATUS_POLLS {
        let described = client
            .describe_stream_summary()
            .stream_name(name)
            .send()
            .await;
        match described.map_err(|e| (e.to_string(), e.into_service_error())) {
            Ok(summary) => {
                let status = summary.stream_description_summary.stream_status;
                assert_eq!(status, StreamStatus::Deleting, "{name} after DeleteStream");
            }
            Err((_, Some(DescribeStreamSummaryError::ResourceNotFoundException(_)))) => return,
            Err((shown, _)) => panic!("DescribeStreamSummary of a deleted stream: {shown}"),
        }
        pause();
    }
    panic!("{name} still exists {STATUS_POLLS} polls after DeleteStream");
}

/// Every stream name, `limit` per ListStreams page, each page starting after the last
/// name of the one before; and the number of pages.
async fn stream_names(client: &Client, limit: i32) -> (Vec<String>, usize) {
    let mut names: Vec<String> = Vec::new();
    for pages in 1..=100 {
        let mut request = client.list_streams().limit(limit);
        if let Some(last) = names.last() {
            request = request.exclusive_start_stream_name(last);
        }
        let page = request.send().await.expect("ListStreams");
        assert!(page.stream_names.len() <= limit as usize, "{page:?}");
        names.extend(page.stream_names);
        if !page.has_more_streams {
            return (names, pages);
        }
    }
    panic!("ListStreams has more streams after 100 pages: {names:?}");
}

/// The records from `iterator` on; the read after them, from the next iterator, is empty.
async fn read_to_the_end(client: &Client, iterator: String) -> Vec<Record> {
    let got = client
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("GetRecords");
    let next = got
        .next_shard_iterator
        .expect("an open shard's next iterator");
    let after = client
        .get_records()
        .shard_iterator(next)
        .send()
        .await
        .expect("GetRecords at the end of the shard");
    assert!(after.records.is_empty(), "{:?}", after.records);
    got.records
}

/// Where a record is (shard and sequence number) and what it holds (partition key, data).
type Records = BTreeMap<(String, String), (String, Vec<u8>)>;

#[tokio::test]
async fn a_stream_carries_binary_records_from_creation_to_deletion() {
    let client = client();
    let name = common::unique_name("stream");
    let summary = create_active_stream(&client, &name, 2).await;
    assert_eq!(summary.stream_name, name);
    assert_eq!(summary.open_shard_count, 2);
    assert_eq!(summary.retention_period_hours, 24);
    assert!(
        summary.stream_arn.ends_with(&format!(":stream/{name}")),
        "{}",
        summary.stream_arn
    );

    // Not UTF-8, so only base64 carries it intact.
    let first = vec![0x00, 0xff, b'{', 0x80, b'\n'];
    let put = client
        .put_record()
        .stream_name(&name)
        .partition_key("device-0")
        .data(first.clone())
        .send()
        .await
        .expect("PutRecord");
    let mut written = Records::new();
    written.insert(
        (put.shard_id, put.sequence_number),
        ("device-0".to_owned(), first),
    );

    let batch: Vec<PutRecordsRequestEntry> = (1..=4u8)
        .map(|i| PutRecordsRequestEntry {
            data: [format!("reading {i} ").as_bytes(), &[i, 0xfe]].concat(),
            partition_key: format!("device-{i}"),
            ..Default::default()
        })
        .collect();
    let put = client
        .put_records()
        .stream_name(&name)
        .records(batch.clone())
        .send()
        .await
        .expect("PutRecords");
    assert_eq!(put.failed_record_count, Some(0));
    assert_eq!(put.records.len(), batch.len());
    for (entry, result) in batch.into_iter().zip(put.records) {
        assert_eq!(result.error_code, None, "{result:?}");
        let shard = result.shard_id.expect("the record's shard");
        let sequence = result
            .sequence_number
            .expect("the record's sequence number");
        written.insert((shard, sequence), (entry.partition_key, entry.data));
    }

    // One page: moto pages ListShards only when the stream's name comes with the token,
    // which Kinesis refuses (see README.md).
    let listed = client
        .list_shards()
        .stream_name(&name)
        .send()
        .await
        .expect("ListShards");
    assert_eq!(listed.next_token, None);
    let shards: Vec<String> = listed
        .shards
        .unwrap_or_default()
        .into_iter()
        .map(|shard| shard.shard_id)
        .collect();
    assert_eq!(shards.len(), 2, "{shards:?}");
    for (shard, _) in written.keys() {
        assert!(shards.contains(shard), "{shard} not in {shards:?}");
    }

    let mut read = Records::new();
    for shard in &shards {
        let iterator = |kind: ShardIteratorType| {
            client
                .get_shard_iterator()
                .stream_name(&name)
                .shard_id(shard)
                .shard_iterator_type(kind)
        };
        let oldest = iterator(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("GetShardIterator")
            .shard_iterator
            .expect("a shard iterator");
        let records = read_to_the_end(&client, oldest).await;
        // Every record arrived after the stream was created.
        let since_creation = iterator(ShardIteratorType::AtTimestamp)
            .timestamp(summary.stream_creation_timestamp)
            .send()
            .await
            .expect("GetShardIterator at a timestamp")
            .shard_iterator
            .expect("a shard iterator");
        assert_eq!(read_to_the_end(&client, since_creation).await, records);
        for record in records {
            read.insert(
                (shard.clone(), record.sequence_number),
                (record.partition_key, record.data),
            );
        }
    }
    assert_eq!(read, written);

    // Two more streams, so that listing one name per page takes several pages. Here rather
    // than in a test of its own: moto fails a page that starts after a stream deleted in the
    // meantime, so no other test may delete streams while this one lists them.
    let others = [format!("{name}-a"), format!("{name}-b")];
    for other in &others {
        create_active_stream(&client, other, 1).await;
    }
    let (listed, pages) = stream_names(&client, 1).await;
    assert!(pages >= 3, "{pages} pages: {listed:?}");
    for stream in others.iter().chain([&name]) {
        assert!(listed.contains(stream), "{stream} not in {listed:?}");
    }
    for stream in others.iter().chain([&name]) {
        delete_stream(&client, stream).await;
    }
}

#[tokio::test]
async fn describing_a_missing_stream_is_resource_not_found() {
    let name = common::unique_name("missing");
    let error = client()
        .describe_stream()
        .stream_name(&name)
        .send()
        .await
        .expect_err("DescribeStream of a stream never created");
    let shown = error.to_string();
    match error.into_service_error() {
        Some(DescribeStreamError::ResourceNotFoundException(not_found)) => {
            let message = not_found.message.unwrap_or_default();
            assert!(message.contains(&name), "{message}");
        }
        _ => panic!("expected ResourceNotFoundException, got {shown}"),
    }
}
