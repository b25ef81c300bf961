"""Settings: defaults in code, one optional TOML file layered over them, the environment last.

The file is $AIKB_CONFIG, else ~/.config/aikb/config.toml when it exists. Secrets (the SMTP
password) come only from the environment, never from the file or the database.
"""
from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.budget import DocumentLimits
from ingest.options import IngestOptions
from kb.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


def default_db_path() -> Path:
    """Where the embedded SQLite store lives unless AIKB_DATABASE_URL says otherwise."""
    base = os.environ.get("AIKB_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "aikb"
    )
    return Path(base) / "aikb.sqlite3"


_INGEST = IngestOptions()  # ingest's defaults are aikb's: one place says what they are
_LIMITS = DocumentLimits()


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    # fetching (ingest.options.IngestOptions; see ingest_options below)
    user_agent: str = _INGEST.user_agent
    timeout: float = _INGEST.timeout  # seconds, connect and read
    max_bytes: int = _INGEST.max_bytes  # body cap, after decompression
    max_redirects: int = _INGEST.max_redirects
    host_delay: float = _INGEST.host_delay  # minimum seconds between two requests to one host
    allow_private_networks: bool = _INGEST.allow_private_networks  # private/loopback addresses (intranet feeds)
    obey_robots: bool = _INGEST.obey_robots
    max_failures_backoff_hours: float = 24.0
    # one feed per run: at most this many new items and (after the first item) this many seconds,
    # well inside the 10-minute worker lease; the rest is taken up by the next run
    max_items_per_source: int = 200
    max_seconds_per_source: float = 300.0
    # provenance: more known sites -> publisher names, over data/sites.toml (same format; ingest/publisher.py)
    sites_file: str = ""
    # a budget per document (ingest.budget.DocumentLimits): a hostile page is cut or refused, and
    # recorded against its source, instead of stalling the run
    doc_max_chars: int = _LIMITS.max_chars  # characters of a page's HTML read; the rest is cut
    doc_max_depth: int = _LIMITS.max_depth  # element nesting; a deeper page is refused
    doc_max_tables: int = _LIMITS.max_tables  # tables kept per page (the rest dropped)
    doc_max_cells: int = _LIMITS.max_cells  # table cells kept per page, all tables together
    doc_time_budget: float = _LIMITS.time_budget  # seconds to clean and to extract one document (0: no limit)
    # e-mail alerts
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = "aikb@localhost"
    webhook_timeout: float = 10.0  # seconds: each wait of a webhook or SMTP exchange (connect, a read)
    delivery_deadline: float = 30.0  # seconds: everything one delivery may take in a run (all tries)


def document_limits(settings: Settings) -> DocumentLimits:
    """The per-document limits of SETTINGS as the ingest.budget.DocumentLimits the cleaner takes."""
    return DocumentLimits(max_chars=settings.doc_max_chars, max_depth=settings.doc_max_depth,
                          max_tables=settings.doc_max_tables, max_cells=settings.doc_max_cells,
                          time_budget=settings.doc_time_budget)


def ingest_options(settings: Settings) -> IngestOptions:
    """What ingest needs from SETTINGS: fetch limits, politeness, document limits, the sites file."""
    return IngestOptions(user_agent=settings.user_agent, timeout=settings.timeout, max_bytes=settings.max_bytes,
                         max_redirects=settings.max_redirects, host_delay=settings.host_delay,
                         allow_private_networks=settings.allow_private_networks,
                         obey_robots=settings.obey_robots, sites_file=settings.sites_file,
                         limits=document_limits(settings))


_ENV = {
    "database_url": "AIKB_DATABASE_URL",
    "sites_file": "AIKB_SITES_FILE",
    "allow_private_networks": "AIKB_ALLOW_PRIVATE_NETWORKS",
    "host_delay": "AIKB_HOST_DELAY",
    "timeout": "AIKB_TIMEOUT",
    "obey_robots": "AIKB_OBEY_ROBOTS",
    "smtp_host": "AIKB_SMTP_HOST",
    "smtp_port": "AIKB_SMTP_PORT",
    "smtp_starttls": "AIKB_SMTP_STARTTLS",
    "smtp_user": "AIKB_SMTP_USER",
    "smtp_password": "AIKB_SMTP_PASSWORD",
    "smtp_from": "AIKB_SMTP_FROM",
}


def _coerce(name: str, raw, target_type):
    try:
        if target_type is bool:
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in ("1", "true", "yes", "on")
        return target_type(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}: cannot read {raw!r} as {target_type.__name__}") from exc


MAX_CONFIG_BYTES = 1024 * 1024


def _read_config(path: Path) -> str:
    """The settings file's text: a regular file of at most MAX_CONFIG_BYTES (never a pipe or device)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"cannot read settings file {path}: not a regular file")
    with open(path, "rb") as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"cannot read settings file {path}: larger than {MAX_CONFIG_BYTES} bytes")
    return data.decode("utf-8")


def load_settings(path: str | os.PathLike | None = None, **overrides) -> Settings:
    """Build Settings from defaults, the TOML file, the environment, then keyword overrides."""
    values: dict = {}
    types = {f.name: type(f.default) for f in dataclasses.fields(Settings)}
    cfg = path or os.environ.get("AIKB_CONFIG")
    if cfg is None:
        candidate = Path.home() / ".config" / "aikb" / "config.toml"
        cfg = candidate if candidate.exists() else None
    if cfg is not None:
        try:
            data = tomllib.loads(_read_config(Path(cfg)))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {cfg}: {exc}") from exc
        for key, raw in data.items():
            if key not in types:
                raise ConfigError(f"unknown setting {key!r} in {cfg}")
            if key == "smtp_password":
                raise ConfigError("smtp_password may only come from the environment (AIKB_SMTP_PASSWORD)")
            values[key] = _coerce(key, raw, types[key])
    for key, env in _ENV.items():
        if os.environ.get(env) not in (None, ""):
            values[key] = _coerce(key, os.environ[env], types[key])
    for key, raw in overrides.items():
        if key not in types:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = raw
    if not values.get("database_url"):
        values["database_url"] = f"sqlite:///{default_db_path()}"
    return Settings(**values)
