from django import forms
from markdownx.widgets import AdminMarkdownxWidget

from newsletter.models import Issue, Item


class ItemAdminForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = "__all__"
        widgets = {
            "body": AdminMarkdownxWidget,
            "remark": AdminMarkdownxWidget(attrs={"rows": 4}),
        }


class IssueAdminForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = "__all__"
        widgets = {"intro": AdminMarkdownxWidget(attrs={"rows": 6})}
