"""Feeds, sitemap and robots.txt: parsed as their readers parse them, filters applied."""

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.core.professions import Profession
from tremplin.offers.models import OfferKind
from tremplin.syndication.feeds import INDEED_JOB_ELEMENTS, INDEED_SOURCE_ELEMENTS

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
    # HTML, as RSS readers take it: the offer's own text escaped inside it.
    assert "logement &lt;fourni&gt; &amp; voiture ]]&gt; prêtée" in item.findtext("description")
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
    assert nurse.findtext("requisitionid") == str(offers["nurse"].pk)
    assert nurse.findtext("country") == "FR"
    assert nurse.findtext("state") == "Nouvelle-Aquitaine"
    assert nurse.findtext("jobtype") == "temporary"
    assert nurse.findtext("category") == "Infirmier"
    assert nurse.findtext("salary") == "rétrocession 85 %"
    # The full description, with "]]>" kept and the vertical tab XML forbids removed.
    assert nurse.findtext("description") == (
        "Tournée de 40 patients , logement <fourni> & voiture ]]> prêtée."
    )
    assert nurse.findtext("expirationdate") == offers["nurse"].expires_on.isoformat()
    assert datetime.fromisoformat(nurse.findtext("date")) == offers["nurse"].published_at.replace(
        microsecond=0
    )
    assert nurse.findtext("date").endswith("Z")
    assert [j.findtext("jobtype") for j in jobs if j.findtext("title") == "Stage en MSP"] == [
        "internship"
    ]


def test_the_job_feed_holds_only_elements_of_indeeds_specification_none_empty(client, offers):
    OfferFactory(
        published=True,
        title="Sans salaire ni code postal",
        commune=CommuneFactory(insee="23001", name="Commune sans code", postal_codes=""),
        description="",
        start_date=timezone.localdate() + timedelta(days=30),
    )

    source = ET.fromstring(content(client.get("/diffusion/annonces.xml")))

    assert {child.tag for child in source} <= set(INDEED_SOURCE_ELEMENTS)
    jobs = source.findall("job")
    assert len(jobs) == 4
    for job in jobs:
        assert {child.tag for child in job} <= set(INDEED_JOB_ELEMENTS), job.findtext("title")
        for child in job:
            assert (child.text or "").strip(), (job.findtext("title"), child.tag)
            assert len(child) == 0, child.tag
        for required in ("title", "date", "referencenumber", "requisitionid", "url",
                         "company", "city", "country", "description"):  # fmt: skip
            assert job.find(required) is not None, required
    bare = next(j for j in jobs if j.findtext("title") == "Sans salaire ni code postal")
    assert bare.find("salary") is None and bare.find("postalcode") is None
    # No <startdate> (not in the specification): the dates the page shows end the description.
    start = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    assert bare.findtext("description").endswith(f"Dates : à partir du {start}")


def test_the_indeed_lists_are_the_specifications():
    # The lists the test reads are Indeed's, word for word: a new element needs its spec line.
    assert "startdate" not in INDEED_JOB_ELEMENTS
    assert len(INDEED_JOB_ELEMENTS) == len(set(INDEED_JOB_ELEMENTS)) == 21


# --- Read back with feedparser, as feed readers do ---------------------------------------------


def parsed(client, path, **query):
    return feedparser.parse(content(client.get(path, query)))


@pytest.mark.parametrize("path", ["/diffusion/annonces.rss", "/diffusion/annonces.atom",
                                  "/diffusion/annonces.json"])  # fmt: skip
def test_feedparser_reads_each_feed_without_error_one_entry_per_offer(client, offers, path):
    feed = parsed(client, path)

    if path.endswith(".json"):  # feedparser reads RSS and Atom; JSON Feed is checked below
        assert feed.bozo == 1
        return
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.language.startswith("fr")
    assert [entry.title for entry in feed.entries] == [
        "Remplacement à Bordeaux",
        "Stage en MSP",
        "Remplacement infirmier à Guéret",
    ]
    by_title = {entry.title: entry for entry in feed.entries}
    for key, offer in offers.items():
        entry = by_title[offer.title]
        assert entry.link == f"{settings.SITE_URL}/annonces/{offer.pk}/", key
        assert entry.id == entry.link
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert published == offer.published_at.astimezone(UTC).replace(microsecond=0), key
    nurse = by_title["Remplacement infirmier à Guéret"]
    summary = nurse.summary
    if nurse.summary_detail.type == "text/html":  # RSS: the reader's text of the HTML
        summary = html.unescape(re.sub(r"<[^>]+>", " ", summary))
    else:
        assert nurse.summary_detail.type == "text/plain"
    assert "logement <fourni> & voiture ]]> prêtée" in summary
    terms = {(tag.term, tag.label) for tag in nurse.tags}
    if path.endswith(".rss"):
        assert terms == {("Remplacement", None), ("Infirmier", None)}
    else:
        assert terms == {("remplacement", "Remplacement"), ("infirmier", "Infirmier")}


def test_feedparser_reads_the_atom_feeds_links_and_updates(client, offers):
    feed = parsed(client, "/diffusion/annonces.atom", type="stage")

    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        f"{settings.SITE_URL}/diffusion/annonces.atom?type=stage"
    ]
    assert [entry.title for entry in feed.entries] == ["Stage en MSP"]
    updated = datetime(*feed.entries[0].updated_parsed[:6], tzinfo=UTC)
    assert updated == offers["doctor"].updated_at.astimezone(UTC).replace(microsecond=0)
    assert feed.feed.author == "Tremplin"  # every entry's, by Atom's inheritance


def test_feedparser_reads_the_rss_feed_as_rss_2(client, offers):
    feed = parsed(client, "/diffusion/annonces.rss", departement="33")

    assert feed.bozo == 0
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == ["Remplacement à Bordeaux"]
    assert feed.entries[0].id == feed.entries[0].link
    assert feed.entries[0].summary_detail.type == "text/html"


# JSON Feed 1.1 (https://jsonfeed.org/version/1.1): what a feed and each item must carry.
JSON_FEED_REQUIRED = ("version", "title", "items")
JSON_ITEM_REQUIRED = ("id",)
JSON_ITEM_CONTENT = ("content_html", "content_text")  # at least one


def test_the_json_feed_has_every_field_json_feed_1_1_requires(client, offers):
    data = json.loads(content(client.get("/diffusion/annonces.json")))

    for field in JSON_FEED_REQUIRED:
        assert data.get(field), field
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"].startswith(settings.SITE_URL)
    assert data["authors"] and "author" not in data  # 1.1 replaced `author` by `authors`
    assert len(data["items"]) == 3
    by_id = {item["id"]: item for item in data["items"]}
    for offer in offers.values():
        item = by_id[str(offer.pk)]
        for field in JSON_ITEM_REQUIRED:
            assert isinstance(item[field], str) and item[field], field
        assert any(item.get(field) for field in JSON_ITEM_CONTENT)
        assert item["url"] == f"{settings.SITE_URL}/annonces/{offer.pk}/"
        assert datetime.fromisoformat(item["date_published"]) == offer.published_at
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        # Extensions start with an underscore; every other key is one the spec defines.
        assert set(item) - {"_tremplin"} <= {
            "id", "url", "external_url", "title", "content_html", "content_text", "summary",
            "image", "banner_image", "date_published", "date_modified", "authors", "tags",
            "language", "attachments",
        }  # fmt: skip


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
