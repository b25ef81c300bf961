"""What ingest needs to be told: fetch limits, politeness, document limits and the known-sites file.

One frozen record, built by its caller (kb.settings.ingest_options composes it from aikb's
Settings); ingest reads no configuration of its own, so it can run and be tested without the store.
The defaults here are the project's defaults.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.budget import DocumentLimits
from ingest.publisher import Site, load_sites

USER_AGENT = "aikb/0.1 (+https://github.com/aikb; AI-news knowledge base)"


@dataclass(frozen=True)
class IngestOptions:
    """Limits and politeness of fetching, per-document caps, and which sites are known."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds, connect and read (a request's whole deadline is twice this)
    max_bytes: int = 10 * 1024 * 1024  # body cap, after decompression; also local files
    max_redirects: int = 5
    host_delay: float = 1.0  # minimum seconds between two requests to one host
    allow_private_networks: bool = False  # fetch pages on private/loopback addresses (intranet feeds)
    obey_robots: bool = True
    sites_file: str = ""  # more known sites over data/sites.toml (same format; ingest/publisher.py)
    limits: DocumentLimits = field(default_factory=DocumentLimits)

    def sites(self) -> dict[str, Site]:
        """The known-sites table: data/sites.toml with `sites_file`'s entries over it (cached per file)."""
        return load_sites(self.sites_file or None)
