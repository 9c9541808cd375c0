"""The WSGI entry point: `gunicorn wsgi:app`; `flask` finds it without --app too."""

from ngo import create_app

app = create_app()
