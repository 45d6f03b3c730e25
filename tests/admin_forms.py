"""Build the POST data an admin change form would send, from its GET response."""

from django.db.models import Model


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        if value and all(hasattr(v, "name") and isinstance(v, Model) for v in value):
            return ", ".join(v.name for v in value)  # taggit's comma-separated tags
        return [v.pk if isinstance(v, Model) else v for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, Model):
        return value.pk
    return value


def _form_data(form) -> dict:
    data = {}
    for bound_field in form:
        value = _value(bound_field)
        is_checkbox = getattr(bound_field.field.widget, "input_type", "") == "checkbox"
        if value in ("", []) and is_checkbox:
            continue
        data[bound_field.html_name] = value
    return data


def change_form_data(response, **overrides) -> dict:
    """Return POST data for the admin change form rendered in `response`.

    Includes the main form and every inline formset (management forms too), so
    tests keep working when inlines are added to the page.
    """
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    data = {key: value for key, value in data.items() if value is not None}
    data.update(overrides)
    return data
