"""The organisation sees « RPPS vérifié », by whom and when, on an application whose candidate's
number is verified; never the number; nothing when it is not verified."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.accounts.models import RppsVerification

pytestmark = pytest.mark.django_db

VERIFIED_AT = timezone.make_aware(datetime(2026, 10, 14, 9, 30))
RPPS = "10003456786"


def psc_candidate():
    user = UserFactory(professional=True)
    profile = user.professional_profile
    profile.rpps = RPPS
    profile.rpps_verified_at = VERIFIED_AT
    profile.rpps_verified_source = RppsVerification.PRO_SANTE_CONNECT
    profile.save()
    return user


def partner_candidate(partner_name="ARS Occitanie"):
    partner = OrganisationFactory(collectivity=True, verified=True, name=partner_name)
    user = UserFactory(professional=True)
    profile = user.professional_profile
    profile.rpps = RPPS
    profile.save()
    profile.rpps_verify(by=MembershipFactory(organisation=partner).user, organisation_id=partner.pk)
    return user


def inbox_page(client, offer):
    return client.get(reverse("applications:inbox", args=[offer.organisation_id])).text


def detail_page(client, application):
    return client.get(reverse("applications:detail", args=[application.pk])).text


@pytest.mark.parametrize("page", [inbox_page, detail_page])
def test_the_organisation_sees_a_pro_sante_connect_verification(client, offer, member, page):
    application = ApplicationFactory(offer=offer, candidate=psc_candidate())
    client.force_login(member)

    text = page(client, offer) if page is inbox_page else page(client, application)

    assert "RPPS vérifié par Pro Santé Connect le 14 octobre 2026" in text
    assert RPPS not in text


@pytest.mark.parametrize("page", [inbox_page, detail_page])
def test_the_organisation_sees_which_partner_verified(client, offer, member, page):
    application = ApplicationFactory(offer=offer, candidate=partner_candidate("ARS Occitanie"))
    client.force_login(member)

    text = page(client, offer) if page is inbox_page else page(client, application)

    assert "RPPS vérifié par ARS Occitanie le" in text
    assert "Pro Santé Connect" not in text
    assert RPPS not in text


@pytest.mark.parametrize("page", [inbox_page, detail_page])
def test_an_unverified_number_shows_no_badge(client, offer, member, page):
    candidate = UserFactory(professional=True)
    candidate.professional_profile.rpps = RPPS
    candidate.professional_profile.save()
    application = ApplicationFactory(offer=offer, candidate=candidate)
    client.force_login(member)

    text = page(client, offer) if page is inbox_page else page(client, application)

    assert 'data-testid="rpps-verified"' not in text
    assert "RPPS vérifié" not in text
    assert RPPS not in text


def test_a_candidate_without_profile_nor_an_anonymised_one_breaks_nothing(client, offer, member):
    ApplicationFactory(offer=offer, candidate=UserFactory())
    anonymised = ApplicationFactory(offer=offer, candidate=psc_candidate())
    anonymised.candidate = None
    anonymised.save()
    client.force_login(member)

    response = client.get(reverse("applications:inbox", args=[offer.organisation_id]))
    detail = client.get(reverse("applications:detail", args=[anonymised.pk]))

    assert response.status_code == detail.status_code == 200
    assert "RPPS vérifié" not in response.text + detail.text


def test_the_inbox_badges_cost_no_query_per_application(client, offer, member):
    client.force_login(member)
    ApplicationFactory(offer=offer, candidate=partner_candidate("ARS 0"))
    with CaptureQueriesContext(connection) as one:
        inbox_page(client, offer)

    for index in range(1, 6):
        candidate = partner_candidate(f"ARS {index}") if index % 2 else psc_candidate()
        ApplicationFactory(offer=offer, candidate=candidate)
    with CaptureQueriesContext(connection) as six:
        text = inbox_page(client, offer)

    assert text.count('data-testid="rpps-verified"') == 6
    assert len(six) == len(one)


def test_the_detail_badge_costs_no_query_of_its_own(client, offer, member):
    plain = UserFactory(professional=True)
    unverified = ApplicationFactory(offer=offer, candidate=plain, seen=True)
    verified = ApplicationFactory(offer=offer, candidate=partner_candidate(), seen=True)
    client.force_login(member)
    for application in (unverified, verified):
        detail_page(client, application)  # the first opening also records the reading

    with CaptureQueriesContext(connection) as without_badge:
        detail_page(client, unverified)
    with CaptureQueriesContext(connection) as with_badge:
        text = detail_page(client, verified)

    assert "RPPS vérifié par ARS Occitanie" in text
    assert len(with_badge) == len(without_badge)
