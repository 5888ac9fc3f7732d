"""Benchmarks of the offers app, run by `make bench` after the territories ones (which import
the commune base these offers are placed on)."""

import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from tremplin.offers.forms_search import OfferSearchForm
from tremplin.offers.models import Offer
from tremplin.offers.selectors import (
    PER_PAGE,
    OfferSort,
    _relevance_page_ids,
    effective_sort,
    offers_matching,
)
from tremplin.organisations.models import (
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
    OrganisationType,
)
from tremplin.platform.demo.offers import offers_generate

OFFER_COUNT = 100_000
ORGANISATION_COUNT = 300
ROUNDS = 15


def _cases() -> list[tuple[str, dict[str, str]]]:
    today = timezone.localdate()
    return [
        ("text + profession", {"q": "remplacement msp", "profession": "medecin_generaliste"}),
        ("broad text, by relevance", {"q": "infirmier"}),
        (
            "50 km around Guéret, by distance",
            {"commune": "23096", "rayon": "50", "tri": "distance"},
        ),
        ("département 23 + remplacement", {"departement": "23", "type": "remplacement"}),
        (
            "period overlap (a month in 2-3 months)",
            {
                "du": (today + timedelta(days=60)).isoformat(),
                "au": (today + timedelta(days=90)).isoformat(),
            },
        ),
        ("housing + zonage ZIP", {"logement": "on", "zonage": "ZIP"}),
        ("région 75 + MSP, by start date", {"region": "75", "cadre": "msp", "tri": "debut"}),
        ("page 50 of all offers", {"page": "50"}),
    ]


def _timed[T](function: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def _median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _organisations() -> list[Organisation]:
    Organisation.objects.filter(name__endswith="(benchmark)").delete()
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Structure de santé n°{number} (benchmark)",
            category=OrganisationCategory.HEALTH,
            type=OrganisationType.MSP,
            status=OrganisationStatus.VERIFIED,
        )
        for number in range(ORGANISATION_COUNT)
    )
    return list(Organisation.objects.filter(name__endswith="(benchmark)"))


def _sql(query: dict[str, str]) -> Callable[[], tuple[int, list[int]]]:
    """The bare SQL behind a search page: its count and the ids of its page."""
    form = OfferSearchForm(QueryDict(urlencode(query)))
    assert form.is_valid(), form.errors
    params = form.params(page=query.get("page", 1))

    def run() -> tuple[int, list[int]]:
        if effective_sort(params) == OfferSort.RELEVANCE:
            # The newest RELEVANCE_CANDIDATES matches ranked (offer_search).
            ids, count, _page, _capped = _relevance_page_ids(params, page=params.page)
            return count, ids
        offers = offers_matching(params=params)
        count = offers.count()
        last_page = max(1, -(-count // PER_PAGE))
        start = (min(params.page, last_page) - 1) * PER_PAGE
        return count, list(offers.values_list("id", flat=True)[start : start + PER_PAGE])

    return run


def run(report: Callable[[str, str], None]) -> None:
    Offer.objects.all().delete()
    organisations = _organisations()
    elapsed, offers = _timed(
        lambda: offers_generate(
            count=OFFER_COUNT, organisations=organisations, rng=random.Random(1), is_demo=False
        )
    )
    report(
        f"Offer generation ({OFFER_COUNT:,} published offers, offers_generate + bulk_create)",
        f"{elapsed / 1000:.1f} s ({len(offers):,} saved)",
    )
    del offers
    # What autovacuum does after a bulk load: statistics for the planner and the visibility
    # map that lets counts read indexes only.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE offers_offer")
        else:
            cursor.execute("ANALYZE")

    measure(report)


def measure(report: Callable[[str, str], None], *, rounds: int = ROUNDS) -> None:
    """The search figures on the offers already in the database (run alone: `manage.py shell
    -c "from tremplin.platform.benchmarks import offers; offers.measure(print)"`)."""
    client = Client()
    medians = []
    for label, query in _cases():
        url = f"/annonces/?{urlencode(query)}"
        response = client.get(url)  # warm-up (caches, query plans)
        assert response.status_code == 200, (url, response.status_code)
        count = _sql(query)()[0]
        pages, sqls = [], []
        for _ in range(rounds):
            elapsed, response = _timed(partial(client.get, url))
            assert response.status_code == 200
            pages.append(elapsed)
            sqls.append(_timed(_sql(query))[0])
        page_median, page_p95 = _median_p95(pages)
        sql_median, sql_p95 = _median_p95(sqls)
        medians.append(page_median)
        report(
            f"Search page: {label} ({count:,} results)",
            f"page median {page_median:.1f} ms, p95 {page_p95:.1f} ms; SQL (count + page ids) "
            f"median {sql_median:.1f} ms, p95 {sql_p95:.1f} ms; page/SQL {page_median / sql_median:.1f}×",
        )
    report(
        "Search page, median of the medians above (target < 80 ms on PostgreSQL)",
        f"{statistics.median(medians):.1f} ms, worst {max(medians):.1f} ms",
    )

    map_url = "/annonces/?" + urlencode({"profession": "infirmier", "vue": "carte"})
    client.get(map_url)  # the France map's first drawing is cached
    samples = [_timed(lambda: client.get(map_url))[0] for _ in range(ROUNDS)]
    median, p95 = _median_p95(samples)
    report("Search map view (infirmiers, 500 points)", f"median {median:.1f} ms, p95 {p95:.1f} ms")

    api_url = "/api/v1/offers?" + urlencode({"q": "remplacement", "departement": "23"})
    samples = [_timed(lambda: client.get(api_url))[0] for _ in range(ROUNDS)]
    median, p95 = _median_p95(samples)
    report(
        "API /api/v1/offers?q=remplacement&departement=23",
        f"median {median:.1f} ms, p95 {p95:.1f} ms",
    )
