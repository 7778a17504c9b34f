"""WSGI entry for gunicorn: ``gunicorn wsgi:app`` serves what ``make run`` serves."""

from app import create_app
from app.logs import configure_logging

configure_logging()
app = create_app()
