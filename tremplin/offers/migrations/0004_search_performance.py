"""PostgreSQL only: what keeps the public search of offers fast at 100,000 offers (make bench).

1. `search_vector`, a tsvector column PostgreSQL generates and stores from `search_document`
   (the same expression as the full-text index of 0002). Ranking by relevance reads it instead
   of parsing every matching document again: ranking 3,000 matches fell from ~200 ms to ~20 ms.
   The Django model does not declare it: PostgreSQL fills it on every insert and update, and
   only `offers.selectors` reads it, in SQL.
2. A partial B-tree over published offers in publication order, every filter column included,
   so that counts and pages of filtered searches are index-only scans instead of reads of the
   whole table (its rows carry long texts): 60-80 ms became a few milliseconds.
"""

from django.db import migrations

VECTOR = "search_vector"
INDEX = "offers_offer_published_search"


def create(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE offers_offer ADD COLUMN IF NOT EXISTS {VECTOR} tsvector "
        "GENERATED ALWAYS AS "
        "(to_tsvector('french'::regconfig, COALESCE(search_document, ''))) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON offers_offer (published_at DESC, id DESC) "
        "INCLUDE (profession, kind, departement_code, region_code, setting, zonage, "
        "housing_offered, asap, start_date, end_date, latitude, longitude) "
        "WHERE status = 'published'"
    )


def drop(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE offers_offer DROP COLUMN IF EXISTS {VECTOR}")


class Migration(migrations.Migration):
    dependencies = [("offers", "0003_editor_fields_optional")]
    operations = [migrations.RunPython(create, drop)]
