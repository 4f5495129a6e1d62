"""`makernet db` and `makernet demo`: the schema and the demo territory."""
from __future__ import annotations

from pathlib import Path

import click

from makernet.cli.base import main, make_app, require_schema, safe_url, where_data
from makernet.config import load_settings


@main.group(help="Database schema.")
def db() -> None:
    """Database commands."""


@db.command("upgrade", help="Create or migrate the database schema to the newest revision.")
def db_upgrade() -> None:
    """Run the Alembic migrations."""
    from makernet import schema
    app = make_app()
    database = app.extensions["makernet"].db
    try:
        schema.upgrade(database, secret=app.extensions["makernet"].secret)   # to seal printer keys left in clear
        click.echo(f"database at revision {schema.current_revision(database)} ({safe_url(database.url)})")
        click.echo(f"data: {where_data(app.extensions['makernet'].settings)}")
    finally:
        database.dispose()


@db.command("backup", help="Back the whole database up to FILE (default: makernet-<UTC date and time>.dump, or "
                            ".sqlite3 for the embedded SQLite, in the current folder), readable by its owner only. "
                            "PostgreSQL through pg_dump of the server's version; SQLite safely while MakerNet runs.")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def db_backup(file: Path | None) -> None:
    """Write a backup file."""
    from makernet.services import backups
    done = backups.back_up(load_settings(), file)
    click.echo(f"backup of {done['database']} at revision {done['revision']} written to {done['path']} "
               f"({done['bytes']} bytes)")


@db.command("restore", help="Restore FILE, made by `makernet db backup`, into the database of these settings. "
                            "Refused when that database already holds data, unless --force. Stop the web, "
                            "worker, beat and listen processes first.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace every piece of data the database already holds.")
def db_restore(file: Path, force: bool) -> None:
    """Load a backup file."""
    from makernet.services import backups
    done = backups.restore(load_settings(), file, force=force)
    click.echo(f"{done['path']} restored into {done['database']}, at revision {done['revision']}")
    if done["needs_upgrade"]:
        click.echo(f"the backup is older than this version of MakerNet (revision {done['head']}): "
                   "run `makernet db upgrade` before starting MakerNet")


@main.command(help="Load demo data: a small territory of Charente-Maritime, modelled on spring 2020. "
                   "Refused in production mode (a broker or a database server set) unless --yes-load-demo-users.")
@click.option("--octoprint", "octoprint_url", metavar="URL", help="Attach this OctoPrint server as a printer of the fab-lab.")
@click.option("--api-key", metavar="KEY", help="Application key for --octoprint.")
@click.option("--yes-load-demo-users", "production_ok", is_flag=True,
              help="Load them even in production mode, knowing every demo user signs in with the same "
                   "published password.")
def demo(octoprint_url: str | None, api_key: str | None, production_ok: bool) -> None:
    """Load the demo territory, optionally with a real printer."""
    from makernet import demo as demo_data
    if bool(octoprint_url) != bool(api_key):
        raise click.UsageError("--octoprint and --api-key go together")
    if octoprint_url:   # the printer networks hold for the demo's printer too, or it would never be contacted
        from makernet.services.printer_io import in_printer_networks
        if not in_printer_networks(octoprint_url, load_settings().printer_networks):
            raise click.ClickException(
                f"{octoprint_url} is outside the printer networks: this server's own addresses (loopback included) "
                "are refused unless MAKERNET_PRINTER_NETWORKS lists them, e.g. MAKERNET_PRINTER_NETWORKS=127.0.0.1/32 "
                "for an OctoPrint on this machine")
    if load_settings().is_production and not production_ok:
        raise click.ClickException(
            "refused in production mode (MAKERNET_BROKER_URL or a database server is set): the demo users, admin "
            f"included, all sign in with the published password {demo_data.DEMO_PASSWORD!r}; create a real "
            "administrator with `makernet admin create`, or pass --yes-load-demo-users to load them anyway")
    app = make_app()
    require_schema(app)
    ctx = app.extensions["makernet"]
    from makernet.services.secrets import seal
    summary = demo_data.load(ctx.db, octoprint_url=octoprint_url, api_key=api_key, seal=lambda key: seal(ctx, key))
    click.echo(summary)
    click.echo(f"data: {where_data(ctx.settings)}")


@main.command(help="Work out the territory's figures per commune and week and the open data files, and publish "
                   "them now (beat does it every five minutes).")
def publish() -> None:
    """Publish the territory's figures and open data."""
    from makernet.services import territory
    app = make_app()
    ctx = app.extensions["makernet"]
    try:
        require_schema(app)
        sizes = territory.publish(ctx)
        click.echo(f"{len(sizes)} documents published ({sum(sizes.values())} bytes): "
                   + ", ".join(sorted(name for name in sizes if name.startswith("donnees/"))))
    finally:
        ctx.db.dispose()
