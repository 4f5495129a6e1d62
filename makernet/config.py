"""Typed settings, read once from MAKERNET_* environment variables.

With nothing set, MakerNet runs on its embedded default: a SQLite file in the
instance folder and a Celery worker and beat inside the web process, on the
in-memory transport. Every setting is listed, with its default, in
deploy/makernet.env.example.
"""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping

from makernet.domain.transport import parse_weekdays
from makernet.errors import InvalidInput

PREFIX = "MAKERNET_"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOG_FORMATS = ("text", "json")


CHECKOUT = Path(__file__).resolve().parents[1]   # the source checkout, when MakerNet runs from one


def default_instance_dir(environ: Mapping[str, str] | None = None, checkout: Path = CHECKOUT) -> Path:
    """Where an embedded installation keeps its data, whatever the current folder: the checkout's own
    `instance` folder when it already holds a database (where earlier versions kept it), else the user's
    data folder, $XDG_DATA_HOME/makernet (~/.local/share/makernet)."""
    environ = os.environ if environ is None else environ
    if (checkout / "pyproject.toml").is_file() and (checkout / "instance" / "makernet.sqlite3").is_file():
        return checkout / "instance"
    data_home = environ.get("XDG_DATA_HOME", "")
    if not data_home or not Path(data_home).is_absolute():   # the XDG rule: a relative path is ignored
        data_home = str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(data_home) / "makernet"


def _default_instance_dir() -> Path:
    """The instance folder when MAKERNET_INSTANCE_DIR is not set."""
    return default_instance_dir()


@dataclass(frozen=True)
class Settings:
    """Everything MakerNet reads from its environment."""

    instance_dir: Path = field(default_factory=_default_instance_dir)
    database_url: str = ""            # empty: sqlite file in instance_dir
    broker_url: str = ""              # empty: in-process memory:// transport
    broker_key_prefix: str = ""       # Redis key space of this installation
    place_broker_url: str = ""        # where places' own workers reach RabbitMQ (amqps://host:5671/vhost); empty: broker_url's
    secret_key: str = ""              # empty: generated once into instance_dir
    embedded_worker: bool | None = None  # None: on when broker_url is empty
    poll_interval: float = 5.0        # seconds between printer polls by beat
    dispatch_timeout: float = 60.0    # seconds a dispatch may stay unconfirmed
    printer_timeout: float = 10.0     # seconds for each call to a printer host
    printer_networks: tuple[Network, ...] = ()  # where printer hosts may be; empty: any but loopback, link-local
    host: str = "127.0.0.1"
    port: int = 5000
    public_url: str = ""              # e.g. https://makernet.region.fr; empty: the address a request came to
    trusted_proxies: int = 0          # reverse proxies in front of the web app whose X-Forwarded-* are believed
    session_hours: float = 10.0       # a sign-in lasts a working day...
    remember_days: float = 30.0       # ...or this long on a device where "stay signed in" was ticked
    default_locale: str = "fr"
    plan_daily_at: str = "06:00"      # French time of the daily planner run; "off": none
    plan_run_timeout: float = 300.0   # seconds a planner run may go without news before it is given up (failed)
    shuttle_days: str = "tue,fri"     # weekdays the regional shuttle between départements runs; "off": none
    log_format: str = "text"          # "json": one JSON object per log line, for a log collector
    smtp_url: str = ""                # smtp://user:password@host:587 (STARTTLS when offered), smtps://host:465 (TLS);
                                      # empty: e-mails stay in the outbox an admin reads in the app
    mail_from: str = ""               # the sender of e-mails; empty: MakerNet <makernet@the public URL's host>
    retry_after_seconds: float = 60.0  # an e-mail or webhook post refused is tried again after this, then twice as
                                       # long each time, at most sixty times as long...
    most_tries: int = 8                # ...this many times in all (about a day), then marked failed for people to see
    map_dir: str = ""                  # the région's outlines and commune index (deploy/build_map.py); empty: the
                                       # Nouvelle-Aquitaine shipped in makernet/static/geo/75
    open_data_threshold: int = 3       # requesters who asked not to be shown (and private persons) count in a
                                       # commune's open data only where at least this many of them asked

    @property
    def site_url(self) -> str:
        """Where links that leave the app (e-mails, webhooks) point: the public URL, else the address it listens on."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def daily_plan_time(self) -> tuple[int, int] | None:
        """(hour, minute) of the daily planner run, or None when there is none."""
        return _clock(self.plan_daily_at)

    @property
    def shuttle_weekdays(self) -> tuple[int, ...]:
        """The shuttle's weekdays, Monday 0 (checked when the settings are read)."""
        return parse_weekdays(self.shuttle_days)

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to the instance SQLite file."""
        return self.database_url or f"sqlite:///{self.instance_dir / 'makernet.sqlite3'}"

    @property
    def effective_broker_url(self) -> str:
        """The broker URL, defaulting to the in-process transport."""
        return self.broker_url or "memory://"

    @property
    def runs_embedded_worker(self) -> bool:
        """Whether the web process hosts its own worker and beat."""
        if self.embedded_worker is not None:
            return self.embedded_worker
        return not self.broker_url

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is a SQLite file."""
        return self.effective_database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        """Whether this is a real installation: a broker or a database server rather than the embedded default."""
        return bool(self.broker_url) or not self.is_sqlite

    def with_overrides(self, **values: object) -> "Settings":
        """A copy with some settings replaced (tests, CLI options)."""
        return replace(self, **values)


def _clock(raw: str) -> tuple[int, int] | None:
    """ "HH:MM" as (hour, minute); "off" as None; anything else is refused."""
    if raw.strip().lower() == "off":
        return None
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw.strip())
    if match is None:
        raise ValueError(raw)
    return int(match[1]), int(match[2])


def parse_networks(raw: str) -> tuple[Network, ...]:
    """ "10.1.0.0/16, 192.168.0.0/16" as networks (a bare address is a network of one); ValueError if malformed."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())


def _parse(name: str, kind: object, raw: str) -> object:
    """Turn one environment string into the field's type, or say what is wrong."""
    try:
        if kind in ("bool | None", "bool"):
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            if lowered in ("", "auto") and kind == "bool | None":
                return None
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            value = float(raw)
            if value <= 0:
                raise ValueError(raw)
            return value
        if kind == "Path":
            return Path(raw).expanduser()
        if name == "plan_daily_at":
            _clock(raw)
        if name == "shuttle_days":
            parse_weekdays(raw)
        if name == "printer_networks":
            return parse_networks(raw)
        if name == "log_format" and raw not in LOG_FORMATS:
            raise ValueError(raw)
        return raw
    except ValueError:
        raise InvalidInput("config.invalid_value", name=f"{PREFIX}{name.upper()}", value=raw) from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the MAKERNET_* variables once into a Settings object."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = environ.get(PREFIX + f.name.upper())
        if raw is not None and raw != "":
            values[f.name] = _parse(f.name, f.type, raw)
    values.setdefault("instance_dir", default_instance_dir(environ))
    return Settings(**values)
