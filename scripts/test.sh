#!/usr/bin/env bash
# Set up everything the tests need, run the lint and type gate, then the whole suite (SQLite,
# PostgreSQL, the browser test). Any step that fails fails the script (set -e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The gate is quick (mypy caches in .mypy_cache/): a finding stops the run before the long suite.
# Rules and their reasons: [tool.ruff] and [tool.mypy] in pyproject.toml.
.venv/bin/ruff check
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
