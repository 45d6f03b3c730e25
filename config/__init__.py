"""The project's configuration and nothing else: settings read from the
environment (`settings`, and `test_settings` for the suite), the root URLs,
the WSGI/ASGI entry points and the Celery application (`celery`)."""

# Loaded with Django, so that tasks queued by a web process use this
# application's settings (inline without a broker) rather than Celery's defaults.
from config.celery import app as celery_app

__all__ = ["celery_app"]
