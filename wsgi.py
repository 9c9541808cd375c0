"""The WSGI entry point: `gunicorn wsgi:app`."""

from ngo import create_app

# Web workers serve pages: `flask --app ngo db ...` brings the migrations.
app = create_app({"DB_MIGRATIONS": False})
