"""The WSGI entry point for production servers: `gunicorn makernet.wsgi:app`.

Production mode only (MAKERNET_BROKER_URL set): the embedded worker never starts
here, because several WSGI processes must not each run a worker and a beat.
"""
from makernet import create_app

app = create_app()
