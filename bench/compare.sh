#!/usr/bin/env bash
# Measures leansdk and the official AWS SDK for Rust side by side, in one run, on this machine,
# and prints tables of values and ratios (ours / official). Sections (all by default):
#   single       one program around one GetWorkflow call: cold release build, dependency
#                graph, stripped binary, CPU per call, codegen of the official model (the rows
#                the README's performance floors are computed from)
#   services     whole services, like for like: the crates generated from the official models
#                of Customer Profiles, DynamoDB and S3 against aws-sdk-customerprofiles,
#                aws-sdk-dynamodb and aws-sdk-s3, each in a program calling one operation:
#                cold release build, crates, stripped binary; and the cold build of leansdk's
#                dependencies alone (services/dependencies), the floor under those builds
#   floor        CPU per GetWorkflow call of bare hyper sending the same signed GET, beside
#                both SDKs, and each SDK's overhead over it
#   concurrency  calls kept in flight on one client for a fixed time: calls per second,
#                p50/p99 latency, and how busy the server was
#   memory       peak RSS of the 2000-call programs (and of every cold build that ran)
#   generator    `cargo xtask codegen` of every model in ../shared/models/aws, and `cargo check`
#                of each generated crate
#
# Usage: bench/compare.sh [--no-cold] [--only SECTION[,SECTION...]]
#   --no-cold   reuse the release builds of a previous run (build times are then not measured)
#   --only      run these sections only, e.g. `--only services,floor`
# Environment: CALLS (default 2000), RUNS (default 3), CODEGEN_RUNS (default 5),
#   MODEL (default ../shared/models/aws/customer-profiles-2020-08-15.json from the repo root),
#   MODELS (default ../shared/models/aws), SERVICES (default "customerprofiles dynamodb s3"),
#   IN_FLIGHT (default 64), LOAD_SECONDS (default 10), LOAD_RUNS (default 3),
#   CALLGRIND=1 (floor: also count instructions per call with valgrind's callgrind).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
MODELS=${MODELS:-$ROOT/../shared/models/aws}
MODEL=${MODEL:-$MODELS/customer-profiles-2020-08-15.json}
CALLS=${CALLS:-2000}
RUNS=${RUNS:-3}
CODEGEN_RUNS=${CODEGEN_RUNS:-5}
SERVICES=${SERVICES:-customerprofiles dynamodb s3}
IN_FLIGHT=${IN_FLIGHT:-64}
LOAD_SECONDS=${LOAD_SECONDS:-10}
LOAD_RUNS=${LOAD_RUNS:-3}
CALLGRIND=${CALLGRIND:-0}
ALL_SECTIONS=(single services floor concurrency memory generator)
COLD=1
ONLY=
usage() { echo "usage: $0 [--no-cold] [--only $(IFS=,; echo "${ALL_SECTIONS[*]}")]" >&2; exit 2; }
while (($#)); do
    case "$1" in
        --no-cold) COLD=0 ;;
        --only) ONLY=${2:-}; [[ -n $ONLY ]] || usage; shift ;;
        *) usage ;;
    esac
    shift
done
declare -A RUN_SECTION
for name in ${ONLY//,/ }; do
    [[ " ${ALL_SECTIONS[*]} " == *" $name "* ]] || { echo "unknown section: $name" >&2; usage; }
    RUN_SECTION[$name]=1
done
if [[ -z $ONLY ]]; then
    for name in "${ALL_SECTIONS[@]}"; do RUN_SECTION[$name]=1; done
fi
selected() { [[ -n ${RUN_SECTION[$1]:-} ]]; }

for tool in cargo rustc jq strip; do
    command -v "$tool" >/dev/null || { echo "compare.sh needs $tool on PATH" >&2; exit 2; }
done
# GNU time's %M (peak RSS); without it the memory values read n/a.
GNU_TIME=
if /usr/bin/time -f %M true 2>/dev/null; then GNU_TIME=/usr/bin/time; fi
if [[ $CALLGRIND == 1 ]] && ! command -v valgrind >/dev/null; then
    echo "CALLGRIND=1 needs valgrind on PATH" >&2
    exit 2
fi

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
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
target_dir() { echo "$BENCH/target/cold-$1"; }
binary() { echo "$(target_dir "$1")/release/bench-$1"; }
kb_to_mb() { awk -v k="$1" 'BEGIN { if (k ~ /^[0-9]+$/) printf "%.1f", k / 1024; else print "n/a" }'; }
# with_rss FILE COMMAND...: runs COMMAND; FILE gets its peak RSS in KiB (for a build: the
# largest of cargo and every process it waited for, as getrusage reports children).
with_rss() {
    local file=$1
    shift
    if [[ -n $GNU_TIME ]]; then
        "$GNU_TIME" -f %M -o "$file" "$@"
    else
        echo n/a >"$file"
        "$@"
    fi
}
# key=value field of a program's result line.
field() { sed -En "s/(^|.* )$1=([0-9.]+).*/\\2/p" <<<"$2"; }

section "Machine"
echo "date:    $(date -u +%FT%TZ)"
echo "nproc:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:  $(free -h | awk '/^Mem:/ { print $2 }')"
echo "rustc:   $(rustc -V)"
echo "cargo:   $(cargo -V)"
echo "load:    $(load) (1/5/15 min) at start; other rustc processes: $(pgrep -c -x rustc || true)"
echo "run:     $(for name in "${ALL_SECTIONS[@]}"; do selected "$name" && printf '%s ' "$name"; done)"

cd "$BENCH"
section "Fetch (not timed)"
cargo fetch --locked --quiet
cargo build --release --locked --quiet -p bench-server -p bench-floor
XTASK=$ROOT/target/debug/xtask
if selected single || selected services || selected generator; then
    (cd "$ROOT" && cargo build --quiet -p xtask)
fi

# cold_build KEY DIR CARGO-ARGS...: a release build in an empty target directory DIR; sets
# VALUE[build_s_KEY], VALUE[units_KEY] and VALUE[build_rss_mb_KEY].
cold_build() {
    local key=$1 dir=$2
    shift 2
    rm -rf "$dir"
    local start
    start=$(now)
    CARGO_TARGET_DIR=$dir with_rss "$SCRATCH/rss-build-$key" cargo build --release --timings "$@" \
        2>"$SCRATCH/build-$key.log" || { cat "$SCRATCH/build-$key.log" >&2; return 1; }
    VALUE[build_s_$key]=$(elapsed "$start" "$(now)")
    VALUE[units_$key]=$(grep -c '^ *Compiling ' "$SCRATCH/build-$key.log" || true)
    VALUE[build_rss_mb_$key]=$(kb_to_mb "$(tail -n1 "$SCRATCH/rss-build-$key")")
    echo "$key: ${VALUE[build_s_$key]} s, ${VALUE[units_$key]} crates compiled," \
        "peak RSS ${VALUE[build_rss_mb_$key]} MB, load after: $(load)"
    echo "  timings: $dir/cargo-timings/cargo-timing.html"
}
not_measured() { # KEY
    VALUE[build_s_$1]=n/a
    VALUE[units_$1]=n/a
    VALUE[build_rss_mb_$1]=n/a
}

# graph_crates KEY DEPENDENCY-LINES: crates in the normal dependency graph of a throwaway
# package with only those dependencies (versions from bench/Cargo.lock).
graph_crates() {
    local dir=$SCRATCH/graph-$1
    mkdir -p "$dir/src"
    : >"$dir/src/lib.rs"
    printf '[package]\nname = "graph"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\n%s\n' \
        "$2" >"$dir/Cargo.toml"
    cp "$BENCH/Cargo.lock" "$dir/"
    (cd "$dir" && cargo tree --offline -e normal --prefix none) |
        awk 'NF && $1 != "graph" { print $1, $2 }' | sort -u | tee "$SCRATCH/crates-$1.txt" | wc -l
}
stripped_mb() { # KEY BINARY
    strip -o "$SCRATCH/stripped-$1" "$2"
    stat -c %s "$SCRATCH/stripped-$1" | awk '{ printf "%.2f", $1 / 1e6 }'
}
# The registry copy of an official crate used by bench/Cargo.lock, and its operations.
official_src() { # CRATE
    local version
    version=$(cargo pkgid --locked -p "$1" | sed 's/.*[@#]//')
    find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -maxdepth 2 -type d -name "$1-$version" | head -n1
}
official_operations() { find "$(official_src "$1")/src/operation" -mindepth 1 -maxdepth 1 -type d | wc -l; }
model_operations() { jq '[.shapes[] | select(.type == "operation")] | length' "$1"; }

if selected single; then
    section "Cold release builds"
    for sdk in "${SDKS[@]}"; do
        if [[ $COLD == 1 || ! -x $(binary "$sdk") ]]; then
            cold_build "$sdk" "$(target_dir "$sdk")" --locked -p "bench-$sdk"
        else
            not_measured "$sdk"
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
    for sdk in "${SDKS[@]}"; do
        VALUE[crates_$sdk]=$(graph_crates "$sdk" "${SDK_DEPENDENCY[$sdk]}")
        VALUE[binary_mb_$sdk]=$(stripped_mb "$sdk" "$(binary "$sdk")")
        echo "$sdk (${SDK_CRATE[$sdk]}): ${VALUE[crates_$sdk]} crates; stripped binary ${VALUE[binary_mb_$sdk]} MB"
    done
    echo "in the official graph only: $(comm -23 "$SCRATCH/crates-official.txt" "$SCRATCH/crates-lean.txt" | wc -l)," \
        "in leansdk's only: $(comm -13 "$SCRATCH/crates-official.txt" "$SCRATCH/crates-lean.txt" | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
fi

# The GetWorkflow programs the server-facing sections run: the SDKs' from their cold builds
# (built now, untimed, if no earlier run left them), the floor from the fetch step.
declare -A PROGRAM=([official]=$(binary official) [lean]=$(binary lean) [floor]=$BENCH/target/release/bench-floor)
CLIENTS=(floor official lean)
if selected single || selected floor || selected memory || selected concurrency; then
    for sdk in "${SDKS[@]}"; do
        if [[ ! -x ${PROGRAM[$sdk]} ]]; then
            echo "building ${PROGRAM[$sdk]} (not timed: no earlier run left it)"
            CARGO_TARGET_DIR=$(target_dir "$sdk") cargo build --release --locked --quiet -p "bench-$sdk"
        fi
    done
    "$BENCH/target/release/bench-server" >"$SCRATCH/server.out" &
    SERVER_PID=$!
    for _ in $(seq 50); do
        [[ -s $SCRATCH/server.out ]] && break
        sleep 0.1
    done
    URL=$(head -n1 "$SCRATCH/server.out")
    echo
    echo "server: $URL (pid $SERVER_PID); load: $(load)"
fi
# CPU seconds the server has used so far (utime + stime of /proc/PID/stat).
server_cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }

if selected single || selected floor || selected memory; then
    section "CPU per call ($RUNS runs of $CALLS sequential GetWorkflow calls, keep-alive)"
    echo "floor = bench/floor: bare hyper (client::conn::http1) sending leansdk's signed GET with a"
    echo "precomputed signature over one connection; reads the body whole, does not parse it."
    for client in "${CLIENTS[@]}"; do
        # One untimed process first: page cache and CPU frequency settle.
        "${PROGRAM[$client]}" --endpoint "$URL" --calls "$CALLS" >/dev/null
        for run in $(seq "$RUNS"); do
            line=$(with_rss "$SCRATCH/rss-run" "${PROGRAM[$client]}" --endpoint "$URL" --calls "$CALLS")
            rss=$(tail -n1 "$SCRATCH/rss-run")
            echo "$client run $run: $line peak_rss_kib=$rss"
            field cpu_per_call_us "$line" >>"$SCRATCH/cpu-$client"
            echo "$rss" >>"$SCRATCH/rss-$client"
        done
        VALUE[cpu_us_$client]=$(median <"$SCRATCH/cpu-$client")
        VALUE[run_rss_mb_$client]=$(kb_to_mb "$(median <"$SCRATCH/rss-$client")")
    done
    echo "load after: $(load)"
    for sdk in "${SDKS[@]}"; do
        VALUE[over_floor_us_$sdk]=$(awk -v s="${VALUE[cpu_us_$sdk]}" -v f="${VALUE[cpu_us_floor]}" \
            'BEGIN { printf "%.2f", s - f }')
    done
fi

if selected floor && [[ $CALLGRIND == 1 ]]; then
    CALLGRIND_CALLS=$((CALLS / 4))
    section "Instructions per call (callgrind; $CALLGRIND_CALLS calls less a run of none)"
    echo "Counts the client's instructions, all threads, independently of the machine's load."
    callgrind_ir() { # CLIENT CALLS
        valgrind --tool=callgrind --callgrind-out-file="$SCRATCH/callgrind.out" \
            "${PROGRAM[$1]}" --endpoint "$URL" --calls "$2" >/dev/null 2>"$SCRATCH/callgrind.log"
        awk '/^(summary|totals):/ { print $2; exit }' "$SCRATCH/callgrind.out"
    }
    for client in "${CLIENTS[@]}"; do
        base=$(callgrind_ir "$client" 0)
        with_calls=$(callgrind_ir "$client" "$CALLGRIND_CALLS")
        VALUE[ir_$client]=$(awk -v a="$base" -v b="$with_calls" -v n="$CALLGRIND_CALLS" \
            'BEGIN { printf "%.0f", (b - a) / n }')
        echo "$client: ${VALUE[ir_$client]} instructions per call"
    done
    for sdk in "${SDKS[@]}"; do
        VALUE[ir_over_floor_$sdk]=$((${VALUE[ir_$sdk]} - ${VALUE[ir_floor]}))
    done
fi

if selected concurrency; then
    section "Concurrency ($IN_FLIGHT calls in flight on one client for $LOAD_SECONDS s; median of $LOAD_RUNS)"
    echo "Each program's tasks share one client (the floor: one connection per task) on tokio's"
    echo "current-thread runtime. The server is one thread too: its CPU use over each run says"
    echo "whether it was the bottleneck (near 100 % of a core), and the floor's throughput is what"
    echo "it serves when the client costs least."
    for client in "${CLIENTS[@]}"; do
        for run in $(seq "$LOAD_RUNS"); do
            server_before=$(server_cpu_s)
            start=$(now)
            line=$("${PROGRAM[$client]}" --endpoint "$URL" --in-flight "$IN_FLIGHT" \
                --seconds "$LOAD_SECONDS" --warmup $((IN_FLIGHT * 4)))
            busy=$(awk -v a="$server_before" -v b="$(server_cpu_s)" -v w="$(elapsed "$start" "$(now)")" \
                'BEGIN { printf "%.0f", 100 * (b - a) / w }')
            echo "$client run $run: $line server_cpu_percent=$busy"
            for key in calls_per_s p50_us p99_us cpu_per_call_us; do
                field "$key" "$line" >>"$SCRATCH/load-$key-$client"
            done
            echo "$busy" >>"$SCRATCH/load-server-$client"
        done
        for key in calls_per_s p50_us p99_us cpu_per_call_us; do
            VALUE[load_${key}_$client]=$(median <"$SCRATCH/load-$key-$client")
        done
        VALUE[load_server_$client]=$(median <"$SCRATCH/load-server-$client")
    done
    echo "load after: $(load)"
fi

if selected single; then
    section "Codegen of the official model"
    OPS_LEAN=n/a
    if [[ -f $MODEL ]]; then
        for run in $(seq "$CODEGEN_RUNS"); do
            rm -rf "$SCRATCH/gen"
            start=$(now)
            "$XTASK" codegen --model "$MODEL" --out "$SCRATCH/gen" >/dev/null
            elapsed "$start" "$(now)" >>"$SCRATCH/codegen"
            echo >>"$SCRATCH/codegen"
        done
        VALUE[codegen_s]=$(median <"$SCRATCH/codegen")
        OPS_LEAN=$(model_operations "$MODEL")
        VALUE[lines_lean]=$(find "$SCRATCH/gen" -name '*.rs' -exec cat {} + | wc -l)
        echo "$(basename "$MODEL"): $OPS_LEAN operations; codegen median of $CODEGEN_RUNS:" \
            "${VALUE[codegen_s]} s (target/debug/xtask, the binary 'cargo xtask' runs)"
    else
        echo "skipped: $MODEL not found"
        VALUE[codegen_s]=n/a
        VALUE[lines_lean]=n/a
    fi
    official_dir=$(official_src aws-sdk-customerprofiles)
    OPS_OFFICIAL=$(official_operations aws-sdk-customerprofiles)
    VALUE[lines_official]=$(find "$official_dir/src" -name '*.rs' -exec cat {} + | wc -l)
    echo "official crate $(basename "$official_dir"): ${VALUE[lines_official]} lines of src/**/*.rs, $OPS_OFFICIAL operations"
    per_op() { awk -v l="$1" -v o="$2" 'BEGIN { if (o + 0 > 0 && l ~ /^[0-9]+$/) printf "%.0f", l / o; else print "n/a" }'; }
    VALUE[lines_per_op_official]=$(per_op "${VALUE[lines_official]}" "$OPS_OFFICIAL")
    VALUE[lines_per_op_lean]=$(per_op "${VALUE[lines_lean]}" "$OPS_LEAN")
fi

# Each whole service: its official model, official crate and the two programs calling one
# operation (Customer Profiles: GetWorkflow, the official side being the single section's
# program; DynamoDB: ListTables; S3: ListBuckets).
declare -A SERVICE_MODEL=(
    [customerprofiles]=customer-profiles-2020-08-15.json
    [dynamodb]=dynamodb-2012-08-10.json
    [s3]=s3-2006-03-01.json
)
declare -A SERVICE_OFFICIAL=([customerprofiles]=official [dynamodb]=services/official-dynamodb [s3]=services/official-s3)
if selected services; then
    section "Whole services (crates generated from ../shared/models/aws against the official crates)"
    echo "Each program calls one operation; crates counted as in the single section (official:"
    echo "the service crate plus aws-config; leansdk: the generated crate)."

    for service in $SERVICES; do
        model=$MODELS/${SERVICE_MODEL[$service]:?unknown service $service}
        official_dir=$BENCH/${SERVICE_OFFICIAL[$service]}
        official_package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$official_dir/Cargo.toml" | head -n1)
        official_crate=aws-sdk-$service
        lean_dir=$BENCH/services/lean-$service
        crate_dir=$BENCH/target/services/$service
        echo
        echo "### $service"
        if [[ ! -f $model ]]; then
            echo "skipped: $model not found"
            continue
        fi
        rm -rf "$crate_dir"
        "$XTASK" codegen --model "$model" --out "$crate_dir" >/dev/null
        cp "$BENCH/Cargo.lock" "$lean_dir/Cargo.lock"
        VALUE[ops_model_$service]=$(model_operations "$model")
        VALUE[ops_official_$service]=$(official_operations "$official_crate")
        VALUE[version_$service]=$(basename "$(official_src "$official_crate")" | sed "s/^$official_crate-//")
        echo "operations: ${VALUE[ops_model_$service]} in $(basename "$model") (all generated)," \
            "${VALUE[ops_official_$service]} in $official_crate ${VALUE[version_$service]}"

        official_key=official-$service
        official_binary=$(target_dir "$official_key")/release/$official_package
        if [[ $service == customerprofiles && -n ${VALUE[build_s_official]:-} ]]; then
            # The single section's cold build of the same program, this run.
            official_binary=$(binary official)
            for metric in build_s units build_rss_mb; do
                VALUE[${metric}_$official_key]=${VALUE[${metric}_official]}
            done
            echo "$official_key: the single section's build of bench-official"
        elif [[ $COLD == 1 || ! -x $official_binary ]]; then
            cold_build "$official_key" "$(target_dir "$official_key")" --locked -p "$official_package"
        else
            not_measured "$official_key"
        fi
        lean_key=lean-$service
        lean_binary=$(target_dir "$lean_key")/release/bench-lean-$service
        if [[ $COLD == 1 || ! -x $lean_binary ]]; then
            # Offline, not locked: the copied lockfile gains the generated crate's entry only.
            cold_build "$lean_key" "$(target_dir "$lean_key")" --offline \
                --manifest-path "$lean_dir/Cargo.toml"
        else
            not_measured "$lean_key"
        fi
        VALUE[crates_$official_key]=$(graph_crates "$official_key" \
            "$(grep -E "^($official_crate|aws-config) *=" "$official_dir/Cargo.toml")")
        VALUE[crates_$lean_key]=$(graph_crates "$lean_key" "leansdk-$service = { path = \"$crate_dir\" }")
        VALUE[binary_mb_$official_key]=$(stripped_mb "$official_key" "$official_binary")
        VALUE[binary_mb_$lean_key]=$(stripped_mb "$lean_key" "$lean_binary")
        echo "official: ${VALUE[crates_$official_key]} crates, stripped binary ${VALUE[binary_mb_$official_key]} MB;" \
            "leansdk: ${VALUE[crates_$lean_key]} crates, stripped binary ${VALUE[binary_mb_$lean_key]} MB"
    done

    # The floor under every lean build: leansdk's dependencies alone, no leansdk code, built
    # last like the lean programs after their official ones (a run's first build is slower). Its
    # graph must be the lean program's without leansdk's crates (features included), or its
    # time would floor nothing.
    echo
    echo "### dependencies alone"
    graph() { # PACKAGE: its normal and build dependency graph, without the bench's and leansdk's crates
        cargo tree --offline -q -e normal,build --prefix none -f '{p} {f}' -p "$1" |
            grep -v -E '^(bench-|leansdk-)' | sort -u
    }
    if diff <(graph bench-dependencies) <(graph bench-lean) >"$SCRATCH/dependencies.diff"; then
        if [[ $COLD == 1 || ! -x $(binary dependencies) ]]; then
            cold_build dependencies "$(target_dir dependencies)" --locked -p bench-dependencies
        else
            not_measured dependencies
        fi
    else
        echo "not measured: bench/services/dependencies no longer has bench-lean's dependencies" \
            "(< floor, > bench-lean):"
        cat "$SCRATCH/dependencies.diff"
        not_measured dependencies
    fi
fi

if selected generator; then
    section "The generator at scale (every model in $MODELS)"
    GEN=$BENCH/target/generator
    rm -rf "$GEN"
    mkdir -p "$GEN"
    total=0
    for model in "$MODELS"/*.json; do
        name=$(basename "$model" .json)
        start=$(now)
        "$XTASK" codegen --model "$model" --out "$GEN/$name" >/dev/null
        seconds=$(elapsed "$start" "$(now)")
        echo "$seconds $name $(model_operations "$model")" >>"$SCRATCH/generator"
        total=$(awk -v t="$total" -v s="$seconds" 'BEGIN { printf "%.2f", t + s }')
    done
    VALUE[generator_models]=$(wc -l <"$SCRATCH/generator")
    VALUE[generator_total_s]=$total
    read -r VALUE[generator_slowest_s] VALUE[generator_slowest] _ < <(sort -gr "$SCRATCH/generator" | head -n1)
    echo "codegen: ${VALUE[generator_models]} models in $total s; slowest ${VALUE[generator_slowest]}" \
        "(${VALUE[generator_slowest_s]} s)"

    # One target directory for all: the runtime and its dependencies are checked once (timed
    # apart), then each crate alone, its own artifacts cleaned first.
    export CARGO_TARGET_DIR=$GEN/target
    crates=("$GEN"/*/Cargo.toml)
    for manifest in "${crates[@]}"; do cp "$BENCH/Cargo.lock" "$(dirname "$manifest")/"; done
    start=$(now)
    cargo check --offline --quiet --manifest-path "${crates[0]}"
    VALUE[generator_deps_s]=$(elapsed "$start" "$(now)")
    echo "first cargo check (the runtime, its dependencies and $(basename "$(dirname "${crates[0]}")")):" \
        "${VALUE[generator_deps_s]} s"
    printf '%-36s %5s %10s %10s\n' model ops codegen_s check_s
    check_total=0
    while read -r seconds name ops; do
        manifest=$GEN/$name/Cargo.toml
        package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n1)
        cargo clean --offline --quiet --manifest-path "$manifest" -p "$package"
        start=$(now)
        cargo check --offline --quiet --manifest-path "$manifest"
        check=$(elapsed "$start" "$(now)")
        check_total=$(awk -v t="$check_total" -v s="$check" 'BEGIN { printf "%.2f", t + s }')
        echo "$check $name" >>"$SCRATCH/checks"
        printf '%-36s %5s %10s %10s\n' "$name" "$ops" "$seconds" "$check"
    done < <(sort -k2 "$SCRATCH/generator")
    unset CARGO_TARGET_DIR
    VALUE[generator_check_total_s]=$check_total
    read -r VALUE[generator_check_slowest_s] VALUE[generator_check_slowest] < <(sort -gr "$SCRATCH/checks" | head -n1)
    echo "cargo check: $check_total s in all; slowest ${VALUE[generator_check_slowest]}" \
        "(${VALUE[generator_check_slowest_s]} s); load after: $(load)"
fi

section "Summary (ratio = leansdk / official)"
# row METRIC OFFICIAL LEAN GOAL: GOAL is a bound on the ratio, "0.25" (at most) or ">= 1"
# (at least), or "-" for none.
row() {
    awk -v m="$1" -v o="$2" -v l="$3" -v g="$4" 'BEGIN {
        r = (o ~ /^[0-9.]+$/ && l ~ /^[0-9.]+$/ && o > 0) ? sprintf("%.3f", l / o) : "n/a"
        bound = g; sub(/^>= */, "", bound)
        met = (r == "n/a" || g == "-") ? "" : ((g ~ /^>=/ ? r + 0 >= bound + 0 : r + 0 <= bound + 0) ? "yes" : "NO")
        printf "| %-40s | %12s | %12s | %6s | %6s | %-4s |\n", m, o, l, r, g, met
    }'
}
table_header() {
    printf '| %-40s | %12s | %12s | %6s | %6s | %-4s |\n' metric official leansdk ratio goal met
    printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "$(printf -- '-%.0s' {1..14})" \
        "$(printf -- '-%.0s' {1..14})" "--------" "--------" "------"
}
if selected single; then
    echo
    echo "One program around one GetWorkflow call (the README's floors):"
    echo
    table_header
    row "cold release build (s)" "${VALUE[build_s_official]}" "${VALUE[build_s_lean]}" 0.25
    row "crates compiled by that build" "${VALUE[units_official]}" "${VALUE[units_lean]}" -
    row "crates in SDK's normal dep graph" "${VALUE[crates_official]}" "${VALUE[crates_lean]}" 0.4
    row "stripped binary (MB)" "${VALUE[binary_mb_official]}" "${VALUE[binary_mb_lean]}" 0.3
    row "client CPU per call (us, median)" "${VALUE[cpu_us_official]}" "${VALUE[cpu_us_lean]}" 0.5
    row "generated lines per operation" "${VALUE[lines_per_op_official]}" "${VALUE[lines_per_op_lean]}" -
    printf '| %-40s | %12s | %12s | %6s | %6s | %-4s |\n' "codegen of official model (s)" - \
        "${VALUE[codegen_s]}" - "< 0.5" \
        "$(awk -v s="${VALUE[codegen_s]}" 'BEGIN { if (s ~ /^[0-9.]+$/) print (s < 0.5 ? "yes" : "NO") }')"
fi
if selected services; then
    echo
    echo "Whole services, a program calling one operation (operations: model / official crate):"
    echo
    table_header
    for service in $SERVICES; do
        [[ -n ${VALUE[ops_model_$service]:-} ]] || continue
        echo "| **$service** (${VALUE[ops_model_$service]} / ${VALUE[ops_official_$service]} ops, official ${VALUE[version_$service]}) | | | | | |"
        row "  cold release build (s)" "${VALUE[build_s_official-$service]}" "${VALUE[build_s_lean-$service]}" 0.2
        row "    of which dependencies alone (s)" "${VALUE[build_s_official-$service]}" "${VALUE[build_s_dependencies]}" -
        row "  crates compiled by that build" "${VALUE[units_official-$service]}" "${VALUE[units_lean-$service]}" -
        row "  crates in the dependency graph" "${VALUE[crates_official-$service]}" "${VALUE[crates_lean-$service]}" -
        row "  stripped binary (MB)" "${VALUE[binary_mb_official-$service]}" "${VALUE[binary_mb_lean-$service]}" 0.3
    done
fi
if selected floor; then
    echo
    instructions=${VALUE[ir_floor]:+, ${VALUE[ir_floor]} instructions (callgrind)}
    echo "The floor: bare hyper, ${VALUE[cpu_us_floor]} us of client CPU per call (median)$instructions:"
    echo
    table_header
    row "client CPU per call (us, median)" "${VALUE[cpu_us_official]}" "${VALUE[cpu_us_lean]}" -
    row "  over the floor (us)" "${VALUE[over_floor_us_official]}" "${VALUE[over_floor_us_lean]}" 0.3
    if [[ $CALLGRIND == 1 ]]; then
        row "instructions per call (callgrind)" "${VALUE[ir_official]}" "${VALUE[ir_lean]}" -
        row "  over the floor" "${VALUE[ir_over_floor_official]}" "${VALUE[ir_over_floor_lean]}" 0.3
    fi
fi
if selected concurrency; then
    echo
    echo "$IN_FLIGHT calls in flight for $LOAD_SECONDS s: the floor made ${VALUE[load_calls_per_s_floor]} calls/s" \
        "(p50 ${VALUE[load_p50_us_floor]} us, p99 ${VALUE[load_p99_us_floor]} us); server CPU" \
        "(% of its one core): floor ${VALUE[load_server_floor]}, official ${VALUE[load_server_official]}," \
        "leansdk ${VALUE[load_server_lean]}:"
    echo
    table_header
    row "calls per second" "${VALUE[load_calls_per_s_official]}" "${VALUE[load_calls_per_s_lean]}" ">= 1"
    row "p50 latency (us)" "${VALUE[load_p50_us_official]}" "${VALUE[load_p50_us_lean]}" -
    row "p99 latency (us)" "${VALUE[load_p99_us_official]}" "${VALUE[load_p99_us_lean]}" 1
    row "client CPU per call under load (us)" "${VALUE[load_cpu_per_call_us_official]}" \
        "${VALUE[load_cpu_per_call_us_lean]}" -
fi
if selected memory || selected single || selected services; then
    echo
    echo "Peak RSS (MB; a build's is its largest process: cargo, a rustc or the linker):"
    echo
    table_header
    if [[ -n ${VALUE[run_rss_mb_official]:-} ]]; then
        row "$CALLS-call program" "${VALUE[run_rss_mb_official]}" "${VALUE[run_rss_mb_lean]}" -
        echo "| (floor: ${VALUE[run_rss_mb_floor]} MB) | | | | | |"
    fi
    if [[ -n ${VALUE[build_rss_mb_official]:-} ]]; then
        row "cold build, one-operation program" "${VALUE[build_rss_mb_official]}" "${VALUE[build_rss_mb_lean]}" -
    fi
    for service in $SERVICES; do
        [[ -n ${VALUE[build_rss_mb_lean-$service]:-} ]] || continue
        row "cold build, $service" "${VALUE[build_rss_mb_official-$service]}" \
            "${VALUE[build_rss_mb_lean-$service]}" -
    done
fi
if selected generator; then
    echo
    echo "Generator: ${VALUE[generator_models]} models, codegen ${VALUE[generator_total_s]} s in all" \
        "(slowest ${VALUE[generator_slowest]}, ${VALUE[generator_slowest_s]} s); cargo check" \
        "${VALUE[generator_check_total_s]} s in all (slowest ${VALUE[generator_check_slowest]}," \
        "${VALUE[generator_check_slowest_s]} s), after a first check of ${VALUE[generator_deps_s]} s that built the runtime and its dependencies"
fi
echo
echo "load at end: $(load)"
