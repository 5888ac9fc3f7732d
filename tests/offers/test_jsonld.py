import json
import re

import pytest
from django.urls import reverse

from tests.offers.factories import OfferFactory
from tremplin.offers.jsonld import REQUIRED_FIELDS

pytestmark = pytest.mark.django_db


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
    assert data["datePosted"] == offer.published_at.date().isoformat()
    assert data["validThrough"] == offer.expires_on.isoformat()
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
