import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.matching.builders import limousin
from tremplin.core.professions import Profession
from tremplin.matching.models import SavedSearch
from tremplin.matching.services import MAX_SAVED_SEARCHES
from tremplin.matching.store import matrix_current

pytestmark = pytest.mark.django_db
URL = "/territoires/pour-moi/"
QUERY = {
    "profession": "infirmier",
    "pres_de": "Limoges",
    "rayon": "60",
    "gare": "important",
    "gare_km": "5",
}


@pytest.fixture
def places():
    return limousin()


def ranked_names(response):
    return re.findall(
        r'<h3 class="fr-h6 fr-mb-1v">\s*\d+\. <a href="[^"]+">([^<]+)</a>', response.text
    )


def test_the_page_explains_itself_before_any_criterion(client, places):
    response = client.get(URL)

    assert response.status_code == 200
    assert "Comment ça marche" in response.text
    assert 'data-testid="result-list"' not in response.text


def test_a_professional_starts_from_their_profession(client, places):
    user = UserFactory(professional=True, profile__profession=Profession.MIDWIFE)
    client.force_login(user)

    response = client.get(URL)

    assert '<option value="sage_femme" selected>' in response.text


def test_it_ranks_and_explains_territories_with_a_map(client, places):
    response = client.get(URL, QUERY)

    assert response.status_code == 200
    assert ranked_names(response) == ["Saint-Junien", "Bourganeuf", "Rochechouart", "Limoges"]
    assert "4 communes vous correspondent" in response.text
    assert "à 28 km de Limoges ; gare à moins d’1 km" in response.text
    assert 'data-testid="matching-map"' in response.text
    assert response.text.count('<a href="/territoires/communes/87154/">') >= 2  # list and map
    assert "/annonces/?commune=87154&amp;rayon=10&amp;profession=infirmier" in response.text
    assert "Près de chez moi (Limoges (87085), à moins de 60 km) : indispensable" in response.text


def test_the_same_criteria_rank_epcis(client, places):
    response = client.get(URL, {**QUERY, "echelle": "epci"})

    assert ranked_names(response) == ["CC Porte Océane du Limousin", "Limoges Métropole"]
    assert "meilleure commune : Saint-Junien" in response.text
    communes_link = reverse("matching:search") + "?profession=infirmier"
    assert f'href="{communes_link}' in response.text


def test_htmx_gets_the_results_only(client, places):
    response = client.get(URL, QUERY, headers={"HX-Request": "true"})

    assert "<html" not in response.text
    assert ranked_names(response)[0] == "Saint-Junien"
    assert response["Vary"].count("HX-Request") == 1


def test_bad_criteria_are_shown_in_french(client, places):
    response = client.get(URL, {"profession": "plombier", "rayon": "-5", "pres_de": "Nullepart"})

    assert response.status_code == 200
    assert "Certains critères ne sont pas valides" in response.text
    assert "« plombier » n’est pas une profession connue." in response.text
    assert "Indiquez une distance entre 1 et 1000 km." in response.text
    assert "Aucune commune ne correspond à « Nullepart »." in response.text


def test_nothing_left_suggests_the_criterion_to_relax(client, places):
    response = client.get(
        URL,
        {"profession": "infirmier", "pres_de": "Lyon", "rayon": "20", "gare": "indispensable"},
    )

    assert "Aucune commune ne remplit tous vos critères indispensables." in response.text
    assert "Rendre « Près de chez moi » important" in response.text
    assert "proximite=important" in response.text


def test_the_page_uses_a_bounded_number_of_queries(client, places, django_assert_max_num_queries):
    matrix_current()
    client.get(URL, QUERY)  # the France map is drawn once, then cached

    # Four for the page (the place typed among the communes' names, the map's version), two
    # for the région and département lists, four for the matrix's versions (checked at every
    # ranking).
    with django_assert_max_num_queries(10):
        response = client.get(URL, QUERY)

    assert len(ranked_names(response)) == 4


def test_a_visitor_must_log_in_to_save_criteria(client, places):
    response = client.post(reverse("matching:save"), {"name": "x", "query": "profession=infirmier"})

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")
    assert not SavedSearch.objects.exists()


def test_a_user_saves_reopens_and_deletes_criteria(client, places):
    user = UserFactory(professional=True)
    client.force_login(user)
    page = client.get(URL, QUERY)
    query = re.search(r'name="query" value="([^"]+)"', page.text).group(1).replace("&amp;", "&")

    response = client.post(reverse("matching:save"), {"name": "Près de Limoges", "query": query})

    saved = SavedSearch.objects.get()
    assert (saved.user, saved.name) == (user, "Près de Limoges")
    assert saved.query == "profession=infirmier&pres_de=Limoges&rayon=60&gare=important&gare_km=5"
    assert response["Location"] == f"{URL}?{saved.query}"
    assert "Vos critères sont enregistrés." in client.get(response["Location"]).text
    listing = client.get(URL)
    assert f'href="{URL}?profession=infirmier&amp;pres_de=Limoges' in listing.text

    client.post(reverse("matching:delete", args=[saved.pk]))

    assert not SavedSearch.objects.exists()


def test_nobody_deletes_someone_elses_saved_search(client, places):
    saved = SavedSearch.objects.create(
        user=UserFactory(), name="À moi", query="profession=infirmier"
    )
    client.force_login(UserFactory())

    response = client.post(reverse("matching:delete", args=[saved.pk]))

    assert response.status_code == 404
    assert "À moi" not in response.text
    saved.refresh_from_db()
    assert (saved.name, saved.query) == ("À moi", "profession=infirmier")


def test_invalid_criteria_are_not_saved(client, places):
    client.force_login(UserFactory())

    response = client.post(reverse("matching:save"), {"name": "x", "query": "profession=plombier"})

    assert response.status_code == 302
    assert response["Location"] == reverse("matching:search")
    page = client.get(response["Location"])
    assert "Ces critères ne peuvent pas être enregistrés : vérifiez-les." in page.text
    assert not SavedSearch.objects.exists()


def test_saved_searches_are_limited(client, places):
    user = UserFactory()
    SavedSearch.objects.bulk_create(
        SavedSearch(user=user, name=f"n°{i}", query="profession=infirmier")
        for i in range(MAX_SAVED_SEARCHES)
    )
    client.force_login(user)

    response = client.post(
        reverse("matching:save"),
        {"name": "une de trop", "query": "profession=infirmier"},
        follow=True,
    )

    assert SavedSearch.objects.filter(user=user).count() == MAX_SAVED_SEARCHES
    assert "supprimez-en une d’abord" in response.text


def test_the_results_offer_an_alert_for_these_territories(client, places):
    import html
    from urllib.parse import parse_qs, urlparse

    response = client.get(URL, QUERY)
    link = re.search(r'data-testid="territory-alert"\s+href="([^"]+)"', response.text).group(1)
    params = parse_qs(urlparse(html.unescape(link)).query)
    assert params["kind"] == ["territories"]
    assert parse_qs(params["query"][0])["pres_de"] == ["Limoges"]
    form = client.get(html.unescape(link))
    assert form.status_code == 200
    assert "territories" in form.text
