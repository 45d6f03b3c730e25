"""The release desk's forms: arranging items, placing one from the pool,
scheduling and withdrawing an issue, sending a test email."""

from django import forms
from django.utils.translation import gettext as _

from editorial.release.assembly import Placement


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(
            # The desk prints the site's time zone beside the field, under this id.
            attrs={"type": "datetime-local", "aria-describedby": "schedule-time-zone"},
            format="%Y-%m-%dT%H:%M",
        ),
        help_text=_("The issue appears on the site by itself at this time."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SendTestForm(forms.Form):
    to = forms.EmailField(label=_("Send a test to"), max_length=254)


class PlaceItemForm(forms.Form):
    """Pull an approved item from the pool into a section of the issue."""

    item = forms.ModelChoiceField(queryset=None)
    section = forms.ModelChoiceField(label=_("Section"), queryset=None)

    def __init__(self, *args, pool, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = pool
        self.fields["section"].queryset = sections


class ArrangeForm(forms.Form):
    """A section and a position for every item of an issue, one pair of fields per item."""

    def __init__(self, *args, items, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            # A table cell has no label of its own: each field names its item.
            self.fields[f"section-{item.pk}"] = forms.ModelChoiceField(
                label=_("Section"),
                queryset=sections,
                initial=item.section_id,
                widget=forms.Select(
                    attrs={"aria-label": _("《%(title)s》的栏目") % {"title": item.title}}
                ),
            )
            self.fields[f"position-{item.pk}"] = forms.IntegerField(
                label=_("Position"),
                min_value=1,
                max_value=9999,
                initial=item.position,
                widget=forms.NumberInput(
                    attrs={"aria-label": _("《%(title)s》的序号") % {"title": item.title}}
                ),
            )

    def rows(self):
        """Return (item, section field, position field) for the template."""
        return [
            (item, self[f"section-{item.pk}"], self[f"position-{item.pk}"]) for item in self.items
        ]

    def placements(self):
        """Return the wanted placements from a valid form."""
        return [
            Placement(
                item_id=item.pk,
                section_id=self.cleaned_data[f"section-{item.pk}"].pk,
                position=self.cleaned_data[f"position-{item.pk}"],
            )
            for item in self.items
        ]
