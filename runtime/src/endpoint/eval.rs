//! The interpreter: walks a rule set's rules for one set of parameter values.

use std::collections::BTreeMap;

use super::expr::{Expr, Template, TemplatePart};
use super::functions;
use super::rule_set::{Condition, EndpointTemplate, Rule, RuleKind, RuleSet};
use super::value::Value;
use super::{Endpoint, EndpointError};

/// Parameter values by rule-set parameter name; unset parameters are simply absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamValues {
    values: BTreeMap<String, Value>,
}

impl ParamValues {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`; `None` leaves it unset.
    pub fn set(&mut self, name: &str, value: Option<impl Into<Value>>) -> &mut Self {
        match value {
            Some(value) => self.values.insert(name.to_owned(), value.into()),
            None => self.values.remove(name),
        };
        self
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }
}

/// Resolves the endpoint for `params`: the first rule whose conditions all hold decides.
pub fn resolve(rule_set: &RuleSet, params: &ParamValues) -> Result<Endpoint, EndpointError> {
    let mut scope = Scope {
        names: bind_parameters(rule_set, params)?,
    };
    evaluate_rules(&rule_set.rules, &mut scope)?
        .ok_or_else(|| EndpointError::new("no endpoint rule matched the parameters"))
}

/// Parameter values checked against the rule set's declarations, with defaults applied.
fn bind_parameters(
    rule_set: &RuleSet,
    params: &ParamValues,
) -> Result<Vec<(String, Value)>, EndpointError> {
    if let Some(unknown) = params
        .values
        .keys()
        .find(|name| !rule_set.parameters.contains_key(*name))
    {
        return Err(EndpointError::new(format!(
            "`{unknown}` is not a parameter of this rule set"
        )));
    }
    let mut bound = Vec::new();
    for (name, parameter) in &rule_set.parameters {
        match params.get(name).or(parameter.default.as_ref()) {
            Some(value) if parameter.kind.accepts(value) => {
                bound.push((name.clone(), value.clone()))
            }
            Some(value) => {
                return Err(EndpointError::new(format!(
                    "parameter `{name}` must be {:?}, found {}",
                    parameter.kind,
                    value.type_name()
                )));
            }
            None if parameter.required => {
                return Err(EndpointError::new(format!(
                    "missing required parameter `{name}`"
                )));
            }
            None => {}
        }
    }
    Ok(bound)
}

/// Parameters and names assigned by conditions, innermost last.
struct Scope {
    names: Vec<(String, Value)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Value> {
        self.names
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// The endpoint of the first rule whose conditions hold, `Ok(None)` when none does. A
/// matching `error` rule and a failure to evaluate are both `Err`: either ends resolution.
fn evaluate_rules(rules: &[Rule], scope: &mut Scope) -> Result<Option<Endpoint>, EndpointError> {
    for rule in rules {
        let outer = scope.names.len();
        let outcome = if conditions_hold(&rule.conditions, scope)? {
            match &rule.kind {
                // A tree whose conditions held is terminal even when none of its rules match.
                RuleKind::Tree { rules } => {
                    evaluate_rules(rules, scope)?.map(Ok).unwrap_or_else(|| {
                        Err(EndpointError::new(
                            "no rule in the matching tree rule applied to the parameters",
                        ))
                    })
                }
                RuleKind::Endpoint { endpoint } => build_endpoint(endpoint, scope),
                RuleKind::Error { error } => Err(EndpointError::new(expect_string(
                    evaluate(error, scope)?,
                    "an error rule's message",
                )?)),
            }
            .map(Some)
        } else {
            Ok(None)
        };
        scope.names.truncate(outer);
        if !matches!(outcome, Ok(None)) {
            return outcome;
        }
    }
    Ok(None)
}

/// A condition holds when its call yields a set value other than `false`.
fn conditions_hold(conditions: &[Condition], scope: &mut Scope) -> Result<bool, EndpointError> {
    for condition in conditions {
        let args = condition
            .call
            .args
            .iter()
            .map(|arg| evaluate(arg, scope))
            .collect::<Result<Vec<_>, _>>()?;
        match functions::call(&condition.call.function, args)? {
            None | Some(Value::Bool(false)) => return Ok(false),
            Some(value) => {
                if let Some(name) = &condition.assign {
                    scope.names.push((name.clone(), value));
                }
            }
        }
    }
    Ok(true)
}

fn build_endpoint(template: &EndpointTemplate, scope: &Scope) -> Result<Endpoint, EndpointError> {
    let url = expect_string(evaluate(&template.url, scope)?, "an endpoint url")?;
    let mut headers = BTreeMap::new();
    for (name, values) in &template.headers {
        let values = values
            .iter()
            .map(|value| expect_string(evaluate(value, scope)?, "a header value"))
            .collect::<Result<Vec<_>, _>>()?;
        headers.insert(name.clone(), values);
    }
    let mut properties = BTreeMap::new();
    for (name, value) in &template.properties {
        if let Some(value) = evaluate(value, scope)? {
            properties.insert(name.clone(), value.to_json());
        }
    }
    Ok(Endpoint::new(url)
        .with_headers(headers)
        .with_properties(properties))
}

fn expect_string(value: Option<Value>, what: &str) -> Result<String, EndpointError> {
    match value {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(EndpointError::new(format!(
            "{what} must be a string, found {}",
            other.type_name()
        ))),
        None => Err(EndpointError::new(format!("{what} is unset"))),
    }
}

/// Evaluates an expression; `Ok(None)` is an unset value.
fn evaluate(expr: &Expr, scope: &Scope) -> Result<Option<Value>, EndpointError> {
    Ok(match expr {
        Expr::String(template) => Some(Value::String(render(template, scope)?)),
        Expr::Bool(b) => Some(Value::Bool(*b)),
        Expr::Int(i) => Some(Value::Int(*i)),
        Expr::Ref(name) => scope.get(name).cloned(),
        Expr::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|item| evaluate(item, scope)?.ok_or_else(|| unset_in("an array")))
                .collect::<Result<_, _>>()?,
        )),
        Expr::Object(fields) => Some(Value::Object(
            fields
                .iter()
                .map(|(key, value)| {
                    let value = evaluate(value, scope)?.ok_or_else(|| unset_in("an object"))?;
                    Ok((key.clone(), value))
                })
                .collect::<Result<_, EndpointError>>()?,
        )),
        Expr::Call(call) => {
            let args = call
                .args
                .iter()
                .map(|arg| evaluate(arg, scope))
                .collect::<Result<Vec<_>, _>>()?;
            functions::call(&call.function, args)?
        }
    })
}

fn unset_in(container: &str) -> EndpointError {
    EndpointError::new(format!("an unset value cannot be placed in {container}"))
}

/// Fills a template's holes; each must hold a string.
fn render(template: &Template, scope: &Scope) -> Result<String, EndpointError> {
    let mut rendered = String::new();
    for part in &template.parts {
        let (hole, value) = match part {
            TemplatePart::Literal(text) => {
                rendered.push_str(text);
                continue;
            }
            TemplatePart::Ref(name) => (name.clone(), scope.get(name).cloned()),
            TemplatePart::Attr(name, path) => (
                format!("{name}#{path}"),
                scope
                    .get(name)
                    .and_then(|value| functions::get_attr(value, path)),
            ),
        };
        match value {
            Some(Value::String(s)) => rendered.push_str(&s),
            Some(other) => {
                return Err(EndpointError::new(format!(
                    "template hole `{hole}` must be a string, found {}",
                    other.type_name()
                )));
            }
            None => {
                return Err(EndpointError::new(format!(
                    "template hole `{hole}` is unset"
                )));
            }
        }
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_set(json: &str) -> RuleSet {
        RuleSet::from_json(json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn params(pairs: &[(&str, Value)]) -> ParamValues {
        let mut values = ParamValues::new();
        for (name, value) in pairs {
            values.set(name, Some(value.clone()));
        }
        values
    }

    fn message(result: Result<Endpoint, EndpointError>) -> String {
        result
            .err()
            .map(|e| e.message().to_owned())
            .unwrap_or_default()
    }

    const SCOPED: &str = r#"{"version":"1.0",
        "parameters":{"Region":{"type":"String"},"Flag":{"type":"Boolean","required":true,"default":true}},
        "rules":[
          {"type":"tree","conditions":[{"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}],
           "rules":[
             {"type":"endpoint","conditions":[{"fn":"booleanEquals","argv":[{"ref":"Flag"},true]}],
              "endpoint":{"url":"https://{Region}.{P#dnsSuffix}",
                "headers":{"x-partition":["{P#name}","literal"]},
                "properties":{"authSchemes":[{"name":"sigv4","signingRegion":"{Region}"}],"fips":false}}}
           ]},
          {"type":"error","conditions":[],"error":"no region"}]}"#;

    #[test]
    fn assigned_names_fill_templates_headers_and_properties() {
        let endpoint = resolve(
            &rule_set(SCOPED),
            &params(&[("Region", Value::from("cn-north-1"))]),
        );
        let endpoint = endpoint.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(endpoint.url(), "https://cn-north-1.amazonaws.com.cn");
        assert_eq!(
            endpoint.headers().get("x-partition"),
            Some(&vec!["aws-cn".to_owned(), "literal".to_owned()])
        );
        assert_eq!(
            endpoint.properties().get("authSchemes"),
            Some(&serde_json::json!([{"name": "sigv4", "signingRegion": "cn-north-1"}]))
        );
        assert_eq!(
            endpoint.properties().get("fips"),
            Some(&serde_json::json!(false))
        );
    }

    #[test]
    fn a_matching_tree_with_no_matching_rule_is_an_error() {
        let set = rule_set(SCOPED);
        let off = params(&[
            ("Region", Value::from("us-east-1")),
            ("Flag", Value::Bool(false)),
        ]);
        assert!(message(resolve(&set, &off)).contains("tree rule"));
    }

    #[test]
    fn unset_parameters_fail_conditions_and_error_rules_give_their_message() {
        assert_eq!(
            message(resolve(&rule_set(SCOPED), &ParamValues::new())),
            "no region"
        );
    }

    #[test]
    fn parameters_are_checked_against_the_declarations() {
        let set = rule_set(SCOPED);
        let unknown = params(&[("Regio", Value::from("x"))]);
        assert!(message(resolve(&set, &unknown)).contains("`Regio`"));
        let mistyped = params(&[("Flag", Value::from("yes"))]);
        assert!(message(resolve(&set, &mistyped)).contains("`Flag`"));
        let required = rule_set(
            r#"{"version":"1.0","parameters":{"Bucket":{"type":"String","required":true}},"rules":[]}"#,
        );
        assert_eq!(
            message(resolve(&required, &ParamValues::new())),
            "missing required parameter `Bucket`"
        );
    }

    #[test]
    fn no_matching_rule_is_an_error() {
        let set = rule_set(r#"{"version":"1.0","parameters":{},"rules":[]}"#);
        assert!(message(resolve(&set, &ParamValues::new())).contains("no endpoint rule"));
    }

    #[test]
    fn template_holes_must_hold_strings() {
        let set = rule_set(
            r#"{"version":"1.0","parameters":{"Region":{"type":"String"}},"rules":[
              {"type":"tree","conditions":[{"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}],
               "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://{P#supportsFIPS}"}}]}]}"#,
        );
        let region = params(&[("Region", Value::from("us-east-1"))]);
        assert_eq!(
            message(resolve(&set, &region)),
            "template hole `P#supportsFIPS` must be a string, found boolean"
        );
    }

    #[test]
    fn setting_none_unsets() {
        let mut values = params(&[("Region", Value::from("x"))]);
        values.set("Region", None::<String>);
        assert_eq!(values.get("Region"), None);
    }
}
