"""A place's own worker: `makernet place credentials N` (on the central side) gives it its broker user;
`makernet place key M` (on the place's machine) keeps a printer's key there."""
from __future__ import annotations

import sys

import click

from makernet.cli.base import main, make_app, require_schema


@main.group("place", help="A place's own worker: its broker credentials, its printers' keys.")
def place_group() -> None:
    """Place commands."""


@place_group.command("credentials", help=(
    "Create place N's RabbitMQ user, or give it a new password (the old one stops working at once), confined to "
    "its own queue and the reports exchange. Run it on the broker's host, as root or a member of the rabbitmq "
    "group (it uses rabbitmqctl), with the installation's MAKERNET_BROKER_URL (amqp:// or amqps://). Prints the "
    "lines the place's operator pastes into its env file."))
@click.argument("place_id", type=click.IntRange(1))
def credentials(place_id: int) -> None:
    """Issue place N's broker credentials and print its env-file lines."""
    from makernet.services import broker
    app = make_app()
    try:
        require_schema(app)
        issued = broker.place_credentials(app.extensions["makernet"], place_id)
    finally:
        app.extensions["makernet"].db.dispose()
    what = "new password for" if issued["rotated"] else "created"
    click.echo(f"# {what} broker user {issued['user']} (virtual host {issued['vhost']}) of place {place_id}, "
               f"{issued['place']}: paste these lines into its /etc/makernet/place.env, then restart "
               f"makernet-place-worker@{place_id}")
    click.echo(f"MAKERNET_BROKER_URL={issued['broker_url']}")
    if not issued["site_worker"]:
        click.echo(f"# place {place_id} is not yet marked as running its own worker: tick it on the place's page "
                   "once the worker runs", err=True)


@place_group.command("key", help=(
    "On a place's own machine: keep the key of printer M (its id in MakerNet, at --url, the address its page "
    "shows) for this place's worker, sealed in its instance folder. For a key you already have (OctoPrint: "
    "Settings > Application Keys); printers connected from the place's page get theirs without it. The key is "
    "asked for, or read from standard input with --key-stdin; it never leaves this machine."))
@click.argument("machine_id", type=click.IntRange(1))
@click.option("--url", required=True, help="The printer's address, as MakerNet knows it (http://192.168.1.20:5000).")
@click.option("--key-stdin", is_flag=True, help="Read the key from standard input instead of asking for it.")
def key(machine_id: int, url: str, key_stdin: bool) -> None:
    """Keep a printer's key on the place's machine, where its worker reads it."""
    from makernet.config import load_settings
    from makernet.services.place_keys import keep_printer_key
    secret = sys.stdin.readline().strip() if key_stdin else click.prompt("Printer key", hide_input=True).strip()
    if not secret:
        raise click.ClickException("no key given: nothing kept")
    try:
        path = keep_printer_key(load_settings(), machine_id, url, secret)
    except ValueError as refused:
        raise click.BadParameter(str(refused), param_hint="--url") from None
    click.echo(f"kept the key of printer {machine_id} in {path}, sealed; the place's worker uses it from its "
               "next message")
