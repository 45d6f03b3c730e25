"""What every backend does the same way: the ranked page and the facet counts.

Ranking, on both databases:

1. items whose title fields hold the whole query;
2. items holding the query's terms as one exact phrase;
3. weighted relevance (title A, original title B, remark C, body D):
   `bm25()` on SQLite, `ts_rank_cd()` on PostgreSQL;
4. newer issues first, then the issue's own reading order.

Both queries take the candidates (public items, narrowed by the filters) as
a queryset and use its SQL as a subquery, so the visibility rule is always
`Item.objects.public()` itself.
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


def _subquery(queryset: QuerySet) -> SQL:
    # No ORDER BY: the items' default ordering would join and sort them all.
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def _aware(value) -> datetime:
    # PostgreSQL gives a datetime; SQLite the UTC text Django stored.
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SearchBackend:
    """A database's full-text index. Subclasses say how to match and score."""

    # The table the ranked query reads, and its column holding the item id.
    source: str
    key: str

    def match_sql(self, query: Query) -> SQL:
        """Return SQL selecting the ids of indexed items matching `query`."""
        raise NotImplementedError

    def match_condition(self, query: Query) -> SQL:
        """Return the WHERE condition on `source` for items matching `query`."""
        raise NotImplementedError

    def title_condition(self, query: Query) -> SQL:
        """Return a condition true for rows whose title streams match the whole query."""
        raise NotImplementedError

    def phrase_condition(self, query: Query) -> SQL | None:
        """Return a condition true for rows holding the query as an exact phrase, if any."""
        raise NotImplementedError

    def score_order(self, query: Query) -> SQL:
        """Return an ORDER BY term putting the most relevant rows first."""
        raise NotImplementedError

    def unindexed(self, column: str) -> str:
        """Return `column` in a form the planner checks row by row rather than looks up."""
        return column

    def similar_words(self, word: str, *, limit: int) -> list[str]:
        """Return up to `limit` indexed Latin words spelled like `word`, closest first."""
        raise NotImplementedError

    def closest(self, queryset: QuerySet, *, field: str, text: str, limit: int) -> list:
        """Return up to `limit` rows of `queryset` whose `field` is closest to `text`."""
        raise NotImplementedError

    def optimize(self) -> None:
        """Tidy the index after a rebuild."""
        raise NotImplementedError

    def ranked_ids(self, *, query: Query, candidates: QuerySet, limit: int, offset: int) -> list:
        """Return the ids of `candidates` matching `query`, best first, one page of them."""
        candidate_sql, candidate_params = _subquery(candidates)
        match_sql, match_params = self.match_condition(query)
        orders: list[str] = []
        params: list = []
        for condition in (self.title_condition(query), self.phrase_condition(query)):
            if condition is not None:
                orders.append(f"({condition[0]}) DESC")
                params += condition[1]
        score_sql, score_params = self.score_order(query)
        orders.append(score_sql)
        params += score_params
        # Then newer issues, then the issue's reading order (ITEM_READING_ORDER),
        # items without a section last on both databases.
        orders += [
            "issue.publish_at DESC",
            "section.id IS NULL",
            "section.position",
            "section.name",
            "item.position",
            "item.id",
        ]
        sql = (
            f"SELECT {self.key} FROM {self.source}"
            f" JOIN {table(Item)} AS item ON item.id = {self.key}"
            f" JOIN {table(Issue)} AS issue ON issue.id = item.issue_id"
            f" LEFT JOIN {table(Section)} AS section ON section.id = item.section_id"
            f" WHERE {match_sql} AND {self.unindexed(self.key)} IN ({candidate_sql})"
            f" ORDER BY {', '.join(orders)} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *candidate_params, *params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def match_count(self, *, query: Query, candidates: QuerySet) -> int:
        """Return how many `candidates` match `query`."""
        candidate_sql, candidate_params = _subquery(candidates)
        match_sql, match_params = self.match_sql(query)
        sql = (
            f"SELECT COUNT(*) FROM {table(Item)} AS item WHERE item.id IN ({match_sql})"
            f" AND {self.unindexed('item.id')} IN ({candidate_sql})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *candidate_params])
            return cursor.fetchone()[0]

    def facet_rows(self, *, query: Query, candidates: QuerySet) -> list[FacetRow]:
        """Return how many `candidates` matching `query` fall in each value of each facet.

        One query: the matches are found once, then counted by section (the
        sum is the total: a section may be None), project, tag and issue
        publish time; the kinds are "section", "project", "tag" and
        "published" (whose value is a datetime).
        """
        candidate_sql, candidate_params = _subquery(candidates)
        match_sql, match_params = self.match_sql(query)
        tagged = Item.tags.through
        tags = tagged.tag_model()
        sql = (
            "WITH hits AS MATERIALIZED ("
            " SELECT item.id AS id, item.section_id AS section_id, item.issue_id AS issue_id"
            f" FROM {table(Item)} AS item WHERE item.id IN ({match_sql})"
            f" AND {self.unindexed('item.id')} IN ({candidate_sql}))"
            " SELECT 'section', section.slug, section.name, COUNT(*) FROM hits"
            f" LEFT JOIN {table(Section)} AS section ON section.id = hits.section_id"
            " GROUP BY section.slug, section.name"
            " UNION ALL SELECT 'project', project.slug, project.name, COUNT(*) FROM hits"
            f" JOIN {table(Item.projects.through)} AS link ON link.item_id = hits.id"
            f" JOIN {table(Project)} AS project ON project.id = link.project_id"
            " GROUP BY project.slug, project.name"
            " UNION ALL SELECT 'tag', tag.slug, tag.name, COUNT(*) FROM hits"
            f" JOIN {table(tagged)} AS tagged ON tagged.object_id = hits.id"
            " AND tagged.content_type_id = %s"
            f" JOIN {table(tags)} AS tag ON tag.id = tagged.tag_id"
            " GROUP BY tag.slug, tag.name"
            # Counted per issue first, so only one issue row per issue is read.
            " UNION ALL SELECT 'published', CAST(issue.publish_at AS TEXT), '', issues.count"
            " FROM (SELECT issue_id, COUNT(*) AS count FROM hits GROUP BY issue_id) AS issues"
            f" JOIN {table(Issue)} AS issue ON issue.id = issues.issue_id"
        )
        content_type = ContentType.objects.get_for_model(Item).pk
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *candidate_params, content_type])
            rows = cursor.fetchall()
        return [
            (kind, _aware(value) if kind == "published" else value, label, count)
            for kind, value, label, count in rows
        ]
