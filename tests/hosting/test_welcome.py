from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import ActivityFactory, HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting import services
from tremplin.hosting.ics import stay_ics
from tremplin.hosting.models import (
    BookingStatus,
    InstallationCheck,
    OfferSupport,
    Stay,
    StayFeedback,
    SupportStatus,
    TerritoryPage,
)
from tremplin.offers.models import Offer

pytestmark = pytest.mark.django_db


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


@pytest.fixture
def offer(commune):
    """Dates within the factory housing's open period: a housing can be promised for them."""
    return OfferFactory(published=True, commune=commune, start_date=day(10), end_date=day(20))


@pytest.fixture
def health_member(offer):
    return MembershipFactory(organisation=offer.organisation).user


class TestTerritoryPage:
    def test_an_agent_of_commune_a_cannot_edit_commune_bs_page(self, client, collectivity):
        page = TerritoryPage.objects.create(organisation=collectivity, presentation="Brouillon")
        other = collectivity_for(CommuneFactory(insee="23096", name="Guéret"))
        client.force_login(agent_of(other))
        url = reverse("hosting:page_edit", args=[collectivity.pk])
        refused = client.get(url)
        assert refused.status_code == 404
        assert "Brouillon" not in refused.text
        response = client.post(url, {"presentation": "Piraté", "is_published": "on"})
        assert response.status_code == 404
        assert not TerritoryPage.objects.filter(presentation="Piraté").exists()
        page.refresh_from_db()
        assert (page.presentation, page.is_published) == ("Brouillon", False)

    def test_an_agent_publishes_the_page_and_anyone_reads_it(self, client, collectivity, agent):
        client.force_login(agent)
        response = client.post(
            reverse("hosting:page_edit", args=[collectivity.pk]),
            {
                "presentation": "Un bourg vivant au bord de la Creuse.",
                "strong_points": ["nature", "schools"],
                "contact_name": "Claire Dubois",
                "contact_hours": "Du lundi au vendredi, 9 h – 12 h",
                "is_published": "on",
            },
        )
        assert response.status_code == 302
        client.logout()
        page = client.get(reverse("hosting:page", args=[collectivity.pk]))
        assert page.status_code == 200
        assert "Claire Dubois" in page.text
        assert "Écoles" in page.text

    def test_an_unpublished_page_is_hidden_from_the_public(self, client, collectivity):
        TerritoryPage.objects.create(organisation=collectivity, presentation="Brouillon")
        response = client.get(reverse("hosting:page", args=[collectivity.pk]))
        assert response.status_code == 404
        assert "Brouillon" not in response.text

    def test_a_photo_that_is_not_an_image_is_refused(self, client, collectivity, agent):
        client.force_login(agent)
        fake = SimpleUploadedFile("paysage.jpg", b"MZ" + b"\x00" * 100, content_type="image/jpeg")
        response = client.post(
            reverse("hosting:photo_add", args=[collectivity.pk]), {"image": fake}, follow=True
        )
        assert "image valide" in response.text
        assert not TerritoryPage.objects.get(organisation=collectivity).photos.exists()

    def test_a_real_photo_is_stored_as_jpeg(self, client, collectivity, agent):
        from PIL import Image

        buffer = BytesIO()
        Image.new("RGB", (50, 40), "green").save(buffer, format="PNG")
        client.force_login(agent)
        client.post(
            reverse("hosting:photo_add", args=[collectivity.pk]),
            {"image": SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")},
        )
        photo = TerritoryPage.objects.get(organisation=collectivity).photos.get()
        assert photo.image.name.endswith(".jpg")


class TestHousing:
    def test_a_housing_outside_the_area_is_refused(self, client, collectivity, agent):
        CommuneFactory(insee="23096", name="Guéret")
        client.force_login(agent)
        response = client.post(
            reverse("hosting:housing_create", args=[collectivity.pk]),
            {
                "name": "Studio des Tilleuls",
                "kind": "studio",
                "address": "1 rue",
                "commune_name": "Guéret",
                "capacity": 1,
                "is_free": "on",
            },
        )
        assert response.status_code == 400
        assert "pas une commune de votre territoire" in response.text
        assert 'value="Studio des Tilleuls"' in response.text
        assert not collectivity.housings.exists()

    def test_a_rent_is_required_when_the_housing_is_not_free(self, client, collectivity, agent):
        client.force_login(agent)
        response = client.post(
            reverse("hosting:housing_create", args=[collectivity.pk]),
            {
                "name": "T2 de l’école",
                "kind": "flat",
                "address": "1 rue",
                "commune_name": "Felletin",
                "capacity": 2,
            },
        )
        assert response.status_code == 400
        assert "Indiquez le loyer" in response.text
        assert 'value="T2 de l’école"' in response.text
        assert not collectivity.housings.exists()

    def test_an_agent_creates_a_housing_and_opens_a_period(self, client, collectivity, agent):
        client.force_login(agent)
        response = client.post(
            reverse("hosting:housing_create", args=[collectivity.pk]),
            {
                "name": "Studio de la mairie",
                "kind": "studio",
                "address": "1 place de la Mairie",
                "commune_name": "felletin",
                "capacity": 1,
                "is_free": "on",
            },
        )
        assert response.status_code == 302
        housing = collectivity.housings.get()
        client.post(
            reverse("hosting:period_add", args=[housing.pk]),
            {"start": day(1).isoformat(), "end": day(30).isoformat()},
        )
        assert housing.periods.count() == 1
        page = client.get(reverse("hosting:housing", args=[housing.pk]))
        assert "tremplin-day--free" in page.text


class TestSupports:
    def test_a_proposal_accepted_by_the_organisation_shows_on_the_offer_and_in_search(
        self, client, collectivity, agent, offer, health_member, mailoutbox
    ):
        housing = HousingFactory(organisation=collectivity, commune=offer.commune)
        activity = ActivityFactory(organisation=collectivity)
        support = services.support_propose(
            offer=offer, collectivity=collectivity, by=agent, housing=housing, activities=[activity]
        )
        assert mailoutbox[-1].to == [health_member.email]
        search = reverse("offers:search") + "?logement=1"
        assert offer.title not in client.get(search).text

        services.support_decide(support=support, by=health_member, accept=True)

        offer.refresh_from_db()
        assert offer.supported_housing and offer.supported_welcome
        assert offer.title in client.get(search).text
        detail = client.get(offer.get_absolute_url())
        assert "Logement offert par Commune de Felletin" in detail.text
        assert "Accueil personnalisé" in detail.text

    def test_an_offer_outside_the_area_cannot_be_supported(self, collectivity, agent):
        elsewhere = OfferFactory(published=True, commune=CommuneFactory(insee="23096"))
        with pytest.raises(ValidationError, match="pas sur le territoire"):
            services.support_propose(offer=elsewhere, collectivity=collectivity, by=agent)

    def test_someone_elses_housing_cannot_be_offered(self, collectivity, agent, offer):
        foreign = HousingFactory()
        with pytest.raises(ValidationError, match="n’appartient pas"):
            services.support_propose(
                offer=offer, collectivity=collectivity, by=agent, housing=foreign
            )

    def test_a_health_organisation_asks_and_the_collectivity_accepts_with_its_housing(
        self, client, collectivity, agent, offer, health_member
    ):
        housing = HousingFactory(organisation=collectivity, commune=offer.commune)
        client.force_login(health_member)
        client.post(
            reverse("hosting:support_request", args=[offer.pk]),
            {"collectivity": collectivity.pk, "message": "Pourriez-vous loger notre remplaçant ?"},
        )
        support = OfferSupport.objects.get()
        assert support.status == SupportStatus.REQUESTED
        client.force_login(agent)
        client.post(
            reverse("hosting:support_decide", args=[support.pk]),
            {"decision": "accept", "housing": housing.pk},
        )
        support.refresh_from_db()
        assert support.status == SupportStatus.ACCEPTED
        assert Offer.objects.get(pk=offer.pk).supported_housing

    def test_only_the_organisation_decides_a_proposal(self, client, collectivity, agent, offer):
        support = services.support_propose(offer=offer, collectivity=collectivity, by=agent)
        client.force_login(agent)
        response = client.post(
            reverse("hosting:support_decide", args=[support.pk]), {"decision": "accept"}
        )
        assert response.status_code == 404
        support.refresh_from_db()
        assert support.status == SupportStatus.PROPOSED
        offer.refresh_from_db()
        assert not offer.supported_welcome


class TestStays:
    def test_a_stay_with_housing_activities_and_its_calendar(self, client, collectivity, offer):
        professional = UserFactory(professional=True)
        housing = HousingFactory(organisation=collectivity, commune=offer.commune)
        activity = ActivityFactory(organisation=collectivity, place="Salle des fêtes")
        stay = services.stay_plan(
            professional=professional,
            collectivity=collectivity,
            offer=offer,
            start=day(5),
            end=day(12),
            housing=housing,
            activities=[activity],
        )
        assert stay.bookings.get().status == BookingStatus.REQUESTED
        assert InstallationCheck.objects.filter(stay=stay).count() == 3

        ics = stay_ics(stay)
        assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
        assert f"DTSTART;VALUE=DATE:{day(5):%Y%m%d}" in ics
        assert "SUMMARY:Rencontre avec les professionnels de santé du bourg" in ics
        assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))

        client.force_login(professional)
        response = client.get(reverse("hosting:stay_calendar", args=[stay.pk]))
        assert response["Content-Type"].startswith("text/calendar")
        client.force_login(UserFactory(professional=True))
        refused = client.get(reverse("hosting:stay_calendar", args=[stay.pk]))
        assert refused.status_code == 404
        assert "BEGIN:VCALENDAR" not in refused.text
        assert "Salle des fêtes" not in refused.text

    def test_activities_of_another_territory_are_refused(self, collectivity):
        with pytest.raises(ValidationError):
            services.stay_plan(
                professional=UserFactory(professional=True),
                collectivity=collectivity,
                start=day(5),
                end=day(8),
                activities=[ActivityFactory()],
            )

    def test_peers_see_each_other_only_with_consent_and_overlapping_dates(self, collectivity):
        def plan(start: int, end: int, visible: bool) -> Stay:
            return services.stay_plan(
                professional=UserFactory(professional=True),
                collectivity=collectivity,
                start=day(start),
                end=day(end),
                peers_visible=visible,
            )

        me = plan(5, 12, True)
        overlapping = plan(10, 15, True)
        shy = plan(6, 9, False)
        later = plan(20, 25, True)

        from tremplin.hosting.selectors import peers_of

        assert list(peers_of(me)) == [overlapping]
        assert list(peers_of(shy)) == []
        services.peer_message_send(
            sender=me, recipient=overlapping, body="On se retrouve au marché ?"
        )
        with pytest.raises(PermissionDenied):
            services.peer_message_send(sender=me, recipient=later, body="Bonjour")
        with pytest.raises(PermissionDenied):
            services.peer_message_send(sender=me, recipient=shy, body="Bonjour")

    def test_feedback_with_html_is_refused_and_plain_feedback_is_published(
        self, client, collectivity
    ):
        professional = UserFactory(professional=True, first_name="Inès")
        stay = Stay.objects.create(
            professional=professional, collectivity=collectivity, start=day(-10), end=day(-2)
        )
        TerritoryPage.objects.create(organisation=collectivity, is_published=True)
        client.force_login(professional)
        url = reverse("hosting:feedback", args=[stay.pk])
        data = {"would_come_back": "yes", "would_settle": "maybe", "publish": "on"}
        response = client.post(
            url, {**data, "went_well": "<script>alert(1)</script>Super", "to_improve": "Le wifi"}
        )
        assert response.status_code == 400
        assert "balises HTML" in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Super</textarea>" in response.text
        assert "Le wifi</textarea>" in response.text
        assert not StayFeedback.objects.exists()

        client.post(url, {**data, "went_well": "Un accueil formidable, une équipe soudée."})
        client.logout()
        page = client.get(reverse("hosting:page", args=[collectivity.pk]))
        assert "Un accueil formidable" in page.text
        assert "Inès" in page.text

    def test_feedback_waits_for_the_end_of_the_stay(self, collectivity):
        professional = UserFactory(professional=True)
        stay = Stay.objects.create(
            professional=professional, collectivity=collectivity, start=day(2), end=day(9)
        )
        with pytest.raises(ValidationError, match="fin du séjour"):
            services.feedback_save(
                stay=stay,
                by=professional,
                went_well="Bien",
                to_improve="",
                would_come_back="yes",
                would_settle="yes",
                publish=True,
            )

    def test_installation_questions_are_sent_once_and_answered_in_one_click(
        self, client, collectivity, commune, mailoutbox
    ):
        stay = services.stay_plan(
            professional=UserFactory(professional=True),
            collectivity=collectivity,
            start=day(1),
            end=day(4),
        )
        later = day(4) + timedelta(days=95)
        assert services.installation_checks_send(today=later) == 1
        assert services.installation_checks_send(today=later) == 0
        assert len(mailoutbox) == 1
        check = InstallationCheck.objects.get(stay=stay, months=3)
        assert check.token in mailoutbox[0].body

        url = reverse("hosting:installation", args=[check.token])
        assert client.get(url + "?reponse=oui").status_code == 200
        client.post(url, {"settled": "oui", "commune_name": "Felletin"})
        check.refresh_from_db()
        assert check.settled is True and check.commune == commune


def test_the_commune_profile_links_to_the_welcome_of_the_collectivities_covering_it(
    client, collectivity, commune
):
    TerritoryPage.objects.create(organisation=collectivity, is_published=True)
    response = client.get(reverse("territories:commune", args=[commune.insee]))
    assert 'data-testid="welcome-pages"' in response.text
    assert reverse("hosting:page", args=[collectivity.pk]) in response.text


def test_the_funnel_counts_stays_housing_feedback_and_installations(collectivity, commune):
    from tremplin.hosting.selectors import welcome_funnel

    housing = HousingFactory(organisation=collectivity, commune=commune)
    agent = agent_of(collectivity)
    stays = [
        services.stay_plan(
            professional=UserFactory(professional=True),
            collectivity=collectivity,
            start=day(1 + 10 * i),
            end=day(5 + 10 * i),
            housing=housing,
        )
        for i in range(3)
    ]
    services.booking_accept(booking=stays[0].bookings.get(), by=agent)
    services.stay_cancel(stay=stays[2], by=stays[2].professional)
    check = InstallationCheck.objects.filter(stay=stays[0]).first()
    services.installation_answer(check=check, settled=True, commune=commune)

    assert welcome_funnel(collectivity) == {"stays": 2, "housed": 1, "feedbacks": 0, "installed": 1}
