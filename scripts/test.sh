#!/usr/bin/env bash
# The test command: builds the package and its tests, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
