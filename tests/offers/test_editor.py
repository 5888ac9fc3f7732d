import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.offers.models import Offer, OfferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    organisation = OrganisationFactory(verified=True, name="MSP de Felletin")
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def felletin():
    return CommuneFactory(insee="23079", name="Felletin")


def post_step(client, offer, step, data, **extra):
    return client.post(reverse("offers:edit", args=[offer.pk, step]), data, **extra)


def test_a_member_starts_a_draft_with_the_first_step(client, member):
    client.force_login(member)

    response = client.post(
        reverse("offers:create"),
        {
            "kind": "remplacement",
            "replacement_type": "ponctuel",
            "profession": "medecin_generaliste",
            "title": "Remplacement en MSP",
        },
    )

    offer = Offer.objects.get()
    assert response["Location"] == reverse("offers:edit", args=[offer.pk, "lieu"])
    assert offer.status == OfferStatus.DRAFT
    assert offer.created_by == member
    assert offer.organisation.name == "MSP de Felletin"


def test_someone_without_a_health_organisation_is_sent_to_create_one(client):
    client.force_login(UserFactory())

    response = client.get(reverse("offers:create"))

    assert response["Location"] == reverse("organisations:create")


def test_the_place_step_finds_the_commune_by_name_or_code(client, member, felletin):
    offer = OfferFactory(organisation=member.memberships.get().organisation, commune=None)
    client.force_login(member)

    post_step(client, offer, "lieu", {"commune_code": "felletin", "asap": "on"})

    offer.refresh_from_db()
    assert offer.commune == felletin
    assert offer.latitude == felletin.latitude
    assert offer.departement_code == "23"


def test_an_ambiguous_name_offers_the_candidates(client, member):
    CommuneFactory(insee="93066", name="Saint-Denis")
    CommuneFactory(insee="97411", name="Saint-Denis")
    offer = OfferFactory(organisation=member.memberships.get().organisation, commune=None)
    client.force_login(member)

    response = post_step(client, offer, "lieu", {"commune_code": "Saint-Denis", "asap": "on"})

    assert response.status_code == 400
    assert "Plusieurs communes correspondent" in response.text
    assert 'value="93066"' in response.text and 'value="97411"' in response.text
    offer.refresh_from_db()
    assert offer.commune is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"commune_code": "99999"}, "Aucune commune ne correspond"),
        ({"commune_code": "23079", "start_date": "2020-01-01"}, "La date de début est passée"),
        (
            {"commune_code": "23079", "start_date": "2099-02-01", "end_date": "2099-01-01"},
            "La date de fin doit suivre",
        ),
    ],
)
def test_the_place_step_refuses_bad_places_and_dates(client, member, felletin, data, message):
    offer = OfferFactory(organisation=member.memberships.get().organisation, commune=None)
    client.force_login(member)

    response = post_step(client, offer, "lieu", data)

    assert response.status_code == 400
    assert message in response.text
    for value in data.values():
        # A commune found is shown by its name, what was not found as typed.
        shown = {"23079": "Felletin (23)"}.get(value, value)
        assert f'value="{shown}"' in response.text
    offer.refresh_from_db()
    assert offer.commune is None


def test_a_retrocession_over_100_percent_is_refused(client, member):
    offer = OfferFactory(organisation=member.memberships.get().organisation, retrocession_rate=70)
    client.force_login(member)

    response = post_step(client, offer, "conditions", {"retrocession_rate": "120"})

    assert response.status_code == 400
    assert "entre 0 et 100" in response.text
    assert 'value="120"' in response.text
    offer.refresh_from_db()
    assert offer.retrocession_rate == 70


def test_autosave_returns_the_new_score(client, member, felletin):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation, commune=felletin, housing_offered=None
    )
    client.force_login(member)

    before = offer_score(client, offer)
    response = post_step(
        client, offer, "presentation",
        {"housing": "oui", "housing_details": "Studio meublé gratuit à deux pas du cabinet.", "description": offer.description},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    assert "<html" not in response.text
    assert "Brouillon enregistré automatiquement" in response.text
    after = int(re.search(r'data-testid="score">(\d+)<', response.text).group(1))
    assert after == before + 12


def offer_score(client, offer):
    page = client.get(reverse("offers:edit", args=[offer.pk, "poste"])).text
    return int(re.search(r'data-testid="score">(\d+)<', page).group(1))


def test_descriptions_are_shown_escaped(client, member):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation,
        description="<script>alert('x')</script> <b>gras</b>",
        published=True,
    )

    page = client.get(reverse("offers:detail", args=[offer.pk])).text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_another_organisation_cannot_edit_an_offer(client, member):
    offer = OfferFactory(description="Patientèle fidèle, cabinet lumineux.")
    client.force_login(member)

    for step in ["poste", "lieu", "apercu"]:
        page = client.get(reverse("offers:edit", args=[offer.pk, step]))
        assert page.status_code == 403
        assert "Accès refusé" in page.text
        assert offer.description not in page.text
    response = post_step(
        client, offer, "poste", {"kind": "stage", "profession": "infirmier", "title": "Piraté"}
    )
    assert response.status_code == 403
    assert "Accès refusé" in response.text
    assert client.post(reverse("offers:submit", args=[offer.pk])).status_code == 403
    title, kind = offer.title, offer.kind
    offer.refresh_from_db()
    assert (offer.title, offer.kind, offer.status) == (title, kind, OfferStatus.DRAFT)


def test_the_preview_shows_the_offer_as_candidates_will(client, member, felletin):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation,
        commune=felletin,
        title="Remplacement été",
    )
    client.force_login(member)

    page = client.get(reverse("offers:edit", args=[offer.pk, "apercu"])).text

    assert 'data-testid="preview"' in page
    assert "Remplacement été" in page
    assert "Felletin" in page
    assert "Envoyer à la modération" in page


def test_duplicating_makes_a_new_draft(client, member):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation, published=True, title="Stage d’été"
    )
    client.force_login(member)

    client.post(reverse("offers:duplicate", args=[offer.pk]))

    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert copy.status == OfferStatus.DRAFT
    assert copy.title == "Stage d’été (copie)"
    assert copy.commune == offer.commune
    assert copy.published_at is None


def test_my_offers_lists_views_and_completeness(client, member):
    offer = OfferFactory(organisation=member.memberships.get().organisation, published=True)
    OfferFactory(title="Annonce d’une autre structure")
    client.force_login(member)

    page = client.get(reverse("offers:mine")).text

    assert offer.title in page
    assert "/ 100" in page
    assert "Annonce d’une autre structure" not in page


def test_a_start_in_the_past_blocks_submission(client, member, felletin):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation,
        commune=felletin,
        asap=False,
        start_date=timezone.localdate() - timedelta(days=3),
        end_date=None,
    )
    client.force_login(member)

    response = client.post(reverse("offers:submit", args=[offer.pk]), follow=True)

    assert "La date de début est passée" in response.text
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_an_offer_can_name_several_communes(client, member, felletin):
    CommuneFactory(insee="23096", name="Guéret")
    offer = OfferFactory(organisation=member.memberships.get().organisation, commune=None)
    client.force_login(member)

    refused = post_step(
        client, offer, "lieu", {"commune_code": "23079", "other_codes": "23096 99999", "asap": "on"}
    )
    post_step(
        client,
        offer,
        "lieu",
        {"commune_code": "23079", "other_codes": "23096, 23079", "asap": "on"},
    )

    assert "Aucune commune ne correspond à « 99999 »." in refused.text
    assert list(offer.other_communes.values_list("insee", flat=True)) == ["23096"]
    offer.refresh_from_db()
    offer.status = "published"
    offer.save()
    page = client.get(reverse("offers:detail", args=[offer.pk])).text
    assert "Guéret" in page and "Felletin" in page
