"""The read API at /api/v1/ (django-ninja): public issues, items, projects, sections and tags.

- `endpoints`: the NinjaAPI and its GET operations; every query starts from
  the one visibility rule (`Item.objects.public()`, `Issue.objects.public()`).
- `schemas`: what each response holds, from which the OpenAPI 3 document is made.
- `pagination`: page-number pagination with absolute next/previous links.
- `search`: the one adapter between `q` and the site's search.
- `http`: read-only HTTP around every endpoint: HEAD, OPTIONS, CORS, ETag and 304.
- `docs`: the documentation page, rendered on the server (no CDN, no script).
- `urls`: the routes, mounted at /api/v1/ by config.urls.
"""
