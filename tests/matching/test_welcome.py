"""The "Territoire qui accueille" criterion: the published welcomes of collectivités in the
matrix, the criterion, its explanation, the flag on each result, and the refresh when hosting
data change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.hosting.factories import ActivityFactory, HousingFactory
from tests.matching.builders import limousin, published_offer, welcome
from tremplin.core.professions import Profession
from tremplin.hosting.models import HousingPeriod, TerritoryPage
from tremplin.matching.criteria import CRITERIA, Importance, criteria_build
from tremplin.matching.scoring import rank
from tremplin.matching.selectors import matching_search
from tremplin.matching.store import matrix_current
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db
EPCI, DEPARTEMENT, REGION, COMMUNE = (
    OrganisationType.EPCI,
    OrganisationType.DEPARTEMENT,
    OrganisationType.REGION,
    OrganisationType.COMMUNE,
)


@pytest.fixture
def places():
    return limousin()


def satisfaction(matrix, place):
    return float(matrix.column("welcome")[matrix.index[place.insee]])


def shown(matrix, place):
    found = matrix.welcome_of(matrix.index[place.insee])
    return found.name if found else None


def only_welcome(importance=Importance.IMPORTANT, profession=Profession.NURSE):
    stated = {key: Importance.INDIFFERENT for key in CRITERIA}
    stated["accueil"] = importance
    return criteria_build(profession=profession, stated=stated)


def test_a_departement_page_covers_all_its_communes_and_only_them(places):
    welcome(DEPARTEMENT, "87", "Département de la Haute-Vienne", referent="Sophie Martin")
    matrix = matrix_current()

    for key in ("limoges", "saint_junien", "rochechouart"):
        assert shown(matrix, places[key]) == "Département de la Haute-Vienne"
        assert satisfaction(matrix, places[key]) == 0.75  # a page, no housing
    assert shown(matrix, places["bourganeuf"]) is None  # Creuse
    assert satisfaction(matrix, places["lyon"]) == 0


def test_epci_region_and_commune_pages_cover_their_areas(places):
    welcome(EPCI, "248719312", "CC Porte Océane du Limousin")
    welcome(COMMUNE, "23030", "Commune de Bourganeuf")
    welcome(REGION, "84", "Région Auvergne-Rhône-Alpes")  # no commune of ours in it
    matrix = matrix_current()

    assert shown(matrix, places["saint_junien"]) == "CC Porte Océane du Limousin"
    assert shown(matrix, places["rochechouart"]) == "CC Porte Océane du Limousin"
    assert shown(matrix, places["limoges"]) is None
    assert shown(matrix, places["bourganeuf"]) == "Commune de Bourganeuf"
    assert shown(matrix, places["lyon"]) is None
    assert int(matrix.welcome_pages.sum()) == 3


def test_a_region_page_covers_the_communes_of_its_departements(places):
    welcome(REGION, "75", "Région Nouvelle-Aquitaine")
    matrix = matrix_current()

    assert matrix.welcome_pages.tolist() == [1] * 5  # the test départements are all in "75"


def test_an_unpublished_page_or_an_unverified_collectivity_covers_nothing(places):
    welcome(DEPARTEMENT, "87", "Brouillon", published=False)
    welcome(DEPARTEMENT, "23", "En attente", verified=False)
    matrix = matrix_current()

    assert not (matrix.welcome_page >= 0).any()
    assert not matrix.column("welcome").any()


def test_the_welcome_shown_has_bookable_housing_first_then_is_the_most_local(places):
    welcome(DEPARTEMENT, "87", "Département de la Haute-Vienne", housing_in=places["limoges"])
    welcome(EPCI, "248719312", "CC Porte Océane du Limousin", activities=2)
    welcome(COMMUNE, "87126", "Commune de Rochechouart", housing_in=places["rochechouart"])
    matrix = matrix_current()

    # Housing wins over locality; among pages with housing, the commune's own.
    assert shown(matrix, places["saint_junien"]) == "Département de la Haute-Vienne"
    assert shown(matrix, places["rochechouart"]) == "Commune de Rochechouart"
    assert satisfaction(matrix, places["saint_junien"]) == 1.0
    assert matrix.welcome_pages[matrix.index["87126"]] == 3


def test_housing_counts_when_a_period_is_still_open_and_activities_when_to_come(places):
    organisation = welcome(EPCI, "248719312", "CC Porte Océane du Limousin")
    closed = HousingFactory(organisation=organisation, commune=places["saint_junien"])
    HousingPeriod.objects.filter(housing=closed).update(
        start=timezone.localdate() - timedelta(days=30), end=timezone.localdate()
    )
    ActivityFactory(organisation=organisation, starts_at=timezone.now() - timedelta(days=1))
    ActivityFactory(organisation=organisation, starts_at=None)  # on request
    matrix = matrix_current()

    found = matrix.welcome_of(matrix.index["87154"])
    assert (found.housing, found.activities) == (0, 1)
    assert satisfaction(matrix, places["saint_junien"]) == 0.75


def test_an_offer_a_collectivity_supports_counts_within_10_km(places):
    published_offer(places["saint_junien"], profession=Profession.DENTIST, supported_welcome=True)
    published_offer(places["limoges"], profession=Profession.NURSE, housing_offered=True)
    matrix = matrix_current()

    assert satisfaction(matrix, places["saint_junien"]) == 0.5
    assert satisfaction(matrix, places["rochechouart"]) == 0.5  # 9.6 km away
    assert satisfaction(matrix, places["limoges"]) == 0  # its own housing is not a welcome
    assert matrix.supported_near(matrix.index["87126"]) == 1


def test_indispensable_keeps_the_territories_with_a_welcome(places):
    welcome(EPCI, "248719312", "CC Porte Océane du Limousin")
    published_offer(places["bourganeuf"], supported_housing=True)
    matrix = matrix_current()

    ranking = rank(matrix, only_welcome(Importance.REQUIRED), limit=10)

    assert sorted(matrix.insee[row] for row in ranking.rows) == ["23030", "87126", "87154"]
    # The page scores above the supported offer.
    assert [matrix.insee[row] for row in ranking.rows][-1] == "23030"


def test_the_explanation_names_the_collectivity_and_what_it_offers(places):
    welcome(
        EPCI,
        "248719312",
        "Communauté de communes Porte Océane du Limousin",
        housing_in=places["saint_junien"],
        activities=1,
        referent="Sophie Martin",
    )
    published_offer(places["bourganeuf"], supported_welcome=True)

    result = matching_search(criteria=only_welcome(), limit=5)

    first = result.results[0]
    assert first.name == "Saint-Junien"  # the larger of the two covered communes
    assert first.explanation == (
        "Communauté de communes Porte Océane du Limousin vous accueille : 1 logement à "
        "réserver, 1 activité découverte, référent installation"
    )
    assert first.welcome.referent == "Sophie Martin"
    bourganeuf = next(item for item in result.results if item.name == "Bourganeuf")
    assert bourganeuf.welcome is None
    assert bourganeuf.supported_offers == 1
    assert bourganeuf.explanation == ("1 annonce soutenue par une collectivité à moins de 10 km")
    limoges = next(item for item in result.results if item.name == "Limoges")
    assert limoges.caveats == "aucun accueil publié par une collectivité"


def test_the_flag_shows_on_results_whatever_the_criteria(places):
    organisation = welcome(DEPARTEMENT, "23", "Département de la Creuse")

    result = matching_search(criteria=criteria_build(profession=Profession.NURSE), limit=5)

    flagged = {item.name: item.welcome.url for item in result.results if item.welcome}
    assert flagged == {"Bourganeuf": f"/accueil/{organisation.pk}/"}


def test_a_new_welcome_is_seen_at_the_next_ranking_without_a_rebuild(places):
    first = matrix_current()
    organisation = welcome(EPCI, "248719312", "CC Porte Océane du Limousin")

    second = matrix_current()
    assert second.data_version == first.data_version
    assert second.columns is not first.columns
    assert shown(second, places["saint_junien"]) == "CC Porte Océane du Limousin"

    HousingFactory(organisation=organisation, commune=places["saint_junien"])
    assert satisfaction(matrix_current(), places["saint_junien"]) == 1.0

    TerritoryPage.objects.filter(organisation=organisation).get().delete()
    assert shown(matrix_current(), places["saint_junien"]) is None


def test_unchanged_welcomes_keep_the_matrix(places):
    welcome(EPCI, "248719312", "CC Porte Océane du Limousin")
    first = matrix_current()

    assert matrix_current() is first


def test_the_results_page_flags_a_welcoming_territory_and_links_to_its_welcome(client, places):
    organisation = welcome(EPCI, "248719312", "CC Porte Océane du Limousin")

    response = client.get(
        "/territoires/pour-moi/", {"profession": "infirmier", "accueil": "indispensable"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('data-testid="welcome-flag"') == 2
    assert "Ce territoire vous accueille — CC Porte Océane du Limousin" in text
    assert f'href="/accueil/{organisation.pk}/"' in text
    assert "Territoire qui accueille (page d’une collectivité" in text


def test_the_api_gives_the_welcome_of_each_result(client, places):
    organisation = welcome(
        EPCI, "248719312", "CC Porte Océane du Limousin", referent="Sophie Martin"
    )
    published_offer(places["bourganeuf"], supported_welcome=True)

    response = client.get(
        "/api/v1/matching/communes", {"profession": "infirmier", "accueil": "important"}
    )

    assert response.status_code == 200
    results = {item["name"]: item for item in response.json()["results"]}
    assert results["Saint-Junien"]["welcome"] == {
        "name": "CC Porte Océane du Limousin",
        "url": f"/accueil/{organisation.pk}/",
        "housing": 0,
        "activities": 0,
        "referent": "Sophie Martin",
    }
    assert results["Bourganeuf"]["welcome"] is None
    assert results["Bourganeuf"]["supported_offers"] == 1
    contribution = next(
        c for c in results["Saint-Junien"]["contributions"] if c["criterion"] == "accueil"
    )
    assert contribution["satisfaction"] == 0.75


def test_the_api_refuses_an_unknown_importance_for_the_criterion(client, places):
    response = client.get(
        "/api/v1/matching/communes", {"profession": "infirmier", "accueil": "beaucoup"}
    )

    assert response.status_code == 422
    assert "accueil" in response.json()["errors"]
