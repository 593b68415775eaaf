#!/usr/bin/env bash
# The test command: builds the package and its tests, then runs every test: the Swift tests, then the
# dashboard's browser tests in headless Chromium (scripts/browser-tests.sh; needs Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# A bounded run: a hung test must fail CI in minutes, not hold it for an hour and a half.
# Two tests race a server's death and return against the rest of the run; with all 118 suites in
# parallel on 2 cores the run can win the race (seen in about half of full runs, never alone). They
# run on their own after the rest until they hold the work back deterministically.
load_sensitive='aServerThatComesBackRejoinsTheRun|promptLeftOnAnotherServer'
timeout --kill-after=20 900 swift test --skip-build --skip "$load_sensitive"
timeout --kill-after=20 300 swift test --skip-build --filter "$load_sensitive"
# The dashboard's browser tests, against the binary just built (bounded like the Swift tests).
timeout --kill-after=20 600 ./scripts/browser-tests.sh
