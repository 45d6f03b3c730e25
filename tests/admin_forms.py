"""Read an admin page's form the way a browser would submit it unchanged.

The one form reader of the tests: `form_data` parses the HTML the page sent,
so what a test posts is what a browser would post, hidden fields, split date
and time fields, inline formsets and their management forms included.
"""

from html.parser import HTMLParser

from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._in_form = False

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = attributes.get("id") == self.form_id
        if not self._in_form or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            self._input(name, attributes)
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in attributes
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select:
            value = attributes.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes:
                self._add(self._select, value)
                self._select_chosen = True

    def _input(self, name: str, attributes: dict) -> None:
        kind = attributes.get("type", "text")
        if kind in ("submit", "button", "file", "image", "reset"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attributes:
            return
        self._add(name, attributes.get("value", "on" if kind == "checkbox" else ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            # A single select with nothing marked sends its first option.
            if not self._select_chosen and not self._select_multiple:
                self._add(self._select, self._select_first or "")
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            # A textarea's first newline is not part of its value.
            values = self.data[self._textarea]
            values[-1] = (
                (values[-1] + data).removeprefix("\n") if not values[-1] else values[-1] + data
            )


def form_data(html: str | bytes, form_id: str) -> dict[str, str | list[str]]:
    """Return the fields of the form `form_id` with their values, as a browser would send them.

    A field sent once maps to its value; one sent several times (a multiple
    select, a group of checkboxes) maps to the list of values.
    """
    reader = _FormReader(form_id)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items()}


def change_form_data(response, **overrides) -> dict:
    """Return POST data for the admin change form rendered in `response`.

    `overrides` replace fields; an override of None leaves the field out.
    """
    form_id = f"{response.context['opts'].model_name}_form"
    data = form_data(response.content, form_id)
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def user_form_data(client, user, **overrides) -> dict:
    """Return what the admin's change form of `user` would send, as `client` sees it."""
    return change_form_data(
        client.get(reverse("admin:auth_user_change", args=[user.pk])), **overrides
    )
