"""Hostile receivers against alert delivery: time and peak memory per case (issue 16, item 2).

    .venv/bin/python bench/hostile_replies.py               # every case, 120 s cap each
    .venv/bin/python bench/hostile_replies.py --code /path/to/an/older/checkout --cap 60

Each case runs in its own interpreter: it makes a fresh SQLite store with one webhook or e-mail rule and
one alert, starts the hostile receiver on 127.0.0.1 (built here: an endless 200 body, a 1 GB 200 body,
an endless 500 body, headers trickled a byte at a time, an SMTP greeting trickled a byte at a time),
and runs kb.alerts.deliver once. A case still running after --cap seconds is killed ("killed").
--code runs the same cases against another checkout's kb/ (to measure "before").
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # for bench._common; a measured checkout on PYTHONPATH still comes first
from bench._common import peak_rss_mb, run_capped  # noqa: E402
CASES = {
    "webhook-endless-200": "a webhook that answers 200 with an endless body",
    "webhook-huge-200": "a webhook that answers 200 with a 1 GB body",
    "webhook-endless-500": "a webhook that answers 500 with an endless body",
    "webhook-trickle": "a webhook that sends its headers one byte every 50 ms",
    "smtp-trickle": "an SMTP server that sends its greeting one byte every 50 ms",
}


def _serve(case: str) -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)

    def handle(conn) -> None:
        try:
            if case == "smtp-trickle":
                while True:
                    for byte in b"220-mail.bench.test slow greeting\r\n":
                        conn.sendall(bytes([byte]))
                        time.sleep(0.05)
            conn.recv(65536)
            if case == "webhook-trickle":
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 1_000_000:
                    conn.sendall(bytes([byte]))
                    time.sleep(0.05)
            status = b"500 Internal Server Error" if case.endswith("500") else b"200 OK"
            length = b"Content-Length: 1000000000\r\n" if case == "webhook-huge-200" else b""
            conn.sendall(b"HTTP/1.1 " + status + b"\r\n" + length + b"Content-Type: text/plain\r\n\r\n")
            block = b"y" * 65536
            sent = 0
            while case != "webhook-huge-200" or sent < 1_000_000_000:
                conn.sendall(block)
                sent += len(block)
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return sock.getsockname()[1]


def child(case: str, folder: str) -> None:
    # bench/ingest.py would shadow the ingest package: the measured checkout comes first instead
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]

    from sqlmodel import Session

    from kb.alerts import add_rule, deliver, evaluate
    from kb.db import open_engine
    from kb.settings import Settings
    from tests._alert_fixtures import score, store_article

    port = _serve(case)
    url = f"sqlite:///{folder}/{case}.sqlite3"
    engine = open_engine(url)
    settings = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=port, smtp_from="bench@test.local",
                        webhook_timeout=10.0)
    with Session(engine) as s:
        if case.startswith("smtp"):
            add_rule(s, on="new-score", email="desk@example.org")
        else:
            add_rule(s, on="new-score", webhook=f"http://127.0.0.1:{port}/hook")
        s.commit()
        store_article(s, "https://wire.example/bench", scores=[
            score("Corvid 2", "CharXiv Reasoning", 71.5, "Corvid 2 posted 71.5 on CharXiv Reasoning.")])
        s.commit()
        evaluate(s, settings)
        s.commit()
        started = time.monotonic()
        try:
            summary = deliver(s, settings, backoff=0.5)
            outcome = f"sent {summary.sent}, failed {summary.failed}"
            note = (summary.errors[0] if summary.errors else "")[:90]
        except BaseException as exc:  # noqa: BLE001 - MemoryError is the "before" outcome
            outcome, note = "crashed", f"{type(exc).__name__}: {exc}"[:90]
        elapsed = time.monotonic() - started
    print(json.dumps({"case": case, "outcome": outcome, "seconds": round(elapsed, 2),
                      "peak_mb": round(peak_rss_mb()), "note": note}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--only")
    parser.add_argument("--code", default=str(ROOT), help="checkout whose kb/ is measured (default: this one)")
    parser.add_argument("--mem-limit-mb", type=int, default=3000, help="address-space cap of each case's process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.folder)
    folder = ROOT / "scratch" / "bench" / "replies"
    folder.mkdir(parents=True, exist_ok=True)
    cases = args.only.split(",") if args.only else list(CASES)
    print(f"{'case':<22} {'outcome':<22} {'seconds':>8} {'peak MB':>8}  note")
    for case in cases:
        for old in folder.glob(f"{case}.sqlite3*"):
            old.unlink()
        env = {**os.environ, "PYTHONPATH": f"{args.code}{os.pathsep}{ROOT}", "AIKB_CONFIG": os.devnull}
        limit = args.mem_limit_mb * 2**20
        run = run_capped(
            [sys.executable, __file__, "--child", case, "--folder", str(folder)], args.cap, cwd=args.code, env=env,
            preexec_fn=lambda limit=limit: __import__("resource").setrlimit(__import__("resource").RLIMIT_AS, (limit, limit)),
            poll=0.1)
        if run.killed:
            print(f"{case:<22} {'killed':<22} {run.seconds:>8.1f} {run.peak_mb:>8}  still running at the cap")
            continue
        if not run.last_line:
            print(f"{case:<22} {'crashed':<22} {run.seconds:>8.1f} {run.peak_mb:>8}  exit {run.returncode}")
            continue
        r = json.loads(run.last_line)
        print(f"{case:<22} {r['outcome']:<22} {r['seconds']:>8} {max(r['peak_mb'], run.peak_mb):>8}  {r['note']}")

if __name__ == "__main__":
    main()
