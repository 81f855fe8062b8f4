//! ListBuckets through the official SDK's whole S3 crate (aws-sdk-s3 + aws-config), for the build
//! and binary of a program calling one operation. `../lean-s3/src/main.rs` is the same
//! program on the crate leansdk generates from the official model. `compare.sh` builds it
//! and does not run it (the bench server answers GetWorkflow only); it runs against any
//! endpoint that answers ListBuckets.

use aws_config::BehaviorVersion;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::error::DisplayErrorContext;
use bench_harness::{Args, Caller};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::from_env_or_exit();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "bench",
        ))
        .endpoint_url(&args.endpoint)
        .load()
        .await;
    let client = Client::new(&config);
    bench_harness::run(&args, || ListBuckets(client.clone())).await;
}

struct ListBuckets(Client);

impl Caller for ListBuckets {
    async fn call(&mut self) -> Result<(), String> {
        self.0
            .list_buckets()
            .send()
            .await
            .map_err(|error| DisplayErrorContext(error).to_string())?;
        Ok(())
    }
}
