"""PostgreSQL only: the full-text filter reads the stored `search_vector` (migration 0004)
instead of parsing `search_document` again, so its GIN index covers that column; the index of
the expression (0002) has no reader left."""

from django.db import migrations

INDEX = "offers_offer_search_vector"
OLD_INDEX = "offers_offer_search_fr"


def create(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON offers_offer USING gin (search_vector)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON offers_offer "
        "USING gin (to_tsvector('french'::regconfig, COALESCE(search_document, '')))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("offers", "0006_offer_events")]
    operations = [migrations.RunPython(create, drop)]
