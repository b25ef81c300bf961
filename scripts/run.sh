#!/usr/bin/env bash
# Set up aikb, ingest the bundled offline sample into the default SQLite store, then serve the UI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/aikb demo "$@"
