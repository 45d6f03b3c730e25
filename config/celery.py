"""The Celery application: the entry point of a worker, like wsgi.py is of a web process.

    celery -A config worker

Its settings are the CELERY_* names of config.settings. Without
CELERY_BROKER_URL every task runs inline, in the process that queues it.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("digest")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["newsletter", "newsletter.subscribers", "editorial"])
