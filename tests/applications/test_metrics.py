from datetime import timedelta

import pytest
from django.utils import timezone

from tests.applications.factories import ApplicationFactory
from tests.offers.factories import OfferFactory
from tremplin.applications.metrics import offers_metrics, organisation_metrics
from tremplin.applications.models import ApplicationStatus

pytestmark = pytest.mark.django_db


def test_metrics_count_views_applications_acceptance_and_first_answer():
    offer = OfferFactory(published=True, views=40)
    other = OfferFactory(published=True, organisation=offer.organisation, views=10)
    now = timezone.now()
    for status, hours in [
        (ApplicationStatus.ACCEPTED, 2),
        (ApplicationStatus.DECLINED, 4),
        (ApplicationStatus.DECLINED, 30),
        (ApplicationStatus.RECEIVED, None),
        (ApplicationStatus.WITHDRAWN, None),
    ]:
        ApplicationFactory(
            offer=offer,
            status=status,
            created_at=now,
            first_answer_at=now + timedelta(hours=hours) if hours else None,
        )
    ApplicationFactory(
        offer=other,
        status=ApplicationStatus.CONFIRMED,
        created_at=now,
        first_answer_at=now + timedelta(hours=10),
    )

    metrics = offers_metrics([offer, other])

    assert metrics[offer.pk].views == 40
    assert metrics[offer.pk].applications == 5
    assert metrics[offer.pk].acceptance_percent == 33  # 1 accepted of 3 decided
    assert metrics[offer.pk].first_answer_hours == 4.0  # median of 2, 4, 30
    assert metrics[other.pk].acceptance_percent == 100

    whole = organisation_metrics(offer.organisation)
    assert (whole.views, whole.applications, whole.accepted, whole.decided) == (50, 6, 2, 4)
    assert whole.first_answer_hours == 7.0  # median of 2, 4, 10, 30


def test_metrics_say_unknown_rather_than_zero_when_nothing_is_decided():
    offer = OfferFactory(published=True)
    ApplicationFactory(offer=offer)
    metrics = offers_metrics([offer])[offer.pk]
    assert metrics.acceptance_rate is None
    assert metrics.first_answer is None


def test_metrics_of_many_offers_take_a_fixed_number_of_queries(django_assert_num_queries):
    offers = [OfferFactory(published=True) for _ in range(5)]
    for offer in offers:
        ApplicationFactory(offer=offer)
    with django_assert_num_queries(3):
        offers_metrics(offers)
