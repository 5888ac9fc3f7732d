"""API tokens (pages of organisation admins) and the token-authenticated writes of /api/v1/."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.offers.models import Offer, OfferStatus
from tremplin.syndication import services_tokens
from tremplin.syndication.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    membership = MembershipFactory(admin=True, organisation=OrganisationFactory(verified=True))
    return membership.user


@pytest.fixture
def organisation(admin):
    return admin.memberships.get().organisation


@pytest.fixture
def token(admin, organisation):
    _token, raw = services_tokens.api_token_create(
        organisation=organisation, name="Logiciel du cabinet", by=admin
    )
    return raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def new_offer(**overrides) -> dict:
    year = timezone.localdate().year + 1
    commune = CommuneFactory(insee="23096", name="Guéret")
    return {
        "kind": "remplacement",
        "profession": "medecin_generaliste",
        "title": "Remplacement d’été en MSP",
        "description": "Patientèle variée, secrétariat sur place.",
        "commune": commune.insee,
        "start_date": f"{year}-07-01",
        "end_date": f"{year}-07-31",
        "retrocession_rate": "72.5",
        "housing_offered": True,
        **overrides,
    }


def test_an_organisation_admin_creates_a_token_shown_once_and_stored_hashed(
    client, admin, organisation
):
    client.force_login(admin)
    url = reverse("syndication:tokens", args=[organisation.pk])

    response = client.post(url, {"name": "Logiciel du cabinet"})

    assert response.status_code == 200
    raw = response.context["created"]["raw"]
    assert raw.startswith("trp_") and raw in response.text
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values_list())
    assert raw not in client.get(url).text  # never shown again
    assert token.prefix in client.get(url).text


def test_plain_members_and_outsiders_cannot_manage_tokens(client, token, organisation):
    url = reverse("syndication:tokens", args=[organisation.pk])
    prefix = ApiToken.objects.get().prefix
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Accès refusé" in refused.text
    assert prefix not in refused.text
    created = client.post(url, {"name": "Intrus"})
    assert created.status_code == 403
    client.force_login(UserFactory())
    hidden = client.get(url)
    assert hidden.status_code == 404
    assert prefix not in hidden.text
    assert organisation.name not in hidden.text
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Logiciel du cabinet"]


def test_the_organisation_page_links_its_admins_to_the_tokens(client, admin, organisation):
    client.force_login(admin)

    response = client.get(reverse("organisations:detail", args=[organisation.pk]))

    assert reverse("syndication:tokens", args=[organisation.pk]) in response.text


def test_a_token_creates_an_offer_submitted_to_moderation(client, token, organisation):
    response = client.post(
        "/api/v1/offers", new_offer(), content_type="application/json", **bearer(token)
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted"
    offer = Offer.objects.get(pk=data["id"])
    assert offer.organisation == organisation
    assert offer.status == OfferStatus.SUBMITTED
    assert str(offer.retrocession_rate) == "72.50"
    assert offer.commune_id == "23096" and offer.departement_code == "23"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_cannot_create_an_offer(client, token, admin, organisation):
    client.force_login(admin)
    api_token = ApiToken.objects.get()
    response = client.post(
        reverse("syndication:token_revoke", args=[organisation.pk, api_token.pk])
    )
    assert response.status_code == 302
    client.logout()

    response = client.post(
        "/api/v1/offers", new_offer(), content_type="application/json", **bearer(token)
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d’API inconnu ou révoqué."}
    assert not Offer.objects.exists()


def test_writes_without_a_token_are_refused_in_json(client):
    response = client.post("/api/v1/offers", new_offer(), content_type="application/json")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Jeton d’API requis : en-tête « Authorization: Bearer <jeton> »."
    }
    assert not Offer.objects.exists()


def test_an_invalid_offer_is_refused_with_the_reasons_and_nothing_is_saved(client, token):
    body = new_offer(description="", start_date=None, end_date=None)

    response = client.post("/api/v1/offers", body, content_type="application/json", **bearer(token))

    assert response.status_code == 400
    assert "la description" in response.json()["detail"]
    assert not Offer.objects.exists()
    response = client.post(
        "/api/v1/offers",
        new_offer(commune="99999"),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Aucune commune n’a le code INSEE « 99999 »."}
    assert not Offer.objects.exists()


def test_an_unverified_organisation_may_keep_drafts_but_not_submit(client, admin, organisation):
    organisation.status = "pending"
    organisation.save()
    _token, raw = services_tokens.api_token_create(organisation=organisation, name="x", by=admin)

    refused = client.post(
        "/api/v1/offers", new_offer(), content_type="application/json", **bearer(raw)
    )
    draft = client.post(
        "/api/v1/offers", new_offer(submit=False), content_type="application/json", **bearer(raw)
    )

    assert refused.status_code == 400 and "vérifiée" in refused.json()["detail"]
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert list(Offer.objects.values_list("status", flat=True)) == [OfferStatus.DRAFT]


def test_a_token_changes_and_closes_its_organisations_offers_only(client, token, organisation):
    offer = OfferFactory(published=True, organisation=organisation)
    other = OfferFactory(published=True)

    changed = client.patch(
        f"/api/v1/offers/{offer.pk}",
        {"title": "Nouveau titre", "salary_min": 4000},
        content_type="application/json",
        **bearer(token),
    )
    closed = client.post(
        f"/api/v1/offers/{offer.pk}/close",
        {"status": "filled"},
        content_type="application/json",
        **bearer(token),
    )
    foreign = client.patch(
        f"/api/v1/offers/{other.pk}",
        {"title": "x"},
        content_type="application/json",
        **bearer(token),
    )
    again = client.post(
        f"/api/v1/offers/{offer.pk}/close",
        {"status": "filled"},
        content_type="application/json",
        **bearer(token),
    )

    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["status"]) == ("Nouveau titre", "published")
    assert closed.status_code == 200 and closed.json()["status"] == "filled"
    assert foreign.status_code == 404
    assert foreign.json() == {"detail": f"Votre organisation n’a pas d’annonce n° {other.pk}."}
    assert other.title not in foreign.text
    assert again.status_code == 400 and "déjà close" in again.json()["detail"]
    offer.refresh_from_db()
    assert (offer.title, offer.salary_min, offer.status) == ("Nouveau titre", 4000, "filled")
    title = other.title
    other.refresh_from_db()
    assert (other.title, other.status) == (title, OfferStatus.PUBLISHED)


def test_each_token_is_rate_limited_with_a_json_429(client, token, monkeypatch):
    monkeypatch.setattr(services_tokens, "RATE_PER_MINUTE", 3)

    statuses = [client.get("/api/v1/token", **bearer(token)).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/token", **bearer(token))
    assert "Trop de requêtes" in response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same organisation has its own budget.
    other = services_tokens.api_token_create(
        organisation=ApiToken.objects.get().organisation, name="autre", by=None
    )[1]
    assert client.get("/api/v1/token", **bearer(other)).status_code == 200


def test_a_partner_mirrors_every_open_offer_incrementally(client, monkeypatch):
    from tremplin.offers import selectors

    monkeypatch.setattr(selectors, "MIRROR_PAGE", 2)
    start = timezone.now() - timedelta(days=1)
    offers = [OfferFactory(published=True) for _ in range(5)]
    OfferFactory()  # a draft is never mirrored
    pages, cursor = [], {"updated_since": start.isoformat()}
    for _page in range(10):
        data = client.get("/api/v1/offers", cursor).json()
        if not data["results"]:
            break
        pages.append([item["id"] for item in data["results"]])
        cursor = {"updated_since": data["next_updated_since"], "after_id": data["next_after_id"]}

    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(pk for page in pages for pk in page) == sorted(o.pk for o in offers)

    # Later, one offer is closed: the next pass from the last cursor reports just that.
    closed = offers[0]
    closed.status = OfferStatus.FILLED
    closed.save()
    data = client.get("/api/v1/offers", cursor).json()
    assert [(i["id"], i["status"]) for i in data["results"]] == [(closed.pk, "filled")]


def test_the_mirror_refuses_unusable_dates_in_json(client):
    unparsable = client.get("/api/v1/offers", {"updated_since": "hier"})
    assert unparsable.status_code == 422
    assert unparsable.json()["detail"] == (
        "Paramètres invalides : updated_since : « hier » n’est pas une date ou une date et "
        "heure ISO 8601 (par exemple 2026-12-02 ou 2026-12-02T09:30:00+01:00)."
    )
    assert unparsable.json()["errors"][0]["loc"] == ["query", "updated_since"]
    # A Unix timestamp is not silently read as a moment of 1970.
    timestamp = client.get("/api/v1/offers", {"updated_since": "2026"})
    assert timestamp.status_code == 422
    response = client.get("/api/v1/offers", {"updated_since": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Paramètres invalides : updated_since : « 0001-01-01T00:00:00+05:00 » est hors des "
        "dates possibles, fuseau horaire compris."
    )
    naive = client.get("/api/v1/offers", {"updated_since": "2020-01-01T00:00:00"})
    assert naive.status_code == 200
