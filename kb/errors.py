"""The few named exceptions aikb raises for caller mistakes; data problems are recorded, not raised."""


class AikbError(Exception):
    """Base of aikb's errors; the CLI prints its message as one line."""


class ConfigError(AikbError):
    """A setting is missing, unknown or malformed."""


class InputError(AikbError):
    """A file or argument given by the user cannot be read."""


class StoreError(AikbError):
    """The database cannot be opened, migrated or locked."""


class NotFound(AikbError):
    """A named entity, rule or source does not exist."""
