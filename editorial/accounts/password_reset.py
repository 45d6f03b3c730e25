"""Password reset that also lifts a login lockout for the account, and that a
deactivated account cannot use."""

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation; a new password also clears the account's failed logins.

    Whoever completes the reset proved they read the account's mailbox, and the
    guesses that caused the lock were against the old password.
    """

    def get_user(self, uidb64):
        # Django's reset form mails only active accounts, but a link mailed
        # before the account was deactivated would still set its password:
        # for an inactive account every link is invalid.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
