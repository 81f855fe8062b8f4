//! The generated types read and write the documented GetWorkflow response exactly, and
//! every enum has exactly the documented values.

use leansdk_customerprofiles::operation::get_workflow::GetWorkflowOutput;
use leansdk_customerprofiles::types::{SourceConnectorType, Status, WorkflowType};
use leansdk_runtime::DateTime;

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/get_workflow/response.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn get_workflow_response_round_trips_with_every_field_checked() {
    let json = fixture();
    let response: GetWorkflowOutput = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(
        response.workflow_id.as_deref(),
        Some("3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81")
    );
    assert_eq!(
        response.workflow_type,
        Some(WorkflowType::AppflowIntegration)
    );
    assert_eq!(response.status, Some(Status::Failed));
    assert_eq!(
        response.error_description.as_deref(),
        Some("Salesforce API request limit reached for connector profile acme-salesforce-prod")
    );
    assert_eq!(
        response.start_date,
        Some(DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000))
    );
    assert_eq!(
        response.last_updated_at,
        Some(DateTime::from_secs_and_nanos(1_700_003_725, 875_000_000))
    );
    let attributes = response
        .attributes
        .as_ref()
        .unwrap()
        .appflow_integration
        .as_ref()
        .unwrap();
    assert_eq!(
        attributes.source_connector_type,
        SourceConnectorType::Salesforce
    );
    assert_eq!(attributes.connector_profile_name, "acme-salesforce-prod");
    assert_eq!(
        attributes.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/CustomerProfilesAppFlowIngestion")
    );
    let metrics = response
        .metrics
        .as_ref()
        .unwrap()
        .appflow_integration
        .as_ref()
        .unwrap();
    assert_eq!(
        (
            metrics.records_processed,
            metrics.steps_completed,
            metrics.total_steps
        ),
        (48213, 3, 5)
    );
    assert_eq!(serde_json::to_value(&response).unwrap(), json);
}

#[test]
fn enums_have_exactly_the_documented_values() {
    assert_eq!(WorkflowType::values(), ["APPFLOW_INTEGRATION"]);
    assert_eq!(
        Status::values(),
        [
            "NOT_STARTED",
            "IN_PROGRESS",
            "COMPLETE",
            "FAILED",
            "SPLIT",
            "RETRY",
            "CANCELLED"
        ]
    );
    assert_eq!(
        SourceConnectorType::values(),
        ["Salesforce", "Marketo", "Zendesk", "Servicenow", "S3"]
    );
    for value in Status::values() {
        assert_eq!(Status::from(*value).as_str(), *value);
        assert!(!matches!(Status::from(*value), Status::Unknown(_)));
    }
}

#[test]
fn unrecognised_enum_value_round_trips_through_unknown() {
    let status: Status = serde_json::from_str(r#""PAUSED""#).unwrap();
    assert_eq!(status, Status::Unknown("PAUSED".to_owned()));
    assert_eq!(serde_json::to_string(&status).unwrap(), r#""PAUSED""#);
    assert_eq!("PAUSED".parse::<Status>(), Ok(status));
    let mut json = fixture();
    json["Status"] = "PAUSED".into();
    let response: GetWorkflowOutput = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), json);
}
