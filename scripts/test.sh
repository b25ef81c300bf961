#!/usr/bin/env bash
# Set up everything the tests need, then run them on two pytest-xdist workers (SQLite, PostgreSQL,
# the browser tests).
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

# --dist loadgroup: tests spread one by one, except those marked xdist_group("name"), which share an
# expensive module fixture (the demo store and `aikb ui` behind the browser tests, the crash corpus's
# reference run) and so run on one worker, setting it up once.
pytest=(.venv/bin/python -m pytest -n "${AIKB_TEST_WORKERS:-2}" --dist loadgroup)
if [ $# -gt 0 ]; then
  exec "${pytest[@]}" "$@"
fi

status=0
"${pytest[@]}" -m "not slow" || status=$?
"${pytest[@]}" -m slow || status=$?
exit "$status"
