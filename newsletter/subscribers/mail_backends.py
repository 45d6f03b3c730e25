"""A file outbox: an email backend that writes each message to its own file and
can tell, afterwards, whether a message was sent.

    EMAIL_BACKEND=newsletter.subscribers.mail_backends.FileOutboxBackend
    EMAIL_FILE_PATH=/srv/digest/outbox

For development and for the exactly-once test: every message is written to a
temporary file and renamed into place, so a file is either a whole message or
absent, and its name starts with a digest of the Message-ID. After a worker
died in the middle of a send, `message_was_sent` answers the question a real
mail server cannot (see `newsletter.subscribers.delivery`).
"""

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend


def _key(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().encode()).hexdigest()[:32]


class FileOutboxBackend(BaseEmailBackend):
    """Writes each message as `<digest of Message-ID>.<unique>.eml` in EMAIL_FILE_PATH."""

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        path = file_path or getattr(settings, "EMAIL_FILE_PATH", None)
        if not path:
            raise ImproperlyConfigured("FileOutboxBackend needs EMAIL_FILE_PATH, a directory.")
        self.directory = Path(path)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            mime = message.message()
            key = _key(mime.get("Message-ID", "") or uuid.uuid4().hex)
            temporary = self.directory / f".{uuid.uuid4().hex}.tmp"
            with open(temporary, "wb") as file:
                file.write(mime.as_bytes(linesep="\n"))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.directory / f"{key}.{uuid.uuid4().hex}.eml")
            sent += 1
        return sent

    def message_was_sent(self, message_id: str) -> bool:
        """Return whether a message with this Message-ID was written before."""
        return any(self.directory.glob(f"{_key(message_id)}.*.eml"))
