"""The commune autocomplete's suggestions: JSON, bounded, as people type."""

import pytest
from django.urls import reverse

from tests.territories.factories import CommuneAliasFactory, CommuneFactory
from tremplin.territories.lookup import MAX_SUGGESTIONS
from tremplin.territories.models import PostalCode

pytestmark = pytest.mark.django_db
URL = reverse("territories:commune_suggestions")


def commune(insee: str, name: str, postal: str = "", population: int = 1000):
    created = CommuneFactory(insee=insee, name=name, population=population, postal_codes=postal)
    for code in postal.split():
        PostalCode.objects.create(code=code, commune=created)
    return created


@pytest.fixture
def communes():
    return {
        "gueret": commune("23096", "Guéret", "23000", population=13161),
        "saint_fiel": commune("23177", "Saint-Fiel", "23000", population=1100),
        "felletin": commune("23079", "Felletin", "23500", population=1700),
        "junien": commune("87154", "Saint-Junien", "87200", population=11000),
        "strasbourg": commune("67482", "Strasbourg", "67000 67100 67200", population=290000),
    }


def suggest(client, query: str) -> list[dict]:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def test_a_name_prefix_suggests_the_commune_with_its_departement_and_postal_code(client, communes):
    assert suggest(client, "guer") == [
        {
            "insee": "23096",
            "label": "Guéret (23)",
            "value": "Guéret (23)",
            "postal_code": "23000",
            "text": "Guéret (23) — 23000",
        }
    ]


def test_accents_case_and_st_are_ignored(client, communes):
    assert [s["label"] for s in suggest(client, "GUÉR")] == ["Guéret (23)"]
    assert [s["label"] for s in suggest(client, "st-jun")] == ["Saint-Junien (87)"]
    # « St » may also be the start of a name.
    assert {s["label"] for s in suggest(client, "st")} == {
        "Saint-Junien (87)",
        "Saint-Fiel (23)",
        "Strasbourg (67)",
    }


def test_a_postal_code_suggests_its_communes_and_shows_the_code_typed(client, communes):
    assert [s["text"] for s in suggest(client, "23000")] == [
        "Guéret (23) — 23000",
        "Saint-Fiel (23) — 23000",
    ]
    assert [s["text"] for s in suggest(client, "6710")] == ["Strasbourg (67) — 67100"]


def test_an_insee_code_suggests_its_commune(client, communes):
    assert [s["label"] for s in suggest(client, "23079")] == ["Felletin (23)"]


def test_a_former_commune_suggests_the_commune_it_became(client, communes):
    CommuneAliasFactory(code="23199", commune=communes["gueret"], name="Sainte-Feyre-Ancienne")

    by_name = suggest(client, "ste feyre")
    by_code = suggest(client, "23199")

    assert [s["text"] for s in by_name] == [
        "Guéret (23) — 23000 · ancienne commune : Sainte-Feyre-Ancienne"
    ]
    assert [s["value"] for s in by_code] == ["Guéret (23)"]


def test_a_typo_suggests_the_closest_names(client, communes):
    assert [s["label"] for s in suggest(client, "Felettin")] == ["Felletin (23)"]


def test_a_chosen_value_still_suggests_its_commune(client, communes):
    assert [s["label"] for s in suggest(client, "Guéret (23)")] == ["Guéret (23)"]
    assert [s["label"] for s in suggest(client, "Saint (87")] == ["Saint-Junien (87)"]


def test_nothing_typed_or_nothing_found_suggests_nothing(client, communes):
    assert suggest(client, "") == []
    assert suggest(client, "   ") == []
    assert suggest(client, "zzzzzz") == []
    assert suggest(client, "x" * 5000) == []


def test_at_most_ten_suggestions_the_larger_communes_first(client):
    for number in range(15):
        commune(f"23{number + 100:03d}", f"Bourg {number:02d}", population=100 + number)

    suggestions = suggest(client, "bourg")

    assert len(suggestions) == MAX_SUGGESTIONS == 10
    assert suggestions[0]["label"] == "Bourg 14 (23)"


def test_the_suggestions_are_public_cached_and_few_queries(
    client, communes, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"q": "gue"})

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert client.post(URL, {"q": "gue"}).status_code == 405
