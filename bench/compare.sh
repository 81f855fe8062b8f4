#!/usr/bin/env bash
# Measures leansdk and the official AWS SDK for Rust side by side, in one run, on this machine:
# cold release build, dependency graph, stripped binary, CPU per GetWorkflow call, and codegen of
# the official model. Prints a table of values and ratios (ours / official).
#
# Usage: bench/compare.sh [--no-cold]
#   --no-cold   reuse the release builds of a previous run (build times are then not measured)
# Environment: CALLS (default 2000), RUNS (default 3), CODEGEN_RUNS (default 5),
#   MODEL (default ../shared/models/aws/customer-profiles-2020-08-15.json from the repo root).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
MODEL=${MODEL:-$ROOT/../shared/models/aws/customer-profiles-2020-08-15.json}
CALLS=${CALLS:-2000}
RUNS=${RUNS:-3}
CODEGEN_RUNS=${CODEGEN_RUNS:-5}
COLD=1
case "${1:-}" in
    --no-cold) COLD=0 ;;
    "") ;;
    *) echo "usage: $0 [--no-cold]" >&2; exit 2 ;;
esac

for tool in cargo rustc jq strip; do
    command -v "$tool" >/dev/null || { echo "compare.sh needs $tool on PATH" >&2; exit 2; }
done

SDKS=(official lean)
declare -A SDK_CRATE=([official]=aws-sdk-customerprofiles [lean]=leansdk-customerprofiles)
declare -A VALUE
SCRATCH=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

section() { printf '\n## %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
target_dir() { echo "$BENCH/target/cold-$1"; }
binary() { echo "$(target_dir "$1")/release/bench-$1"; }

section "Machine"
echo "date:   $(date -u +%FT%TZ)"
echo "nproc:  $(nproc)"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(free -h | awk '/^Mem:/ { print $2 }')"
echo "rustc:  $(rustc -V)"
echo "cargo:  $(cargo -V)"
echo "load:   $(load) (1/5/15 min) at start; other rustc processes: $(pgrep -c -x rustc || true)"

cd "$BENCH"
section "Fetch (not timed)"
cargo fetch --locked --quiet
cargo build --release --locked --quiet -p bench-server

section "Cold release builds"
for sdk in "${SDKS[@]}"; do
    if [[ $COLD == 1 || ! -x $(binary "$sdk") ]]; then
        rm -rf "$(target_dir "$sdk")"
        start=$(now)
        CARGO_TARGET_DIR=$(target_dir "$sdk") cargo build --release --locked --timings \
            -p "bench-$sdk" 2>"$SCRATCH/build-$sdk.log"
        VALUE[build_s_$sdk]=$(elapsed "$start" "$(now)")
        VALUE[units_$sdk]=$(grep -c '^ *Compiling ' "$SCRATCH/build-$sdk.log" || true)
        echo "$sdk: ${VALUE[build_s_$sdk]} s, ${VALUE[units_$sdk]} crates compiled, load after: $(load)"
        echo "  timings: $(target_dir "$sdk")/cargo-timings/cargo-timing.html"
    else
        VALUE[build_s_$sdk]=n/a
        VALUE[units_$sdk]=n/a
        echo "$sdk: reused $(binary "$sdk") (--no-cold)"
    fi
done

section "Dependency graph and binary"
echo "crates = unique 'name version' lines of"
echo "  cargo tree -e normal --prefix none"
echo "in a throwaway package whose only dependencies are what a user adds for the same job (the"
echo "lines of the program's Cargo.toml, versions from bench/Cargo.lock): the official side is"
echo "aws-sdk-customerprofiles plus aws-config, since leansdk's Config::from_env does aws-config's"
echo "work. So no other package's features count; host target; includes the SDK crates themselves"
echo "and proc-macro crates, excludes the throwaway package, build-script-only and dev dependencies."
declare -A SDK_DEPENDENCY=(
    [official]=$(grep -E '^(aws-sdk-customerprofiles|aws-config) *=' "$BENCH/official/Cargo.toml")
    [lean]="leansdk-customerprofiles = { path = \"$ROOT/generated\" }"
)
graph_crates() { # sdk
    local dir=$SCRATCH/graph-$1
    mkdir -p "$dir/src"
    : >"$dir/src/lib.rs"
    printf '[package]\nname = "graph"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\n%s\n' \
        "${SDK_DEPENDENCY[$1]}" >"$dir/Cargo.toml"
    cp "$BENCH/Cargo.lock" "$dir/"
    (cd "$dir" && cargo tree --offline -e normal --prefix none) |
        awk 'NF && $1 != "graph" { print $1, $2 }' | sort -u | tee "$SCRATCH/crates-$1.txt" | wc -l
}
for sdk in "${SDKS[@]}"; do
    VALUE[crates_$sdk]=$(graph_crates "$sdk")
    strip -o "$SCRATCH/bench-$sdk" "$(binary "$sdk")"
    VALUE[binary_mb_$sdk]=$(stat -c %s "$SCRATCH/bench-$sdk" | awk '{ printf "%.2f", $1 / 1e6 }')
    echo "$sdk (${SDK_CRATE[$sdk]}): ${VALUE[crates_$sdk]} crates; stripped binary ${VALUE[binary_mb_$sdk]} MB"
done
echo "in the official graph only: $(comm -23 "$SCRATCH/crates-official.txt" "$SCRATCH/crates-lean.txt" | wc -l)," \
    "in leansdk's only: $(comm -13 "$SCRATCH/crates-official.txt" "$SCRATCH/crates-lean.txt" | tr '\n' ',' | sed 's/,$//; s/,/, /g')"

section "CPU per call ($RUNS runs of $CALLS sequential GetWorkflow calls, keep-alive)"
"$BENCH/target/release/bench-server" >"$SCRATCH/server.out" &
SERVER_PID=$!
for _ in $(seq 50); do
    [[ -s $SCRATCH/server.out ]] && break
    sleep 0.1
done
URL=$(head -n1 "$SCRATCH/server.out")
echo "server: $URL (pid $SERVER_PID); load before: $(load)"
for sdk in "${SDKS[@]}"; do
    # One untimed process first: page cache and CPU frequency settle.
    "$(binary "$sdk")" --endpoint "$URL" --calls "$CALLS" >/dev/null
    for run in $(seq "$RUNS"); do
        line=$("$(binary "$sdk")" --endpoint "$URL" --calls "$CALLS")
        echo "$sdk run $run: $line"
        sed -n 's/.*cpu_per_call_us=\([0-9.]*\).*/\1/p' <<<"$line" >>"$SCRATCH/cpu-$sdk"
    done
    VALUE[cpu_us_$sdk]=$(median <"$SCRATCH/cpu-$sdk")
done
echo "load after: $(load)"

section "Codegen of the official model"
OPS_LEAN=n/a
if [[ -f $MODEL ]]; then
    (cd "$ROOT" && cargo build --quiet -p xtask)
    for run in $(seq "$CODEGEN_RUNS"); do
        rm -rf "$SCRATCH/gen"
        start=$(now)
        "$ROOT/target/debug/xtask" codegen --model "$MODEL" --out "$SCRATCH/gen" >/dev/null
        elapsed "$start" "$(now)" >>"$SCRATCH/codegen"
        echo >>"$SCRATCH/codegen"
    done
    VALUE[codegen_s]=$(median <"$SCRATCH/codegen")
    OPS_LEAN=$(jq '[.shapes[] | select(.type == "operation")] | length' "$MODEL")
    VALUE[lines_lean]=$(find "$SCRATCH/gen" -name '*.rs' -exec cat {} + | wc -l)
    echo "$(basename "$MODEL"): $OPS_LEAN operations; codegen median of $CODEGEN_RUNS:" \
        "${VALUE[codegen_s]} s (target/debug/xtask, the binary 'cargo xtask' runs)"
else
    echo "skipped: $MODEL not found"
    VALUE[codegen_s]=n/a
    VALUE[lines_lean]=n/a
fi
version=$(cargo pkgid --locked -p aws-sdk-customerprofiles | sed 's/.*[@#]//')
official_src=$(find "$HOME/.cargo/registry/src" -maxdepth 2 -type d \
    -name "aws-sdk-customerprofiles-$version" | head -n1)
OPS_OFFICIAL=$(find "$official_src/src/operation" -mindepth 1 -maxdepth 1 -type d | wc -l)
VALUE[lines_official]=$(find "$official_src/src" -name '*.rs' -exec cat {} + | wc -l)
echo "official crate $version: ${VALUE[lines_official]} lines of src/**/*.rs, $OPS_OFFICIAL operations"
per_op() { awk -v l="$1" -v o="$2" 'BEGIN { if (o + 0 > 0 && l ~ /^[0-9]+$/) printf "%.0f", l / o; else print "n/a" }'; }
VALUE[lines_per_op_official]=$(per_op "${VALUE[lines_official]}" "$OPS_OFFICIAL")
VALUE[lines_per_op_lean]=$(per_op "${VALUE[lines_lean]}" "$OPS_LEAN")

section "Summary (ratio = leansdk / official)"
row() { # metric official lean goal-ratio
    awk -v m="$1" -v o="$2" -v l="$3" -v g="$4" 'BEGIN {
        r = (o ~ /^[0-9.]+$/ && l ~ /^[0-9.]+$/ && o > 0) ? sprintf("%.3f", l / o) : "n/a"
        met = (r == "n/a" || g == "-") ? "" : (r + 0 <= g + 0 ? "yes" : "NO")
        printf "| %-34s | %12s | %12s | %6s | %6s | %-4s |\n", m, o, l, r, g, met
    }'
}
printf '| %-34s | %12s | %12s | %6s | %6s | %-4s |\n' metric official leansdk ratio goal met
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..14})" \
    "$(printf -- '-%.0s' {1..14})" "--------" "--------" "------"
# The floors: ratios no change may break (README, Performance).
row "cold release build (s)" "${VALUE[build_s_official]}" "${VALUE[build_s_lean]}" 0.25
row "crates compiled by that build" "${VALUE[units_official]}" "${VALUE[units_lean]}" -
row "crates in SDK's normal dep graph" "${VALUE[crates_official]}" "${VALUE[crates_lean]}" 0.4
row "stripped binary (MB)" "${VALUE[binary_mb_official]}" "${VALUE[binary_mb_lean]}" 0.3
row "client CPU per call (us, median)" "${VALUE[cpu_us_official]}" "${VALUE[cpu_us_lean]}" 0.5
row "generated lines per operation" "${VALUE[lines_per_op_official]}" "${VALUE[lines_per_op_lean]}" -
printf '| %-34s | %12s | %12s | %6s | %6s | %-4s |\n' "codegen of official model (s)" - \
    "${VALUE[codegen_s]}" - "< 0.5" \
    "$(awk -v s="${VALUE[codegen_s]}" 'BEGIN { if (s ~ /^[0-9.]+$/) print (s < 0.5 ? "yes" : "NO") }')"
echo
echo "load at end: $(load)"
