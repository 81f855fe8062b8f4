//! Compiles the `shapes` snapshot and checks how its types behave.

use leansdk_runtime::DateTime;
use leansdk_shapestest::operation::exercise::ExerciseInput;
use leansdk_shapestest::types::*;
use serde_json::json;

#[test]
fn required_default_and_optional_members() {
    let input: ExerciseInput =
        serde_json::from_value(json!({"name": "n", "big": 7, "createdAt": 3})).unwrap();
    assert_eq!(input.name.as_deref(), Some("n"));
    assert_eq!(input.big, Some(7));
    assert_eq!(input.count, 5, "@default 5");
    assert!(!input.enabled);
    assert_eq!(input.small, 1.5);
    assert_eq!(input.color, Color::Green, "@default GREEN");
    assert_eq!(input.created_at, Some(DateTime::from_secs(3)));
    assert_eq!(input.ratio, None);
    // Required members of inputs are `Option` (checked when sending), so missing is `None`.
    let empty: ExerciseInput = serde_json::from_value(json!({"ratio": null})).unwrap();
    assert_eq!(empty.name, None);
    assert_eq!(empty.created_at, None);
    assert_eq!(ExerciseInput::default(), empty);
    let written = serde_json::to_value(&empty).unwrap();
    assert_eq!(written["count"], 5);
    assert!(
        written.get("ratio").is_none(),
        "absent options are not written"
    );
}

#[test]
fn wire_formats() {
    let input: ExerciseInput = serde_json::from_value(json!({
        "name": "n", "big": 1, "createdAt": 1.5,
        "isoAt": "2020-01-02T03:04:05Z", "httpAt": "Thu, 01 Jan 1970 00:00:10 GMT",
        "payload": "aGk=", "ratio": "NaN", "small": "-Infinity",
        "sparseTags": ["a", null], "Attrs": {"k": 1}, "sparseAttributes": {"x": null, "y": "Infinity"},
        "times": [1, 2.25], "doc": {"any": [1, true]}, "level": 10, "legacyColor": "magenta-ish",
        "huge": "123456789012345678901234567890"
    }))
    .unwrap();
    assert_eq!(
        input.created_at,
        Some(DateTime::from_secs_and_nanos(1, 500_000_000))
    );
    assert_eq!(input.iso_at.unwrap().to_rfc3339(), "2020-01-02T03:04:05Z");
    assert_eq!(input.http_at, Some(DateTime::from_secs(10)));
    assert_eq!(input.payload.as_deref(), Some(&b"hi"[..]));
    assert!(input.ratio.unwrap().is_nan());
    assert_eq!(input.small, f32::NEG_INFINITY);
    assert_eq!(input.sparse_tags, Some(vec![Some("a".to_owned()), None]));
    assert_eq!(input.attributes.as_ref().unwrap()["k"], 1);
    assert_eq!(input.sparse_attributes.as_ref().unwrap()["x"], None);
    assert_eq!(input.level, Some(Level::High));
    assert_eq!(input.legacy_color, Some(LegacyColor::MagentaIsh));
    let written = serde_json::to_value(&input).unwrap();
    assert_eq!(written["isoAt"], "2020-01-02T03:04:05Z");
    assert_eq!(written["httpAt"], "Thu, 01 Jan 1970 00:00:10 GMT");
    assert_eq!(written["payload"], "aGk=");
    assert_eq!(written["ratio"], "NaN");
    assert_eq!(written["times"], json!([1, 2.25]));
    assert_eq!(
        written["sparseAttributes"],
        json!({"x": null, "y": "Infinity"})
    );
    assert_eq!(written["doc"], json!({"any": [1, true]}));
}

#[test]
fn enums_and_int_enums() {
    assert_eq!(Color::values(), ["red", "GREEN", "dark-blue"]);
    assert_eq!(Color::from("dark-blue"), Color::DarkBlue);
    assert_eq!(Color::DarkBlue.to_string(), "dark-blue");
    assert_eq!(
        "purple".parse::<Color>(),
        Ok(Color::Unknown("purple".to_owned()))
    );
    assert_eq!(LegacyColor::values(), ["cyan", "magenta-ish"]);
    assert_eq!(Level::values(), [1, 10]);
    assert_eq!(Level::from(7), Level::Unknown(7));
    let level: Level = serde_json::from_str("7").unwrap();
    assert_eq!(serde_json::to_string(&level).unwrap(), "7");
}

#[test]
fn unions_keep_unknown_members() {
    let shape: Shape = serde_json::from_value(json!({"circle": {"radius": 2.0}})).unwrap();
    assert_eq!(shape, Shape::Circle(Circle { radius: 2.0 }));
    assert_eq!(
        serde_json::to_value(&shape).unwrap(),
        json!({"circle": {"radius": 2.0}})
    );
    let at: Shape = serde_json::from_value(json!({"at": 4, "label": null})).unwrap();
    assert_eq!(at, Shape::At(DateTime::from_secs(4)));
    let unknown: Shape = serde_json::from_value(json!({"hexagon": {"sides": 6}})).unwrap();
    assert_eq!(unknown, Shape::Unknown);
    assert!(serde_json::from_value::<Shape>(json!({"label": "a", "circle": {}})).is_err());
}

#[test]
fn recursive_shapes_are_boxed_and_round_trip() {
    let json = json!({"value": "a", "next": {"value": "b"}, "children": [{"value": "c"}],
        "branch": {"node": {"branch": {"leaf": "z"}}}});
    let node: Node = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(node.next.as_ref().unwrap().value.as_deref(), Some("b"));
    assert_eq!(serde_json::to_value(&node).unwrap(), json);
}

#[test]
fn sensitive_data_is_redacted_in_debug() {
    let input = ExerciseInput {
        password: Some("hunter2".to_owned()),
        secrets: Some(vec!["s3cr3t".to_owned()]),
        name: Some("visible".to_owned()),
        ..Default::default()
    };
    let debug = format!("{input:?}");
    assert!(debug.contains("visible"));
    assert!(
        !debug.contains("hunter2") && !debug.contains("s3cr3t"),
        "{debug}"
    );
    assert!(debug.contains("*** Sensitive Data Redacted ***"));
    let credentials = Credentials {
        access_key_id: Some("AKID".to_owned()),
        secret_key: Some("SECRET".to_owned()),
    };
    assert_eq!(
        format!("{credentials:?}"),
        "*** Sensitive Data Redacted ***"
    );
    assert!(!format!("{:?}", Shape::Secret("pw".to_owned())).contains("pw"));
}

#[test]
fn error_shapes() {
    let error = ValidationError {
        message: "bad field".to_owned(),
        field: None,
        ..Default::default()
    };
    assert_eq!(error.message(), Some("bad field"));
    assert_eq!(error.to_string(), "ValidationError: bad field");
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    assert!(boxed.source().is_none());
    let secret = SecretError {
        message: Some("the password is hunter2".to_owned()),
        ..Default::default()
    };
    assert_eq!(secret.to_string(), "SecretError: no message");
    assert!(!format!("{secret:?}").contains("hunter2"));
}
