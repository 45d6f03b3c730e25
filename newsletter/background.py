"""The task layer: background work queued once the current transaction commits.

Every task is a Celery task (`newsletter.tasks`, `newsletter.subscribers.tasks`,
`editorial.tasks`). With CELERY_BROKER_URL set it goes to the workers; without
it the task runs inline, in this process, right after the commit. Either way a
rolled-back action queues nothing, and a task never sees rows that are not
committed yet.
"""

from django.db import transaction


def enqueue_on_commit(task, /, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the transaction commits (at once outside one).

    The arguments must be JSON-serialisable: ids, not model instances. A task
    that fails inline is logged, not raised: the action it follows already
    stands (Django's robust on_commit).
    """

    def queue() -> None:
        task.apply_async(args, kwargs)

    # Named after the task: Django's log of a failed robust callback shows it.
    queue.__qualname__ = f"enqueue({task.name})"
    transaction.on_commit(queue, robust=True)
