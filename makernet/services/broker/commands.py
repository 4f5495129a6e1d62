"""Place N's broker user on RabbitMQ: created or rotated, confined to its own queue and the reports exchange.

RabbitMQ's users and permissions are set with `rabbitmqctl`, which runs on the broker's host as root or a member
of the rabbitmq group; the queues and exchanges are declared by the central side, through MAKERNET_BROKER_URL.
"""
from __future__ import annotations

import re
import secrets
import shutil
import subprocess
from urllib.parse import quote, urlsplit, urlunsplit

from kombu import Connection, Exchange, Queue

from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Place
from makernet.services.context import REPORTS, Context, broker_vhost, place_broker_user, place_queue

RABBITMQ_SCHEMES = ("amqp", "amqps")


def place_permissions(place_id: int) -> tuple[str, str, str]:
    """The (configure, write, read) patterns of place N's user.

    configure: nothing (the central side declares; a passive declare needs no permission);
    write: the reports exchange, and its own queue's exchange (a key request waiting for the operator's
    approval is posted back there): never `amq.default`, which routes to any queue;
    read: its own queue (consume) and its own exchange (nothing else can be bound, as binding a queue needs
    write on that queue)."""
    own = re.escape(place_queue(place_id))
    return "^$", f"^({re.escape(REPORTS)}|{own})$", f"^{own}$"


def place_credentials(ctx: Context, place_id: int) -> dict:
    """Create or rotate place N's broker user: a new password (the old one stops working, its connections are
    closed), its permissions on the installation's virtual host, its queue and the reports queue declared.
    Returns the user, the password, and the broker URL its worker uses."""
    url = ctx.settings.broker_url
    scheme = urlsplit(url).scheme or "memory"
    if scheme not in RABBITMQ_SCHEMES:
        raise InvalidInput("places.broker_not_rabbitmq", scheme=scheme)
    with ctx.db.reading() as s:
        place = s.get(Place, place_id)
        if place is None:
            raise NotFound("place.not_found", id=place_id)
        name, site_worker = place.name, place.site_worker
    vhost = broker_vhost(url)
    user, password = place_broker_user(place_id, vhost), secrets.token_urlsafe(24)
    tool = _rabbitmqctl_tool()
    _declare(url, place_id)
    rotated = user in _rabbitmqctl(tool, "list_users", "--no-table-headers").split()
    if rotated:
        _rabbitmqctl(tool, "change_password", user, stdin=password + "\n")
        _rabbitmqctl(tool, "close_all_user_connections", user, "credentials rotated", may_fail=True)
    else:
        _rabbitmqctl(tool, "add_user", user, stdin=password + "\n")
    _rabbitmqctl(tool, "set_permissions", "-p", vhost, user, *place_permissions(place_id))
    return {"place_id": place_id, "place": name, "site_worker": site_worker, "user": user, "vhost": vhost,
            "rotated": rotated, "broker_url": place_url(ctx.settings.place_broker_url or url, user, password)}


def place_url(base: str, user: str, password: str) -> str:
    """The broker URL of a place's worker: the address places reach the broker at, with its own user."""
    parts = urlsplit(base)
    host = parts.hostname or "localhost"
    host = f"[{host}]" if ":" in host else host
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _declare(url: str, place_id: int) -> None:
    """Declare, as the central user, the reports exchange and queue and place N's queue, as workers declare them."""
    own = place_queue(place_id)
    try:
        with Connection(url, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
            channel = connection.default_channel
            for queue in (Queue(REPORTS, Exchange(REPORTS, "direct"), routing_key=REPORTS),
                          Queue(own, Exchange(own, "direct"), routing_key=own)):
                queue(channel).declare()
    except Exception as error:  # noqa: BLE001 - any broker failure is said in one line
        raise Conflict("places.broker_unreachable", detail=str(error)[:200] or type(error).__name__) from None


def _rabbitmqctl_tool() -> str:
    """Where rabbitmqctl is, or a refusal saying where the command must run."""
    tool = shutil.which("rabbitmqctl") or shutil.which("rabbitmqctl", path="/usr/sbin:/usr/local/sbin")
    if tool is None:
        raise Conflict("places.rabbitmqctl_missing")
    return tool


def _rabbitmqctl(tool: str, *args: str, stdin: str | None = None, may_fail: bool = False) -> str:
    """Run one rabbitmqctl command (a password goes on standard input, never on the command line)."""
    try:
        done = subprocess.run([tool, "-q", *args], input=stdin, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Conflict("places.rabbitmqctl_failed", command=args[0], detail=str(error)[:200]) from None
    if done.returncode != 0 and not may_fail:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise Conflict("places.rabbitmqctl_failed", command=args[0], detail=(said[-1] if said else "")[:200])
    return done.stdout
