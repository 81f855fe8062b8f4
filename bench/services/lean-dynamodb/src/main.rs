//! ListTables through the crate leansdk generates from the official DynamoDB model, for the build
//! and binary of a program calling one operation. `../official-dynamodb/src/main.rs` is the
//! same program on the official SDK. `compare.sh` generates the crate into
//! `bench/target/services/dynamodb`, builds this program and does not run it (the bench server
//! answers GetWorkflow only); it runs against any endpoint that answers ListTables.

use bench_harness::{Args, Caller};
use leansdk_dynamodb::{Client, Config, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::from_env_or_exit();
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
        ))
        .endpoint_url(&args.endpoint)
        .build();
    let client = Client::new(&config);
    bench_harness::run(&args, || ListTables(client.clone())).await;
}

struct ListTables(Client);

impl Caller for ListTables {
    async fn call(&mut self) -> Result<(), String> {
        self.0
            .list_tables()
            .send()
            .await
            .map_err(|error| error.to_string())?;
        Ok(())
    }
}
