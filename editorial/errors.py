"""What the newsroom's rules refuse, as exceptions whose names say why.

Every refusal carries sentences written for the person in front of the
screen (`messages`): views and the admin show them as they are. Catch
`EditorialError` to show any refusal; catch a subclass to react to one kind.
`report_refusal` is how a view shows one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


class EditorialError(ValidationError):
    """A request the newsroom's rules refuse; `messages` holds one sentence per reason."""


class NotPermitted(EditorialError):
    """Refused because of who is asking, not because of the object's state."""


class ItemRefused(EditorialError):
    """An item transition, edit or correction its current state does not allow."""


class CommentRefused(EditorialError):
    """A review comment, reply, resolution or assignment that cannot be made."""


class ReleaseRefused(EditorialError):
    """An issue's assembly, scheduling, publishing or withdrawal that cannot be made."""


class ChecklistFailed(ReleaseRefused):
    """The issue's publish checklist found problems: one message per problem."""


class AccountRefused(EditorialError):
    """An invitation, profile change or account change that cannot be made."""


def report_refusal(request, error: EditorialError) -> None:
    """Show each sentence of `error` as a message; a refusal of who is asking is a 403."""
    if isinstance(error, NotPermitted):
        raise PermissionDenied(" ".join(error.messages)) from error
    for message in error.messages:
        messages.error(request, message)


def report_form_errors(request, form) -> None:
    """Show each error of an invalid `form` as a message."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
