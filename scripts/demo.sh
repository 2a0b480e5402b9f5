#!/usr/bin/env bash
# Opens the deepr-manager shell on a copy of examples/job_log.jsonl, against deepr-mock-api
# on a free loopback port. No API key is needed: the mock accepts the demo key below, and
# nothing leaves 127.0.0.1. Active jobs complete (or fail) within about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

./scripts/install-deps.sh
swift build >&2
bin="$(swift build --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/deepr-demo.XXXXXX")"
mkdir -p "$work/logs"
cp examples/job_log.jsonl "$work/logs/job_log.jsonl"

# setsid gives the mock its own session, so Ctrl-C in the shell does not stop it.
setsid "$bin/deepr-mock-api" --log "$work/logs/job_log.jsonl" --host 127.0.0.1 --port 0 \
    --scenario "$root/examples/demo-scenario.json" >"$work/mock.out" 2>"$work/mock.err" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; echo "demo: the demo files stay in $work" >&2' EXIT

url=""
for _ in $(seq 1 100); do
    url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/mock.out")"
    [ -n "$url" ] && break
    if ! kill -0 "$mock" 2>/dev/null; then
        echo "error: deepr-mock-api did not start:" >&2
        cat "$work/mock.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "error: deepr-mock-api printed no address within 10 s; see $work/mock.err" >&2
    exit 1
fi

echo "demo: mock API at $url, working folder $work" >&2
echo "demo: try 'refresh', 'watch', 'show last', 'download 1', 'help'; leave with 'exit' or Ctrl-D" >&2
cd "$work"
export OPENAI_API_KEY="sk-demo-key-for-the-local-mock"
export DEEPR_MANAGER_HISTFILE="$work/history"
"$bin/deepr-manager" --base-url "$url" --no-prune "$@"
