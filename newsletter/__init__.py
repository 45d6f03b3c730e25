"""The publication: what readers see and what other tools read.

- `models`: projects, sections, issues, items, figures; the one visibility
  rule (`Item.objects.public()`).
- `markdown` (the pure Markdown pipeline), `figure_syntax`, `rendering` (the
  service that stores items' and issues' HTML), `figures`, `images` (the
  upload gate) and `renditions`.
- `formats/`: reading an issue from text and writing it out (Markdown, HTML,
  email, JSON); `services`: importing one into the database.
- `views`, `selectors`, `feeds`, `sitemaps`, `search`: the public site;
  `content_security` and `media`: its Content-Security-Policy and the safe
  serving of uploads.
"""
