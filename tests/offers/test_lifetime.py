"""The lifetime of an offer is one rule: `offer_expires_on`, its SQL form `live()`, the daily
expiry and search agree on every boundary."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tremplin.offers import services
from tremplin.offers.forms import PlaceStepForm
from tremplin.offers.models import (
    OFFER_LIFETIME,
    Offer,
    OfferStatus,
    offer_expires_on,
    offer_start_is_past,
)
from tremplin.offers.selectors import OfferSearchParams, offers_matching

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_the_lifetime_is_ninety_days():
    assert timedelta(days=90) == OFFER_LIFETIME


@pytest.mark.parametrize(
    ("published", "renewed", "end", "expected"),
    [
        (_at(TODAY), None, None, TODAY + timedelta(days=90)),
        (_at(TODAY), _at(TODAY + timedelta(days=10)), None, TODAY + timedelta(days=100)),
        (_at(TODAY), None, TODAY + timedelta(days=5), TODAY + timedelta(days=5)),
        (_at(TODAY), None, TODAY + timedelta(days=200), TODAY + timedelta(days=90)),
        (_at(TODAY), None, TODAY + timedelta(days=90), TODAY + timedelta(days=90)),
        (None, None, TODAY, None),
        # Published late in the evening (Paris): the lifetime counts from the local day.
        (_at(TODAY, 23), None, None, TODAY + timedelta(days=90)),
    ],
)
def test_the_expiry_day(published, renewed, end, expected):
    assert offer_expires_on(published_at=published, renewed_at=renewed, end_date=end) == expected


@pytest.mark.parametrize("age_days", [88, 89, 90, 91])
@pytest.mark.parametrize("end_offset", [None, -1, 0, 1, 2])
def test_live_is_exactly_the_offers_whose_expiry_day_is_still_ahead(age_days, end_offset):
    today = timezone.localdate()
    published = timezone.now() - timedelta(days=age_days)
    offer = OfferFactory(
        published=True,
        published_at=published,
        renewed_at=published,
        end_date=today + timedelta(days=end_offset) if end_offset is not None else None,
        start_date=today - timedelta(days=age_days),
    )

    expected_live = offer.expires_on > today
    assert Offer.objects.live(today=today).filter(pk=offer.pk).exists() is expected_live
    assert Offer.objects.past_expiry(today=today).filter(pk=offer.pk).exists() is not expected_live


def test_search_hides_an_offer_past_its_end_before_the_daily_job_ran():
    today = timezone.localdate()
    shown = OfferFactory(published=True, end_date=today + timedelta(days=3))
    ended = OfferFactory(published=True, end_date=today)
    stale = OfferFactory(
        published=True,
        published_at=timezone.now() - timedelta(days=91),
        renewed_at=timezone.now() - timedelta(days=91),
    )

    found = set(offers_matching(params=OfferSearchParams()).values_list("pk", flat=True))

    assert shown.pk in found
    assert ended.pk not in found
    assert stale.pk not in found
    assert (
        Offer.objects.filter(pk__in=[ended.pk, stale.pk], status=OfferStatus.PUBLISHED).count() == 2
    )


def test_the_daily_job_expires_exactly_what_search_hides(mailoutbox):
    today = timezone.localdate()
    kept = OfferFactory(published=True, end_date=today + timedelta(days=1))
    ended = OfferFactory(published=True, end_date=today)

    warned, expired = services.offers_expire(today=today)

    kept.refresh_from_db()
    ended.refresh_from_db()
    assert (kept.status, ended.status) == (OfferStatus.PUBLISHED, OfferStatus.EXPIRED)
    assert (warned, expired) == (1, 1)  # the one kept ends tomorrow: its authors are warned


@pytest.mark.parametrize(
    ("offset", "asap", "past"),
    [
        (-1, False, True),
        (0, False, False),
        (1, False, False),
        (-1, True, False),
        (None, False, False),
    ],
)
def test_the_start_date_rule(offset, asap, past):
    start = TODAY + timedelta(days=offset) if offset is not None else None
    assert offer_start_is_past(start_date=start, asap=asap, today=TODAY) is past


@pytest.mark.parametrize("asap", [False, True])
def test_the_editor_and_the_submission_apply_the_same_start_date_rule(asap):
    yesterday = timezone.localdate() - timedelta(days=1)
    offer = OfferFactory(start_date=yesterday, asap=asap)

    form = PlaceStepForm(
        data={
            "commune_code": offer.commune.insee,
            "start_date": yesterday.isoformat(),
            "asap": "on" if asap else "",
        },
        instance=offer,
    )
    editor_refuses = not form.is_valid() and "start_date" in form.errors
    try:
        services.offer_submit(offer=offer, by=UserFactory())
    except ValidationError as error:
        submission_refuses = "La date de début est passée" in " ".join(error.messages)
    else:
        submission_refuses = False

    assert editor_refuses is submission_refuses is (not asap)


def test_an_offer_never_renewed_counts_from_its_publication():
    old = timezone.now() - timedelta(days=91)
    stale = OfferFactory(published=True, published_at=old, renewed_at=None)
    fresh = OfferFactory(published=True, published_at=timezone.now(), renewed_at=None)

    live = set(Offer.objects.live().values_list("pk", flat=True))

    assert (stale.pk in live, fresh.pk in live) == (False, True)


def test_live_and_the_daily_job_read_the_day_they_are_given():
    today = timezone.localdate()
    offer = OfferFactory(published=True, end_date=today + timedelta(days=3))
    in_five_days = today + timedelta(days=5)

    assert not Offer.objects.live(today=in_five_days).filter(pk=offer.pk).exists()
    assert Offer.objects.live(today=today).filter(pk=offer.pk).exists()
    assert services.offers_expire(today=in_five_days) == (0, 1)


def test_the_daily_job_counts_every_offer_it_expires_and_dates_the_closure():
    today = timezone.localdate()
    ended = [OfferFactory(published=True, end_date=today) for _ in range(2)]

    assert services.offers_expire(today=today) == (0, 2)

    for offer in ended:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.EXPIRED
        assert offer.closed_at is not None
        assert abs(offer.closed_at - timezone.now()) < timedelta(minutes=1)


@pytest.mark.parametrize(("days_left", "warned"), [(6, True), (7, True), (8, False)])
def test_authors_are_warned_a_week_ahead_with_the_date(days_left, warned, mailoutbox):
    today = timezone.localdate()
    offer = OfferFactory(published=True, end_date=today + timedelta(days=days_left))
    MembershipFactory(organisation=offer.organisation, user__email="auteur@example.org")

    assert services.offers_expire(today=today) == (int(warned), 0)

    offer.refresh_from_db()
    assert (offer.expiry_warned_at is not None) is warned
    if warned:
        [email] = [m for m in mailoutbox if m.to == ["auteur@example.org"]]
        expires = date_format(today + timedelta(days=days_left), "j F Y")
        assert expires in email.body


def test_every_offer_due_is_warned_once(mailoutbox):
    today = timezone.localdate()
    for _ in range(2):
        OfferFactory(published=True, end_date=today + timedelta(days=3))

    assert services.offers_expire(today=today) == (2, 0)
    assert services.offers_expire(today=today) == (0, 0)


def test_a_day_in_the_past_warns_what_was_live_that_day(mailoutbox):
    today = timezone.localdate()
    offer = OfferFactory(published=True, end_date=today)

    assert services.offers_expire(today=today - timedelta(days=1)) == (1, 0)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED


def test_warning_reads_each_offers_organisation_with_it(mailoutbox):
    today = timezone.localdate()
    for _ in range(3):
        OfferFactory(published=True, end_date=today + timedelta(days=3))

    with CaptureQueriesContext(connection) as queries:
        assert services.offers_expire(today=today) == (3, 0)

    one_by_one = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "organisations_organisation"')
    ]
    assert one_by_one == []


def test_live_agrees_with_the_rule_in_the_hour_before_midnight_across_a_change_of_summer_time():
    """23:30 in Paris on 1 December: 90 days earlier was summer time. The SQL bound is computed
    in absolute time, as `offer_expires_on` is (it once kept the wall-clock time, an hour off)."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    now = datetime(2026, 12, 1, 23, 30, tzinfo=paris).astimezone(UTC)
    today = date(2026, 12, 1)
    for minutes in (-90, -30, 0, 30, 90):
        published = now - timedelta(days=90, minutes=minutes)
        offer = OfferFactory(published=True, published_at=published, renewed_at=published)
        expected_live = offer.expires_on > today
        assert Offer.objects.live(today=today).filter(pk=offer.pk).exists() is expected_live, (
            minutes
        )
