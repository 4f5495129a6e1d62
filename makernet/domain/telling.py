"""How a message leaving MakerNet (an e-mail, a webhook post) is tried again while its receiver is down: after 1, 2,
4… minutes, at most an hour apart, as many times as the installation says (`MAKERNET_MOST_TRIES`, 8 by default:
about a day), then given up for a person to see. The first wait is a setting too (the tests wait seconds)."""
from __future__ import annotations

from datetime import datetime, timedelta

STALE = timedelta(minutes=10)   # a try this much later than due was lost (a broker emptied, a worker killed)


def retry_in(attempts: int, first: float = 60) -> float:
    """Seconds before the next try, after `attempts` tries: `first`, then twice as long each time, at most sixty
    times `first`."""
    return min(first * 2 ** max(attempts - 1, 0), 60 * first)


def lost_since(status: str, attempts: int, tried: datetime, now: datetime, first: float) -> bool:
    """Whether a message's next try is overdue by STALE: a pending one after its backoff, one being sent at once
    (its worker stopped mid-send)."""
    wait = retry_in(attempts, first) if status == "pending" and attempts else 0
    return tried + timedelta(seconds=wait) + STALE < now
