"""The header menu and « Mon espace » by role: each person sees their own entry points, with
what waits for them, and nothing that is not theirs."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationFactory
from tests.hosting.factories import HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting.models import Booking, BookingStatus
from tremplin.offers.models import OfferStatus

pytestmark = pytest.mark.django_db

PROFESSIONAL_ITEMS = ["Mes candidatures", "Mes séjours découverte", "Mes alertes"]
HEALTH_ITEMS = ["Candidatures reçues", "Mes annonces", "Publier une annonce", "Résultats"]
COLLECTIVITY_ITEMS = ["Gérer l’accueil", "Logements", "Réservations", "Entonnoir"]
MODERATOR_ITEMS = ["Organisations à vérifier", "Annonces à relire", "Signalements", "Diffusion"]


def _menu(client, url: str = "/") -> str:
    """The main navigation of the page, as HTML."""
    text = client.get(url).text
    start = text.index('id="header-navigation"')
    return text[start : text.index("</nav>", start)]


def _links(html: str) -> dict[str, str]:
    """Each link's visible text (spaces collapsed) → its address."""
    found = {}
    for href, inner in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, flags=re.S):
        label = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        found[label] = href
    return found


def _has(menu: str, label: str) -> bool:
    return any(text == label or text.startswith(f"{label} ") for text in _links(menu))


@pytest.fixture
def professional():
    return UserFactory(professional=True)


@pytest.fixture
def health_member():
    return MembershipFactory(
        organisation=OrganisationFactory(verified=True, name="MSP du Plateau")
    ).user


@pytest.fixture
def collectivity():
    return collectivity_for(CommuneFactory(name="Felletin", insee="23079"))


@pytest.fixture
def agent(collectivity):
    return agent_of(collectivity)


def test_a_visitor_sees_no_personal_menu(client):
    menu = _menu(client)

    for label in PROFESSIONAL_ITEMS + HEALTH_ITEMS + COLLECTIVITY_ITEMS + MODERATOR_ITEMS:
        assert not _has(menu, label), label
    assert _has(menu, "Annonces")


def test_a_professional_sees_their_items_and_no_organisation_item(client, professional):
    client.force_login(professional)

    menu = _menu(client)

    for label in [*PROFESSIONAL_ITEMS, "Annonces sauvegardées", "Mon CV"]:
        assert _has(menu, label), label
    for label in HEALTH_ITEMS + COLLECTIVITY_ITEMS + MODERATOR_ITEMS:
        assert not _has(menu, label), label
    hrefs = set(_links(menu).values())
    assert reverse("syndication:alerts") in hrefs
    assert reverse("organisations:list") not in hrefs
    assert reverse("offers:mine") not in hrefs


def test_a_health_member_sees_their_structure_and_no_professional_item(client, health_member):
    client.force_login(health_member)

    menu = _menu(client)

    for label in [*HEALTH_ITEMS, "MSP du Plateau"]:
        assert _has(menu, label), label
    for label in PROFESSIONAL_ITEMS + COLLECTIVITY_ITEMS + MODERATOR_ITEMS:
        assert not _has(menu, label), label


def test_an_agent_sees_their_welcome_and_no_moderator_item(client, agent, collectivity):
    client.force_login(agent)

    menu = _menu(client)

    for label in COLLECTIVITY_ITEMS:
        assert _has(menu, label), label
    for label in PROFESSIONAL_ITEMS + HEALTH_ITEMS + MODERATOR_ITEMS:
        assert not _has(menu, label), label
    manage = reverse("hosting:manage", kwargs={"pk": collectivity.pk})
    assert _links(menu)["Logements"] == f"{manage}#logements"
    assert _links(menu)["Entonnoir"] == reverse("funnel:funnel", kwargs={"pk": collectivity.pk})


def test_an_agent_of_two_collectivities_sees_each_one_named(client, agent, collectivity):
    other = collectivity_for(CommuneFactory(name="Aubusson", insee="23008"))
    MembershipFactory(organisation=other, user=agent)
    client.force_login(agent)

    links = _links(_menu(client))

    assert links["Logements — Commune de Felletin"].startswith(
        reverse("hosting:manage", kwargs={"pk": collectivity.pk})
    )
    assert links["Logements — Commune de Aubusson"].startswith(
        reverse("hosting:manage", kwargs={"pk": other.pk})
    )


def test_a_moderator_sees_the_queues_and_no_member_item(client):
    client.force_login(UserFactory(moderator=True))

    menu = _menu(client)

    for label in MODERATOR_ITEMS:
        assert _has(menu, label), label
    for label in PROFESSIONAL_ITEMS + HEALTH_ITEMS + COLLECTIVITY_ITEMS:
        assert not _has(menu, label), label


def test_a_person_with_two_roles_sees_both_sections(client, health_member):
    from tests.accounts.factories import ProfessionalProfileFactory

    ProfessionalProfileFactory(user=health_member)
    client.force_login(health_member)

    menu = _menu(client)

    assert _has(menu, "Mes candidatures")
    assert _has(menu, "Candidatures reçues")
    assert not _has(menu, "Organisations à vérifier")


# Counts -------------------------------------------------------------------------------------------


def test_the_inbox_counts_what_the_organisation_has_not_read(client, health_member):
    organisation = health_member.memberships.get().organisation
    offer = OfferFactory(organisation=organisation, published=True)
    now = timezone.now()
    ApplicationFactory(offer=offer)  # never opened
    # Opened, then the candidate wrote again.
    ApplicationFactory(
        offer=offer,
        organisation_read_at=now - timedelta(hours=2),
        candidate_activity_at=now - timedelta(hours=1),
    )
    # Opened after the candidate's last word: read.
    ApplicationFactory(
        offer=offer,
        created_at=now - timedelta(hours=3),
        organisation_read_at=now - timedelta(hours=1),
    )
    ApplicationFactory(offer=offer, status="withdrawn")  # left the inbox
    ApplicationFactory()  # another organisation's
    client.force_login(health_member)

    links = _links(_menu(client))

    assert "Candidatures reçues 2 non lues" in links


def test_the_candidate_counts_the_answers_they_have_not_read(client, professional):
    now = timezone.now()
    ApplicationFactory(candidate=professional, organisation_activity_at=now)
    ApplicationFactory(
        candidate=professional,
        organisation_activity_at=now - timedelta(hours=2),
        candidate_read_at=now - timedelta(hours=1),
    )
    ApplicationFactory(candidate=professional)  # no answer yet
    client.force_login(professional)

    links = _links(_menu(client))

    assert "Mes candidatures 1 réponse non lue" in links


def test_nothing_to_read_shows_no_count(client, professional):
    client.force_login(professional)

    assert 'data-testid="nav-count"' not in _menu(client)


def test_the_agent_counts_booking_requests_in_their_own_housings(client, agent, collectivity):
    today = timezone.localdate()
    housing = HousingFactory(organisation=collectivity, commune=CommuneFactory(insee="23079"))
    elsewhere = HousingFactory()
    guest = UserFactory(professional=True)
    for where, status in [
        (housing, BookingStatus.REQUESTED),
        (housing, BookingStatus.REQUESTED),
        (housing, BookingStatus.ACCEPTED),
        (elsewhere, BookingStatus.REQUESTED),
    ]:
        Booking.objects.create(
            housing=where,
            professional=guest,
            start=today + timedelta(days=5),
            end=today + timedelta(days=7),
            status=status,
        )
    client.force_login(agent)

    links = _links(_menu(client))

    assert "Réservations 2 en attente" in links


def test_the_moderator_queues_show_their_counts(client):
    OrganisationFactory()  # pending
    OrganisationFactory(collectivity=True)  # pending
    OrganisationFactory(verified=True)
    OfferFactory(status=OfferStatus.SUBMITTED)
    OfferFactory(published=True)
    ApplicationFactory(reported_at=timezone.now(), report_reason="Propos déplacés")
    ApplicationFactory()
    client.force_login(UserFactory(moderator=True))

    links = _links(_menu(client))

    assert "Organisations à vérifier 2 en attente" in links
    assert "Annonces à relire 1 en attente" in links
    assert "Signalements 1 signalement" in links


# Reaching the pages by clicking ------------------------------------------------------------------


def test_mes_alertes_is_reached_from_the_home_page(client, professional):
    client.force_login(professional)

    href = _links(_menu(client, reverse("core:home")))["Mes alertes"]
    response = client.get(href)

    assert response.status_code == 200
    assert "<h1>Mes alertes</h1>" in response.text


def test_mon_espace_is_linked_from_every_page_header(client, professional):
    client.force_login(professional)

    response = client.get(reverse("core:home"))

    assert f'href="{reverse("platform:space")}"' in response.text


def test_mon_espace_shows_one_section_per_role(client, professional):
    client.force_login(professional)

    response = client.get(reverse("platform:space"))

    assert response.status_code == 200
    assert 'data-testid="section-professional"' in response.text
    for role in ["health", "collectivity", "moderator", "none"]:
        assert f'data-testid="section-{role}"' not in response.text
    assert reverse("syndication:alerts") in response.text


def test_mon_espace_of_an_agent_leads_to_their_housings(client, agent, collectivity):
    client.force_login(agent)

    response = client.get(reverse("platform:space"))

    assert 'data-testid="section-collectivity"' in response.text
    assert 'data-testid="section-professional"' not in response.text
    manage = reverse("hosting:manage", kwargs={"pk": collectivity.pk})
    assert f'href="{manage}#logements"' in response.text
    assert 'id="logements"' in client.get(manage).text


def test_mon_espace_without_any_role_says_how_to_start(client):
    client.force_login(UserFactory())

    response = client.get(reverse("platform:space"))

    assert 'data-testid="section-none"' in response.text
    assert reverse("organisations:create") in response.text


def test_mon_espace_requires_login(client):
    response = client.get(reverse("platform:space"))

    assert response.status_code == 302


def test_the_menu_of_a_member_costs_one_query_with_its_counts(
    client, health_member, django_assert_max_num_queries
):
    organisation = health_member.memberships.get().organisation
    for _ in range(5):
        ApplicationFactory(offer=OfferFactory(organisation=organisation, published=True))
    client.force_login(health_member)
    client.get(reverse("core:home"))  # the figures are cached from here on

    # Session, user, professional profile, the two lists; the memberships carry the counts.
    with django_assert_max_num_queries(6):
        client.get(reverse("core:home"))


def test_the_menu_of_a_moderator_and_professional_costs_two_queries(
    client, health_member, django_assert_max_num_queries
):
    from tests.accounts.factories import ProfessionalProfileFactory

    ProfessionalProfileFactory(user=health_member)
    health_member.is_staff = True
    health_member.save()
    client.force_login(health_member)
    client.get(reverse("core:home"))

    # As above, plus the professional's and the moderator's counts in one query.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("core:home"))
    assert "Organisations à vérifier" in response.text


def test_the_current_page_is_marked_in_its_role_menu(client, professional):
    client.force_login(professional)

    menu = _menu(client, reverse("syndication:alerts"))

    assert re.search(r'aria-controls="nav-menu-professional"\s+aria-current="true"', menu)
    assert re.search(r'href="/alertes/"\s+aria-current="page"', menu)
    elsewhere = _menu(client, reverse("hosting:stays"))
    assert not re.search(r'href="/alertes/"\s+aria-current="page"', elsewhere)
    assert re.search(r'href="/accueil/sejours/"\s+aria-current="page"', elsewhere)
