"""Background tasks of the newsroom: editorial emails (`editorial.notifications`).

Queued with `newsletter.background.enqueue_on_commit`; inline without a broker.
"""

import logging

from celery import shared_task
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)

# A mail server that is down gets a few more tries, a minute apart and longer.
RETRY_DELAYS = (60, 300, 1800)


@shared_task(name="editorial.emails_send", bind=True, max_retries=len(RETRY_DELAYS))
def emails_send(self, messages: list[dict]) -> int:
    """Send the rendered editorial `messages` ({"subject", "body", "to"}); return how many.

    The action they announce already stands, so a failure is logged, never
    raised at the person; a worker tries again later. A retry after a partial
    failure may repeat a notification: at least once is right for these.
    """
    emails = [
        EmailMessage(subject=message["subject"], body=message["body"], to=message["to"])
        for message in messages
    ]
    try:
        return get_connection().send_messages(emails) or 0
    except Exception as error:
        logger.exception("Could not send %d editorial email(s)", len(emails))
        if self.request.is_eager or self.request.retries >= len(RETRY_DELAYS):
            return 0
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from error
