#!/usr/bin/env bash
# Installs the Debian packages that building and testing need, when they are missing:
# libedit-dev (the line editor) and pkg-config (to find it), python3 (test oracles and the
# log generator) and jq (the benchmark's reference command).
set -euo pipefail

missing=()
for package in libedit-dev pkg-config python3 jq; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
