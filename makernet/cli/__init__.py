"""The `makernet` command: database, demo data, processes, administrators, tokens and the secret key.

Each module adds its commands to the one group in `base`; each command loads only what it runs
(a place's worker needs no web app).
"""
from __future__ import annotations

from makernet.cli import data, people, places, run, secrets  # noqa: F401  (they add their commands to main)
from makernet.cli.base import main

__all__ = ["main"]
