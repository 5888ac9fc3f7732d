"""Feeds, sitemap and robots.txt: parsed as their readers parse them, filters applied."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.core.professions import Profession
from tremplin.offers.models import OfferKind

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def offers():
    """Two published offers in the Creuse (a nurse's and a doctor's), one in the Gironde,
    one draft."""
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory())
    now = timezone.now()
    nurse = OfferFactory(
        published=True,
        title="Remplacement infirmier à Guéret",
        profession=Profession.NURSE,
        published_at=now - timedelta(hours=2),
        description="Tournée de 40 patients \x0b, logement <fourni> & voiture ]]> prêtée.",
        retrocession_rate=85,
    )
    doctor = OfferFactory(
        published=True,
        title="Stage en MSP",
        kind=OfferKind.INTERNSHIP,
        published_at=now - timedelta(hours=1),
    )
    bordeaux = OfferFactory(
        published=True,
        title="Remplacement à Bordeaux",
        commune=CommuneFactory(insee="33063", name="Bordeaux", departement=gironde),
        published_at=now,
    )
    OfferFactory(title="Brouillon")
    return {"nurse": nurse, "doctor": doctor, "bordeaux": bordeaux}


def content(response) -> bytes:
    assert response.status_code == 200, response
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def test_the_rss_feed_lists_published_offers_newest_first(client, offers):
    response = client.get("/diffusion/annonces.rss")

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(content(response)).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Remplacement à Bordeaux", "Stage en MSP", "Remplacement infirmier à Guéret"]
    item = channel.findall("item")[-1]
    assert item.findtext("link").endswith(f"/annonces/{offers['nurse'].pk}/")
    assert item.findtext("guid") == item.findtext("link")
    assert "Infirmier" in item.findtext("description")
    assert "logement <fourni> & voiture ]]> prêtée" in item.findtext("description")
    assert item.findtext("pubDate").endswith("GMT")
    assert channel.findtext("language") == "fr"


def test_feeds_apply_the_filters_of_the_search_url(client, offers):
    response = client.get(
        "/diffusion/annonces.rss", {"departement": "23", "profession": "infirmier"}
    )

    channel = ET.fromstring(content(response)).find("channel")
    assert [i.findtext("title") for i in channel.findall("item")] == [
        "Remplacement infirmier à Guéret"
    ]
    assert "Infirmier" in channel.findtext("title") and "Creuse" in channel.findtext("title")
    assert channel.findtext("link").endswith("/annonces/?profession=infirmier&departement=23")


def test_the_atom_feed_is_valid_and_filtered(client, offers):
    response = client.get("/diffusion/annonces.atom", {"type": "stage"})

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(content(response))
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Stage en MSP"]
    assert (
        feed.find(f"{ATOM}link[@rel='self']")
        .get("href")
        .endswith("/diffusion/annonces.atom?type=stage")
    )
    for tag in ("id", "updated", "published", "summary"):
        assert entries[0].findtext(f"{ATOM}{tag}"), tag
    assert feed.findtext(f"{ATOM}updated")


def test_the_json_feed_follows_json_feed_1_1(client, offers):
    response = client.get("/diffusion/annonces.json", {"q": "remplacement", "limite": "1"})

    data = json.loads(content(response))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in data["items"]] == ["Remplacement à Bordeaux"]
    item = data["items"][0]
    assert item["id"] == str(offers["bordeaux"].pk)
    assert item["url"].endswith(f"/annonces/{offers['bordeaux'].pk}/")
    assert item["_tremplin"]["departement"] == "Gironde"


def test_the_job_feed_has_every_offer_in_the_indeed_xml_format(client, offers):
    response = client.get("/diffusion/annonces.xml")

    source = ET.fromstring(content(response))
    assert source.tag == "source"
    assert source.findtext("publisher") == "Tremplin"
    jobs = source.findall("job")
    assert len(jobs) == 3
    nurse = next(j for j in jobs if j.findtext("referencenumber") == str(offers["nurse"].pk))
    assert nurse.findtext("country") == "FR"
    assert nurse.findtext("state") == "Nouvelle-Aquitaine"
    assert nurse.findtext("jobtype") == "temporary"
    assert nurse.findtext("category") == "Infirmier"
    assert nurse.findtext("salary") == "rétrocession 85 %"
    # The full description, with "]]>" kept and the vertical tab XML forbids removed.
    assert nurse.findtext("description") == (
        "Tournée de 40 patients , logement <fourni> & voiture ]]> prêtée."
    )
    assert nurse.findtext("expirationdate")
    assert [j.findtext("jobtype") for j in jobs if j.findtext("title") == "Stage en MSP"] == [
        "internship"
    ]


def test_the_feeds_read_offers_in_a_constant_number_of_queries(
    client, offers, django_assert_max_num_queries
):
    for number in range(30):
        OfferFactory(published=True, title=f"Annonce {number}")

    for path in ("annonces.rss", "annonces.atom", "annonces.json", "annonces.xml"):
        # Session/auth aside: the form's two choice lists and the offers, in one query.
        with django_assert_max_num_queries(4):
            body = content(client.get(f"/diffusion/{path}"))
        assert b"Annonce 29" in body


def test_a_feed_with_invalid_filters_answers_400_with_the_reason(client, offers):
    response = client.get("/diffusion/annonces.rss", {"commune": "Zzzzzz"})

    assert response.status_code == 400
    assert "Aucune commune ne correspond" in response.content.decode()
    assert "<rss" not in response.content.decode()


def test_the_sitemap_index_lists_offers_and_territory_profiles(client, offers):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [s.findtext(f"{SITEMAP}loc") for s in index.findall(f"{SITEMAP}sitemap")]
    assert [s.rsplit("/", 1)[-1] for s in sections] == [
        "sitemap-pages.xml",
        "sitemap-annonces.xml",
        "sitemap-communes.xml",
        "sitemap-territoires.xml",
    ]

    offers_map = ET.fromstring(client.get("/sitemap-annonces.xml").content)
    locations = {u.findtext(f"{SITEMAP}loc") for u in offers_map.findall(f"{SITEMAP}url")}
    assert {loc.split("testserver", 1)[1] for loc in locations} == {
        f"/annonces/{offer.pk}/" for offer in offers.values()
    }
    assert all(u.findtext(f"{SITEMAP}lastmod") for u in offers_map.findall(f"{SITEMAP}url"))
    communes = ET.fromstring(client.get("/sitemap-communes.xml").content)
    assert any(
        u.findtext(f"{SITEMAP}loc").endswith("/territoires/communes/33063/")
        for u in communes.findall(f"{SITEMAP}url")
    )
    areas = client.get("/sitemap-territoires.xml").content.decode()
    assert "/territoires/departements/23/" in areas and "/territoires/regions/75/" in areas


def test_the_sitemap_is_cut_in_pages_listed_by_the_index(client, offers, monkeypatch):
    from tremplin.syndication import sitemaps

    monkeypatch.setattr(sitemaps.CommuneSitemap, "limit", 1)

    index = client.get("/sitemap.xml").content.decode()

    assert "sitemap-communes.xml?p=2" in index
    assert client.get("/sitemap-communes.xml", {"p": 2}).status_code == 200


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in response.content.decode()


def test_search_feeds_are_cached_a_few_minutes(client, offers, settings):
    settings.FEEDS_CACHE_SECONDS = 300
    first = content(client.get("/diffusion/annonces.rss", {"departement": "23"}))
    OfferFactory(published=True, title="Annonce toute neuve")

    cached = content(client.get("/diffusion/annonces.rss", {"departement": "23"}))
    other_url = content(client.get("/diffusion/annonces.rss", {"departement": "23", "limite": 9}))

    assert cached == first and b"Annonce toute neuve" not in cached
    assert b"Annonce toute neuve" in other_url
    settings.FEEDS_CACHE_SECONDS = 0
    assert b"Annonce toute neuve" in content(
        client.get("/diffusion/annonces.rss", {"departement": "23"})
    )
