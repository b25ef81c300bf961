"""The errors ingest raises for its caller's mistakes; network and data problems are recorded, not raised.

`UserError` is the base of every error a user can fix by changing what they gave (a file, a URL, a
setting); a command line prints its message as one line. kb.errors builds aikb's own errors on it,
so one `except` catches both layers'.
"""


class UserError(Exception):
    """An error its user can fix; the message is one line that says what to change."""


class InputError(UserError):
    """A file, URL, document or argument given by the user cannot be read or makes no sense."""
