"""`makernet place credentials N`: a place's own broker user, for the worker beside its printers."""
from __future__ import annotations

import click

from makernet.cli.base import main, make_app, require_schema


@main.group("place", help="A place's own worker: its broker credentials.")
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
