"""The data migration of several places: existing housings get their places, existing booked
nights the place n°1 of their housing, a capacity above 50 is brought to 50."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory

BEFORE = [("hosting", "0002_support_covers_dates")]
AFTER = [("hosting", "0005_housing_places_constraints")]


@pytest.mark.django_db(transaction=True)
def test_existing_housings_and_nights_keep_working():
    housing = HousingFactory(capacity=3)
    big = HousingFactory(capacity=2)
    guest = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldHousing = old.get_model("hosting", "Housing")
    OldHousing.objects.filter(pk=big.pk).update(capacity=80)
    booking = old.get_model("hosting", "Booking").objects.create(
        housing_id=housing.pk, professional_id=guest.pk, start=date(2027, 5, 1),
        end=date(2027, 5, 3), status="accepted",
    )  # fmt: skip
    for night in (date(2027, 5, 1), date(2027, 5, 2)):
        old.get_model("hosting", "BookedNight").objects.create(
            housing_id=housing.pk, night=night, booking_id=booking.pk
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    places = new.get_model("hosting", "HousingPlace").objects
    assert list(places.filter(housing_id=housing.pk).values_list("number", flat=True)) == [1, 2, 3]
    assert places.filter(housing_id=big.pk).count() == 50
    assert new.get_model("hosting", "Housing").objects.get(pk=big.pk).capacity == 50
    nights = new.get_model("hosting", "BookedNight").objects.filter(booking_id=booking.pk)
    assert {row.place.number for row in nights} == {1}
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
