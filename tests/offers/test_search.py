import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.core.professions import Profession
from tremplin.offers import selectors
from tremplin.offers.models import OfferKind, OfferStatus, PracticeSetting
from tremplin.offers.selectors import OfferSearchParams, offer_search
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db
URL = "/annonces/"


@pytest.fixture
def places():
    limousin = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    creuse = DepartementFactory(code="23", name="Creuse", region=limousin)
    haute_vienne = DepartementFactory(code="87", name="Haute-Vienne", region=limousin)
    rhone = DepartementFactory(
        code="69", name="Rhône", region=RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    )
    return {
        "gueret": CommuneFactory(insee="23096", name="Guéret", departement=creuse,
                                 latitude=46.17, longitude=1.87),
        "felletin": CommuneFactory(insee="23079", name="Felletin", departement=creuse,
                                   latitude=45.88, longitude=2.17),
        "limoges": CommuneFactory(insee="87085", name="Limoges", departement=haute_vienne,
                                  latitude=45.83, longitude=1.26),
        "lyon": CommuneFactory(insee="69123", name="Lyon", departement=rhone,
                               latitude=45.76, longitude=4.84),
    }  # fmt: skip


def published(**kwargs):
    return OfferFactory(published=True, **kwargs)


def titles(response):
    return re.findall(
        r'<h3 class="fr-card__title">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', response.text
    )


def search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_it_lists_published_offers_only_newest_first_to_anyone(client, places):
    now = timezone.now()
    published(title="Ancienne", commune=places["gueret"], published_at=now - timedelta(days=3))
    published(title="Récente", commune=places["gueret"], published_at=now)
    OfferFactory(title="Brouillon", commune=places["gueret"])
    OfferFactory(title="Pourvue", commune=places["gueret"], status=OfferStatus.FILLED)

    response = search(client)

    assert titles(response) == ["Récente", "Ancienne"]
    assert "2 annonces" in response.text


def test_it_finds_words_without_accents_or_plural(client, places):
    published(title="Remplacement de Médecin généraliste", commune=places["gueret"])
    published(title="Kinésithérapeute en MSP", profession=Profession.PHYSIOTHERAPIST,
              commune=places["gueret"])  # fmt: skip

    assert titles(search(client, q="medecins")) == ["Remplacement de Médecin généraliste"]
    assert titles(search(client, q="MÉDECIN")) == ["Remplacement de Médecin généraliste"]
    assert titles(search(client, q="kinesitherapeute msp")) == ["Kinésithérapeute en MSP"]
    assert titles(search(client, q="Guéret kinésithérapeute")) == ["Kinésithérapeute en MSP"]
    assert titles(search(client, q="dentiste")) == []


def test_it_filters_by_profession_kind_and_setting(client, places):
    published(title="Kiné", profession=Profession.PHYSIOTHERAPIST, commune=places["gueret"])
    published(title="Stage", kind=OfferKind.INTERNSHIP, commune=places["gueret"],
              setting=PracticeSetting.MSP)  # fmt: skip
    published(title="Remplacement", commune=places["gueret"], setting=PracticeSetting.SOLO)

    assert titles(search(client, profession="masseur_kinesitherapeute")) == ["Kiné"]
    assert titles(search(client, type="stage")) == ["Stage"]
    assert titles(search(client, cadre="msp")) == ["Stage"]
    assert set(titles(search(client, profession="medecin_generaliste"))) == {
        "Stage",
        "Remplacement",
    }


def test_it_filters_by_departement_and_region(client, places):
    published(title="Creuse", commune=places["gueret"])
    published(title="Haute-Vienne", commune=places["limoges"])
    published(title="Rhône", commune=places["lyon"])

    assert titles(search(client, departement="87")) == ["Haute-Vienne"]
    assert set(titles(search(client, region="75"))) == {"Creuse", "Haute-Vienne"}
    assert titles(search(client, region="84")) == ["Rhône"]


class TestPeriod:
    @pytest.fixture
    def offers(self, places):
        year = timezone.localdate().year + 1
        commune = places["gueret"]
        published(title="Juillet", commune=commune, start_date=date(year, 7, 1),
                  end_date=date(year, 7, 31))  # fmt: skip
        published(title="Septembre", commune=commune, start_date=date(year, 9, 1),
                  end_date=date(year, 9, 30))  # fmt: skip
        published(title="Dès que possible", commune=commune, asap=True)
        published(title="Sans dates", commune=commune)
        published(title="Dès mi-août", commune=commune, start_date=date(year, 8, 15))
        return year

    def test_it_keeps_offers_whose_dates_overlap_the_period(self, client, offers):
        found = titles(search(client, du=f"{offers}-08-01", au=f"{offers}-08-20"))
        assert set(found) == {"Dès que possible", "Sans dates", "Dès mi-août"}

        found = titles(search(client, du=f"{offers}-07-15", au=f"{offers}-07-20"))
        assert set(found) == {"Juillet", "Dès que possible", "Sans dates"}

    def test_an_open_ended_period_or_offer_overlaps_what_follows(self, client, offers):
        found = titles(search(client, du=f"{offers}-10-01"))
        assert set(found) == {"Dès que possible", "Sans dates", "Dès mi-août"}

        found = titles(search(client, au=f"{offers}-06-30"))
        assert set(found) == {"Dès que possible", "Sans dates"}

    def test_a_period_ending_before_it_starts_is_refused_in_french(self, client, offers):
        response = search(client, du=f"{offers}-08-01", au=f"{offers}-07-01")

        assert "La fin de la période doit suivre son début." in response.text
        assert titles(response) == []


def test_it_searches_around_a_commune_sorted_by_distance(client, places):
    published(title="Limoges", commune=places["limoges"])
    published(title="Felletin", commune=places["felletin"])
    published(title="Guéret", commune=places["gueret"])
    published(title="Lyon", commune=places["lyon"])

    response = search(client, commune="23096", rayon=50, tri="distance")

    assert titles(response) == ["Guéret", "Felletin"]
    distances = re.findall(r'data-testid="distance">\s*(à [^<]+?)\s*</span>', response.text)
    assert distances == ["à moins d’1 km", "à 40 km"]
    assert "à moins de 50 km de Guéret" in response.text
    assert titles(search(client, commune="23096", rayon=100, tri="distance")) == [
        "Guéret",
        "Felletin",
        "Limoges",
    ]


def test_a_commune_may_be_given_by_name(client, places):
    published(title="Felletin", commune=places["felletin"])
    published(title="Lyon", commune=places["lyon"])

    assert titles(search(client, commune="Felletin", rayon=10)) == ["Felletin"]


def test_an_unknown_commune_is_a_french_error_not_a_crash(client, places):
    response = search(client, commune="99999")
    assert "Aucune commune ne correspond à « 99999 »." in response.text

    response = search(client, commune="Nullepartville")
    assert "Aucune commune ne correspond à « Nullepartville »." in response.text


def test_invalid_values_are_explained_in_french(client, places):
    response = search(client, du="demain", rayon="0", type="croisiere", page="abc")

    page = response.text
    assert "Certains critères ne sont pas valides" in page
    assert "Saisissez une date valide." in page
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1." in page
    assert "Sélectionnez un choix valide" in page


def test_it_filters_by_housing_and_zonage(client, places):
    source = DataSource.objects.create(
        key="zonage_mg", title="Zonage", publisher="ARS", year=2025, imported_at=timezone.now()
    )
    IndicatorValue.objects.create(
        commune=places["felletin"], key="zonage_mg", year=2025, category="ZIP", source=source
    )
    published(title="Logé en ZIP", commune=places["felletin"], housing_offered=True)
    published(title="Logé hors ZIP", commune=places["gueret"], housing_offered=True)
    published(title="Non logé", commune=places["felletin"], housing_offered=False)

    assert set(titles(search(client, logement="on"))) == {"Logé en ZIP", "Logé hors ZIP"}
    assert titles(search(client, logement="on", zonage="ZIP")) == ["Logé en ZIP"]


def test_it_sorts_by_start_date_with_asap_first(client, places):
    soon = timezone.localdate() + timedelta(days=10)
    published(title="Plus tard", commune=places["gueret"], start_date=soon + timedelta(days=30))
    published(title="Bientôt", commune=places["gueret"], start_date=soon)
    published(title="Sans dates", commune=places["gueret"])
    published(title="Dès que possible", commune=places["gueret"], asap=True)

    assert titles(search(client, tri="debut")) == [
        "Dès que possible",
        "Bientôt",
        "Plus tard",
        "Sans dates",
    ]


def test_a_distance_sort_without_commune_falls_back_to_newest(client, places):
    now = timezone.now()
    published(title="Ancienne", commune=places["gueret"], published_at=now - timedelta(days=1))
    published(title="Récente", commune=places["lyon"], published_at=now)

    assert titles(search(client, tri="distance")) == ["Récente", "Ancienne"]
    assert selectors.effective_sort(OfferSearchParams(sort="distance")) == "recent"
    assert selectors.effective_sort(OfferSearchParams(text="kiné")) == "pertinence"


def test_it_paginates_twenty_by_twenty_keeping_the_filters(client, places):
    now = timezone.now()
    for number in range(45):
        published(title=f"Annonce {number:02d}", commune=places["gueret"],
                  published_at=now - timedelta(minutes=number))  # fmt: skip
    published(title="Kiné", profession=Profession.PHYSIOTHERAPIST, commune=places["gueret"])

    first = search(client, profession="medecin_generaliste")
    assert "45 annonces" in first.text
    assert len(titles(first)) == 20
    assert 'href="?profession=medecin_generaliste&amp;page=2"' in first.text
    assert 'href="?profession=medecin_generaliste&amp;page=3"' in first.text

    last = search(client, profession="medecin_generaliste", page=3)
    assert titles(last) == [f"Annonce {n}" for n in range(40, 45)]
    assert 'href="?profession=medecin_generaliste&amp;page=2"' in last.text
    assert titles(search(client, profession="medecin_generaliste", page=99)) == titles(last)
    assert titles(search(client, profession="medecin_generaliste", page="x")) == titles(first)


@pytest.mark.parametrize("order", [{"tri": "distance"}, {"tri": "debut"}, {"q": "medecin"}])
def test_sorts_that_read_every_match_page_and_count_alike(client, places, order):
    for number in range(25):
        published(title=f"Médecin {number:02d}", commune=places["gueret"],
                  start_date=timezone.localdate() + timedelta(days=number + 1))  # fmt: skip

    first = search(client, commune="23096", **order)
    second = search(client, commune="23096", page=2, **order)
    beyond = search(client, commune="23096", page=7, **order)

    assert "25 annonces" in first.text and "25 annonces" in beyond.text
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert set(titles(first)) | set(titles(second)) == {f"Médecin {n:02d}" for n in range(25)}
    assert titles(beyond) == titles(second)


def test_it_suggests_wider_searches_when_nothing_matches(client, places):
    year = timezone.localdate().year + 1
    july = {"start_date": date(year, 7, 1), "end_date": date(year, 7, 31)}
    september = {"start_date": date(year, 9, 1), "end_date": date(year, 9, 30)}
    published(title="Kiné à Limoges", commune=places["limoges"], **july)
    published(title="Infirmier à Guéret", commune=places["gueret"], **july)
    published(title="Kiné à Guéret en septembre", commune=places["gueret"], **september)

    response = search(client, q="kine", commune="23096", rayon=40, du=f"{year}-07-01",
                      au=f"{year}-07-31")  # fmt: skip

    assert titles(response) == []
    block = response.text.split('data-testid="suggestions"')[1]
    assert "Aucune annonce ne correspond à ces critères" in block
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>\s*\((\d+) annonces?\)', block)
    assert [(label, count) for _url, label, count in found] == [
        ("Élargir le rayon à 80 km autour de Guéret", "1"),
        ("Sans les dates", "1"),
        ("Sans les mots-clés « kine »", "1"),
        ("En élargissant tous ces critères", "3"),
    ]
    expected = [["Kiné à Limoges"], ["Kiné à Guéret en septembre"], ["Infirmier à Guéret"]]
    for (url, _label, _count), titles_expected in zip(found, expected, strict=False):
        assert titles(client.get(url.replace("&amp;", "&"))) == titles_expected


def test_without_any_wider_search_it_offers_to_see_everything(client, places):
    published(title="Remplacement", commune=places["gueret"])

    block = search(client, profession="pediatre").text.split('data-testid="suggestions"')[1]

    assert "voyez toutes les annonces" in block


def test_suggestions_carry_their_counts_and_urls(places):
    published(title="Remplacement d’été", commune=places["gueret"])
    commune = places["gueret"]

    result = offer_search(params=OfferSearchParams(text="hiver", commune=commune, radius_km=20))

    assert result.count == 0
    (suggestion,) = result.suggestions
    assert suggestion.count == 1
    assert suggestion.url == "/annonces/?commune=23096&rayon=20"


def test_it_shows_badges_and_practical_details_on_cards(client, places):
    published(title="Remplacement", commune=places["gueret"], housing_offered=True,
              retrocession_rate=72.5, is_demo=True, asap=True,
              organisation=OrganisationFactory(verified=True, name="MSP de Guéret"))  # fmt: skip
    published(title="Poste salarié", kind=OfferKind.SALARIED, commune=places["gueret"],
              salary_min=6500, salary_max=8000)  # fmt: skip

    page = search(client).text

    for text in ["Logement proposé", "Démonstration", "Rétrocession 72,5 %", "Dès que possible",
                 "MSP de Guéret", "Guéret, Creuse (23)", "Remplacement", "Salariat",
                 "6\xa0500 à 8\xa0000 € brut par mois", "Médecin généraliste"]:  # fmt: skip
        assert text in page, text


def test_the_form_keeps_the_criteria_in_the_url(client, places):
    page = search(client, q="kiné", commune="23096", rayon="30", logement="on", type="stage",
                  profession="infirmier").text  # fmt: skip

    assert 'value="kiné"' in page
    assert 'name="commune" value="Guéret (23)"' in page
    assert re.search(r'name="logement"[^>]*checked', page)
    assert '<option value="stage" selected>Stage</option>' in page
    assert '<optgroup label="Autres professions de santé">' in page
    assert '<option value="infirmier" selected>Infirmier</option>' in page
    assert 'method="get"' in page
    assert 'data-hx-push-url="true"' in page


def test_the_page_uses_a_bounded_number_of_queries(client, places, django_assert_max_num_queries):
    organisations = [OrganisationFactory(verified=True) for _ in range(5)]
    for number in range(25):
        published(commune=list(places.values())[number % 4],
                  organisation=organisations[number % 5])  # fmt: skip

    with django_assert_max_num_queries(6):
        response = search(client, commune="23096", rayon=500, tri="distance")
    assert len(titles(response)) == 20

    with django_assert_max_num_queries(6):
        response = search(client, q="medecin generaliste")
    assert len(titles(response)) == 20


def test_htmx_gets_the_results_only_and_history_restores_get_the_page(client, places):
    published(title="Remplacement", commune=places["gueret"])

    partial = client.get(URL, {"q": "remplacement"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert titles(partial) == ["Remplacement"]
    assert "HX-Request" in partial["Vary"]

    restore = client.get(
        URL, {"q": "remplacement"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )  # fmt: skip
    assert "<html" in restore.text


def map_items(page: str) -> list[dict[str, str]]:
    """The map's list: one item per located result, the data the canvas reads (map.js)."""
    listing = page.split('data-testid="offers-map-list"')[1].split("</ul>")[0]
    items = re.findall(r"<li data-map-item(.*?)>\s*<a href=\"([^\"]+)\">([^<]+)</a>", listing, re.S)
    return [
        {**dict(re.findall(r'data-([a-z]+)="([^"]*)"', attributes)), "href": href, "text": text}
        for attributes, href, text in items
    ]


def test_the_map_lists_one_located_link_per_result(client, places):
    gueret = published(title="Guéret", commune=places["gueret"])
    published(title="Lyon", commune=places["lyon"])

    page = search(client, vue="carte", departement="23").text

    (item,) = map_items(page)
    assert item["href"] == item["url"] == f"/annonces/{gueret.pk}/"
    assert (item["text"], item["name"], item["place"]) == ("Guéret", "Guéret", "Guéret")
    assert (float(item["lon"]), float(item["lat"])) == (1.87, 46.17)
    assert 'data-map-mode="markers"' in page
    assert "territories/map.js" in page
    assert 'aria-current="page"' in page.split("Carte</a>")[0].rsplit("<a", 1)[1]


def test_the_map_says_when_it_shows_only_part_of_the_results(client, places, monkeypatch):
    monkeypatch.setattr(selectors, "MAP_LIMIT", 2)
    for _ in range(3):
        published(commune=places["gueret"])

    page = search(client, vue="carte").text

    assert len(map_items(page)) == 2
    assert "Seules 2 des 3 annonces sont placées sur la carte" in page


def test_the_list_and_map_links_keep_the_filters(client, places):
    page = search(client, q="kine", vue="carte", page="2").text

    assert 'href="?q=kine"' in page
    assert 'href="?q=kine&amp;vue=carte"' in page
    assert '<input type="hidden" name="vue" value="carte">' in page


def test_only_safe_methods_are_allowed(client):
    response = client.post(URL)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert reverse("offers:search") == URL
