"""How a message leaving MakerNet (an e-mail, a webhook post) is tried again while its receiver is down: after 1, 2,
4… minutes, at most an hour apart, MOST_ATTEMPTS times in all (about a day), then given up for a person to see."""
from __future__ import annotations

MOST_ATTEMPTS = 8


def retry_in(attempts: int) -> int:
    """Seconds before the next try, after `attempts` tries."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)
