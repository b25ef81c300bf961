"""Settings: defaults in code, one optional TOML file layered over them, the environment last.

The file is $AIKB_CONFIG, else ~/.config/aikb/config.toml when it exists. Secrets (the SMTP
password) come only from the environment, never from the file or the database.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


def default_db_path() -> Path:
    """Where the embedded SQLite store lives unless AIKB_DATABASE_URL says otherwise."""
    base = os.environ.get("AIKB_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "aikb"
    )
    return Path(base) / "aikb.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    # fetching
    user_agent: str = "aikb/0.1 (+https://github.com/aikb; AI-news knowledge base)"
    timeout: float = 20.0  # seconds, connect and read
    max_bytes: int = 10 * 1024 * 1024  # body cap, after decompression
    max_redirects: int = 5
    host_delay: float = 1.0  # minimum seconds between two requests to one host
    allow_private_networks: bool = False  # fetch pages on private/loopback addresses (intranet feeds)
    obey_robots: bool = True
    max_failures_backoff_hours: float = 24.0
    # provenance: more known sites -> publisher names, over data/sites.toml (same format; ingest/publisher.py)
    sites_file: str = ""
    # extraction
    batch_size: int = 32
    # e-mail alerts
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = "aikb@localhost"
    webhook_timeout: float = 10.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


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
            data = tomllib.loads(Path(cfg).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
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
