"""What `make loadtest` needs from the database before gunicorn starts (scripts/loadtest):
the commune base and 100,000 published offers (generated as the offers benchmark does when
missing), the full feeds written to files, the matching matrix stored, and a sample of offer
ids and INSEE codes for the simulated visitors (scripts/locustfile.py)."""

import json
import random
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from tremplin.offers.models import Offer
from tremplin.syndication.feedfiles import feed_files_generate
from tremplin.territories.models import Commune

OFFER_COUNT = 100_000
SAMPLE_SIZE = 500


def prepare(*, sample: Path) -> str:
    if Commune.objects.count() < 30_000:
        call_command("import_communes")
    published = Offer.objects.published().count()
    if published < OFFER_COUNT:
        from tremplin.platform.benchmarks.syndication import _ensure_offers

        published = _ensure_offers()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    feed_files_generate()
    call_command("matching_matrix")
    rng = random.Random(7)
    offer_ids = list(Offer.objects.live().values_list("id", flat=True)[:20_000])
    communes = list(
        Commune.objects.filter(population__gte=2000).values_list("insee", flat=True)[:5_000]
    )
    sample.write_text(
        json.dumps(
            {
                "offers": rng.sample(offer_ids, min(SAMPLE_SIZE, len(offer_ids))),
                "communes": rng.sample(communes, min(SAMPLE_SIZE, len(communes))),
            }
        )
    )
    return f"{published:,} published offers, feeds written, matrix stored"
