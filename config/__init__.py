"""The project's configuration and nothing else: settings read from the
environment (`settings`, and `test_settings` for the suite), the root URLs,
and the WSGI/ASGI entry points."""
