"""The task layer: background work queued once the current transaction commits.

Every task is a Celery task (`newsletter.tasks`, `newsletter.subscribers.tasks`,
`editorial.tasks`). With CELERY_BROKER_URL set it goes to the workers; without
it the task runs inline, in this process, right after the commit. Either way a
rolled-back action queues nothing, and a task never sees rows that are not
committed yet.
"""

from functools import partial

from django.db import transaction


def enqueue_on_commit(task, /, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the transaction commits (at once outside one).

    The arguments must be JSON-serialisable: ids, not model instances. A task
    that fails inline is logged, not raised: the action it follows already
    stands (Django's robust on_commit).
    """
    transaction.on_commit(partial(task.apply_async, args, kwargs), robust=True)
