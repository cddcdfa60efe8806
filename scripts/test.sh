#!/usr/bin/env bash
# Installs everything and runs the whole test suite: lint, types, tests
# (including the interoperability tests against Kamailio and JsSIP in
# Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

bash scripts/install-deps.sh

echo "== ruff"
"$PYTHON" -m ruff check softphone tests bench
"$PYTHON" -m ruff format --check softphone tests bench
echo "== mypy"
"$PYTHON" -m mypy
echo "== pytest"
# SOFTPHONE_REQUIRE_PEERS=1: a missing Kamailio/Chromium/PulseAudio is a
# failure, never a skip.
SOFTPHONE_REQUIRE_PEERS=1 "$PYTHON" -m pytest -q -p no:cacheprovider "$@"
