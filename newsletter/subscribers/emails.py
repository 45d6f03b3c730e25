"""The emails subscribers get: each issue, and the confirmation of a subscription.

An issue email is the export's inlined-CSS HTML (`issue_export`, format
"email") with the Markdown export as its plain-text part, rendered once per
batch with a placeholder where each reader's unsubscribe token goes. It
carries RFC 8058 one-click unsubscribe headers and, unless
DIGEST_EMAIL_TRACKING is on, asks the provider for no open or click tracking:
no pixel, no rewritten links.
"""

from dataclasses import dataclass
from email.charset import Charset
from urllib.parse import quote

from anymail.message import AnymailMessage
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from newsletter.formats.exports import issue_export
from newsletter.models import Issue

# Stands for a reader's unsubscribe token until the email is addressed to them;
# URL-safe, so it survives the HTML inliner unchanged.
TOKEN_PLACEHOLDER = "UNSUBSCRIBETOKENPLACEHOLDER"  # noqa: S105 - a placeholder, not a secret
CONFIRM_SALT = "newsletter.subscribers.confirm"
# UTF-8 with base64 bodies. Django otherwise picks quoted-printable for a part
# with a line over 998 bytes, which a Chinese paragraph or the inliner's output
# always has: three times the size for CJK text, and slow to build in Python.
BASE64_UTF8 = Charset("utf-8")


@dataclass(frozen=True)
class IssueEmail:
    """An issue's email, rendered once, addressed per reader with `message_for`."""

    issue: Issue
    subject: str
    html: str
    text: str

    def message_for(self, *, email: str, token: str, message_id: str = "") -> AnymailMessage:
        """Return the email to `email`, whose unsubscribe token is `token`."""
        url = unsubscribe_url(token)
        mailto = (
            f"mailto:{settings.DIGEST_UNSUBSCRIBE_MAILTO}?subject={quote(f'unsubscribe {token}')}"
        )
        headers = {
            # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe
            # that POSTs "List-Unsubscribe=One-Click" to the https URL.
            "List-Unsubscribe": f"<{url}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<issues.{_domain()}>",
        }
        if message_id:
            headers["Message-ID"] = message_id
        message = AnymailMessage(
            subject=self.subject,
            body=self.text.replace(TOKEN_PLACEHOLDER, token),
            to=[email],
            headers=headers,
        )
        message.encoding = BASE64_UTF8
        message.attach_alternative(self.html.replace(TOKEN_PLACEHOLDER, token), "text/html")
        # Read by django-anymail's providers; other backends ignore them.
        message.track_opens = settings.DIGEST_EMAIL_TRACKING
        message.track_clicks = settings.DIGEST_EMAIL_TRACKING
        message.tags = ["issue"]
        return message


def _domain() -> str:
    return settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def message_id(*, delivery_id: int, issue_id: int) -> str:
    """Return the Message-ID of a delivery's email: the same on every attempt."""
    return f"<delivery-{delivery_id}.issue-{issue_id}@{_domain()}>"


def unsubscribe_url(token: str) -> str:
    """Return the absolute one-click unsubscribe URL for `token`."""
    return settings.SITE_URL + reverse("newsletter:unsubscribe", kwargs={"token": token})


def issue_email(*, issue: Issue) -> IssueEmail:
    """Render `issue` as an email for subscribers (one render for any number of readers).

    Raises `newsletter.formats.exports.IssueNotPublicError` for an issue
    readers cannot see: only public issues are sent.
    """
    url = unsubscribe_url(TOKEN_PLACEHOLDER)
    html = issue_export(issue=issue, export_format="email", unsubscribe_url=url)
    markdown = issue_export(issue=issue, export_format="md")
    with translation.override(settings.LANGUAGE_CODE):
        name = settings.DIGEST["PUBLICATION_NAME"]
        footer = gettext("You receive %(name)s because you subscribed to it.") % {"name": name}
        online = gettext("Read this issue online: %(url)s") % {
            "url": settings.SITE_URL + issue.get_absolute_url()
        }
        unsubscribe = gettext("Unsubscribe") + f": {url}"
    text = f"{markdown.rstrip()}\n\n-- \n{online}\n{footer}\n{unsubscribe}\n"
    # An issue titled before titles were checked may hold a line break; a
    # subject is one header line (`BadHeaderError` otherwise).
    subject = " ".join(issue.title.split())
    return IssueEmail(issue=issue, subject=subject, html=html, text=text)


def confirmation_token(subscriber_id: int) -> str:
    """Return the signed, timestamped token of a subscription confirmation link."""
    return signing.dumps(subscriber_id, salt=CONFIRM_SALT)


def confirmation_message(*, subscriber) -> EmailMessage:
    """Return the email that asks `subscriber` to confirm, in their language."""
    url = settings.SITE_URL + reverse(
        "newsletter:subscribe_confirm", kwargs={"token": confirmation_token(subscriber.pk)}
    )
    with translation.override(subscriber.language):
        text = render_to_string(
            "newsletter/email/subscribe_confirm.txt",
            {
                "url": url,
                "publication_name": settings.DIGEST["PUBLICATION_NAME"],
                "days": settings.DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE // 86400,
            },
        )
    subject, _, body = text.strip().partition("\n")
    return EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[subscriber.email])
