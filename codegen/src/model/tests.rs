use super::*;

fn parse(json: &str) -> Result<Model, Error> {
    Model::from_json(json)
}

#[test]
fn parses_members_in_document_order_and_keeps_unknown_traits() {
    let model = parse(
        r##"{"smithy": "2.0", "shapes": {
            "ex#S": {"type": "structure", "members": {
                "zeta": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "alpha": {"target": "ex#L"}
            }, "traits": {"ex.custom#thing": {"a": 1}, "smithy.api#documentation": "doc"}},
            "ex#L": {"type": "list", "member": {"target": "smithy.api#Integer"}},
            "ex#A": {"type": "apply", "traits": {}}
        }}"##,
    )
    .unwrap();
    let shape = model.shape(&ShapeId::parse("ex#S").unwrap()).unwrap();
    let names: Vec<&str> = shape.members().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha"]);
    assert!(shape.members()[0].traits.is_required());
    assert_eq!(shape.traits.documentation(), Some("doc"));
    assert_eq!(
        shape.traits.get("ex.custom#thing"),
        Some(&serde_json::json!({"a": 1}))
    );
    assert_eq!(model.shapes.len(), 2, "apply shapes are ignored");
}

#[test]
fn parses_every_shape_type() {
    let types = [
        "blob",
        "boolean",
        "string",
        "byte",
        "short",
        "integer",
        "long",
        "float",
        "double",
        "bigInteger",
        "bigDecimal",
        "timestamp",
        "document",
    ];
    let mut shapes: Vec<String> = types
        .iter()
        .map(|t| format!(r#""ex#{t}": {{"type": "{t}"}}"#))
        .collect();
    shapes.push(r#""ex#E": {"type": "enum", "members": {"A": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "a"}}}}"#.into());
    shapes.push(r#""ex#I": {"type": "intEnum", "members": {"A": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}}}}"#.into());
    shapes.push(r#""ex#M": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "ex#U"}}"#.into());
    shapes.push(r#""ex#U": {"type": "union", "members": {"a": {"target": "ex#blob"}}}"#.into());
    shapes.push(r#""ex#Op": {"type": "operation", "input": {"target": "ex#U2"}, "output": {"target": "smithy.api#Unit"}, "errors": [{"target": "ex#U2"}]}"#.into());
    shapes.push(r#""ex#U2": {"type": "structure", "members": {}}"#.into());
    shapes.push(r#""ex#R": {"type": "resource", "identifiers": {"id": {"target": "smithy.api#String"}}, "read": {"target": "ex#Op"}, "collectionOperations": [{"target": "ex#Op"}], "resources": [{"target": "ex#R2"}]}"#.into());
    shapes.push(r#""ex#R2": {"type": "resource", "operations": [{"target": "ex#Op"}]}"#.into());
    shapes.push(
        r#""ex#Svc": {"type": "service", "version": "1", "resources": [{"target": "ex#R"}]}"#
            .into(),
    );
    let model = parse(&format!(
        r#"{{"smithy": "2.0", "shapes": {{{}}}}}"#,
        shapes.join(",")
    ))
    .unwrap();
    assert_eq!(model.shapes.len(), types.len() + 9);
    let resource = model.shape(&ShapeId::parse("ex#R").unwrap()).unwrap();
    let ShapeKind::Resource(resource) = &resource.kind else {
        panic!("not a resource")
    };
    assert_eq!(resource.identifiers[0].0, "id");
    assert_eq!(resource.all_operations().count(), 2);
    assert!(model.service(None).is_ok());
}

#[test]
fn invalid_json_reports_line_and_column() {
    let err = parse("{\n  \"smithy\": \"2.0\",\n  \"shapes\": {,}\n}").unwrap_err();
    let Error::Json { line, column, .. } = err else {
        panic!("{err}")
    };
    assert_eq!((line, column), (3, 14));
    assert!(err.to_string().contains("3:14"), "{err}");
}

#[test]
fn unknown_member_target_names_member_and_target() {
    let err = parse(
        r#"{"smithy": "2.0", "shapes": {"ex#S": {"type": "structure", "members": {"m": {"target": "ex#Missing"}}}}}"#,
    )
    .unwrap_err();
    assert!(matches!(err, Error::UnknownTarget { .. }));
    assert_eq!(
        err.to_string(),
        "member `ex#S$m` targets unknown shape `ex#Missing`"
    );
}

#[test]
fn unknown_operation_reference_is_an_error() {
    let err = parse(
        r#"{"smithy": "2.0", "shapes": {"ex#Op": {"type": "operation", "input": {"target": "ex#Nope"}}}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("ex#Nope"), "{err}");
}

#[test]
fn unsupported_shape_type_names_the_shape() {
    let err =
        parse(r#"{"smithy": "2.0", "shapes": {"ex#Weird": {"type": "quaternion"}}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "shape `ex#Weird` has unsupported type `quaternion`"
    );
}

#[test]
fn invalid_shape_id_is_an_error() {
    let err =
        parse(r#"{"smithy": "2.0", "shapes": {"NoNamespace": {"type": "string"}}}"#).unwrap_err();
    assert!(matches!(err, Error::InvalidShapeId { .. }), "{err}");
}

#[test]
fn missing_or_ambiguous_service() {
    let none = parse(r#"{"smithy": "2.0", "shapes": {"ex#S": {"type": "string"}}}"#).unwrap();
    assert!(matches!(none.service(None), Err(Error::NoService)));
    let two = parse(
        r#"{"smithy": "2.0", "shapes": {"ex#A": {"type": "service"}, "ex#B": {"type": "service"}}}"#,
    )
    .unwrap();
    let err = two.service(None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the model defines several services (ex#A, ex#B); choose one"
    );
    assert!(two.service(Some("ex#B")).is_ok());
    assert!(matches!(
        two.service(Some("ex#C")),
        Err(Error::ServiceNotFound { .. })
    ));
}

#[test]
fn io_error_names_the_path() {
    let err = Model::from_path(Path::new("/nonexistent/model.json")).unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
    assert!(
        err.to_string().starts_with("/nonexistent/model.json: "),
        "{err}"
    );
}
