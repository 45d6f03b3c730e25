"""Password reset that also lifts a login lockout for the account."""

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation; a new password also clears the account's failed logins.

    Whoever completes the reset proved they read the account's mailbox, and the
    guesses that caused the lock were against the old password.
    """

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
