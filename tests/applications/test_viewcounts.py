"""Offer page views are buffered in process memory and written in bounded batches."""

import pytest
from django.db import DatabaseError, connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tremplin.applications import viewcounts
from tremplin.applications.models import OfferDayViews
from tremplin.applications.viewcounts import ViewBuffer, offer_view_record, offer_views_flush

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The process buffer flushing every 20 views, its seconds told by a clock the test moves."""
    fake = FakeClock()
    monkeypatch.setattr(viewcounts.buffer, "every_views", 20)
    monkeypatch.setattr(viewcounts.buffer, "every_seconds", 60)
    monkeypatch.setattr(viewcounts.buffer, "clock", fake)
    return fake


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_it_writes_fifty_page_views_in_a_bounded_number_of_writes(client, clock):
    first, second = OfferFactory(published=True), OfferFactory(published=True)
    with CaptureQueriesContext(connection) as queries:
        for number in range(50):
            offer = first if number % 2 else second
            response = client.get(
                reverse("offers:detail", args=[offer.pk]), HTTP_USER_AGENT=BROWSER
            )
            assert response.status_code == 200
    # Two flushes (at 20 and 40 views), each one upsert per (offer, day) and one increment per
    # offer: 2 × (2 + 2) writes instead of 50.
    assert len(_writes(queries)) <= 8
    assert viewcounts.buffer.pending == 10
    assert offer_views_flush() == 10
    today = timezone.localdate()
    days = dict(OfferDayViews.objects.filter(day=today).values_list("offer_id", "views"))
    assert days == {first.pk: 25, second.pk: 25}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.views, second.views) == (25, 25)


def test_it_flushes_at_the_first_view_once_the_oldest_is_older_than_the_delay(clock):
    offer = OfferFactory(published=True)
    for _ in range(3):
        offer_view_record(offer=offer, user_agent=BROWSER)
    assert not OfferDayViews.objects.exists()
    clock.now = 59
    offer_view_record(offer=offer, user_agent=BROWSER)
    assert not OfferDayViews.objects.exists()
    clock.now = 60
    offer_view_record(offer=offer, user_agent=BROWSER)
    assert OfferDayViews.objects.get(offer=offer).views == 5
    assert viewcounts.buffer.pending == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Screaming Frog SEO Spider/19.0",
        "ExampleCrawler/1.0",
    ],
)
def test_it_does_not_count_a_bot(client, clock, user_agent):
    offer = OfferFactory(published=True)
    client.get(reverse("offers:detail", args=[offer.pk]), HTTP_USER_AGENT=user_agent)
    assert viewcounts.buffer.pending == 0


def test_it_does_not_count_the_organisations_own_members(client, clock):
    offer = OfferFactory(published=True)
    client.force_login(MembershipFactory(organisation=offer.organisation).user)
    client.get(reverse("offers:detail", args=[offer.pk]), HTTP_USER_AGENT=BROWSER)
    assert viewcounts.buffer.pending == 0
    client.force_login(MembershipFactory().user)  # a member of another organisation counts
    client.get(reverse("offers:detail", args=[offer.pk]), HTTP_USER_AGENT=BROWSER)
    assert viewcounts.buffer.pending == 1


def test_two_processes_flushing_the_same_offer_and_day_add_up():
    offer = OfferFactory(published=True)
    one, other = (ViewBuffer(every_views=1000, every_seconds=3600) for _ in range(2))
    for _ in range(3):
        offer_view_record(offer=offer, user_agent=BROWSER, views_buffer=one)
    for _ in range(4):
        offer_view_record(offer=offer, user_agent=BROWSER, views_buffer=other)
    offer_views_flush(views_buffer=one)
    offer_views_flush(views_buffer=other)
    assert OfferDayViews.objects.get(offer=offer).views == 7
    offer.refresh_from_db()
    assert offer.views == 7


def test_views_of_an_offer_deleted_before_the_flush_are_dropped_without_failing():
    kept, deleted = OfferFactory(published=True), OfferFactory(published=True)
    views_buffer = ViewBuffer(every_views=1000, every_seconds=3600)
    offer_view_record(offer=kept, user_agent=BROWSER, views_buffer=views_buffer)
    offer_view_record(offer=deleted, user_agent=BROWSER, views_buffer=views_buffer)
    deleted.delete()
    assert offer_views_flush(views_buffer=views_buffer) == 2
    assert OfferDayViews.objects.aggregate(total=Sum("views"))["total"] == 1


def test_a_failed_flush_keeps_the_views_for_the_next_one(monkeypatch):
    offer = OfferFactory(published=True)
    views_buffer = ViewBuffer(every_views=2, every_seconds=3600)

    def broken(**kwargs: object) -> None:
        raise DatabaseError("database locked")

    monkeypatch.setattr(viewcounts, "offer_views_add", broken)
    offer_view_record(offer=offer, user_agent=BROWSER, views_buffer=views_buffer)
    assert offer_view_record(offer=offer, user_agent=BROWSER, views_buffer=views_buffer)
    assert views_buffer.pending == 2
    assert not OfferDayViews.objects.exists()  # the upserts rolled back with the transaction
    monkeypatch.undo()
    assert offer_views_flush(views_buffer=views_buffer) == 2
    assert OfferDayViews.objects.get(offer=offer).views == 2
