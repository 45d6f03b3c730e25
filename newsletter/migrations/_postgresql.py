"""What several search migrations share: statements for PostgreSQL alone.

SQLite's FTS5 index needs none of what they add (each migration says why).
The migration loader skips this module: its name starts with an underscore.
"""

from django.db import migrations


def postgresql_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """Return the operation running `forward` (undone by `backward`) on PostgreSQL
    and doing nothing on any other database."""

    def statements_run(statements: list[str]):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement, params=None)

        return run

    return migrations.RunPython(statements_run(forward), statements_run(backward))
