#!/usr/bin/env python3
"""Check that the official AWS model is a compatible superset of ours.

usage: python3 model/check_superset.py OFFICIAL_MODEL [PARTITIONS_JSON]

Documentation strings are ignored everywhere: ours are written by us and are
meant to differ. Everything else must agree:
  * our file is a Smithy 2.0 JSON AST and every target resolves (here or in the prelude);
  * every non-service shape equals the official one (type, members, targets, traits);
  * the service keeps the official version and traits, lists a subset of its operations,
    and object-valued traits (e.g. aws.api#service) carry a subset of the official keys;
  * given PARTITIONS_JSON, both endpoint rule sets are evaluated over every combination of
    region / FIPS / DualStack / custom endpoint, and must resolve identically; our
    smithy.rules#endpointTests must pass against both rule sets.
"""

import itertools
import json
import re
import sys
from pathlib import Path

OURS = Path(__file__).with_name("customer-profiles.json")
DOC = "smithy.api#documentation"
RULE_TRAITS = ("smithy.rules#endpointRuleSet", "smithy.rules#endpointTests")


def without_docs(value):
    if isinstance(value, dict):
        return {k: without_docs(v) for k, v in value.items() if k != DOC}
    if isinstance(value, list):
        return [without_docs(v) for v in value]
    return value


def normalised(shape):
    """Shape without docs; a member's missing `traits` equals an empty one."""
    shape = without_docs(shape)
    shape.setdefault("traits", {})
    for member in shape.get("members", {}).values():
        member.setdefault("traits", {})
    return shape


def targets(shape):
    for key in ("input", "output", "member", "key", "value"):
        if key in shape:
            yield shape[key]["target"]
    for key in ("operations", "resources", "errors"):
        for ref in shape.get(key, []):
            yield ref["target"]
    for member in shape.get("members", {}).values():
        yield member["target"]


def check_shapes(ours, official, problems):
    for shape_id, shape in ours.items():
        for target in targets(shape):
            if target not in ours and not target.startswith("smithy.api#"):
                problems.append(f"{shape_id}: unknown target {target}")
        theirs = official.get(shape_id)
        if theirs is None:
            problems.append(f"{shape_id}: not in the official model")
        elif shape["type"] == "service":
            check_service(shape_id, shape, theirs, problems)
        elif normalised(shape) != normalised(theirs):
            problems.append(f"{shape_id}: differs from the official shape")


def check_service(shape_id, ours, theirs, problems):
    if ours.get("version") != theirs.get("version"):
        problems.append(f"{shape_id}: version differs")
    official_ops = {ref["target"] for ref in theirs.get("operations", [])}
    for ref in ours.get("operations", []):
        if ref["target"] not in official_ops:
            problems.append(f"{shape_id}: operation {ref['target']} is not official")
    for trait, value in ours.get("traits", {}).items():
        if trait == DOC or trait in RULE_TRAITS:
            continue
        official = theirs["traits"].get(trait)
        if isinstance(value, dict) and isinstance(official, dict):
            extra = {k for k in value if official.get(k) != value[k]}
            if extra:
                problems.append(f"{shape_id}: {trait} keys differ: {sorted(extra)}")
        elif value != official:
            problems.append(f"{shape_id}: trait {trait} differs")


class RuleError(Exception):
    pass


def partition_of(region, partitions):
    for part in partitions:
        if region in part["regions"]:
            return part["outputs"]
    for part in partitions:
        if re.match(part["regionRegex"], region):
            return part["outputs"]
    return next(p["outputs"] for p in partitions if p["id"] == "aws")


def evaluate(expr, scope, partitions):
    if isinstance(expr, bool):
        return expr
    if isinstance(expr, str):
        return re.sub(r"\{([^}#]+)(?:#([^}]+))?\}",
                      lambda m: str(scope[m[1]][m[2]] if m[2] else scope[m[1]]), expr)
    if "ref" in expr:
        return scope.get(expr["ref"])
    args = [evaluate(a, scope, partitions) for a in expr["argv"]]
    match expr["fn"]:
        case "isSet":
            return args[0] is not None
        case "booleanEquals":
            return args[0] == args[1]
        case "getAttr":
            return args[0][args[1]]
        case "aws.partition":
            return partition_of(args[0], partitions)
    raise ValueError(f"function {expr['fn']} not supported by this checker")


def resolve(rules, scope, partitions):
    for rule in rules:
        local = dict(scope)
        if not all(condition_holds(c, local, partitions) for c in rule["conditions"]):
            continue
        if rule["type"] == "error":
            raise RuleError(rule["error"])
        if rule["type"] == "endpoint":
            return evaluate(rule["endpoint"]["url"], local, partitions)
        return resolve(rule["rules"], local, partitions)
    raise RuleError("no rule matched")


def condition_holds(condition, scope, partitions):
    value = evaluate(condition, scope, partitions)
    if "assign" in condition:
        scope[condition["assign"]] = value
    return value is not None and value is not False


def outcome(rule_set, params, partitions):
    scope = {name: p.get("default") for name, p in rule_set["parameters"].items()}
    scope.update(params)
    try:
        return {"endpoint": {"url": resolve(rule_set["rules"], scope, partitions)}}
    except RuleError as error:
        return {"error": str(error)}


def check_rules(ours, theirs, partitions, problems):
    ours_rs = ours["smithy.rules#endpointRuleSet"]
    theirs_rs = theirs["smithy.rules#endpointRuleSet"]

    def undocumented(rule_set):
        return {n: {k: v for k, v in p.items() if k != "documentation"}
                for n, p in rule_set["parameters"].items()}

    if undocumented(ours_rs) != undocumented(theirs_rs):
        problems.append("endpoint rule set parameters differ")
    regions = [r for p in partitions for r in p["regions"]] + ["xx-nowhere-1", None]
    for region, fips, dual, endpoint in itertools.product(
        regions, (False, True), (False, True), (None, "https://example.com")
    ):
        params = {"Region": region, "UseFIPS": fips, "UseDualStack": dual, "Endpoint": endpoint}
        params = {k: v for k, v in params.items() if v is not None}
        if outcome(ours_rs, params, partitions) != outcome(theirs_rs, params, partitions):
            problems.append(f"rule sets disagree for {params}")
    for case in ours["smithy.rules#endpointTests"]["testCases"]:
        for name, rule_set in (("our", ours_rs), ("official", theirs_rs)):
            got = outcome(rule_set, case.get("params", {}), partitions)
            if got != case["expect"]:
                problems.append(f"{name} rules fail test '{case['documentation']}': {got}")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    ours = json.loads(OURS.read_text())
    official = json.loads(Path(sys.argv[1]).read_text())
    problems = [] if ours.get("smithy") == "2.0" else ["not a Smithy 2.0 model"]
    check_shapes(ours["shapes"], official["shapes"], problems)
    if len(sys.argv) == 3:
        partitions = json.loads(Path(sys.argv[2]).read_text())["partitions"]
        service = next(k for k, s in ours["shapes"].items() if s["type"] == "service")
        check_rules(ours["shapes"][service]["traits"],
                    official["shapes"][service]["traits"], partitions, problems)
    for problem in problems:
        print(problem)
    print(f"{len(ours['shapes'])} shapes checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
