"""The WSGI entry point for production servers: `gunicorn makernet.wsgi:app`.

Production mode only (MAKERNET_BROKER_URL set): the embedded worker never starts
here, because several WSGI processes must not each run a worker and a beat.
"""
import logging

from makernet import create_app
from makernet.config import load_settings

_settings = load_settings()
if _settings.runs_embedded_worker:
    raise SystemExit("makernet.wsgi is for production mode: set MAKERNET_BROKER_URL (and run "
                     "`makernet worker` and `makernet beat`), or use `makernet serve` for the embedded default")
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
app = create_app(_settings)
