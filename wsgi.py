"""The WSGI entry point: `gunicorn wsgi:app`."""

from ngo import create_app

app = create_app()
