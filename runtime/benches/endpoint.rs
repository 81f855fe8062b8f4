//! The endpoint rules interpreter on the rule set of the repository's Customer Profiles model
//! (`model/customer-profiles.json`), as the generated resolver runs it on every call.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leansdk_runtime::endpoint::{self, ParamValues, RuleSet};

const MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../model/customer-profiles.json"
);
const RULE_SET_TRAIT: &str = "smithy.rules#endpointRuleSet";

/// The rule set of the model's service shape, or why there is none.
fn rule_set() -> Result<RuleSet, String> {
    let text = std::fs::read_to_string(MODEL).map_err(|e| format!("{MODEL}: {e}"))?;
    let model: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{MODEL}: {e}"))?;
    let rules = model["shapes"]
        .as_object()
        .and_then(|shapes| {
            shapes
                .values()
                .find_map(|shape| shape["traits"].get(RULE_SET_TRAIT))
        })
        .ok_or_else(|| format!("{MODEL}: no {RULE_SET_TRAIT}"))?;
    RuleSet::from_json(&rules.to_string()).map_err(|e| format!("{MODEL}: {e}"))
}

fn resolving(c: &mut Criterion) {
    let rule_set = match rule_set() {
        Ok(rule_set) => rule_set,
        Err(problem) => {
            eprintln!("skipping endpoint benches: {problem}");
            return;
        }
    };
    let mut regional = ParamValues::new();
    regional.set("Region", Some("us-east-1"));
    let mut fips_dual_stack = regional.clone();
    fips_dual_stack
        .set("UseFIPS", Some(true))
        .set("UseDualStack", Some(true));
    let mut custom = regional.clone();
    custom.set("Endpoint", Some("http://127.0.0.1:8080"));

    let mut group = c.benchmark_group("endpoint");
    for (name, params) in [
        ("regional", &regional),
        ("fips_dual_stack", &fips_dual_stack),
        ("custom_url", &custom),
    ] {
        // A case that does not resolve would time the error path.
        if let Err(e) = endpoint::resolve(&rule_set, params) {
            eprintln!("skipping endpoint/{name}: {}", e.message());
            continue;
        }
        group.bench_function(name, |b| {
            b.iter(|| endpoint::resolve(black_box(&rule_set), black_box(params)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = resolving
}
criterion_main!(benches);
