"""Housing with several places (data): every housing gets its places 1..capacity (a capacity
above 50 is brought to 50), and every booked night the place n°1 of its housing — nights were
unique per housing until now, so one place holds them all."""

from django.db import migrations

MAX_PLACES = 50


def places_create(apps, schema_editor) -> None:  # noqa: ANN001
    Housing = apps.get_model("hosting", "Housing")
    HousingPlace = apps.get_model("hosting", "HousingPlace")
    BookedNight = apps.get_model("hosting", "BookedNight")
    Housing.objects.filter(capacity__gt=MAX_PLACES).update(capacity=MAX_PLACES)
    Housing.objects.filter(capacity__lt=1).update(capacity=1)
    for housing in Housing.objects.all().iterator():
        HousingPlace.objects.bulk_create(
            [HousingPlace(housing=housing, number=n) for n in range(1, housing.capacity + 1)]
        )
        first = HousingPlace.objects.get(housing=housing, number=1)
        BookedNight.objects.filter(housing=housing).update(place=first)


def places_forget(apps, schema_editor) -> None:  # noqa: ANN001
    apps.get_model("hosting", "BookedNight").objects.update(place=None)
    apps.get_model("hosting", "HousingPlace").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hosting", "0003_housing_places_schema"),
    ]

    operations = [migrations.RunPython(places_create, places_forget)]
