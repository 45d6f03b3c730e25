"""An issue as text: reading it in (import) and writing it out (export).

- `document`: what a parsed issue is made of (`ParsedIssue`, `ParsedSection`,
  `ParsedItem`, `ParsedLink`) and `ImportFormatError`.
- `parsing`: `parse_issue`, the entry point; it tells the two forms apart.
- `plain`: the publication's plain-text form, the one the monthly is edited in.
- `markdown_form`: the Markdown form: its conventions and its parser.
- `writer`: `write_markdown`, the one writer of the Markdown form; what it
  writes, `parse_issue` reads back unchanged.
- `syntax`: what both forms share: section lines, links, remarks, further
  reading, numerals, the structural errors.
- `projects`: `match_projects`, the catalogue projects an imported title names.
- `exports`: a stored issue as Markdown, standalone HTML, email or JSON.

Everything but `exports` is pure: no database, no Django.
"""
