""" "Près de": a place typed is matched exactly or questioned, never replaced silently."""

import re
from html import unescape

import pytest

from tests.matching.builders import commune, limousin
from tests.territories.factories import DepartementFactory
from tremplin.territories.lookup import commune_lookup
from tremplin.territories.models import PostalCode

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/communes"
PAGE = "/territoires/pour-moi/"


@pytest.fixture
def places():
    found = limousin()
    seine_et_marne = DepartementFactory(code="77", name="Seine-et-Marne")
    seine_saint_denis = DepartementFactory(code="93", name="Seine-Saint-Denis")
    reunion = DepartementFactory(code="974", name="La Réunion")
    found |= {
        "fourches": commune("77258", "Limoges-Fourches", 48.62, 2.67, population=480,
                            departement=seine_et_marne),
        "saint_denis": commune("93066", "Saint-Denis", 48.936, 2.357, population=113_000,
                               departement=seine_saint_denis),
        "saint_denis_reunion": commune("97411", "Saint-Denis", -20.882, 55.450,
                                       population=153_000, departement=reunion),
    }  # fmt: skip
    PostalCode.objects.create(code="87000", commune=found["limoges"])
    PostalCode.objects.create(code="87200", commune=found["saint_junien"])
    PostalCode.objects.create(code="87200", commune=found["rochechouart"])
    return found


def refused(client, pres_de, **query):
    response = client.get(URL, {"profession": "infirmier", "pres_de": pres_de, **query})
    assert response.status_code == 422
    return response.json()


def test_a_typo_is_questioned_with_candidates_not_replaced(client, places):
    data = refused(client, "Limoge")

    message = (
        "« Limoge » ne correspond exactement à aucune commune. Vouliez-vous dire : Limoges "
        "(Haute-Vienne, 129\xa0000 habitants), Limoges-Fourches (Seine-et-Marne, 480 habitants) ?"
    )
    assert data["errors"] == {"pres_de": [message]}
    assert data["detail"] == f"Près de : {message}"
    assert data["candidates"] == [
        {
            "query": "Limoge",
            "insee": "87085",
            "name": "Limoges",
            "departement": "87",
            "departement_name": "Haute-Vienne",
            "population": 129_000,
        },
        {
            "query": "Limoge",
            "insee": "77258",
            "name": "Limoges-Fourches",
            "departement": "77",
            "departement_name": "Seine-et-Marne",
            "population": 480,
        },
    ]


def test_a_typo_inside_the_name_finds_the_close_names(client, places):
    data = refused(client, "Limojes")

    assert [c["insee"] for c in data["candidates"]] == ["87085"]


def test_homonyms_ask_which_one_the_largest_first(client, places):
    data = refused(client, "saint denis")

    assert data["errors"]["pres_de"] == [
        "Plusieurs communes s’appellent « saint denis » : précisez laquelle (son code INSEE "
        "suffit). Vouliez-vous dire : Saint-Denis (La Réunion, 153\xa0000 habitants), Saint-Denis "
        "(Seine-Saint-Denis, 113\xa0000 habitants) ?"
    ]
    assert [c["insee"] for c in data["candidates"]] == ["97411", "93066"]


def test_a_postal_code_of_several_communes_asks_which_one(client, places):
    data = refused(client, "87200")

    assert data["errors"]["pres_de"][0].startswith(
        "Plusieurs communes ont le code postal « 87200 » : précisez laquelle."
    )
    assert {c["insee"] for c in data["candidates"]} == {"87154", "87126"}


@pytest.mark.parametrize(
    ("pres_de", "insee"),
    [
        ("Limoges", "87085"),
        ("LIMOGES", "87085"),
        ("87085", "87085"),
        ("87000", "87085"),
        ("Saint-Denis (93066)", "93066"),
        ("saint denis (97411)", "97411"),
        ("Limoges-Fourches", "77258"),
    ],
)
def test_an_exact_place_is_taken_as_before(pres_de, insee, places):
    lookup = commune_lookup(pres_de)

    assert lookup.found is not None and lookup.found.insee == insee
    assert lookup.candidates == []


def test_an_exact_single_match_ranks_as_before(client, places):
    data = client.get(
        URL, {"profession": "infirmier", "pres_de": "Saint-Denis (93066), limoges", "rayon": "60"}
    ).json()

    criteria = {c["key"]: c for c in data["criteria"]}
    assert criteria["proximite"]["detail"] == (
        "Saint-Denis (93066), Limoges (87085), à moins de 60 km"
    )
    assert {r["code"] for r in data["results"]} >= {"93066", "87085"}


def test_nothing_alike_says_so_without_candidates(client, places):
    data = refused(client, "Trifouilly-les-Oies")

    assert data["errors"]["pres_de"] == ["Aucune commune ne correspond à « Trifouilly-les-Oies »."]
    assert data["candidates"] == []


def test_each_questioned_place_gets_its_own_message(client, places):
    data = refused(client, "Limoges, Saint-Denis, Limoge")

    assert len(data["errors"]["pres_de"]) == 2
    assert {c["query"] for c in data["candidates"]} == {"Saint-Denis", "Limoge"}


@pytest.mark.parametrize("count", [6, 40])
def test_too_many_places_are_refused_with_the_limit(client, places, count):
    data = refused(client, ", ".join(["Limoges"] * count))

    assert data["errors"]["pres_de"] == [
        f"Vous en indiquez {count} : 5 communes au plus, séparées par des virgules."
    ]


def test_forty_long_names_are_refused_with_the_limit_too(client, places):
    data = refused(client, ", ".join(["Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"] * 40))

    assert data["errors"]["pres_de"] == ["5 communes au plus, séparées par des virgules."]


@pytest.mark.parametrize("rayon", ["-5", "0", "5000", "abc", "1e9"])
def test_a_bad_radius_is_refused(client, places, rayon):
    data = refused(client, "Limoges", rayon=rayon)

    assert data["errors"] == {"rayon": ["Indiquez une distance entre 1 et 1000 km."]}


def test_the_page_proposes_candidates_as_links_that_keep_every_other_input(client, places):
    query = {
        "profession": "infirmier",
        "pres_de": "Limoges, Saint-Denis",
        "rayon": "5000",
        "gare": "important",
        "region": "75",
    }
    response = client.get(PAGE, query)

    assert response.status_code == 200
    text = response.text
    assert "Plusieurs communes s’appellent « Saint-Denis »" in text
    assert "Quelle commune « Saint-Denis » ?" in text
    # What was typed stays in the form, the bad radius too.
    assert 'value="Limoges, Saint-Denis"' in text
    assert 'value="5000"' in text
    links = [
        unescape(h)
        for h in re.findall(r'<a href="(/territoires/pour-moi/\?[^"]+)">Saint-Denis', text)
    ]
    assert len(links) == 2
    assert "pres_de=Limoges%2C+Saint-Denis+%2897411%29" in links[0]
    assert "pres_de=Limoges%2C+Saint-Denis+%2893066%29" in links[1]
    for name in ("profession=infirmier", "rayon=5000", "gare=important", "region=75"):
        assert name in links[0]


def test_following_a_candidate_ranks_near_it(client, places):
    response = client.get(PAGE, {"profession": "infirmier", "pres_de": "Limoge", "rayon": "60"})
    link = unescape(
        re.search(r'<a href="(/territoires/pour-moi/\?[^"]+)">Limoges \(Haute', response.text)[1]
    )

    followed = client.get(link)

    assert "Certains critères ne sont pas valides" not in followed.text
    assert 'value="Limoges (87)"' in followed.text
    assert "Limoges (87085), à moins de 60 km" in followed.text
