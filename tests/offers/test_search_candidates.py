"""A search by relevance ranks a bounded set of candidates, the newest matches: up to the
bound it finds exactly what ranking every match found; beyond, it says « plus de … »."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tremplin.offers import selectors
from tremplin.offers.selectors import OfferSearchParams, offer_search, offers_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    """Nine nurse offers, the word repeated more or less (different ranks on PostgreSQL),
    published an hour apart, and three others."""
    now = timezone.now()
    nurses = [
        OfferFactory(
            published=True,
            title=f"Infirmier n°{n}",
            description=" ".join(["infirmier"] * (1 + n % 4)) + " tournée",
            published_at=now - timedelta(hours=n),
        )
        for n in range(9)
    ]
    for n in range(3):
        OfferFactory(published=True, title=f"Stage n°{n}", description="Stage en MSP")
    return nurses


def everything_ranked(params: OfferSearchParams) -> list[int]:
    """The order of ranking every match (the query the candidates replace)."""
    return list(offers_matching(params=params).values_list("id", flat=True))


def test_a_narrow_search_finds_the_same_offers_in_the_same_order(offers, monkeypatch):
    monkeypatch.setattr(selectors, "RELEVANCE_CANDIDATES", 20)
    params = OfferSearchParams(text="infirmier")

    result = offer_search(params=params)

    assert [offer.pk for offer in result.offers] == everything_ranked(params)
    assert result.count == 9 and not result.count_capped
    assert len(result.offers) == 9


def test_pages_of_a_narrow_search_follow_the_full_ranking(offers, monkeypatch):
    monkeypatch.setattr(selectors, "RELEVANCE_CANDIDATES", 20)
    monkeypatch.setattr(selectors, "PER_PAGE", 4)
    params = OfferSearchParams(text="infirmier")
    expected = everything_ranked(params)

    pages = [offer_search(params=OfferSearchParams(text="infirmier", page=n)) for n in (1, 2, 3)]

    assert [[o.pk for o in page.offers] for page in pages] == [
        expected[0:4],
        expected[4:8],
        expected[8:9],
    ]
    assert pages[0].pages == 3


def test_a_broad_search_ranks_the_newest_matches_and_says_there_are_more(offers, monkeypatch):
    monkeypatch.setattr(selectors, "RELEVANCE_CANDIDATES", 5)
    params = OfferSearchParams(text="infirmier")
    newest = {offer.pk for offer in offers[:5]}

    result = offer_search(params=params)

    assert result.count == 5 and result.count_capped
    assert [o.pk for o in result.offers] == [pk for pk in everything_ranked(params) if pk in newest]


def test_the_page_says_plus_de_when_the_count_is_capped(client, offers, monkeypatch):
    monkeypatch.setattr(selectors, "RELEVANCE_CANDIDATES", 5)

    page = client.get("/annonces/", {"q": "infirmier"}).content.decode()
    narrow = client.get("/annonces/", {"q": "stage"}).content.decode()

    assert "Plus de 5 annonces" in page
    assert "classées par pertinence" in page
    assert "3 annonces" in narrow and "Plus de" not in narrow


def test_the_api_says_when_its_count_is_capped(client, offers, monkeypatch):
    monkeypatch.setattr(selectors, "RELEVANCE_CANDIDATES", 5)

    broad = client.get("/api/v1/offers", {"q": "infirmier"}).json()
    narrow = client.get("/api/v1/offers", {"q": "stage"}).json()

    assert (broad["count"], broad["count_capped"]) == (5, True)
    assert (narrow["count"], narrow["count_capped"]) == (3, False)
