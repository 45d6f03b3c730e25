"""How the newsroom's pages name people, actions and states: in words, not codes.

`{{ user|display_name }}` is the name a colleague goes by (the profile's
display name, which the profile service copies into the account's name)
rather than the login; `{{ entry|from_label }}`
and `{{ entry|to_label }}` name an audit row's states in the interface language
(its action has `get_action_display`).
"""

from django import template
from django.utils.translation import gettext as _

from newsletter.models import Issue, Item

register = template.Library()

_STATE_LABELS = {
    "item": dict(Item.State.choices),
    "issue": dict(Issue.Status.choices),
}


@register.filter
def display_name(user) -> str:
    """Return the name `user` goes by in the newsroom: full name, else username; "" for None."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _state_label(entry, value: str) -> str:
    if not value:
        return ""
    # An issue's own rows speak of its status; rows about an item, of the item's state.
    kind = "issue" if entry.issue_id and not entry.item_id else "item"
    return str(_STATE_LABELS[kind].get(value, value))


@register.filter
def from_label(entry) -> str:
    """Return the state the audit row's subject left, in words."""
    return _state_label(entry, entry.from_state)


@register.filter
def to_label(entry) -> str:
    """Return the state the audit row's subject reached, in words."""
    return _state_label(entry, entry.to_state)


@register.filter
def actor_name(entry) -> str:
    """Return who acted, by display name; "系统" for the system's own actions."""
    return display_name(entry.actor) or _("系统")
