#!/usr/bin/env bash
# Set up everything the tests need, run the lint and type gate, then the tests on two pytest-xdist
# workers (SQLite, PostgreSQL, the browser tests). A failing step fails the script.
#   bash scripts/test.sh                  the whole suite, as CI runs it: first every test not marked
#                                         `slow`, then the slow ones (killed processes, 120-article
#                                         ingests, the real browser) in a second step
#   bash scripts/test.sh -m "not slow"    the quick loop: one run without the slow tests
#   bash scripts/test.sh ARGS             one run with pytest ARGS on the workers, e.g. -k leaderboard,
#                                         tests/test_db.py; add -n 0 to run in one process (-x, --pdb)
# AIKB_TEST_WORKERS sets the number of workers (default 2, one per core of the reference machine).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The gate is quick (mypy caches in .mypy_cache/): a finding stops the run before the long suite.
# Rules and their reasons: [tool.ruff] and [tool.mypy] in pyproject.toml.
.venv/bin/ruff check
.venv/bin/mypy

pytest=(.venv/bin/python -m pytest -n "${AIKB_TEST_WORKERS:-2}")
if [ $# -gt 0 ]; then
  exec "${pytest[@]}" "$@"
fi

status=0
"${pytest[@]}" -m "not slow" || status=$?
# One slow file per worker: a slow module's expensive fixture (the demo store and `aikb ui` behind the
# browser tests, the crash corpus's reference run) is then set up once, not once on each worker.
# (--dist loadgroup would be finer, but pytest-xdist 3.8's xdist_group has no effect under pytest 9.2.)
"${pytest[@]}" -m slow --dist loadfile || status=$?
exit "$status"
