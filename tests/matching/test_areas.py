"""Area filters: a région, a département, an EPCI, on the page and in the API."""

import re

import numpy as np
import pytest

from tests.matching.builders import limousin
from tests.matching.test_pages import ranked_names
from tests.territories.factories import RegionFactory
from tremplin.matching.areas import Area
from tremplin.matching.criteria import criteria_build
from tremplin.matching.scoring import rank
from tremplin.matching.store import matrix_current
from tremplin.territories.models import Commune, Departement

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/communes"
PAGE = "/territoires/pour-moi/"
LIMOUSIN = {"87085", "87154", "87126", "23030"}


@pytest.fixture
def places():
    """The Limousin of the builders, with Lyon in its own région."""
    found = limousin()
    rhone_alpes = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    Departement.objects.filter(code="69").update(region=rhone_alpes, name="Rhône")
    Commune.objects.filter(insee="69123").update(region=rhone_alpes)
    return found


def codes(data):
    return {r["code"] for r in data["results"]}


def test_the_matrix_tells_which_communes_are_inside_an_area(places):
    matrix = matrix_current()
    insee = np.asarray(matrix.insee)

    assert set(insee[matrix.inside(region="75")]) == LIMOUSIN
    assert set(insee[matrix.inside(region="84")]) == {"69123"}
    assert set(insee[matrix.inside(departement="23")]) == {"23030"}
    assert set(insee[matrix.inside(epci="248719312")]) == {"87154", "87126"}
    assert set(insee[matrix.inside(region="75", epci="248719221")]) == {"87085"}
    assert not matrix.inside(departement="99").any()
    assert not matrix.inside(region="84", departement="87").any()
    assert matrix.inside().all()
    assert matrix.departement_index.dtype == np.int16


def test_ranking_keeps_to_the_area_and_counts_only_it(places):
    matrix = matrix_current()
    criteria = criteria_build(profession="infirmier", area=Area(departement="87"))

    ranking = rank(matrix, criteria)

    assert {matrix.insee[r] for r in ranking.rows} == {"87085", "87154", "87126"}
    assert (ranking.count, ranking.total) == (3, 3)


@pytest.mark.parametrize(
    ("area", "expected", "label"),
    [
        ({"region": "75"}, LIMOUSIN, "en Nouvelle-Aquitaine"),
        ({"region": "84"}, {"69123"}, "en Auvergne-Rhône-Alpes"),
        ({"departement": "23"}, {"23030"}, "dans le département Creuse (23)"),
        (
            {"region": "75", "departement": "87"},
            {"87085", "87154", "87126"},
            "dans le département Haute-Vienne (87)",
        ),
        ({"epci": "248719312"}, {"87154", "87126"}, "dans CC Porte Océane du Limousin"),
        ({"epci": "porte oceane du limousin"}, {"87154", "87126"}, None),
        ({"epci": "248 719 312"}, {"87154", "87126"}, None),
        ({}, {*LIMOUSIN, "69123"}, ""),
    ],
)
def test_the_api_ranks_only_the_communes_of_the_area(client, places, area, expected, label):
    data = client.get(URL, {"profession": "infirmier", **area}).json()

    assert codes(data) == expected
    assert data["count"] == data["total"] == len(expected)
    if label is not None:
        assert data["area"] == label


@pytest.mark.parametrize(
    "criteria",
    [
        {"pres_de": "Limoges", "rayon": "60", "gare": "important", "gare_km": "5"},
        {"gare": "indispensable", "gare_km": "20", "besoin": "important"},
        {"taille": "important", "tailles": ["grande_ville"], "annonces": "indifferent"},
        {"besoin": "indifferent", "annonces": "indifferent"},
    ],
)
@pytest.mark.parametrize(
    ("area", "inside"),
    [
        ({"departement": "87"}, {"87085", "87154", "87126"}),
        ({"epci": "248719312"}, {"87154", "87126"}),
        ({"region": "84"}, {"69123"}),
    ],
)
def test_every_result_is_inside_the_area_whatever_the_criteria(
    client, places, criteria, area, inside
):
    everywhere = client.get(URL, {"profession": "infirmier", **criteria}).json()
    data = client.get(URL, {"profession": "infirmier", **criteria, **area}).json()

    assert codes(data) <= inside
    # The area only narrows: what is left is what France gave, inside the area, same order.
    expected = [r["code"] for r in everywhere["results"] if r["code"] in inside]
    assert [r["code"] for r in data["results"]] == expected
    assert [r["score"] for r in data["results"]] == [
        r["score"] for r in everywhere["results"] if r["code"] in inside
    ]


def test_epcis_are_ranked_within_the_area(client, places):
    data = client.get("/api/v1/matching/epcis", {"profession": "infirmier", "epci": "248719221"})

    assert [r["code"] for r in data.json()["results"]] == ["248719221"]
    assert data.json()["total"] == 1
    none = client.get("/api/v1/matching/epcis", {"profession": "infirmier", "departement": "23"})
    assert none.json()["count"] == 0


def test_relaxing_a_criterion_never_counts_territories_outside_the_area(client, places):
    query = {
        "profession": "infirmier",
        "pres_de": "Limoges",
        "rayon": "20",
        "gare": "indispensable",
        "gare_km": "10",
    }
    everywhere = client.get(URL, query).json()
    data = client.get(URL, {**query, "region": "84"}).json()

    assert everywhere["count"] == 0
    assert {r["criterion"]: r["count"] for r in everywhere["relaxations"]}["proximite"] >= 1
    assert data["count"] == 0
    assert {r["criterion"]: r["count"] for r in data["relaxations"]} == {
        "proximite": 0,
        "gare": 0,
    }
    assert data["message"] == (
        "Aucune commune en Auvergne-Rhône-Alpes ne remplit tous vos critères indispensables. "
        "Assouplir un seul critère ne suffit pas : rendez plusieurs critères indispensables "
        "seulement importants."
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"region": "99"}, "region", "« 99 » n’est pas un code de région connu."),
        ({"departement": "999"}, "departement", "« 999 » n’est pas un code de département connu."),
        (
            {"epci": "123456789"},
            "epci",
            "Aucune intercommunalité n’a le numéro SIREN « 123456789 ».",
        ),
        (
            {"epci": "Métropole du Grand Nulle Part"},
            "epci",
            "Aucune intercommunalité ne correspond à « Métropole du Grand Nulle Part » : "
            "indiquez son nom ou son numéro SIREN (9 chiffres).",
        ),
        (
            {"epci": "Porte Océane"},
            "epci",
            "Aucune intercommunalité ne s’appelle exactement « Porte Océane ». Vouliez-vous "
            "dire : CC Porte Océane du Limousin (248719312) ?",
        ),
        (
            {"region": "84", "departement": "87"},
            "departement",
            "Haute-Vienne (87) n’est pas dans la région Auvergne-Rhône-Alpes.",
        ),
        (
            {"departement": "23", "epci": "248719221"},
            "epci",
            "Limoges Métropole n’a aucune commune dans le département Creuse (23).",
        ),
    ],
)
def test_an_unknown_or_inconsistent_area_is_refused_with_its_reason(
    client, places, query, field, message
):
    response = client.get(URL, {"profession": "infirmier", **query})

    assert response.status_code == 422
    data = response.json()
    assert data["errors"] == {field: [message]}
    assert message in data["detail"]
    page = client.get(PAGE, {"profession": "infirmier", **query})
    assert page.status_code == 200
    assert message.replace("’", "&#x27;") in page.text or message in page.text


def test_the_page_offers_the_areas_and_says_where_it_looked(client, places):
    response = client.get(
        PAGE, {"profession": "infirmier", "region": "75", "pres_de": "Limoges", "rayon": "60"}
    )

    assert response.status_code == 200
    assert '<option value="75" selected>Nouvelle-Aquitaine</option>' in response.text
    assert '<option value="23">23 — Creuse</option>' in response.text
    assert 'data-testid="result-area">en Nouvelle-Aquitaine</span>' in response.text
    assert "69123" not in response.text
    assert set(ranked_names(response)) == {"Limoges", "Saint-Junien", "Rochechouart", "Bourganeuf"}


def test_an_area_is_kept_in_the_shareable_query(client, places):
    response = client.get(PAGE, {"profession": "infirmier", "epci": "porte oceane du limousin"})

    # The EPCI typed by name is shared by its SIREN.
    assert "epci=248719312" in response.context["query"]
    assert response.context["form"]["epci"].value() == "porte oceane du limousin"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/territoires/epci/248719312/", "epci=248719312"),
        ("/territoires/departements/87/", "departement=87"),
        ("/territoires/regions/75/", "region=75"),
    ],
)
def test_a_territory_page_links_to_the_ranking_of_its_communes(client, places, path, query):
    page = client.get(path)
    link = re.search(r'href="(/territoires/pour-moi/\?[^"]+)"', page.text)[1]
    assert link == f"/territoires/pour-moi/?{query}"

    form_page = client.get(link)

    # The area is chosen, nothing ranked nor refused until a profession is chosen.
    assert "Certains critères ne sont pas valides" not in form_page.text
    assert "Comment ça marche" in form_page.text
    assert (
        form_page.context["form"]["epci" if "epci" in query else query.split("=")[0]].value()
        == (query.split("=")[1])
    )
