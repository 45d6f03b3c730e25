from django import forms
from markdownx.widgets import AdminMarkdownxWidget

from newsletter.models import Issue, Item


class ItemAdminForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "title", "original_title", "source_url", "body", "remark",
            "issue", "section", "position", "projects", "tags", "author", "state",
        ]  # fmt: skip
        widgets = {
            "body": AdminMarkdownxWidget,
            "remark": AdminMarkdownxWidget(attrs={"rows": 4}),
        }


class IssueAdminForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["slug", "title", "period", "intro", "cover", "status", "publish_at"]
        widgets = {"intro": AdminMarkdownxWidget(attrs={"rows": 6})}
