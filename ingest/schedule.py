"""When a source is next due: its RSS ttl, its skipHours, and backoff after failures."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

DEFAULT_INTERVAL = timedelta(minutes=60)


def next_fetch_time(
    now: datetime,
    *,
    ttl_minutes: int | None = None,
    skip_hours: Iterable[int] = (),
    failure_count: int = 0,
    max_backoff_hours: float = 24.0,
    interval: timedelta = DEFAULT_INTERVAL,
) -> datetime:
    """The next time to poll a source.

    Args:
        now: aware UTC now.
        ttl_minutes: the feed's RSS <ttl> (minutes it may be cached); longer than INTERVAL wins.
        skip_hours: RSS <skipHours>: UTC hours in which the feed asks not to be polled.
        failure_count: consecutive failures; each doubles the wait, capped at MAX_BACKOFF_HOURS.
    """
    wait = interval
    if ttl_minutes and ttl_minutes > 0:
        wait = max(wait, timedelta(minutes=min(ttl_minutes, 7 * 24 * 60)))
    if failure_count > 0:
        wait = min(interval * (2 ** min(failure_count, 16)), timedelta(hours=max_backoff_hours))
    due = now + wait
    skip = {h % 24 for h in skip_hours}
    if len(skip) < 24:
        for _ in range(24):  # move out of skipped hours to the start of the next allowed hour
            if due.hour not in skip:
                break
            due = (due + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return due
