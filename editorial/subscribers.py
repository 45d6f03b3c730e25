"""The newsroom's work on subscribers: import, export, erase. Administrators
and the editor-in-chief only (`subscriber.manage`); each writes one audit row,
which names how many addresses, never an address.

The rules themselves are `newsletter.subscribers.services`.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.audit import audit_entry_create
from editorial.models import AuditAction
from editorial.permissions.rules import require
from newsletter.background import enqueue_on_commit
from newsletter.models import Subscriber
from newsletter.subscribers import services, tasks


def subscribers_import(
    *, actor, text: str, consent: bool, consent_note: str = ""
) -> services.ImportResult:
    """Import the subscriber CSV `text`; return what it did.

    With `consent` (the person importing vouches that the owners agreed) new
    addresses are confirmed, and the consent is recorded on each: who
    vouched, when, and `consent_note`. Without it they are pending and each
    gets a confirmation email once the import commits. Raises NotPermitted,
    or `SubscriberImportError` naming the bad line (nothing is imported).
    """
    require(actor, "subscriber.manage")
    recorded = ""
    if consent:
        recorded = _("%(who)s 于 %(date)s 导入时确认已获同意") % {
            "who": actor.get_username(),
            "date": timezone.localdate().isoformat(),
        }
        if consent_note.strip():
            recorded = f"{recorded}:{consent_note.strip()}"
    with transaction.atomic():
        result = services.subscribers_import(text=text, consent=recorded)
        audit_entry_create(
            actor=actor,
            action=AuditAction.SUBSCRIBER_IMPORT,
            object_repr=_("订阅者"),
            data={
                "created": len(result.created),
                "confirmed": result.confirmed,
                "unchanged": result.unchanged,
                "consent": bool(consent),
            },
        )
        to_confirm = [subscriber.pk for subscriber in result.to_confirm]
        if to_confirm:
            enqueue_on_commit(tasks.confirmations_send, to_confirm)
    return result


def subscribers_export(*, actor, queryset):
    """Return the CSV lines of `queryset`'s subscribers, having recorded the export.

    Raises NotPermitted.
    """
    require(actor, "subscriber.manage")
    audit_entry_create(
        actor=actor,
        action=AuditAction.SUBSCRIBER_EXPORT,
        object_repr=_("订阅者"),
        data={"count": queryset.count()},
    )
    return services.subscribers_csv_lines(queryset)


def subscriber_erase(*, actor, subscriber: Subscriber) -> None:
    """Delete `subscriber` and erase the address: from the row, the deliveries'
    failure reasons and the admin's own history of the row. Raises NotPermitted.
    """
    require(actor, "subscriber.manage")
    content_type = ContentType.objects.get_for_model(Subscriber)
    with transaction.atomic():
        subscriber_id = services.subscriber_erase(subscriber=subscriber)
        name = _("订阅者 #%(id)s(已抹去)") % {"id": subscriber_id}
        # The admin logs every change and deletion under the object's name,
        # which for a subscriber is the address.
        LogEntry.objects.filter(content_type=content_type, object_id=str(subscriber_id)).update(
            object_repr=name, change_message=""
        )
        audit_entry_create(
            actor=actor,
            action=AuditAction.SUBSCRIBER_ERASE,
            object_repr=name,
            data={"subscriber": subscriber_id},
        )
