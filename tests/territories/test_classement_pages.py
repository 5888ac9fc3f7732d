"""What a commune profile says of the classements: each profession's zonage or « non importé »,
FRR with a neutral meaning, ZRR as the 2017 classification FRR replaced."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.territories.factories import CommuneFactory
from tremplin.territories.indicators import INDICATORS
from tremplin.territories.models import DataSource, IndicatorValue
from tremplin.territories.zonages import SCHEMES, ZRR_MEANING

pytestmark = pytest.mark.django_db


def value(commune, key: str, year: int, category: str, number: float | None = None) -> None:
    source, _ = DataSource.objects.get_or_create(
        key=key, defaults={"title": key, "publisher": "ARS", "imported_at": timezone.now()}
    )
    IndicatorValue.objects.create(
        commune=commune, key=key, year=year, value=number, category=category, source=source
    )


def line(page: str, key: str) -> str:
    """The text of one indicator's line, tags removed."""
    found = re.search(rf'<li class="fr-mb-2w" data-indicator="{key}">(.*?)</li>', page, re.S)
    assert found, key
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.fixture
def gueret():
    return CommuneFactory(insee="23096", name="Guéret")


def profile(client) -> str:
    return client.get(reverse("territories:commune", args=["23096"])).text


def test_a_zonage_not_imported_is_said_and_never_replaced_by_another(client, gueret) -> None:
    value(gueret, "zonage_mg", 2025, "ZIP")

    page = profile(client)

    assert line(page, "zonage_mg").startswith("Zonage ARS des médecins : Zone d’intervention")
    assert line(page, "zonage_inf") == "Zonage ARS des infirmiers : non importé"
    for key in ["zonage_sf", "zonage_mk", "zonage_cd", "zonage_ortho"]:
        assert line(page, key).endswith(": non importé"), key
    assert line(page, "frr").endswith(": non importé")


def test_a_zonage_imported_for_another_region_is_not_imported_here(client, gueret) -> None:
    elsewhere = CommuneFactory(
        insee="97401", departement__code="974", departement__region__code="04"
    )
    value(elsewhere, "zonage_inf", 2025, "TSD")

    assert line(profile(client), "zonage_inf").endswith(": non importé")


def test_a_paramedical_zonage_shows_its_category_and_points_to_the_ars(client, gueret) -> None:
    value(gueret, "zonage_inf", 2025, "TSD")

    text = line(profile(client), "zonage_inf")

    assert "Zonage ARS des infirmiers : Zone très sous-dotée" in text
    assert "l’ARS de la région" in text
    assert "exonération" not in text.lower()


def test_frr_is_shown_with_a_neutral_meaning(client, gueret) -> None:
    value(gueret, "frr", 2024, "FRR", 1.0)

    text = line(profile(client), "frr")

    assert "France Ruralités Revitalisation (FRR) : Classée en FRR" in text
    assert "ANCT" in text


def test_zrr_is_shown_as_the_2017_classification_replaced_by_frr(client, gueret) -> None:
    value(gueret, "zrr", 2017, "Classée en ZRR", 1.0)

    text = line(profile(client), "zrr")

    assert (
        "classement 2017, remplacé par France Ruralités Revitalisation le 1er juillet 2024" in text
    )
    assert "Classée en ZRR" in text
    assert "pour mémoire" in text


def test_no_classement_text_promises_a_tax_exemption() -> None:
    texts = [str(ZRR_MEANING), *(str(i.label) for i in INDICATORS.values())]
    for scheme in SCHEMES.values():
        texts += [str(scheme.label), *(str(c.label) + str(c.meaning) for c in scheme.categories)]
    assert all("exonération" not in text.lower() for text in texts)
