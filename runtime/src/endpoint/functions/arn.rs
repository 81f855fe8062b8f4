//! `aws.parseArn`.

use std::collections::BTreeMap;

use crate::endpoint::value::Value;

/// The `ARN` structure `aws.parseArn` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account_id: String,
    /// The resource part split on `:` and `/`.
    pub resource_id: Vec<String>,
}

impl Arn {
    pub fn to_value(&self) -> Value {
        Value::Object(BTreeMap::from([
            ("partition".to_owned(), Value::from(self.partition.as_str())),
            ("service".to_owned(), Value::from(self.service.as_str())),
            ("region".to_owned(), Value::from(self.region.as_str())),
            (
                "accountId".to_owned(),
                Value::from(self.account_id.as_str()),
            ),
            (
                "resourceId".to_owned(),
                Value::from(self.resource_id.clone()),
            ),
        ]))
    }
}

/// `arn:partition:service:region:account-id:resource`. Unset unless the prefix is `arn` and
/// partition, service and resource are non-empty; region and account may be empty.
pub fn parse_arn(input: &str) -> Option<Arn> {
    let mut parts = input.splitn(6, ':');
    let (prefix, partition, service, region, account_id, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account_id.to_owned(),
        resource_id: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(arn: &str) -> Option<Vec<String>> {
        parse_arn(arn).map(|arn| arn.resource_id)
    }

    #[test]
    fn parses_the_spec_examples() {
        let sns = parse_arn("arn:aws:sns:us-west-2:012345678910:example-sns-topic-name");
        assert_eq!(
            sns,
            Some(Arn {
                partition: "aws".to_owned(),
                service: "sns".to_owned(),
                region: "us-west-2".to_owned(),
                account_id: "012345678910".to_owned(),
                resource_id: vec!["example-sns-topic-name".to_owned()],
            })
        );
        assert_eq!(
            resource("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE"),
            Some(vec!["vpc".to_owned(), "vpc-0e9801d129EXAMPLE".to_owned()])
        );
        let iam = parse_arn("arn:aws:iam::012345678910:user/johndoe");
        assert_eq!(iam.map(|arn| arn.region), Some(String::new()));
        let s3 = parse_arn("arn:aws:s3:::bucket_name");
        assert_eq!(s3.map(|arn| arn.account_id), Some(String::new()));
    }

    #[test]
    fn splits_the_resource_on_colons_and_slashes() {
        assert_eq!(
            resource("arn:aws:s3:us-east-2:012345678:outpost:op-1234/bucket"),
            Some(vec![
                "outpost".to_owned(),
                "op-1234".to_owned(),
                "bucket".to_owned()
            ])
        );
    }

    #[test]
    fn rejects_malformed_arns() {
        assert_eq!(parse_arn("11111111-2222-3333-4444-555555555555"), None);
        assert_eq!(parse_arn("arn:aws:s3:us-east-2:012345678:"), None);
        assert_eq!(parse_arn("arn::s3:us-east-2:012345678:bucket"), None);
        assert_eq!(parse_arn("arn:aws::us-east-2:012345678:bucket"), None);
        assert_eq!(parse_arn("urn:aws:s3:us-east-2:012345678:bucket"), None);
        assert_eq!(parse_arn("arn:aws:s3:us-east-2"), None);
    }

    #[test]
    fn to_value_uses_the_rule_set_attribute_names() {
        let value = parse_arn("arn:aws:s3:::b/k").map(|arn| arn.to_value());
        let Some(Value::Object(fields)) = value else {
            panic!("expected an object");
        };
        assert_eq!(
            fields.get("resourceId"),
            Some(&Value::from(vec!["b".to_owned(), "k".to_owned()]))
        );
        assert_eq!(fields.get("accountId"), Some(&Value::from("")));
    }
}
