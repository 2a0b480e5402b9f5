#!/usr/bin/env bash
# Benchmarks deepr-manager against its performance targets and prints one table row per
# case, each beside a reference command run on the same input in the same session.
#
# Usage: bench/run.sh [--quick]
#   --quick           fewer runs per case (for a smoke test, not for recorded numbers)
# Environment:
#   BENCH_BIN         the deepr-manager binary to time instead of the fresh release build
#                     (for comparing an older build). The build step still runs, and the
#                     completion case always links the fresh build's DeeprKit objects.
#   BENCH_RUNS        runs per case for the fast cases (default 20; 5 with --quick)
#
# Needs bash, python3 (bench/genlog.py and the JSON summaries) and jq (the reference
# command). Uses hyperfine when installed, else a loop timed with `date +%s%N`; either
# way each row reports the median. Peak memory comes from /usr/bin/time -v when
# installed, else from getrusage in a python3 wrapper. Generated logs go to bench/data/,
# which git ignores. Everything runs on this machine; the refresh case talks only to the
# mock API on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/bench/data"
mkdir -p "$data"

quick=0
if [[ "${1:-}" == "--quick" ]]; then quick=1; fi
runs=${BENCH_RUNS:-$([[ $quick == 1 ]] && echo 5 || echo 20)}
slow_runs=$([[ $quick == 1 ]] && echo 2 || echo 5)
reference_slow_runs=$([[ $quick == 1 ]] && echo 1 || echo 3)

# The reference: jq reads every line, keeps the objects with a string response_id and
# prints them compactly. `-R` with `fromjson?` skips malformed lines, as deepr-manager
# does; plain `jq -c` stops at the first one, and generated logs have 2% of them.
reference_filter='fromjson? | select(type=="object" and (.response_id|type)=="string")'

log() { printf '%s\n' "$*" >&2; }

# --- Build ---------------------------------------------------------------------------

log "building deepr-manager (release)…"
swift build -c release --product deepr-manager >&2
bin=${BENCH_BIN:-"$root/.build/release/deepr-manager"}
mock="$root/.build/release/deepr-mock-api"
log "building deepr-mock-api (release), needed only for the refresh case…"
if ! swift build -c release --product deepr-mock-api >&2; then
    log "warning: deepr-mock-api did not build; the refresh case is skipped"
    mock=""
fi

# --- Inputs --------------------------------------------------------------------------

generate() { # jobs seed file
    if [[ ! -s "$3" ]]; then
        log "generating $3 ($1 jobs)…"
        python3 bench/genlog.py "$1" "$2" > "$3.partial"
        mv "$3.partial" "$3"
    fi
}
generate 1000 1 "$data/jobs-1k.jsonl"
generate 10000 2 "$data/jobs-10k.jsonl"
generate 100000 3 "$data/jobs-100k.jsonl"
generate 1000000 4 "$data/jobs-1m.jsonl"

# 10,000 offline commands: list, show N --local, search WORDS and a filtered list, in
# turn. `search job N` matches the few prompts that mention job N.
script="$data/script-10k.txt"
if [[ ! -s "$script" ]]; then
    python3 - "$script" <<'EOF'
import sys
lines = []
for i in range(2500):
    lines += ["list", f"show {i % 5 + 1} --local", f"search job {(i * 37) % 10000}",
              "list --status completed --limit 3"]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
EOF
fi

# 200 active jobs for the refresh case, created now so that the mock serves them as
# queued (its queued phase is set to an hour below, so every run finds the same state).
active_template="$data/active-200.jsonl"
python3 - "$active_template" <<'EOF'
import json, sys, datetime
now = datetime.datetime.now(datetime.timezone.utc)
with open(sys.argv[1], "w") as out:
    for i in range(200):
        out.write(json.dumps({"response_id": f"resp_bench{i:04d}{'0' * 40}", "status": "queued",
                              "timestamp": now.isoformat(), "model": "o3-deep-research",
                              "prompt": f"Benchmark job {i}"}) + "\n")
EOF

# --- Measurement helpers ---------------------------------------------------------------

have_hyperfine=0
if command -v hyperfine > /dev/null; then have_hyperfine=1; fi

# Prints the median wall time in milliseconds of running the shell command $2, $1 times.
# hyperfine subtracts the time to start the shell; the fallback loop does not, which adds
# a few milliseconds per run.
median_ms() { # runs command [prepare]
    local count=$1 command=$2 prepare=${3:-}
    if [[ $have_hyperfine == 1 ]]; then
        local json="$data/.hyperfine.json"
        local options=(--style none --warmup 1 --runs "$count" --export-json "$json")
        if [[ -n "$prepare" ]]; then options+=(--prepare "$prepare"); fi
        hyperfine "${options[@]}" "$command" > /dev/null
        python3 -c 'import json, sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$json"
    else
        local times=() start end
        if [[ -n "$prepare" ]]; then bash -c "$prepare"; fi
        bash -c "$command" > /dev/null 2>&1 || true
        for ((i = 0; i < count; i++)); do
            if [[ -n "$prepare" ]]; then bash -c "$prepare"; fi
            start=$(date +%s%N)
            bash -c "$command" > /dev/null 2>&1 || true
            end=$(date +%s%N)
            times+=($(((end - start) / 1000)))
        done
        printf '%s\n' "${times[@]}" | sort -n | python3 -c 'import sys; v = [int(x) for x in sys.stdin]; print("%.1f" % (v[len(v) // 2] / 1000))'
    fi
}

# Prints the peak resident set size in KiB of running the shell command $1.
peak_rss_kib() {
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -v bash -c "$1 > /dev/null 2>&1" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
    else
        python3 -c 'import resource, subprocess, sys
subprocess.run(["bash", "-c", sys.argv[1] + " > /dev/null 2>&1"])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$1"
    fi
}

rows=()
row() { # case command-median reference-median target verdict
    rows+=("| $1 | $2 | $3 | $4 | $5 |")
    log "  $1: $2 (reference $3; target $4) $5"
}
verdict() { # value limit
    python3 -c 'import sys; print("meets" if float(sys.argv[1]) <= float(sys.argv[2]) else "misses")' "$1" "$2"
}
reference() { # file
    echo "jq -cR '$reference_filter' '$1' > /dev/null"
}

# --- Cases -------------------------------------------------------------------------------

log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
log "load before: $(uptime)"

log "list on 1,000 jobs…"
value=$(median_ms "$runs" "'$bin' --log '$data/jobs-1k.jsonl' list")
ref=$(median_ms "$runs" "$(reference "$data/jobs-1k.jsonl")")
row "list, 1,000 jobs, whole process" "$value ms" "$ref ms" "≤ 10 ms" "$(verdict "$value" 10)"

log "list --all --limit 0 --json on 100,000 jobs…"
value=$(median_ms "$runs" "'$bin' --log '$data/jobs-100k.jsonl' list --all --limit 0 --json > /dev/null")
ref=$(median_ms "$slow_runs" "$(reference "$data/jobs-100k.jsonl")")
row "list --all --limit 0 --json, 100,000 jobs" "$value ms" "$ref ms" "≤ 100 ms" "$(verdict "$value" 100)"

log "list --all --limit 0 --json on 1,000,000 jobs…"
value=$(median_ms "$slow_runs" "'$bin' --log '$data/jobs-1m.jsonl' list --all --limit 0 --json > /dev/null")
ref=$(median_ms "$reference_slow_runs" "$(reference "$data/jobs-1m.jsonl")")
row "list --all --limit 0 --json, 1,000,000 jobs" "$value ms" "$ref ms" "≤ 1000 ms" "$(verdict "$value" 1000)"

log "peak memory on 1,000,000 jobs…"
size_kib=$(( $(stat -c %s "$data/jobs-1m.jsonl") / 1024 ))
limit_kib=$(( size_kib * 12 / 10 ))
value=$(peak_rss_kib "'$bin' --log '$data/jobs-1m.jsonl' list --all --limit 0 --json")
ref=$(peak_rss_kib "$(reference "$data/jobs-1m.jsonl")")
row "peak RSS, same command, 1,000,000 jobs" "$((value / 1024)) MiB" "$((ref / 1024)) MiB" \
    "≤ $((limit_kib / 1024)) MiB (1.2 × $((size_kib / 1024)) MiB)" "$(verdict "$value" "$limit_kib")"

log "script of 10,000 offline commands on 10,000 jobs…"
value=$(median_ms "$slow_runs" "'$bin' --log '$data/jobs-10k.jsonl' -f '$script' > /dev/null 2>&1")
ref=$(median_ms "$runs" "$(reference "$data/jobs-10k.jsonl")")
row "script of 10,000 offline commands, 10,000 jobs" "$value ms" "$ref ms" "≤ 2000 ms" "$(verdict "$value" 2000)"

log "job-id completion among 100,000 jobs…"
complete="$data/complete"
if swiftc -O bench/complete.swift -module-name CompleteBench -I .build/release/Modules \
    -Xcc -fmodule-map-file=.build/release/CLineEditor.build/module.modulemap \
    -Xcc -fmodule-map-file=Sources/CLibEdit/module.modulemap \
    .build/release/DeeprKit.build/*.o .build/release/CLineEditor.build/LineEditor.c.o -ledit -o "$complete" >&2
then
    output=$("$complete" "$data/jobs-100k.jsonl" 1000)
    median=$(awk '/^median_ms/ { print $2 }' <<< "$output")
    p95=$(awk '/^p95_ms/ { print $2 }' <<< "$output")
    first=$(awk '/^first_ms/ { print $2 }' <<< "$output")
    row "completing a job-id prefix, 100,000 jobs (median of 1,000; p95 $p95 ms; first $first ms)" \
        "$median ms" "n/a" "≤ 2 ms" "$(verdict "$median" 2)"
else
    log "warning: bench/complete.swift did not compile; the completion case is skipped"
fi

if [[ -n "$mock" ]]; then
    for concurrency in 8 1; do
        log "refresh of 200 active jobs, 100 ms latency, concurrency $concurrency…"
        mock_output="$data/.mock-$concurrency.out"
        "$mock" --log "$active_template" --port 0 --latency-ms 100 --queued-seconds 3600 > "$mock_output" 2>&1 &
        mock_pid=$!
        trap 'kill "$mock_pid" 2> /dev/null || true' EXIT
        url=""
        for _ in $(seq 100); do
            url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/v1' "$mock_output" || true)
            if [[ -n "$url" ]]; then break; fi
            sleep 0.1
        done
        if [[ -z "$url" ]]; then
            log "warning: the mock API did not start; the refresh case is skipped"
        else
            active="$data/active-200.run.jsonl"
            count=$([[ $concurrency == 8 ]] && echo "$slow_runs" || echo "$reference_slow_runs")
            value=$(median_ms "$count" \
                "OPENAI_API_KEY=benchmark '$bin' --log '$active' --base-url '$url' --concurrency $concurrency refresh --quiet" \
                "cp '$active_template' '$active'")
            ideal=$((200 * 100 / concurrency))
            if [[ $concurrency == 8 ]]; then
                row "refresh, 200 active jobs, 100 ms latency, concurrency 8" "$value ms" \
                    "$ideal ms (latency floor)" "≤ 3500 ms" "$(verdict "$value" 3500)"
            else
                row "refresh, 200 active jobs, 100 ms latency, concurrency 1" "$value ms" \
                    "$ideal ms (latency floor)" "none" "-"
            fi
        fi
        kill "$mock_pid" 2> /dev/null || true
        wait "$mock_pid" 2> /dev/null || true
        trap - EXIT
    done
fi

log "load after: $(uptime)"

# --- Report ------------------------------------------------------------------------------

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Commit: $(git rev-parse --short HEAD 2> /dev/null || echo unknown) (plus uncommitted changes: $(git status --porcelain 2> /dev/null | wc -l) files)"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "Swift: $(swift --version 2>&1 | head -1)"
echo "Timer: $([[ $have_hyperfine == 1 ]] && hyperfine --version || echo 'date +%s%N loop'); reference: $(jq --version)"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | deepr-manager (median) | reference on the same file (median) | target | result |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
