"""robots.txt for page fetches, fetched once per origin per run through the same send function."""
from __future__ import annotations

import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ingest.options import IngestOptions
from ingest.records import FetchResult
from ingest.ssrf import Origin


class RobotsCache:
    """Answers "may aikb fetch this page?" from each origin's robots.txt, cached for a run."""

    def __init__(self) -> None:
        self._parsers: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self.fetched: list[FetchResult] = []  # FetchResults of robots.txt requests, for the fetch log

    def allowed(self, url: str, options: IngestOptions, client: httpx.Client | None,
                trusted_origin: Origin | None = None) -> bool:
        """True unless URL's robots.txt disallows aikb's user agent (missing robots.txt allows all)."""
        if not options.obey_robots:
            return True
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            known = key in self._parsers
        if not known:
            parser = self._load(key, options, client, trusted_origin)
            with self._lock:
                self._parsers[key] = parser
        parser = self._parsers[key]
        if parser is None:
            return True
        agent = options.user_agent.split("/", 1)[0]
        return parser.can_fetch(agent, url)

    def _load(self, key: str, options: IngestOptions, client: httpx.Client | None,
              trusted_origin: Origin | None) -> RobotFileParser | None:
        from ingest.fetch import fetch  # late: fetch imports this module

        result = fetch(f"{key}/robots.txt", options, client=client, kind="robots", trusted_origin=trusted_origin)
        self.fetched.append(result)
        parser = RobotFileParser()
        if result.status in (401, 403):  # the convention: an access-controlled robots.txt disallows all
            parser.parse(["User-agent: *", "Disallow: /"])
            return parser
        if result.error or not result.body:
            return None  # no robots.txt (or unreachable): nothing is disallowed
        parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return parser
