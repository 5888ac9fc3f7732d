"""The funnel an organisation shows its officials: views → applications → accepted → stays →
housed → installed, by month and by offer (and commune), on screen and as CSV."""

import csv
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationFactory
from tests.hosting.factories import HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.applications.models import ApplicationStatus, OfferDayViews
from tremplin.hosting.funnel import FunnelCounts, funnel_table, organisation_funnel
from tremplin.hosting.models import Booking, BookingStatus, InstallationCheck, Stay

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def counts(row: FunnelCounts) -> tuple[int, ...]:
    return tuple(row.values())


@pytest.fixture
def health(commune):
    return OrganisationFactory(health=True, verified=True, name="MSP de Felletin")


@pytest.fixture
def story(commune, collectivity, health):
    """Two offers of the MSP in Felletin, 42 views, 3 applications, 1 accepted, whose candidate
    stayed in the commune's studio and answered « installé(e) »; plus what must not count."""
    today = timezone.localdate()
    first = OfferFactory(
        published=True, organisation=health, commune=commune, title="Remplacement A"
    )
    second = OfferFactory(published=True, organisation=health, commune=commune, title="Stage B")
    OfferDayViews.objects.create(offer=first, day=today, views=30)
    OfferDayViews.objects.create(offer=second, day=today, views=12)
    accepted = ApplicationFactory(offer=first, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(offer=first)
    ApplicationFactory(offer=second)
    stay = Stay.objects.create(
        professional=accepted.candidate,
        collectivity=collectivity,
        offer=first,
        start=today,
        end=today + timedelta(days=7),
    )
    housing = HousingFactory(organisation=collectivity, commune=commune)
    Booking.objects.create(
        housing=housing,
        professional=accepted.candidate,
        stay=stay,
        start=stay.start,
        end=stay.end,
        status=BookingStatus.ACCEPTED,
    )
    InstallationCheck.objects.create(
        stay=stay, months=3, due_on=today, answered_at=timezone.now(), settled=True
    )
    InstallationCheck.objects.create(
        stay=stay, months=6, due_on=today, answered_at=timezone.now(), settled=True
    )
    # Not counted: a cancelled stay, another organisation's offer elsewhere and its views.
    Stay.objects.create(
        professional=UserFactory(professional=True),
        collectivity=collectivity,
        offer=second,
        start=today,
        end=today + timedelta(days=3),
        cancelled_at=timezone.now(),
    )
    elsewhere = OfferFactory(published=True, commune=CommuneFactory(insee="23096", name="Guéret"))
    OfferDayViews.objects.create(offer=elsewhere, day=today, views=500)
    ApplicationFactory(offer=elsewhere)
    return {"first": first, "second": second, "elsewhere": elsewhere}


class TestCounts:
    def test_it_counts_the_health_organisations_funnel_of_the_story(self, story, health):
        funnel = organisation_funnel(organisation=health)
        assert counts(funnel.total) == (42, 3, 1, 1, 1, 1)
        assert [(row.label, row.commune, counts(row.counts)) for row in funnel.offers] == [
            ("Remplacement A", "Felletin", (30, 2, 1, 1, 1, 1)),
            ("Stage B", "Felletin", (12, 1, 0, 0, 0, 0)),
        ]
        assert funnel.communes == []
        assert counts(funnel.months[-1].counts) == (42, 3, 1, 1, 1, 1)

    def test_it_counts_the_collectivites_funnel_of_the_offers_in_its_communes(
        self, story, collectivity
    ):
        funnel = organisation_funnel(organisation=collectivity)
        assert counts(funnel.total) == (42, 3, 1, 1, 1, 1)
        assert [row.label for row in funnel.offers] == ["Remplacement A", "Stage B"]
        assert [(row.label, counts(row.counts)) for row in funnel.communes] == [
            ("Felletin", (42, 3, 1, 1, 1, 1))
        ]

    def test_a_stay_without_offer_counts_for_the_collectivite_under_its_housings_commune(
        self, commune, collectivity
    ):
        today = timezone.localdate()
        professional = UserFactory(professional=True)
        stay = Stay.objects.create(
            professional=professional,
            collectivity=collectivity,
            start=today,
            end=today + timedelta(days=2),
        )
        Booking.objects.create(
            housing=HousingFactory(organisation=collectivity, commune=commune),
            professional=professional,
            stay=stay,
            start=stay.start,
            end=stay.end,
            status=BookingStatus.REQUESTED,
        )
        funnel = organisation_funnel(organisation=collectivity)
        assert counts(funnel.total) == (0, 0, 0, 1, 0, 0)
        assert [(row.label, counts(row.counts)) for row in funnel.offers] == [
            ("Séjours sans annonce", (0, 0, 0, 1, 0, 0))
        ]
        # A booking only requested does not house the stay, nor name its commune.
        assert [row.label for row in funnel.communes] == ["Commune non précisée"]


class TestMonths:
    def test_it_buckets_each_step_in_its_month_over_the_last_twelve(self, commune, health):
        today = date(2026, 12, 2)
        offer = OfferFactory(published=True, organisation=health, commune=commune)
        for day, views in [
            (date(2025, 12, 31), 100),  # thirteen months ago: out
            (date(2026, 1, 1), 5),
            (date(2026, 3, 15), 7),
            (date(2026, 12, 1), 2),
        ]:
            OfferDayViews.objects.create(offer=offer, day=day, views=views)
        # 00:30 in Paris on 1 April is still 31 March in UTC: the local month counts.
        ApplicationFactory(offer=offer, created_at=datetime(2026, 4, 1, 0, 30, tzinfo=PARIS))
        professional = UserFactory(professional=True)
        for start in [date(2026, 6, 10), date(2027, 1, 5)]:  # the second is after the period
            Stay.objects.create(
                professional=professional,
                collectivity=collectivity_for(commune),
                offer=offer,
                start=start,
                end=start + timedelta(days=3),
            )
        funnel = organisation_funnel(organisation=health, today=today)
        assert (funnel.first_month, funnel.last_month) == (date(2026, 1, 1), date(2026, 12, 1))
        assert len(funnel.months) == 12
        assert funnel.months[0].label == "janvier 2026"
        by_month = {row.label: counts(row.counts) for row in funnel.months}
        assert by_month["janvier 2026"] == (5, 0, 0, 0, 0, 0)
        assert by_month["mars 2026"] == (7, 0, 0, 0, 0, 0)
        assert by_month["avril 2026"] == (0, 1, 0, 0, 0, 0)
        assert by_month["juin 2026"] == (0, 0, 0, 1, 0, 0)
        assert by_month["décembre 2026"] == (2, 0, 0, 0, 0, 0)
        assert counts(funnel.total) == (14, 1, 0, 1, 0, 0)
        _headers, rows = funnel_table(funnel, "mois")
        assert rows[0][0] == "2026-01" and rows[-1][0] == "2026-12"


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(text[1:].splitlines(), delimiter=";"))


class TestPages:
    def test_a_member_reads_the_page_with_charts_and_tables(
        self, client, story, health, django_assert_max_num_queries
    ):
        client.force_login(MembershipFactory(organisation=health).user)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("funnel:funnel", args=[health.pk]))
        assert response.status_code == 200
        page = response.text
        assert page.count("<bar-chart") == 3
        assert "vendor/dsfr-chart/BarChart/BarChart.js" in page
        assert "<caption>De la vue à l’installation, sur douze mois</caption>" in page
        assert "Remplacement A" in page and "Guéret" not in page

    def test_the_csv_by_month_is_french_semicolon_separated_with_a_bom(self, client, story, health):
        client.force_login(MembershipFactory(organisation=health).user)
        response = client.get(reverse("funnel:csv", args=[health.pk, "mois"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        rows = _csv(response)
        assert rows[0] == [
            "Mois",
            "Vues",
            "Candidatures",
            "Candidatures acceptées",
            "Séjours",
            "Séjours logés",
            "Installations",
        ]
        assert len(rows) == 13
        assert rows[-1] == [timezone.localdate().strftime("%Y-%m"), "42", "3", "1", "1", "1", "1"]

    def test_the_csv_by_offer_and_by_commune(self, client, story, collectivity, agent):
        client.force_login(agent)
        offers = _csv(client.get(reverse("funnel:csv", args=[collectivity.pk, "annonces"])))
        assert offers[0][:2] == ["Annonce", "Commune"]
        assert offers[1:] == [
            ["Remplacement A", "Felletin", "30", "2", "1", "1", "1", "1"],
            ["Stage B", "Felletin", "12", "1", "0", "0", "0", "0"],
        ]
        communes = _csv(client.get(reverse("funnel:csv", args=[collectivity.pk, "communes"])))
        assert communes == [
            [
                "Commune",
                "Vues",
                "Candidatures",
                "Candidatures acceptées",
                "Séjours",
                "Séjours logés",
                "Installations",
            ],
            ["Felletin", "42", "3", "1", "1", "1", "1"],
        ]

    def test_an_unknown_table_or_communes_for_a_health_organisation_is_a_404(self, client, health):
        client.force_login(MembershipFactory(organisation=health).user)
        assert client.get(reverse("funnel:csv", args=[health.pk, "communes"])).status_code == 404
        assert client.get(reverse("funnel:csv", args=[health.pk, "autre"])).status_code == 404


class TestPermissions:
    def test_another_organisations_member_gets_a_404(self, client, story, health, collectivity):
        client.force_login(MembershipFactory(organisation=story["elsewhere"].organisation).user)
        for organisation in (health, collectivity):
            for url in (
                reverse("funnel:funnel", args=[organisation.pk]),
                reverse("funnel:csv", args=[organisation.pk, "annonces"]),
            ):
                response = client.get(url)
                assert response.status_code == 404
                assert "Remplacement A" not in response.text

    def test_an_agent_of_another_collectivite_gets_a_404(self, client, collectivity):
        other = collectivity_for(CommuneFactory(insee="23096", name="Guéret"))
        client.force_login(agent_of(other))
        assert client.get(reverse("funnel:funnel", args=[collectivity.pk])).status_code == 404

    def test_a_visitor_is_sent_to_log_in(self, client, health):
        response = client.get(reverse("funnel:funnel", args=[health.pk]))
        assert response.status_code == 302
        assert "/compte/" in response["Location"]


class TestLinks:
    def test_the_organisation_page_links_its_members_to_the_funnel(self, client, health):
        url = reverse("funnel:funnel", args=[health.pk])
        client.force_login(UserFactory())
        assert url not in client.get(reverse("organisations:detail", args=[health.pk])).text
        client.force_login(MembershipFactory(organisation=health).user)
        assert url in client.get(reverse("organisations:detail", args=[health.pk])).text

    def test_the_welcome_management_page_links_to_the_funnel(self, client, collectivity, agent):
        client.force_login(agent)
        response = client.get(reverse("hosting:manage", args=[collectivity.pk]))
        assert reverse("funnel:funnel", args=[collectivity.pk]) in response.text
