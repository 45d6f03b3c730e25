"""A file outbox whose "server" takes a while to say it took the message.

The worker subprocess of the exactly-once test loads it by its dotted name:
the file is in the outbox (the server has the message) while send_messages
has not returned yet, so a worker killed then leaves a delivery in doubt.
"""

import time

from newsletter.subscribers.mail_backends import FileOutboxBackend

ACKNOWLEDGEMENT_SECONDS = 0.05


class SlowAcknowledgementOutbox(FileOutboxBackend):
    def send_messages(self, email_messages) -> int:
        sent = super().send_messages(email_messages)
        time.sleep(ACKNOWLEDGEMENT_SECONDS)
        return sent
