"""How a message leaving MakerNet (an e-mail, a webhook post) is tried again while its receiver is down: after 1, 2,
4… minutes, at most an hour apart, as many times as the installation says (`MAKERNET_MOST_TRIES`, 8 by default:
about a day), then given up for a person to see. The first wait is a setting too (the tests wait seconds)."""
from __future__ import annotations


def retry_in(attempts: int, first: float = 60) -> float:
    """Seconds before the next try, after `attempts` tries: `first`, then twice as long each time, at most sixty
    times `first`."""
    return min(first * 2 ** max(attempts - 1, 0), 60 * first)
