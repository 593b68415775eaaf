#!/usr/bin/env bash
# The test command: builds the package and its tests, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# A bounded run: a hung test must fail CI in minutes, not hold it for an hour and a half.
timeout --kill-after=20 900 swift test --skip-build
