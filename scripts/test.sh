#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite (SQLite, PostgreSQL, the browser test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
