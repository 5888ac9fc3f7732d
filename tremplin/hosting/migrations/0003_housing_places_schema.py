"""Housing with several places (schema, first step): `HousingPlace`, a booking's number of
places and semester flag, the auto-acceptance of semester requests, and a nullable place on
each booked night that 0004 fills and 0005 makes required."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

PLACES = "Un logement compte de 1 à 50 places."


def _validators() -> list:
    return [
        django.core.validators.MinValueValidator(1, message=PLACES),
        django.core.validators.MaxValueValidator(50, message=PLACES),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("hosting", "0002_support_covers_dates"),
    ]

    operations = [
        migrations.CreateModel(
            name="HousingPlace",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveSmallIntegerField(verbose_name="place n°")),
                (
                    "housing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="places",
                        to="hosting.housing",
                    ),
                ),
            ],
            options={
                "ordering": ["housing", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("housing", "number"), name="one_place_per_number"),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1), ("number__lte", 50)),
                        name="place_number_1_to_50",
                    ),
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="housing", name="housing_capacity_positive"),
        migrations.AddField(
            model_name="booking",
            name="is_semester",
            field=models.BooleanField(default=False, verbose_name="semestre entier"),
        ),
        migrations.AddField(
            model_name="booking",
            name="places",
            field=models.PositiveSmallIntegerField(default=1, validators=_validators(), verbose_name="places"),
        ),
        migrations.AddField(
            model_name="housing",
            name="semester_auto_accept",
            field=models.BooleanField(
                default=False,
                help_text="Une demande pour un semestre couvert par une période ouverte et qui trouve des places libres est acceptée sans attendre votre réponse.",
                verbose_name="accepter automatiquement les demandes pour un semestre entier",
            ),
        ),
        migrations.AlterField(
            model_name="housing",
            name="capacity",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="Le nombre de personnes logées en même temps (de 1 à 50).",
                validators=_validators(),
                verbose_name="places",
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(("places__gte", 1), ("places__lte", 50)),
                name="booking_places_1_to_50",
            ),
        ),
        migrations.AddField(
            model_name="bookednight",
            name="place",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="booked_nights",
                to="hosting.housingplace",
            ),
        ),
    ]
