import json
import re
from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.offers.factories import OfferFactory
from tremplin.offers.jsonld import REQUIRED_FIELDS, description_html
from tremplin.offers.models import OfferKind

pytestmark = pytest.mark.django_db

# Google Search Central, « Job posting (JobPosting) structured data », both lists whole.
GOOGLE_REQUIRED = ("datePosted", "description", "hiringOrganization", "jobLocation", "title")
GOOGLE_REQUIRED_REMOTE = ("applicantLocationRequirements", "jobLocationType")
GOOGLE_RECOMMENDED = ("applicantLocationRequirements", "baseSalary", "directApply",
                      "employmentType", "identifier", "jobLocationType", "validThrough")  # fmt: skip
GOOGLE_EMPLOYMENT_TYPES = {"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN",
                           "VOLUNTEER", "PER_DIEM", "OTHER"}  # fmt: skip
PARIS = ZoneInfo("Europe/Paris")


def jsonld_of(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_a_published_offer_page_carries_a_valid_job_posting(client):
    offer = OfferFactory(
        published=True, title="Remplacement </script> été", salary_min=4000, salary_max=5000
    )

    data = jsonld_of(client.get(reverse("offers:detail", args=[offer.pk])).text)

    for field in REQUIRED_FIELDS:
        assert data.get(field), field
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Remplacement </script> été"
    assert data["hiringOrganization"] == {"@type": "Organization", "name": offer.organisation.name}
    assert data["jobLocation"]["address"]["addressLocality"] == offer.commune.name
    assert data["jobLocation"]["address"]["addressCountry"] == "FR"
    assert datetime.fromisoformat(data["datePosted"]) == offer.published_at
    assert datetime.fromisoformat(data["validThrough"]) == datetime.combine(
        offer.expires_on, datetime.min.time(), tzinfo=PARIS
    )
    assert data["employmentType"] == "TEMPORARY"
    assert data["baseSalary"]["value"]["minValue"] == 4000


def test_a_draft_shown_to_its_author_has_no_job_posting(client):
    offer = OfferFactory()
    member = offer.organisation.memberships.first()
    if member is None:
        from tests.organisations.factories import MembershipFactory

        member = MembershipFactory(organisation=offer.organisation)
    client.force_login(member.user)

    page = client.get(reverse("offers:detail", args=[offer.pk])).text

    assert "application/ld+json" not in page
    assert "n’est pas publique" in page


def posting_of(client, offer) -> dict:
    return jsonld_of(client.get(reverse("offers:detail", args=[offer.pk])).text)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_it_gives_every_field_google_requires(client):
    offer = OfferFactory(published=True)

    data = posting_of(client, offer)

    for field in GOOGLE_REQUIRED:
        assert data.get(field), field
    # A job with a place: the remote-only pair is neither needed nor given.
    for field in GOOGLE_REQUIRED_REMOTE:
        assert field not in data, field
    assert data["jobLocation"]["@type"] == "Place"
    assert data["hiringOrganization"]["name"] == offer.organisation.name


@pytest.mark.parametrize("field", GOOGLE_RECOMMENDED)
def test_it_gives_each_recommended_field_it_can_know(client, field):
    offer = OfferFactory(published=True, kind=OfferKind.SALARIED, salary_min=3000, salary_max=3500)

    data = posting_of(client, offer)

    if field in GOOGLE_REQUIRED_REMOTE:  # only for fully remote work: no offer here is
        assert field not in data
    elif field == "baseSalary":
        assert data[field] == {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {
                "@type": "QuantitativeValue",
                "unitText": "MONTH",
                "minValue": 3000,
                "maxValue": 3500,
            },
        }
    elif field == "directApply":
        assert data[field] is True
    elif field == "employmentType":
        assert data[field] == "FULL_TIME"
    elif field == "identifier":
        assert data[field] == {"@type": "PropertyValue", "name": "Tremplin", "value": str(offer.pk)}
    elif field == "validThrough":
        moment = datetime.fromisoformat(data[field])
        assert moment.tzinfo is not None
        assert moment == datetime.combine(offer.expires_on, datetime.min.time(), tzinfo=PARIS)
    else:
        pytest.fail(f"no check for {field}")


def test_it_gives_no_salary_when_the_offer_states_none(client):
    offer = OfferFactory(published=True, salary_min=None, salary_max=None)

    assert "baseSalary" not in posting_of(client, offer)


@pytest.mark.parametrize("kind", list(OfferKind))
def test_each_kind_of_offer_has_an_employment_type_google_knows(client, kind):
    offer = OfferFactory(published=True, kind=kind)

    assert posting_of(client, offer)["employmentType"] in GOOGLE_EMPLOYMENT_TYPES


def test_valid_through_is_a_paris_datetime_in_summer_too(client):
    offer = OfferFactory(
        published=True,
        published_at=datetime(2026, 5, 2, 9, tzinfo=PARIS),
        start_date=date(2026, 6, 1),
        end_date=date(2026, 7, 14),
    )

    assert posting_of(client, offer)["validThrough"] == "2026-07-14T00:00:00+02:00"


def test_the_description_is_safe_html_of_the_offers_text(client):
    offer = OfferFactory(
        published=True,
        description="Cabinet <b>rural</b> & calme.\nSecrétariat sur place.\n\n"
        "- gardes partagées\n- logement <script>alert(1)</script>\n\nÀ bientôt",
    )

    html = posting_of(client, offer)["description"]

    parser = _Tags()
    parser.feed(html)
    assert parser.tags == ["p", "br", "ul", "li", "li", "p"]
    assert "<script>" not in html and "<b>" not in html
    assert "Cabinet <b>rural</b> & calme." in parser.text
    assert "logement <script>alert(1)</script>" in parser.text


def test_a_description_without_text_falls_back_on_the_title():
    assert description_html("Remplacement à Felletin") == "<p>Remplacement à Felletin</p>"
    assert description_html("a\r\n\r\n\r\nb") == "<p>a</p><p>b</p>"


def test_a_published_offer_without_a_commune_has_no_posting(client):
    offer = OfferFactory(published=True, commune=None)

    page = client.get(reverse("offers:detail", args=[offer.pk])).text

    assert "application/ld+json" not in page
