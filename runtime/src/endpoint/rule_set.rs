//! The `smithy.rules#endpointRuleSet` trait value, typed.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

use super::expr::{Call, Expr, TemplatePart};
use super::json_fields::Fields;
use super::value::Value;

/// A parsed and validated endpoint rule set.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSet {
    pub version: String,
    pub parameters: BTreeMap<String, Parameter>,
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Parses a rule set and checks that every name it reads is defined where it is read.
    /// The generator calls this too, so a rule set this engine cannot run fails generation.
    pub fn from_json(json: &str) -> Result<Self, RuleSetError> {
        let json: Json =
            serde_json::from_str(json).map_err(|e| RuleSetError::new(e.to_string()))?;
        let rule_set = Self::read(&json).map_err(RuleSetError::new)?;
        rule_set.validate()?;
        Ok(rule_set)
    }

    fn read(json: &Json) -> Result<Self, String> {
        let fields = Fields::of(json, "")?;
        let mut parameters = BTreeMap::new();
        if let Some(declared) = fields.optional_object("parameters")? {
            for (name, parameter) in declared.entries() {
                let at = format!("parameters.{name}");
                parameters.insert(name.clone(), Parameter::read(&Fields::of(parameter, at)?)?);
            }
        }
        Ok(Self {
            version: fields.string("version")?,
            parameters,
            rules: read_rules(fields.array("rules")?, "rules")?,
        })
    }

    fn validate(&self) -> Result<(), RuleSetError> {
        for (name, parameter) in &self.parameters {
            if let Some(default) = &parameter.default {
                if !parameter.kind.accepts(default) {
                    return Err(RuleSetError::new(format!(
                        "parameter `{name}` is {:?} but its default is a {}",
                        parameter.kind,
                        default.type_name()
                    )));
                }
            }
        }
        let mut scope: Vec<&str> = self.parameters.keys().map(String::as_str).collect();
        validate_rules(&self.rules, &mut scope)
    }
}

/// Why a rule set was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSetError {
    message: String,
}

impl RuleSetError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid endpoint rule set: {}", self.message)
    }
}

impl std::error::Error for RuleSetError {}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub kind: ParameterType,
    pub built_in: Option<String>,
    pub required: bool,
    pub default: Option<Value>,
    pub documentation: Option<String>,
    pub deprecated: Option<Deprecated>,
}

impl Parameter {
    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let kind = match fields.string("type")?.as_str() {
            "String" | "string" => ParameterType::String,
            "Boolean" | "boolean" => ParameterType::Boolean,
            "StringArray" | "stringArray" => ParameterType::StringArray,
            other => {
                return Err(format!(
                    "{}: unknown parameter type `{other}`",
                    fields.path("type")
                ));
            }
        };
        let default = fields
            .get("default")
            .map(|json| {
                Value::from_param_json(json.clone())
                    .map_err(|e| format!("{}: {e}", fields.path("default")))
            })
            .transpose()?;
        let deprecated = fields
            .optional_object("deprecated")?
            .map(|deprecated| {
                Ok::<_, String>(Deprecated {
                    message: deprecated.optional_string("message")?,
                    since: deprecated.optional_string("since")?,
                })
            })
            .transpose()?;
        Ok(Self {
            kind,
            built_in: fields.optional_string("builtIn")?,
            required: fields.flag("required")?,
            default,
            documentation: fields.optional_string("documentation")?,
            deprecated,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterType {
    String,
    Boolean,
    StringArray,
}

impl ParameterType {
    pub fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (ParameterType::String, Value::String(_)) => true,
            (ParameterType::Boolean, Value::Bool(_)) => true,
            (ParameterType::StringArray, Value::Array(items)) => {
                items.iter().all(|item| matches!(item, Value::String(_)))
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecated {
    pub message: Option<String>,
    pub since: Option<String>,
}

/// One rule: when all `conditions` hold, the rule is terminal.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub conditions: Vec<Condition>,
    pub kind: RuleKind,
    pub documentation: Option<String>,
}

fn read_rules(rules: &[Json], at: &str) -> Result<Vec<Rule>, String> {
    rules
        .iter()
        .enumerate()
        .map(|(index, rule)| Rule::read(&Fields::of(rule, format!("{at}[{index}]"))?))
        .collect()
}

impl Rule {
    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let conditions = fields
            .optional_array("conditions")?
            .iter()
            .enumerate()
            .map(|(index, condition)| {
                let at = format!("{}[{index}]", fields.path("conditions"));
                Condition::read(&Fields::of(condition, at)?)
            })
            .collect::<Result<_, _>>()?;
        let kind = match fields.string("type")?.as_str() {
            "tree" => RuleKind::Tree {
                rules: read_rules(fields.array("rules")?, &fields.path("rules"))?,
            },
            "endpoint" => RuleKind::Endpoint {
                endpoint: EndpointTemplate::read(&Fields::of(
                    fields.required("endpoint")?,
                    fields.path("endpoint"),
                )?)?,
            },
            "error" => RuleKind::Error {
                error: expr(fields.required("error")?, &fields.path("error"))?,
            },
            other => return Err(format!("{}: unknown rule type `{other}`", fields.at())),
        };
        Ok(Self {
            conditions,
            kind,
            documentation: fields.optional_string("documentation")?,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    Tree { rules: Vec<Rule> },
    Endpoint { endpoint: EndpointTemplate },
    Error { error: Expr },
}

/// A function call whose result must be set and not `false`; `assign` names that result for
/// the rest of the rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub call: Call,
    pub assign: Option<String>,
}

impl Condition {
    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let args = fields
            .array("argv")?
            .iter()
            .map(|arg| expr(arg, &fields.path("argv")))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            call: Call::new(&fields.string("fn")?, args)
                .map_err(|e| format!("{}: {e}", fields.at()))?,
            assign: fields.optional_string("assign")?,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EndpointTemplate {
    pub url: Expr,
    pub properties: BTreeMap<String, Expr>,
    pub headers: BTreeMap<String, Vec<Expr>>,
}

impl EndpointTemplate {
    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let mut properties = BTreeMap::new();
        if let Some(declared) = fields.optional_object("properties")? {
            for (name, value) in declared.entries() {
                properties.insert(name.clone(), expr(value, &declared.path(name))?);
            }
        }
        let mut headers = BTreeMap::new();
        if let Some(declared) = fields.optional_object("headers")? {
            for (name, values) in declared.entries() {
                let at = declared.path(name);
                let Json::Array(values) = values else {
                    return Err(format!("{at} must be an array of expressions"));
                };
                let values = values
                    .iter()
                    .map(|value| expr(value, &at))
                    .collect::<Result<_, _>>()?;
                headers.insert(name.clone(), values);
            }
        }
        Ok(Self {
            url: expr(fields.required("url")?, &fields.path("url"))?,
            properties,
            headers,
        })
    }
}

/// Every expression form is decided in one place, `Expr::try_from`.
fn expr(json: &Json, at: &str) -> Result<Expr, String> {
    Expr::try_from(json.clone()).map_err(|e| format!("{at}: {e}"))
}

/// Names are visible from the condition that assigns them to the end of that rule, including
/// nested rules; siblings do not see each other's assignments.
fn validate_rules<'a>(rules: &'a [Rule], scope: &mut Vec<&'a str>) -> Result<(), RuleSetError> {
    for rule in rules {
        let outer = scope.len();
        for condition in &rule.conditions {
            condition
                .call
                .args
                .iter()
                .try_for_each(|arg| validate_expr(arg, scope))?;
            if let Some(name) = &condition.assign {
                if scope.contains(&name.as_str()) {
                    return Err(RuleSetError::new(format!(
                        "`assign: {name}` shadows a name already in scope"
                    )));
                }
                scope.push(name);
            }
        }
        match &rule.kind {
            RuleKind::Tree { rules } => validate_rules(rules, scope)?,
            RuleKind::Endpoint { endpoint } => {
                validate_expr(&endpoint.url, scope)?;
                endpoint
                    .properties
                    .values()
                    .chain(endpoint.headers.values().flatten())
                    .try_for_each(|expr| validate_expr(expr, scope))?;
            }
            RuleKind::Error { error } => validate_expr(error, scope)?,
        }
        scope.truncate(outer);
    }
    Ok(())
}

fn validate_expr(expr: &Expr, scope: &[&str]) -> Result<(), RuleSetError> {
    let check = |name: &str| {
        if scope.contains(&name) {
            Ok(())
        } else {
            Err(RuleSetError::new(format!(
                "`{name}` is neither a parameter nor assigned by an earlier condition"
            )))
        }
    };
    match expr {
        Expr::Ref(name) => check(name),
        Expr::String(template) => template.parts.iter().try_for_each(|part| match part {
            TemplatePart::Literal(_) => Ok(()),
            TemplatePart::Ref(name) | TemplatePart::Attr(name, _) => check(name),
        }),
        Expr::Array(items) => items.iter().try_for_each(|e| validate_expr(e, scope)),
        Expr::Object(fields) => fields.values().try_for_each(|e| validate_expr(e, scope)),
        Expr::Call(call) => call.args.iter().try_for_each(|e| validate_expr(e, scope)),
        Expr::Bool(_) | Expr::Int(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_set(parameters: &str, rules: &str) -> Result<RuleSet, RuleSetError> {
        RuleSet::from_json(&format!(
            r#"{{"version":"1.0","parameters":{parameters},"rules":{rules}}}"#
        ))
    }

    fn error_of(result: Result<RuleSet, RuleSetError>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    const REGION: &str =
        r#"{"Region":{"type":"String","builtIn":"AWS::Region","documentation":"d"}}"#;

    #[test]
    fn parses_parameters() {
        let parsed = rule_set(
            r#"{"UseFIPS":{"type":"Boolean","required":true,"default":false,
                "deprecated":{"message":"m","since":"1"}},
               "Names":{"type":"stringArray"}}"#,
            "[]",
        );
        let parameters = parsed.map(|r| r.parameters).unwrap_or_default();
        let fips = &parameters["UseFIPS"];
        assert_eq!(fips.kind, ParameterType::Boolean);
        assert!(fips.required);
        assert_eq!(fips.default, Some(Value::Bool(false)));
        assert_eq!(
            fips.deprecated.as_ref().and_then(|d| d.message.as_deref()),
            Some("m")
        );
        assert_eq!(parameters["Names"].kind, ParameterType::StringArray);
    }

    #[test]
    fn unknown_function_deep_in_the_rules_is_named() {
        let rules = r#"[{"type":"tree","conditions":[],"rules":[{"type":"error","error":"x",
            "conditions":[{"fn":"aws.unheardOf","argv":[{"ref":"Region"}]}]}]}]"#;
        let error = error_of(rule_set(REGION, rules));
        assert!(
            error.contains("unknown function `aws.unheardOf`"),
            "{error}"
        );
    }

    #[test]
    fn references_must_be_in_scope() {
        let undefined =
            r#"[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://{Nope}"}}]"#;
        let error = error_of(rule_set(REGION, undefined));
        assert!(error.contains("`Nope` is neither a parameter"), "{error}");

        // An assignment is visible in its own rule's subtree, not in the next rule.
        let sibling = r#"[
            {"type":"error","error":"e","conditions":[
                {"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}]},
            {"type":"error","error":"{P#name}","conditions":[]}]"#;
        assert!(error_of(rule_set(REGION, sibling)).contains("`P`"));
        let nested = r#"[{"type":"tree","conditions":[
                {"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}],
            "rules":[{"type":"error","error":"{P#name}","conditions":[]}]}]"#;
        assert!(rule_set(REGION, nested).is_ok());
    }

    #[test]
    fn assignments_may_not_shadow() {
        let rules = r#"[{"type":"error","error":"e","conditions":[
            {"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"Region"}]}]"#;
        assert!(error_of(rule_set(REGION, rules)).contains("shadows"));
    }

    #[test]
    fn defaults_must_match_the_parameter_type() {
        let error = error_of(rule_set(
            r#"{"UseFIPS":{"type":"Boolean","default":"no"}}"#,
            "[]",
        ));
        assert!(error.contains("`UseFIPS`"), "{error}");
        assert!(rule_set(r#"{"X":{"type":"Number"}}"#, "[]").is_err());
    }
}
