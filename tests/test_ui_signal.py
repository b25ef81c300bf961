"""Stopping `aikb ui` stops the Streamlit server it runs (issue 17, row 8): a real process on a real port.

SIGTERM to `aikb ui` is forwarded to the server and waited for; the port is free afterwards. Even a
SIGKILL of `aikb ui` takes the server down with it on Linux (parent-death signal).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.db import open_engine
from tests.test_ui_browser import free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ", 1)[1][:1] != "Z"  # a zombie is dead, only not reaped yet
    except OSError:
        return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def eventually(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture
def ui(tmp_path):
    """`aikb ui` on a free port over a fresh SQLite store: (process, server pid, port)."""
    url = f"sqlite:///{tmp_path / 'aikb.sqlite3'}"
    open_engine(url)
    env = dict(os.environ, AIKB_DATABASE_URL=url, HOME=str(tmp_path))
    env.pop("AIKB_CONFIG", None)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "ui", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = None
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        (server,) = children(proc.pid)
        yield proc, server, port
    finally:
        for pid in (proc.pid, server):
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_sigterm_stops_the_server_and_frees_the_port(ui):
    proc, server, port = ui
    assert alive(server) and port_open(port)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0  # stopped on request
    assert eventually(lambda: not alive(server)), "the Streamlit server outlived `aikb ui`"
    assert eventually(lambda: not port_open(port)), f"port {port} still served"


def test_sigkill_of_aikb_ui_takes_the_server_down_too(ui):
    proc, server, port = ui
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert eventually(lambda: not alive(server)), "the Streamlit server outlived a killed `aikb ui`"
    assert eventually(lambda: not port_open(port)), f"port {port} still served"
