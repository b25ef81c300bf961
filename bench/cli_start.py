"""CLI start-up: wall time of `aikb stats` and `aikb search` against a bare `python -c 'import sqlalchemy'`.

Issue 14's goal: each command at most 1.5x the bare import, in the same venv. Runs are interleaved
(one of each per round) so that a busy machine slows all alike; medians are reported, with ratios.

    .venv/bin/python bench/cli_start.py [--db URL] [--runs 9]

Without --db it fills a fresh SQLite store with `aikb demo --no-serve` (the bundled sample) first.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GOAL = 1.5


def wall(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a fresh SQLite store with the bundled sample)")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.db:
        env["AIKB_DATABASE_URL"] = args.db
    else:
        env["AIKB_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='aikb-start-')}/aikb.sqlite3"
        subprocess.run([PYTHON, "-m", "kb.cli", "demo", "--no-serve"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    commands = {
        "python -c 'import sqlalchemy'": [PYTHON, "-c", "import sqlalchemy"],
        "aikb stats": [PYTHON, "-m", "kb.cli", "stats"],
        "aikb search CharXiv": [PYTHON, "-m", "kb.cli", "search", "CharXiv"],
    }
    for cmd in commands.values():  # warm the file cache once
        wall(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(wall(cmd, env))
    base = statistics.median(times["python -c 'import sqlalchemy'"])
    print(f"{'command':34} {'median s':>9} {'ratio':>6}  goal <= {GOAL}x")
    for name, values in times.items():
        med = statistics.median(values)
        ratio = med / base
        verdict = "" if name.startswith("python") else ("met" if ratio <= GOAL else "MISSED")
        print(f"{name:34} {med:9.3f} {ratio:6.2f}  {verdict}")


if __name__ == "__main__":
    main()
