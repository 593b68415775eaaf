#!/usr/bin/env bash
# The test command: builds the package and its tests, then runs every test: the Swift tests, then the
# dashboard's browser tests in headless Chromium (scripts/browser-tests.sh; needs Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# A bounded run: a hung test must fail CI in minutes, not hold it for an hour and a half.
timeout --kill-after=20 900 swift test --skip-build
# The dashboard's browser tests, against the binary just built (bounded like the Swift tests).
timeout --kill-after=20 600 ./scripts/browser-tests.sh
