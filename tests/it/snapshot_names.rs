//! Compiles the `names` snapshot: keywords and colliding names get valid, distinct names.

use leansdk_nameservice::operation::do_::{DoInput, DoOutput};
use leansdk_nameservice::types::*;

#[test]
fn keywords_and_collisions() {
    let value = DoInput {
        r#type: Some("t".to_owned()),
        self_: Some("s".to_owned()),
        foo_bar: Some("1".to_owned()),
        foo_bar_2: Some("2".to_owned()),
        r#async: Some(ClientShape::UnknownValue),
        config: Some(ConfigShape::Type(3)),
        other: Some(OptionShape { x: None }),
        string: Some(StringShape {}),
        vec: Some(VecShape {}),
        r#box: Some(BoxShape {}),
        r#mod: Some(Type {}),
    };
    let json = serde_json::to_value(&value).unwrap();
    assert_eq!(json["fooBar"], "1");
    assert_eq!(json["FooBar"], "2");
    assert_eq!(json["async"], "unknown");
    assert_eq!(json["config"], serde_json::json!({"type": 3}));
    assert_eq!(serde_json::from_value::<DoInput>(json).unwrap(), value);
    let output = DoOutput {
        crate_: Some(1),
        ..Default::default()
    };
    assert_eq!(output.crate_, Some(1));
    assert_eq!(ClientShape::from("self"), ClientShape::SelfValue);
    assert_eq!(ClientShape::from("all"), ClientShape::All2);
    assert_eq!(
        ClientShape::from("other"),
        ClientShape::Unknown("other".to_owned())
    );
    let error = ErrorShape::default();
    assert_eq!(error.to_string(), "ErrorShape: no message");
    let union: ConfigShape = serde_json::from_value(serde_json::json!({"unknown": "x"})).unwrap();
    assert_eq!(union, ConfigShape::UnknownValue("x".to_owned()));
}
