#!/usr/bin/env bash
# Builds the package and runs the whole test suite. Installs missing Debian packages first
# when run as root. Ends with a plain "N passed, N failed" line counted from Swift Testing's
# summary, since the XCTest runner in the same process reports 0 tests of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
swift build

log="$(mktemp "${TMPDIR:-/tmp}/deepr-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
status=0
swift test "$@" 2>&1 | tee "$log" || status=$?

summary="$(grep -E 'Test run with [0-9]+ tests? in [0-9]+ suites? (passed|failed)' "$log" | tail -1 || true)"
total="$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<< "$summary")"
failed_tests="$( (grep -E '^✘ Test .* failed' "$log" || true) | sed -E 's/^✘ Test (.*) failed.*/\1/' | sort -u | wc -l)"
if [ -n "$total" ]; then
    echo "$((total - failed_tests)) passed, ${failed_tests} failed"
fi
exit "$status"
