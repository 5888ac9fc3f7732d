"""How a doctor gets verified for missions (Pro Santé Connect or a partner), and what the host
site sees of its doctors' verification."""

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.missions.factories import HostSiteFactory, MissionSlotFactory
from tests.organisations.factories import MembershipFactory
from tremplin.accounts.models import RppsVerification
from tremplin.missions import services

pytestmark = pytest.mark.django_db

VERIFIED_AT = timezone.make_aware(datetime(2026, 9, 8, 11, 0))


def psc_doctor(rpps: str = "10003456786"):
    """What a Pro Santé Connect login leaves on the profile (the identity app)."""
    user = UserFactory(professional=True)
    profile = user.professional_profile
    profile.rpps = rpps
    profile.rpps_verified_at = VERIFIED_AT
    profile.rpps_verified_source = RppsVerification.PRO_SANTE_CONNECT
    profile.save()
    return user


def test_a_doctor_verified_by_pro_sante_connect_books():
    slot = MissionSlotFactory()

    booking = services.mission_book(slot=slot, doctor=psc_doctor())

    assert booking.is_active


def test_the_slot_page_says_the_two_ways_to_be_verified(client, settings):
    settings.IDENTITY_PROVIDERS = {
        "pro_sante_connect": {
            "client_id": "tremplin",
            "client_secret": "secret",
            "discovery_url": "https://auth.example.org/.well-known/openid-configuration",
        }
    }
    slot = MissionSlotFactory()
    client.force_login(UserFactory(professional=True))
    url = reverse("missions:slot", args=[slot.pk])

    page = client.get(url).text

    ways = page.split('data-testid="verification-ways"')[1].split("</p>")[0]
    # The login at Pro Santé Connect itself: a logged-in user's links it to their account.
    start = reverse("identity:start", kwargs={"slug": "pro-sante-connect"})
    assert f'<a href="{start}?next={quote(url, safe="")}">' in ways
    assert "connectez-vous avec Pro Santé Connect</a>" in ways
    assert "Agence régionale de santé ou un Conseil de l’Ordre partenaire" in ways
    assert "Réserver ce créneau" not in page


def test_without_pro_sante_connect_only_the_partners_check_is_offered(client, settings):
    settings.IDENTITY_PROVIDERS = {}
    slot = MissionSlotFactory()
    client.force_login(UserFactory(professional=True))

    page = client.get(reverse("missions:slot", args=[slot.pk])).text

    ways = page.split('data-testid="verification-ways"')[1].split("</p>")[0]
    assert "Pro Santé Connect" not in ways
    assert "Agence régionale de santé ou un Conseil de l’Ordre partenaire" in ways


def test_the_refusal_shown_after_booking_names_pro_sante_connect(client):
    slot = MissionSlotFactory()
    client.force_login(UserFactory(professional=True))

    response = client.post(reverse("missions:book", args=[slot.pk]), follow=True)

    assert "connectez-vous avec Pro Santé Connect (carte CPS ou application e-CPS)" in response.text
    assert not slot.bookings.exists()


def test_a_pro_sante_connect_doctor_sees_the_booking_button_and_their_badge(client):
    slot = MissionSlotFactory()
    client.force_login(psc_doctor())

    slot_page = client.get(reverse("missions:slot", args=[slot.pk])).text
    mine = client.get(reverse("missions:mine")).text

    assert "Réserver ce créneau" in slot_page
    assert 'data-testid="verification-ways"' not in slot_page
    assert "RPPS vérifié par Pro Santé Connect le 8 septembre 2026" in mine


def site_calendar(client, site, day):
    return client.get(
        reverse("missions:site_calendar", kwargs={"pk": site.pk}), {"mois": f"{day:%Y-%m}"}
    ).text


def next_month_first():
    return (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)


def test_the_host_site_sees_how_each_doctor_was_verified(client, doctor):
    site = HostSiteFactory()
    day = next_month_first() + timedelta(days=2)
    services.mission_book(slot=MissionSlotFactory(site=site, date=day), doctor=doctor)
    services.mission_book(
        slot=MissionSlotFactory(site=site, date=day + timedelta(days=1)),
        doctor=psc_doctor("10000000009"),
    )
    client.force_login(MembershipFactory(organisation=site.organisation).user)

    page = site_calendar(client, site, day)

    calendar = page.split('data-testid="site-calendar"')[1]
    partner_row, psc_row = calendar.split("<tr>")[2:4]
    assert str(doctor) in partner_row
    assert "RPPS vérifié par ARS Nouvelle-Aquitaine le" in partner_row
    assert "RPPS vérifié par Pro Santé Connect le 8 septembre 2026" in psc_row
    assert "10003456786" not in page and "10000000009" not in page


def test_the_site_calendar_costs_no_query_per_booking(client, doctor):
    site = HostSiteFactory()
    day = next_month_first()
    member = MembershipFactory(organisation=site.organisation).user
    client.force_login(member)
    services.mission_book(slot=MissionSlotFactory(site=site, date=day), doctor=doctor)
    with CaptureQueriesContext(connection) as one:
        site_calendar(client, site, day)

    for offset, rpps in enumerate(["10000000009", "10000000017", "10000000025"], start=1):
        slot = MissionSlotFactory(site=site, date=day + timedelta(days=offset))
        services.mission_book(slot=slot, doctor=psc_doctor(rpps))
    with CaptureQueriesContext(connection) as four:
        page = site_calendar(client, site, day)

    assert page.count('data-testid="rpps-verified"') == 4
    assert len(four) == len(one)
