"""Helpers shared by the benchmark scripts: medians, RSS, child processes, fresh databases."""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "scratch" / "bench"
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get("AIKB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's current resident set size, in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(args: list[str], timeout: float | None = None, env: dict | None = None) -> dict:
    """Run a bench script in a fresh interpreter (so its peak RSS is its own); parse its last JSON line."""
    proc = subprocess.run([PYTHON, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    try:
        return json.loads(proc.stdout)  # one (possibly indented) JSON document
    except json.JSONDecodeError:
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        return json.loads(lines[-1])  # log lines, then the result on the last line


@dataclass
class CappedRun:
    """What run_capped saw of a child: killed at the cap, or its exit code and last output line."""

    killed: bool
    returncode: int | None
    last_line: str | None
    seconds: float
    peak_mb: int  # the child's VmHWM as last polled (-1 if never read)


def child_peak_mb(pid: int) -> int:
    """Another process's peak resident set size (VmHWM) in MB, or -1 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return -1


def run_capped(cmd: list[str], cap: float, *, cwd, env: dict, preexec_fn=None, poll: float = 0.2) -> CappedRun:
    """Run CMD, polling its peak memory, and kill it after CAP seconds (hostile-input benches)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=cwd, env=env, preexec_fn=preexec_fn)
    started, peak = time.monotonic(), -1
    while proc.poll() is None and time.monotonic() - started < cap:
        peak = max(peak, child_peak_mb(proc.pid))
        time.sleep(poll)
    if proc.poll() is None:
        peak = max(peak, child_peak_mb(proc.pid))
        proc.kill()
        proc.wait()
        return CappedRun(True, None, None, time.monotonic() - started, peak)
    out = (proc.stdout.read() or "").strip().splitlines()
    return CappedRun(False, proc.returncode, out[-1] if out else None, time.monotonic() - started, peak)


@contextmanager
def pg_database(prefix: str = "aikb_bench") -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the local server (dropped afterwards); yields its URL."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        try:
            from kb.db import get_engine

            get_engine(url).dispose()
        except Exception:  # noqa: BLE001 - the engine may never have been made in this process
            pass
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_available() -> str | None:
    """None when the benchmark PostgreSQL answers, else why not."""
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


def fresh_sqlite(name: str) -> str:
    """The URL of a new, empty SQLite file under scratch/bench (any old one is removed)."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    # a new name each time: kb.db caches engines and "migrated" per URL for the life of the process
    path = SCRATCH / f"{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}.sqlite3"
    for suffix in ("", "-wal", "-shm", ".ingest.lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def remove_sqlite(url: str) -> None:
    path = url.split("///", 1)[-1]
    for suffix in ("", "-wal", "-shm", ".ingest.lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def feeds_dir(articles: int, per_feed: int, seed: int = 7) -> Path:
    """Generated feed files for ARTICLES articles (made once, reused while the generator is unchanged)."""
    sys.path.insert(0, str(ROOT))
    from bench.gen_feeds import generate

    stamp = int((ROOT / "bench" / "gen_feeds.py").stat().st_mtime)
    out = SCRATCH / f"feeds-{articles}-{per_feed}-{seed}-{stamp}"
    done = out / ".complete"
    if not done.exists():
        generate(out, articles, per_feed, seed)
        done.write_text("ok")
    return out


def feed_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".xml", ".atom"))
