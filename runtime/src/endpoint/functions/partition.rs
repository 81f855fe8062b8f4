//! `aws.partition`, over the partitions data embedded from `runtime/data/partitions.json`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use std::collections::BTreeSet;

use super::region_pattern::RegionPattern;
use crate::endpoint::json_fields::Fields;
use crate::endpoint::value::Value;

/// The partition that answers for regions no partition claims.
const DEFAULT_PARTITION: &str = "aws";

static EMBEDDED: LazyLock<Result<Partitions, PartitionsError>> =
    LazyLock::new(|| Partitions::from_json(include_str!("../../../data/partitions.json")));

/// AWS partitions: which regions each holds and what endpoints there look like.
#[derive(Clone, Debug)]
pub struct Partitions {
    partitions: Vec<Partition>,
}

#[derive(Clone, Debug)]
struct Partition {
    id: String,
    region_pattern: RegionPattern,
    /// Region entries may carry per-region overrides of `outputs`; the data shipped today
    /// has none (only descriptions), so a region entry only records membership.
    regions: BTreeSet<String>,
    outputs: PartitionOutputs,
}

/// The `Partition` structure `aws.partition` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionOutputs {
    pub name: String,
    pub dns_suffix: String,
    pub dual_stack_dns_suffix: String,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: String,
}

impl PartitionOutputs {
    pub fn to_value(&self) -> Value {
        Value::Object(BTreeMap::from([
            ("name".to_owned(), Value::from(self.name.as_str())),
            (
                "dnsSuffix".to_owned(),
                Value::from(self.dns_suffix.as_str()),
            ),
            (
                "dualStackDnsSuffix".to_owned(),
                Value::from(self.dual_stack_dns_suffix.as_str()),
            ),
            ("supportsFIPS".to_owned(), Value::Bool(self.supports_fips)),
            (
                "supportsDualStack".to_owned(),
                Value::Bool(self.supports_dual_stack),
            ),
            (
                "implicitGlobalRegion".to_owned(),
                Value::from(self.implicit_global_region.as_str()),
            ),
        ]))
    }
}

impl Partition {
    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let region_pattern = RegionPattern::parse(&fields.string("regionRegex")?)
            .map_err(|e| format!("{}: {e}", fields.path("regionRegex")))?;
        let regions = fields
            .optional_object("regions")?
            .map(|regions| regions.entries().map(|(name, _)| name.clone()).collect())
            .unwrap_or_default();
        let outputs = Fields::of(fields.required("outputs")?, fields.path("outputs"))?;
        let flag = |key: &str| {
            outputs
                .get(key)
                .and_then(serde_json::Value::as_bool)
                .ok_or_else(|| format!("{} must be a boolean", outputs.path(key)))
        };
        Ok(Self {
            id: fields.string("id")?,
            region_pattern,
            regions,
            outputs: PartitionOutputs {
                name: outputs.string("name")?,
                dns_suffix: outputs.string("dnsSuffix")?,
                dual_stack_dns_suffix: outputs.string("dualStackDnsSuffix")?,
                supports_fips: flag("supportsFIPS")?,
                supports_dual_stack: flag("supportsDualStack")?,
                implicit_global_region: outputs.string("implicitGlobalRegion")?,
            },
        })
    }
}

/// The partitions data could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionsError {
    message: String,
}

impl fmt::Display for PartitionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid partitions data: {}", self.message)
    }
}

impl std::error::Error for PartitionsError {}

impl Partitions {
    /// The data compiled into this crate, parsed on first use.
    pub fn embedded() -> Result<&'static Partitions, PartitionsError> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    pub fn from_json(json: &str) -> Result<Self, PartitionsError> {
        let error = |message: String| PartitionsError { message };
        let json: serde_json::Value =
            serde_json::from_str(json).map_err(|e| error(e.to_string()))?;
        let partitions = Fields::of(&json, "")
            .and_then(|document| document.array("partitions"))
            .map_err(error)?
            .iter()
            .enumerate()
            .map(|(index, partition)| {
                Partition::read(&Fields::of(partition, format!("partitions[{index}]"))?)
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(error)?;
        if !partitions.iter().any(|p| p.id == DEFAULT_PARTITION) {
            return Err(error(format!("no `{DEFAULT_PARTITION}` partition")));
        }
        Ok(Self { partitions })
    }

    /// A region listed by a partition, else one matching a partition's `regionRegex`, else
    /// the `aws` partition: unknown regions still resolve, as in every AWS SDK.
    pub fn lookup(&self, region: &str) -> Option<&PartitionOutputs> {
        let listed = || self.partitions.iter().find(|p| p.regions.contains(region));
        let matched = || {
            self.partitions
                .iter()
                .find(|p| p.region_pattern.is_match(region))
        };
        let default = || self.partitions.iter().find(|p| p.id == DEFAULT_PARTITION);
        listed()
            .or_else(matched)
            .or_else(default)
            .map(|p| &p.outputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition_of(region: &str) -> String {
        let partitions = Partitions::embedded().unwrap_or_else(|e| panic!("{e}"));
        partitions
            .lookup(region)
            .map(|outputs| outputs.name.clone())
            .unwrap_or_default()
    }

    #[test]
    fn listed_regions_resolve_to_their_partition() {
        assert_eq!(partition_of("us-east-1"), "aws");
        assert_eq!(partition_of("aws-global"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("aws-cn-global"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-iso-east-1"), "aws-iso");
        assert_eq!(partition_of("us-isob-east-1"), "aws-iso-b");
    }

    #[test]
    fn unlisted_regions_resolve_by_pattern() {
        assert_eq!(partition_of("us-west-9"), "aws");
        assert_eq!(partition_of("cn-south-7"), "aws-cn");
        assert_eq!(partition_of("us-gov-north-3"), "aws-us-gov");
        assert_eq!(partition_of("us-iso-south-2"), "aws-iso");
        assert_eq!(partition_of("us-isob-south-2"), "aws-iso-b");
        assert_eq!(partition_of("us-isof-north-4"), "aws-iso-f");
        assert_eq!(partition_of("eu-isoe-north-2"), "aws-iso-e");
        assert_eq!(partition_of("eusc-de-north-2"), "aws-eusc");
    }

    #[test]
    fn unknown_regions_fall_back_to_aws() {
        assert_eq!(partition_of("mars-east-1"), "aws");
        assert_eq!(partition_of(""), "aws");
    }

    #[test]
    fn every_partition_pattern_matches_its_own_regions() {
        // Each pattern must parse with the subset matcher and accept the partition's own
        // numbered regions (the `*-global` pseudo-regions are listed, not patterned).
        let partitions = Partitions::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(partitions.partitions.len(), 8);
        for partition in &partitions.partitions {
            let numbered = partition.regions.iter().filter(|r| !r.ends_with("-global"));
            for region in numbered {
                assert!(
                    partition.region_pattern.is_match(region),
                    "{} should match {region}",
                    partition.id
                );
                let others = partitions
                    .partitions
                    .iter()
                    .filter(|p| p.id != partition.id);
                for other in others {
                    assert!(
                        !other.region_pattern.is_match(region),
                        "{} should not match {region}",
                        other.id
                    );
                }
            }
        }
    }

    #[test]
    fn outputs_carry_the_rule_set_attribute_names() {
        let partitions = Partitions::embedded().unwrap_or_else(|e| panic!("{e}"));
        let Some(Value::Object(fields)) = partitions.lookup("cn-north-1").map(|o| o.to_value())
        else {
            panic!("expected an object");
        };
        assert_eq!(
            fields.get("dnsSuffix"),
            Some(&Value::from("amazonaws.com.cn"))
        );
        assert_eq!(fields.get("supportsFIPS"), Some(&Value::Bool(true)));
        assert_eq!(
            fields.get("dualStackDnsSuffix"),
            Some(&Value::from("api.amazonwebservices.com.cn"))
        );
    }

    #[test]
    fn rejects_data_without_the_default_partition() {
        let json = r#"{"partitions":[{"id":"x","regionRegex":"^x$","regions":{},"outputs":{
            "name":"x","dnsSuffix":"x","dualStackDnsSuffix":"x","supportsFIPS":true,
            "supportsDualStack":true,"implicitGlobalRegion":"x"}}]}"#;
        assert!(Partitions::from_json(json).is_err());
        assert!(
            Partitions::from_json(r#"{"partitions":[{"id":"aws","regionRegex":"us-.*"}]}"#)
                .is_err()
        );
    }
}
