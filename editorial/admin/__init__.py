"""The newsroom's admin, one module per area: content (projects, sections,
items with their workflow and review buttons), figures, revisions, release
(issues and the release desk), audit, accounts, subscribers; `forms` holds the item and
issue change forms, `mixins` the bridge to `editorial.permissions`. The admin
site itself, with its two-factor login, is `editorial.site`.

Importing the package registers every ModelAdmin (Django's autodiscover
imports `editorial.admin`).
"""

from editorial.admin import (  # noqa: F401
    accounts,
    audit,
    content,
    figures,
    release,
    revisions,
    subscribers,
)
