"""Housing with several places (constraints): a booked night takes a place, one booking per
place and night (no longer per housing and night), a capacity of 1 to 50."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hosting", "0004_housing_places_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="bookednight",
            name="place",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="booked_nights",
                to="hosting.housingplace",
            ),
        ),
        migrations.RemoveConstraint(model_name="bookednight", name="one_booking_per_night"),
        migrations.AddConstraint(
            model_name="bookednight",
            constraint=models.UniqueConstraint(
                fields=("place", "night"), name="one_booking_per_place_night"
            ),
        ),
        migrations.AddIndex(
            model_name="bookednight",
            index=models.Index(fields=["housing", "night"], name="booked_night_housing_night"),
        ),
        migrations.AddConstraint(
            model_name="housing",
            constraint=models.CheckConstraint(
                condition=models.Q(("capacity__gte", 1), ("capacity__lte", 50)),
                name="housing_capacity_1_to_50",
            ),
        ),
    ]
