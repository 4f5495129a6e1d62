"""The WSGI entry point for production servers: `gunicorn makernet.wsgi:app`.

Production mode only (MAKERNET_BROKER_URL set): the embedded worker never starts
here, because several WSGI processes must not each run a worker and a beat.
"""
from makernet import create_app
from makernet.cli.base import configure_logging
from makernet.config import load_settings

_settings = load_settings()
if _settings.runs_embedded_worker:
    raise SystemExit("makernet.wsgi is for production mode: set MAKERNET_BROKER_URL (and run "
                     "`makernet worker` and `makernet beat`), or use `makernet serve` for the embedded default")
configure_logging(_settings)  # the app's lines; gunicorn's own follow its --log-config-json (deploy/README.md)
app = create_app(_settings)
