"""`makernet serve`, `worker`, `beat` and `listen`: the processes of an installation."""
from __future__ import annotations

import click

from makernet.cli.base import (configure_celery_logging, configure_logging, main, make_app, require_broker,
                               require_schema, where_data)
from makernet.config import load_settings


@main.command(help="Serve the web app and API (with the embedded worker and beat when no broker is set).")
@click.option("--host", default=None, help="Address to listen on (default MAKERNET_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default MAKERNET_PORT or 5000).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Request threads.")
def serve(host: str | None, port: int | None, threads: int) -> None:
    """Run the app under waitress, a production WSGI server."""
    import waitress

    from workers.app import EmbeddedWorker
    app = make_app()
    require_schema(app)
    settings = app.extensions["makernet"].settings
    configure_logging(settings)
    if settings.runs_embedded_worker:
        from makernet.services import operations
        from makernet.services.fleet import start_central_listener
        # the embedded beat and listener are this installation's only ones: held until the process ends
        locks = [operations.hold_process_lock(app.extensions["makernet"], name) for name in ("beat", "listen")]  # noqa: F841
        EmbeddedWorker(app.extensions["celery"]).start()
        start_central_listener(app.extensions["makernet"])
        click.echo("embedded worker, beat and printer event listener started (in-process, memory:// transport)")
    host, port = host or settings.host, port or settings.port
    click.echo(f"MakerNet on http://{host}:{port}/")
    click.echo(f"data: {where_data(settings)}")
    waitress.serve(app, host=host, port=port, threads=threads, ident="MakerNet")


@main.command(help="Run a Celery worker (production mode: needs MAKERNET_BROKER_URL).")
@click.option("--place", "place_id", type=click.IntRange(1), default=None,
              help="Run as this place's own worker: only its printers' queue, no database needed.")
@click.option("--concurrency", type=click.IntRange(1, 512), default=8, show_default=True)
@click.option("--pool", type=click.Choice(["threads", "prefork", "solo"]), default="threads", show_default=True,
              help="Threads suit printer calls, which mostly wait on the network.")
@click.option("--hostname", default=None, help="Worker name (default: makernet@<host>, or place-<id>@<host>).")
@click.option("--loglevel", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO", show_default=True)
def worker(place_id: int | None, concurrency: int, pool: str, hostname: str | None, loglevel: str) -> None:
    """Run a central worker, or a place's own worker with --place."""
    import socket

    from makernet.services.context import REPORTS, place_queue
    from workers.site import DEFAULT_QUEUE, site_celery
    settings = load_settings()
    if not settings.broker_url:
        raise click.ClickException("MAKERNET_BROKER_URL is not set: in the embedded default the worker and "
                                   "beat run inside `makernet serve`")
    if place_id is not None and not settings.broker_url.startswith(("amqp://", "amqps://")):
        raise click.ClickException(
            "a place's own worker needs RabbitMQ (MAKERNET_BROKER_URL=amqps://place-N:…@host/vhost, from "
            "`makernet place credentials N`): on Redis its credentials could read every place's queue and its "
            "reports could not be told from another place's (deploy/README.md, \"Places with their own worker\")")
    configure_celery_logging(settings, loglevel)
    quiet: dict[str, bool] = {}
    if place_id is not None:
        celery_app, queues = site_celery(settings, place_id), [place_queue(place_id)]
        name = hostname or f"place-{place_id}@{socket.gethostname()}"
        # its broker user may not publish events nor talk to other workers: none of that at start either
        quiet = {"without_gossip": True, "without_mingle": True, "without_heartbeat": True}
    else:
        app = make_app()
        require_schema(app)
        celery_app, queues = app.extensions["celery"], [DEFAULT_QUEUE, REPORTS]
        name = hostname or f"makernet@{socket.gethostname()}"
    celery_app.Worker(concurrency=concurrency, pool=pool, loglevel=loglevel, queues=queues,
                      hostname=name, **quiet).start()


@main.command(help="Run the beat scheduler (production mode: exactly one per installation; a second one refuses).")
@click.option("--loglevel", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO", show_default=True)
def beat(loglevel: str) -> None:
    """Run the periodic scheduler: printer polls and its heartbeat."""
    from makernet.services import operations
    app = make_app()
    require_broker(app)
    lock = operations.hold_process_lock(app.extensions["makernet"], "beat")  # noqa: F841 - held for the process's life
    configure_celery_logging(app.extensions["makernet"].settings, loglevel)
    celery_app = app.extensions["celery"]
    celery_app.Beat(loglevel=loglevel).run()


@main.command(help="Follow printers' push events (production mode: one per installation, beside beat; "
                   "a second one refuses).")
def listen() -> None:
    """Keep an event socket open to every printer central workers reach; events trigger a poll at once."""
    import threading

    from makernet.services import operations
    from makernet.services.fleet import run_central_listener
    app = make_app()
    require_broker(app)
    require_schema(app)
    lock = operations.hold_process_lock(app.extensions["makernet"], "listen")  # noqa: F841 - held for the process's life
    configure_logging(app.extensions["makernet"].settings)
    click.echo("following printers' events; beat's polls go on beside")
    run_central_listener(app.extensions["makernet"], threading.Event())
