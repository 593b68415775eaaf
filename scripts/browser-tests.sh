#!/usr/bin/env bash
# The dashboard's browser tests (Tests/Browser): Playwright for Python driving Debian's Chromium
# against the built `comfybridge` (run `swift build` first; scripts/test.sh does).
# The Python packages live in a venv of the test run, .build/browser-venv (created here when missing);
# Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it), since
# `playwright install` cannot download a browser here.
#   scripts/browser-tests.sh                  run the tests (extra arguments go to pytest)
#   scripts/browser-tests.sh --install-only   only create the venv
#   UPDATE_SCREENSHOT=1 scripts/browser-tests.sh   also rewrite docs/dashboard.png (the README's screenshot)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/browser-venv

if ! "$venv/bin/python" -c 'import playwright, pytest' >/dev/null 2>&1; then
    echo "browser-tests: creating $venv with playwright and pytest from PyPI"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check playwright pytest
fi
[ "${1:-}" = "--install-only" ] && exit 0

if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    echo "browser-tests: Chromium is missing: apt-get install chromium (or set CHROMIUM to a Chromium binary)" >&2
    exit 1
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider Tests/Browser "$@"
