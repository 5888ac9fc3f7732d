from django.db import migrations

INDEX = "offers_offer_search_fr"


def create(apps, schema_editor):  # noqa: ANN001, ANN201
    # PostgreSQL only: the full-text index behind offers.search.text_filter.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON offers_offer "
            "USING gin (to_tsvector('french'::regconfig, COALESCE(search_document, '')))"
        )


def drop(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
