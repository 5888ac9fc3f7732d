"""The index the API mirror reads (`GET /api/v1/offers?updated_since=…`): offers by
(updated_at, id). Created here, with the feature that needs it, in plain SQL that SQLite and
PostgreSQL share; the Offer model's state is untouched."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0001_initial"),
        ("offers", "0004_search_performance"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX syndication_offer_mirror_idx ON offers_offer (updated_at, id);",
            reverse_sql="DROP INDEX syndication_offer_mirror_idx;",
        )
    ]
