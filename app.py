"""WSGI entry point: `flask --app app` and `gunicorn app:app` load this."""

from portal import create_app

app = create_app()
