"""Search over public items, in Chinese and English, on SQLite and PostgreSQL.

- `analysis`: text into tokens (jieba for Chinese, Latin words split and
  lower-cased), the same for items and queries; `domain_words.txt` is the
  dictionary jieba adds for this beat.
- `query`: what the reader types, as web-search syntax (phrases, -exclude, OR).
- `index`: the services that keep one entry per public item, called in the
  transactions that publish, withdraw and correct; and the rebuild.
- `backends/`: each database's full-text index behind one interface
  (FTS5 and bm25() on SQLite, tsvector and ts_rank_cd() on PostgreSQL):
  which items match, which in their titles, and the scores of a few.
- `snapshot`: the public items as search filters, counts and orders them,
  read once per site generation.
- `ranking`: the matches as candidates, and their order, scored a window
  at a time.
- `highlight`: marks whole query terms; picks the best passage as snippet.
- `suggestions`: projects and tags the query names, closest names and
  spelling hints when nothing is found.
- `cache`: answers remembered under the site's generation, never stale.
- `results`: `search_results`, the one entry point the search page uses.
"""
