"""The audit log: one row per editorial action, naming who did what to which
item, issue or account. `AuditAction` is the closed set of actions; every
service writes its row with `audit_entry_create` inside its own transaction.
"""

from editorial.models import AuditAction, AuditEntry
from newsletter.models import Issue, Item


def audit_entry_create(
    *,
    actor,
    action: AuditAction,
    item: Item | None = None,
    issue: Issue | None = None,
    account=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    object_repr: str = "",
) -> AuditEntry:
    """Write one row of the audit log and return it. `actor` None means the system.

    The subject is `item`, `issue` or `account` (a user); `object_repr` names
    a subject that is none of these, such as an invited email address.
    """
    subject = next((s for s in (item, issue, account) if s is not None), None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        item=item,
        issue=issue,
        account=account,
        object_repr=(object_repr or (str(subject) if subject is not None else ""))[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
