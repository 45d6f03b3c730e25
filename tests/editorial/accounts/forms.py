"""POST data for the admin's user change form, from the page as an administrator sees it."""

from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import change_form_data


def user_form_data(client, user, **overrides) -> dict:
    """Return what the change form of `user` would send; `None` in overrides drops a field.

    Date and time fields are split in two on the page (date_joined_0, _1).
    """
    response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    data = change_form_data(response)
    for name in ("date_joined", "last_login"):
        value = data.pop(name, "")
        if value:
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
            )
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
