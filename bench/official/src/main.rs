//! GetWorkflow through the official SDK (aws-sdk-customerprofiles + aws-config), timed by
//! `bench-harness`. `lean/src/main.rs` is the same program on leansdk.

use aws_config::BehaviorVersion;
use aws_sdk_customerprofiles::Client;
use aws_sdk_customerprofiles::config::{Credentials, Region};
use aws_sdk_customerprofiles::error::DisplayErrorContext;
use bench_harness::{Args, Caller};

/// `WorkflowId` in the fixture the bench server answers with.
const WORKFLOW_ID: &str = "3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81";

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
    bench_harness::run(&args, || GetWorkflow(client.clone())).await;
}

/// A handle on the one client; calls in flight share its connections.
struct GetWorkflow(Client);

impl Caller for GetWorkflow {
    async fn call(&mut self) -> Result<(), String> {
        let output = self
            .0
            .get_workflow()
            .domain_name("bench-domain")
            .workflow_id(WORKFLOW_ID)
            .send()
            .await
            .map_err(|error| DisplayErrorContext(error).to_string())?;
        match output.workflow_id() {
            Some(WORKFLOW_ID) => Ok(()),
            other => Err(format!("unexpected WorkflowId {other:?}")),
        }
    }
}
