"""The admin home's dashboard: `{% editorial_dashboard as dashboard %}`.

A tag because the admin index view offers no hook for per-user context; it
only asks `editorial.selectors.dashboard_for`.
"""

from django import template
from django.utils import timezone

from editorial.selectors import dashboard_for

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_dashboard(context):
    """Return the `Dashboard` of the user viewing the page."""
    return dashboard_for(user=context["request"].user)


@register.simple_tag
def today():
    """Return today's date in the site's time zone (for due dates)."""
    return timezone.localdate()
