"""What every backend does the same way: the ranked page and the facet counts.

Ranking, on both databases:

1. items whose title fields hold the whole query;
2. items holding the query's terms as one exact phrase;
3. weighted relevance (title A, original title B, remark C, body D):
   `bm25()` on SQLite, `ts_rank_cd()` on PostgreSQL;
4. newer issues first, then the issue's own reading order.

The visibility rule enters every query as `visible_sql`: the SQL of
`Item.objects.public()` (narrowed by the filters) itself, selecting the ids
of the items a search may show, compiled once per search.
"""

from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime

from newsletter.models import Issue, Item, Project, Section
from newsletter.search.query import Query

# The weights of the four fields, the same on both databases.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# The index's token streams and their weights, in the order of the FTS5
# columns and of the tsvector's positions (see migration 0006).
STREAMS = (
    ("title", "A"),
    ("title_parts", "A"),
    ("original_title", "B"),
    ("original_title_parts", "B"),
    ("remark", "C"),
    ("remark_parts", "C"),
    ("body", "D"),
    ("body_parts", "D"),
)
TITLE_STREAMS = ("title", "title_parts")

SQL = tuple[str, list]
# One row of `facet_rows`: kind, value, label, count.
FacetRow = tuple[str, str, str, int]


def table(model: type[Model]) -> str:
    """Return the quoted table name of `model`."""
    return connection.ops.quote_name(model._meta.db_table)


def visible_sql(queryset: QuerySet) -> SQL:
    """Return the SQL selecting the ids of `queryset`, for `IN (…)`.

    `queryset` is `Item.objects.public()`, maybe filtered: the rule is its own
    SQL, compiled once per search (compiling costs more than running it) and
    reused by each of its queries.
    """
    # No ORDER BY: the items' default ordering would join their sections.
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def _aware(value) -> datetime:
    # PostgreSQL gives a datetime; SQLite the UTC text Django stored.
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SearchBackend:
    """A database's full-text index. Subclasses say how to match and score."""

    # The table the queries read the index from, and its column holding the item id.
    source: str
    key: str
    # Whether `score` ranks the best match lowest (bm25) or highest (ts_rank_cd).
    lower_score_is_better: bool
    # How the facet counts join the hits to their projects and tags.
    hits_join = "JOIN"

    def match_condition(self, query: Query) -> SQL:
        """Return the WHERE condition on `source` for items matching `query`."""
        raise NotImplementedError

    def title_condition(self, query: Query) -> SQL:
        """Return a condition true for rows whose title streams match the whole query."""
        raise NotImplementedError

    def phrase_condition(self, query: Query) -> SQL | None:
        """Return a condition true for rows holding the query as an exact phrase, if any."""
        raise NotImplementedError

    def score(self, query: Query) -> SQL:
        """Return the relevance of a matching row (see `lower_score_is_better`)."""
        raise NotImplementedError

    def similar_words(self, word: str, *, limit: int) -> list[str]:
        """Return up to `limit` indexed Latin words spelled like `word`, closest first."""
        raise NotImplementedError

    def closest(self, *, names: SQL, text: str, limit: int) -> list[tuple[str, str]]:
        """Return up to `limit` of the (slug, name) rows `names` selects, the names
        closest to `text` first."""
        raise NotImplementedError

    def position(self, needle: str, haystack: str) -> str:
        """Return SQL for where `needle` starts in `haystack` (1-based, 0 if absent)."""
        raise NotImplementedError

    def optimize(self) -> None:
        """Tidy the index after a rebuild."""
        raise NotImplementedError

    def unindexed(self, column: str) -> str:
        """Return `column` in a form the planner checks row by row rather than looks up."""
        return column

    def visible_condition(self, column: str, visible: SQL) -> SQL:
        """Return the condition that the item id in `column` is one of `visible`."""
        visible_sql, visible_params = visible
        return f"{self.unindexed(column)} IN ({visible_sql})", visible_params

    def public_projects_sql(self, *, visible: SQL) -> SQL:
        """Return SQL selecting (slug, name) of the projects a `visible` item covers.

        A project only unpublished items cover has no page, so it is never offered.
        """
        visible_condition, visible_params = self.visible_condition("covered.item_id", visible)
        sql = (
            f"SELECT project.slug, project.name FROM {table(Project)} AS project WHERE EXISTS ("
            f"SELECT 1 FROM {table(Item.projects.through)} AS covered"
            f" WHERE covered.project_id = project.id AND {visible_condition})"
        )
        return sql, visible_params

    def public_tags_sql(self, *, visible: SQL) -> SQL:
        """Return SQL selecting (slug, name) of the tags a `visible` item carries."""
        visible_condition, visible_params = self.visible_condition("tagged.object_id", visible)
        tagged = Item.tags.through
        sql = (
            f"SELECT tag.slug, tag.name FROM {table(tagged.tag_model())} AS tag WHERE EXISTS ("
            f"SELECT 1 FROM {table(tagged)} AS tagged WHERE tagged.tag_id = tag.id"
            f" AND tagged.content_type_id = %s AND {visible_condition})"
        )
        return sql, [ContentType.objects.get_for_model(Item).pk, *visible_params]

    def tags_within(self, *, text: str, visible: SQL) -> list[tuple[str, str]]:
        """Return (slug, name) of the public tags whose name occurs in `text`, any case."""
        tags_sql, tags_params = self.public_tags_sql(visible=visible)
        sql = (
            f"SELECT slug, name FROM ({tags_sql}) AS tags"
            f" WHERE {self.position('LOWER(name)', '%s')} > 0 ORDER BY name"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*tags_params, text.lower()])
            return cursor.fetchall()

    def ranked_ids(self, *, query: Query, visible: SQL, limit: int, offset: int) -> list:
        """Return the ids of the `visible` items matching `query`, best first, one page.

        Every match is scored, once (`scored`); only the rows ranked at or
        above the last row of the page, ties with it included (`edge`), are
        then joined to their issue and section for the tie-breaks. So a query
        matching thousands of items joins about a page of them.
        """
        visible_condition, visible_params = self.visible_condition(self.key, visible)
        match_sql, match_params = self.match_condition(query)
        title_sql, title_params = self.title_condition(query)
        phrase_sql, phrase_params = self.phrase_condition(query) or ("FALSE", [])
        score_sql, score_params = self.score(query)
        better = "<" if self.lower_score_is_better else ">"
        direction = "ASC" if self.lower_score_is_better else "DESC"
        rank = f"in_title DESC, as_phrase DESC, score {direction}"
        sql = (
            "WITH scored AS MATERIALIZED ("
            f" SELECT {self.key} AS id, ({title_sql}) AS in_title, ({phrase_sql}) AS as_phrase,"
            f" {score_sql} AS score FROM {self.source}"
            f" WHERE {match_sql} AND {visible_condition}),"
            f" edge AS (SELECT in_title, as_phrase, score FROM scored ORDER BY {rank}"
            " LIMIT 1 OFFSET %s)"
            " SELECT scored.id FROM scored"
            f" JOIN {table(Item)} AS item ON item.id = scored.id"
            f" JOIN {table(Issue)} AS issue ON issue.id = item.issue_id"
            f" LEFT JOIN {table(Section)} AS section ON section.id = item.section_id"
            " WHERE NOT EXISTS (SELECT 1 FROM edge) OR EXISTS (SELECT 1 FROM edge WHERE"
            " scored.in_title > edge.in_title OR (scored.in_title = edge.in_title AND"
            " (scored.as_phrase > edge.as_phrase OR (scored.as_phrase = edge.as_phrase"
            f" AND scored.score {better}= edge.score))))"
            # Ties go to newer issues, then the issue's reading order
            # (ITEM_READING_ORDER), items without a section last on both databases.
            f" ORDER BY scored.{rank.replace(', ', ', scored.')}, issue.publish_at DESC,"
            " section.id IS NULL, section.position, section.name, item.position, item.id"
            " LIMIT %s OFFSET %s"
        )
        params = [
            *title_params,
            *phrase_params,
            *score_params,
            *match_params,
            *visible_params,
            offset + limit - 1,
            limit,
            offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def match_count(self, *, query: Query, visible: SQL) -> int:
        """Return how many `visible` items match `query`."""
        visible_condition, visible_params = self.visible_condition(self.key, visible)
        match_sql, match_params = self.match_condition(query)
        sql = f"SELECT COUNT(*) FROM {self.source} WHERE {match_sql} AND {visible_condition}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *visible_params])
            return cursor.fetchone()[0]

    def facet_rows(self, *, query: Query, visible: SQL) -> list[FacetRow]:
        """Return how many `visible` items matching `query` fall in each value of each facet.

        One query: the matches are found once, then counted by section (the
        sum is the total: a section may be None), project, tag and issue
        publish time; the kinds are "section", "project", "tag" and
        "published" (whose value is a datetime).
        """
        visible_condition, visible_params = self.visible_condition("item.id", visible)
        match_sql, match_params = self.match_condition(query)
        tagged = Item.tags.through
        sql = (
            "WITH hits AS MATERIALIZED ("
            " SELECT item.id AS id, item.section_id AS section_id, item.issue_id AS issue_id"
            f" FROM {table(Item)} AS item WHERE {self.unindexed('item.id')} IN"
            f" (SELECT {self.key} FROM {self.source} WHERE {match_sql}) AND {visible_condition})"
            " SELECT 'section', section.slug, section.name, COUNT(*) FROM hits"
            f" LEFT JOIN {table(Section)} AS section ON section.id = hits.section_id"
            " GROUP BY section.slug, section.name"
            " UNION ALL SELECT 'project', project.slug, project.name, COUNT(*) FROM hits"
            f" {self.hits_join} {table(Item.projects.through)} AS link ON link.item_id = hits.id"
            f" JOIN {table(Project)} AS project ON project.id = link.project_id"
            " GROUP BY project.slug, project.name"
            " UNION ALL SELECT 'tag', tag.slug, tag.name, COUNT(*) FROM hits"
            f" {self.hits_join} {table(tagged)} AS tagged ON tagged.object_id = hits.id"
            " AND tagged.content_type_id = %s"
            f" JOIN {table(tagged.tag_model())} AS tag ON tag.id = tagged.tag_id"
            " GROUP BY tag.slug, tag.name"
            # Counted per issue first, so only one issue row per issue is read.
            " UNION ALL SELECT 'published', CAST(issue.publish_at AS TEXT), '', issues.count"
            " FROM (SELECT issue_id, COUNT(*) AS count FROM hits GROUP BY issue_id) AS issues"
            f" JOIN {table(Issue)} AS issue ON issue.id = issues.issue_id"
        )
        content_type = ContentType.objects.get_for_model(Item).pk
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *visible_params, content_type])
            rows = cursor.fetchall()
        return [
            (kind, _aware(value) if kind == "published" else value, label, count)
            for kind, value, label, count in rows
        ]
