import pytest
from django.urls import reverse

from tests.territories.factories import CommuneFactory
from tremplin.territories.models import PostalCode
from tremplin.territories.selectors import commune_search
from tremplin.territories.text import normalise_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    created = {
        "gueret": CommuneFactory(insee="23096", name="Guéret", population=13161),
        "jouan": CommuneFactory(insee="35284", name="Saint-Jouan-des-Guérets", population=2900),
        "hay": CommuneFactory(insee="94038", name="L'Haÿ-les-Roses", population=31000),
        "guer": CommuneFactory(insee="56075", name="Guer", population=6192),
        "felletin": CommuneFactory(insee="23079", name="Felletin", population=1700),
    }
    PostalCode.objects.create(code="23000", commune=created["gueret"])
    PostalCode.objects.create(code="23500", commune=created["felletin"])
    return created


def names(query, **kwargs):
    return [c.name for c in commune_search(query, **kwargs)]


def test_it_normalises_names():
    assert normalise_name("L'Haÿ-les-Roses") == "l hay les roses"
    assert normalise_name("  Saint-Étienne  ") == "saint etienne"
    assert normalise_name("Œuilly") == "oeuilly"


def test_it_ignores_accents_case_and_hyphens(communes):
    assert names("gueret") == ["Guéret", "Saint-Jouan-des-Guérets"]
    assert names("GUÉRET")[0] == "Guéret"
    assert names("l hay les") == ["L'Haÿ-les-Roses"]
    assert names("l'hay-les-roses") == ["L'Haÿ-les-Roses"]


def test_it_puts_exact_names_first_then_larger_communes(communes):
    assert names("guer") == ["Guer", "Guéret", "Saint-Jouan-des-Guérets"]


def test_it_finds_by_postal_code_and_insee_code(communes):
    assert names("23000") == ["Guéret"]
    assert names("23") == ["Guéret", "Felletin"]
    assert names("23096") == ["Guéret"]


def test_it_answers_nothing_to_nothing(communes):
    assert names("") == []
    assert names("   ") == []
    assert names("zzz") == []
    assert names("'-") == []


def test_it_limits_results(communes):
    assert len(names("e", limit=2)) <= 2


def test_the_search_page_works_without_javascript(client, communes):
    response = client.get(reverse("territories:search"), {"q": "gueret"})

    assert response.status_code == 200
    assert "<html" in response.text
    assert "Guéret" in response.text


def test_htmx_gets_only_the_results(client, communes):
    response = client.get(
        reverse("territories:search"), {"q": "gueret"}, headers={"HX-Request": "true"}
    )

    assert "<html" not in response.text
    assert reverse("territories:commune", args=["23096"]) in response.text


def test_an_unmatched_query_says_so(client, communes):
    response = client.get(reverse("territories:search"), {"q": "xyzzy"})

    assert "Aucune commune ne correspond à « xyzzy »" in response.text
