#!/usr/bin/env bash
# Builds the package and runs the whole test suite. Installs missing Debian packages first
# when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
swift build
swift test "$@"
