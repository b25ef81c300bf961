"""The few named exceptions aikb raises for caller mistakes; data problems are recorded, not raised.

They build on ingest's (ingest/errors.py), the lowest layer: AikbError is ingest's UserError and
InputError is ingest's own, so `except AikbError` also catches what ingest raises.
"""
from ingest.errors import InputError, UserError

AikbError = UserError  # base of aikb's errors; the CLI and the UI show its message as one line

__all__ = ["AikbError", "ConfigError", "InputError", "NotFound", "StoreError"]


class ConfigError(AikbError):
    """A setting is missing, unknown or malformed."""


class StoreError(AikbError):
    """The database cannot be opened, migrated or locked."""


class NotFound(AikbError):
    """A named entity, rule or source does not exist."""
