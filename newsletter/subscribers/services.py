"""Writes to subscribers: subscribing, confirming, unsubscribing, bounces and
complaints, CSV import and export, erasing an address.

Readers act without an account, so these write no audit row; the newsroom's
actions on subscribers (import, export, erase) are audited by
`editorial.subscribers`, which calls them.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletter.models import Delivery, Subscriber
from newsletter.subscribers.emails import CONFIRM_SALT

Status = Subscriber.Status

# Readers who asked never to hear from us again: neither a form nor an import
# brings them back (a complaint is a "report spam" in their mail client).
SUPPRESSED = (Status.COMPLAINED,)


class SubscriptionLinkError(Exception):
    """A confirmation link that was altered, is unknown (`expired` False) or too old."""

    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class SubscriberImportError(ValueError):
    """A CSV that cannot be imported; `line` is its 1-based line number, 0 for the file."""

    def __init__(self, message: str, *, line: int = 0):
        super().__init__(message)
        self.line = line


def email_normalize(email: str) -> str:
    """Return `email` as stored: stripped and in lower case.

    Raises ValidationError for something that is not an email address.
    """
    email = email.strip().lower()
    validate_email(email)
    return email


def _language(language: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def subscription_request(*, email: str, language: str) -> Subscriber | None:
    """Record that someone asked for the issues at `email`.

    Returns the subscriber to send a confirmation email to, or None when
    nothing is to be sent: the address is already confirmed, or its owner
    reported the newsletter as spam. A new address, or one that unsubscribed
    or bounced, becomes (again) pending until its owner confirms. Raises
    ValidationError for an invalid address.
    """
    email = email_normalize(email)
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber, created = Subscriber.objects.select_for_update().get_or_create(
                email=email, defaults={"language": _language(language), "status_changed_at": now}
            )
    except IntegrityError:
        # The same address subscribed twice at once: the other request made the row.
        subscriber, created = Subscriber.objects.get(email=email), False
    if created or subscriber.status == Status.PENDING:
        return subscriber
    if subscriber.status == Status.CONFIRMED or subscriber.status in SUPPRESSED:
        return None
    with transaction.atomic():
        changed = Subscriber.objects.filter(
            pk=subscriber.pk, status__in=[Status.UNSUBSCRIBED, Status.BOUNCED]
        ).update(status=Status.PENDING, language=_language(language), status_changed_at=now)
    return Subscriber.objects.get(pk=subscriber.pk) if changed else None


def subscriber_for_confirmation(*, token: str) -> Subscriber:
    """Return the subscriber a confirmation link names.

    Raises SubscriptionLinkError when the link was altered, names nobody, or
    is older than DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE.
    """
    try:
        subscriber_id = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE
        )
    except signing.SignatureExpired:
        raise SubscriptionLinkError(expired=True) from None
    except signing.BadSignature:
        raise SubscriptionLinkError(expired=False) from None
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        raise SubscriptionLinkError(expired=False)
    return subscriber


def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the pending subscription a confirmation link names; return the subscriber.

    A subscriber who is not pending (already confirmed, or unsubscribed since)
    is returned unchanged. Raises SubscriptionLinkError (see
    `subscriber_for_confirmation`).
    """
    subscriber = subscriber_for_confirmation(token=token)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.PENDING:
            return subscriber
        subscriber.status = Status.CONFIRMED
        subscriber.confirmed_at = subscriber.status_changed_at = now
        subscriber.full_clean()
        subscriber.save(update_fields=["status", "confirmed_at", "status_changed_at"])
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Unsubscribe the subscriber whose unsubscribe token is `token`; return them.

    Returns None for an unknown token. Bounced and complained addresses keep
    that status (they get nothing either way); unsubscribing twice is harmless.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(unsubscribe_token=token).first()
        if subscriber is None:
            return None
        if subscriber.status in (Status.PENDING, Status.CONFIRMED):
            subscriber.status = Status.UNSUBSCRIBED
            subscriber.status_changed_at = timezone.now()
            subscriber.save(update_fields=["status", "status_changed_at"])
    return subscriber


def subscriber_mark_undeliverable(*, email: str, status: str) -> Subscriber | None:
    """Mark the subscriber at `email` bounced, complained or unsubscribed, as the provider says.

    Returns the subscriber, or None for an address we do not know. A
    complaint is never downgraded to a bounce.
    """
    if status not in (Status.BOUNCED, Status.COMPLAINED, Status.UNSUBSCRIBED):
        raise ValueError(f"Not an undeliverable status: {status!r}")
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(email=email.strip().lower()).first()
        )
        if subscriber is None or subscriber.status == status:
            return subscriber
        if subscriber.status in SUPPRESSED:
            return subscriber
        subscriber.status = status
        subscriber.status_changed_at = timezone.now()
        subscriber.save(update_fields=["status", "status_changed_at"])
    return subscriber


@dataclass
class ImportResult:
    """What a CSV import did: new addresses, pending ones confirmed, and addresses left alone."""

    created: list[Subscriber] = field(default_factory=list)
    confirmed: int = 0
    unchanged: int = 0

    @property
    def to_confirm(self) -> list[Subscriber]:
        """New subscribers who must confirm by email (imported without consent)."""
        return [s for s in self.created if s.status == Status.PENDING]


def subscribers_parse_csv(text: str) -> list[tuple[str, str]]:
    """Return the (email, language) rows of a subscriber CSV.

    One address per line, optionally a language (`zh-hans`, `en`) in the
    second column; a first line whose first cell is "email" is a header. An
    address repeated in the file counts once. Raises SubscriberImportError
    naming the first line that is not a valid address or language.
    """
    codes = {code for code, _name in settings.LANGUAGES}
    rows, seen = [], set()
    try:
        lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:
        raise SubscriberImportError(
            _("这不是一个可读的 CSV 文件:%(error)s") % {"error": error}
        ) from None
    for number, cells in enumerate(lines, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in {"email", "e-mail", "邮箱", "电子邮件"}:
            continue
        if len(cells) > 2:
            raise SubscriberImportError(
                _("第 %(line)d 行有 %(count)d 列;只能有邮箱和语言两列。")
                % {"line": number, "count": len(cells)},
                line=number,
            )
        try:
            email = email_normalize(cells[0])
        except ValidationError:
            raise SubscriberImportError(
                _("第 %(line)d 行的“%(value)s”不是有效的邮箱地址。")
                % {"line": number, "value": cells[0][:80]},
                line=number,
            ) from None
        language = cells[1].lower() if len(cells) == 2 and cells[1] else settings.LANGUAGE_CODE
        if language not in codes:
            raise SubscriberImportError(
                _("第 %(line)d 行的语言“%(value)s”不认识;可用:%(codes)s。")
                % {"line": number, "value": cells[1][:20], "codes": ", ".join(sorted(codes))},
                line=number,
            )
        if email not in seen:
            seen.add(email)
            rows.append((email, language))
    if not rows:
        raise SubscriberImportError(_("文件里没有邮箱地址。"))
    return rows


def subscribers_import(*, text: str, consent: str = "") -> ImportResult:
    """Import the subscriber CSV `text` in one transaction; return what it did.

    With `consent` (how the owners agreed, recorded on each new row) new
    addresses are confirmed at once and pending ones become confirmed;
    without it new addresses are pending until they confirm by email (the
    caller sends the emails, `ImportResult.to_confirm`). Addresses already
    confirmed, unsubscribed, bounced or complained are left as they are: an
    import never resubscribes anyone. Raises SubscriberImportError, and
    imports nothing, when any line is malformed.
    """
    rows = subscribers_parse_csv(text)
    now = timezone.now()
    result = ImportResult()
    with transaction.atomic():
        existing = {
            subscriber.email: subscriber
            for subscriber in Subscriber.objects.select_for_update().filter(
                email__in=[email for email, _language in rows]
            )
        }
        for email, language in rows:
            subscriber = existing.get(email)
            if subscriber is None:
                subscriber = Subscriber(
                    email=email,
                    language=language,
                    source=Subscriber.Source.IMPORT,
                    consent=consent[:300],
                    status=Status.CONFIRMED if consent else Status.PENDING,
                    confirmed_at=now if consent else None,
                    status_changed_at=now,
                )
                subscriber.full_clean()
                subscriber.save()
                result.created.append(subscriber)
            elif consent and subscriber.status == Status.PENDING:
                subscriber.status = Status.CONFIRMED
                subscriber.confirmed_at = subscriber.status_changed_at = now
                subscriber.consent = consent[:300]
                subscriber.save(
                    update_fields=["status", "confirmed_at", "status_changed_at", "consent"]
                )
                result.confirmed += 1
            else:
                result.unchanged += 1
    return result


CSV_COLUMNS = ("email", "status", "language", "source", "created_at", "confirmed_at", "consent")


def subscribers_csv_lines(queryset) -> Iterator[str]:
    """Yield `queryset`'s subscribers as CSV lines, header first, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for subscriber in queryset.order_by("pk").iterator(chunk_size=500):
        yield line(
            [
                subscriber.email,
                subscriber.status,
                subscriber.language,
                subscriber.source,
                subscriber.created_at.isoformat(),
                subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
                subscriber.consent,
            ]
        )


def subscriber_erase(*, subscriber: Subscriber) -> int:
    """Delete `subscriber` and every trace of the address; return the subscriber's old id.

    Its deliveries stay, for the issue's counts, without subscriber and
    without failure reasons (a mail server's refusal often quotes the address).
    """
    subscriber_id = subscriber.pk
    with transaction.atomic():
        Delivery.objects.filter(subscriber_id=subscriber_id).update(reason="")
        subscriber.delete()
    return subscriber_id
