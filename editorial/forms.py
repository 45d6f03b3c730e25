"""The forms behind the item page's workflow and review buttons."""

from django import forms
from django.utils.translation import gettext as _


class TransitionForm(forms.Form):
    """What a transition button posts: an optional note, the comment when asking for changes."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(
        label=_("What needs to change"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    quote = forms.CharField(
        label=_("Quoted passage"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mention a colleague with @username."),
    )
    quote = forms.CharField(
        label=_("Quoted passage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: paste the passage of the body this comment is about."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReviewAssignmentForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None, required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
