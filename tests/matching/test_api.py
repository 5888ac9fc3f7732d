import pytest

from tests.matching.builders import commune, limousin, published_offer
from tremplin.core.professions import Profession

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/communes"


@pytest.fixture
def places():
    return limousin()


def test_it_ranks_communes_with_scores_and_contributions(client, places):
    response = client.get(
        URL,
        {
            "profession": "infirmier",
            "pres_de": "Limoges",
            "rayon": "60",
            "gare": "important",
            "gare_km": "5",
        },
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["scale"], data["count"], data["total"], data["message"]) == (
        "communes",
        4,
        5,
        "",
    )
    first = data["results"][0]
    assert first["name"] == "Saint-Junien"
    assert first["url"] == "/territoires/communes/87154/"
    assert first["offers_url"] == "/annonces/?commune=87154&rayon=10&profession=infirmier"
    assert first["explanation"].startswith("à 28 km de Limoges ; gare à moins d’1 km")
    contributions = {c["criterion"]: c for c in first["contributions"]}
    assert set(contributions) == {"besoin", "annonces", "proximite", "gare"}
    assert contributions["gare"] == {
        "criterion": "gare",
        "label": "Gare à proximité",
        "importance": "important",
        "satisfaction": 1.0,
        "points": 30.0,
        "max_points": 30.0,
        "met": True,
        "text": "gare à moins d’1 km",
        "covered": True,
    }
    assert first["score"] == round(sum(c["points"] for c in first["contributions"]), 1)
    criteria = {c["key"]: c for c in data["criteria"]}
    assert criteria["proximite"]["importance"] == "indispensable"
    assert criteria["proximite"]["defaulted"] is True
    assert criteria["proximite"]["detail"] == "Limoges (87085), à moins de 60 km"


def test_it_ranks_epcis_by_their_best_commune(client, places):
    query = {"profession": "infirmier", "besoin": "indifferent", "gare": "important"}
    data = client.get("/api/v1/matching/epcis", query).json()

    # The station is near Saint-Junien: its EPCI first, scored as it.
    assert [(r["kind"], r["code"], r["commune_name"]) for r in data["results"]] == [
        ("epci", "248719312", "Saint-Junien"),
        ("epci", "248719221", "Limoges"),
    ]


def test_offer_kinds_are_read_from_repeated_parameters(client, places):
    published_offer(places["bourganeuf"], profession=Profession.NURSE, kind="stage")
    published_offer(places["lyon"], profession=Profession.NURSE, kind="remplacement")

    data = client.get(
        URL + "?profession=infirmier&besoin=indifferent&annonces=important"
        "&types=stage&types=sejour_decouverte"
    ).json()

    assert data["results"][0]["name"] == "Bourganeuf"
    assert data["results"][0]["explanation"] == "1 annonce (stage) à moins de 10 km"


def test_a_limit_bounds_the_results(client, places):
    data = client.get(URL, {"profession": "infirmier", "limit": "2"}).json()

    assert len(data["results"]) == 2
    assert data["count"] == 5


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"profession": "plombier"}, "profession", "« plombier » n’est pas une profession connue."),
        ({}, "profession", "Choisissez votre profession : les critères par défaut en dépendent."),
        (
            {"profession": "infirmier", "pres_de": "Limoges", "rayon": "-5"},
            "rayon",
            "Indiquez une distance entre 1 et 1000 km.",
        ),
        (
            {"profession": "infirmier", "pres_de": "Limoges", "rayon": "100000"},
            "rayon",
            "Indiquez une distance entre 1 et 1000 km.",
        ),
        (
            {"profession": "infirmier", "pres_de": "Trifouilly-les-Oies"},
            "pres_de",
            "Aucune commune ne correspond à « Trifouilly-les-Oies ».",
        ),
        (
            {"profession": "infirmier", "gare": "vital"},
            "gare",
            "« vital » n’est pas une importance : indifferent, souhaitable, important ou "
            "indispensable.",
        ),
        (
            {"profession": "infirmier", "proximite": "important"},
            "pres_de",
            "Indiquez au moins une commune, ou rendez ce critère indifférent.",
        ),
        (
            {"profession": "infirmier", "taille": "important"},
            "tailles",
            "Cochez au moins une taille, ou rendez ce critère indifférent.",
        ),
        ({"profession": "infirmier", "types": "croisiere"}, "types", None),
        (
            {"profession": "infirmier", "limit": "0"},
            "limit",
            "« 0 » : indiquez un nombre de résultats de 1 à 200.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, places, query, field, message):
    response = client.get(URL, query)

    assert response.status_code == 422
    data = response.json()
    assert list(data["errors"]) == [field]
    if message:
        assert data["errors"][field] == [message]
        assert message in data["detail"]


def test_it_says_when_nothing_meets_every_indispensable_and_what_to_relax(client, places):
    data = client.get(
        URL,
        {
            "profession": "infirmier",
            "pres_de": "Lyon",
            "rayon": "20",
            "gare": "indispensable",
            "gare_km": "5",
        },
    ).json()

    assert data["count"] == 0 and data["results"] == []
    assert data["message"] == (
        "Aucune commune ne remplit tous vos critères indispensables. Rendez « Près de chez moi » "
        "important plutôt qu’indispensable : 1 territoire conviendrait."
    )
    assert {r["criterion"]: r["count"] for r in data["relaxations"]} == {
        "proximite": 1,
        "gare": 1,
    }


def test_the_openapi_schema_lists_the_criteria(client):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/matching/communes"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["profession"]["required"] is True
    assert "infirmier" in parameters["profession"]["schema"]["enum"]
    assert parameters["gare"]["schema"]["enum"] == [
        "indifferent",
        "souhaitable",
        "important",
        "indispensable",
    ]
    assert parameters["rayon"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert parameters["types"]["schema"]["type"] == "array"
    assert "/api/v1/matching/epcis" in schema["paths"]


def test_villages_are_asked_for_and_shown_through_their_centre(client):
    commune("23201", "Bourg", 46.0, 2.0, population=9_000, apl_inf=0.9)
    commune("23202", "Hameau", 46.05, 2.0, population=40, apl_inf=0.95)

    default = client.get(URL, {"profession": "infirmier"}).json()
    asked = client.get(URL, {"profession": "infirmier", "villages": "1"}).json()

    assert [r["name"] for r in default["results"]] == ["Bourg"]
    hamlet = next(r for r in asked["results"] if r["name"] == "Hameau")
    assert hamlet["served_by"].startswith("à 6 km de Bourg, qui dessert")
