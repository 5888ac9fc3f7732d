"""Alerts: created from a search, confirmed by email, digests, one-click unsubscription."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.syndication.factories import AlertFactory
from tests.territories.factories import CommuneFactory
from tremplin.core.professions import Profession
from tremplin.syndication.models import Alert, AlertFrequency
from tremplin.syndication.services_alerts import alerts_send_digests

pytestmark = pytest.mark.django_db


def link(body: str, path: str) -> str:
    return re.search(rf"http://127\.0\.0\.1:8000({path}[^\s]+/)", body).group(1)


def test_an_anonymous_visitor_saves_a_search_confirms_it_and_gets_a_digest_with_unsubscribe(
    client,
):
    CommuneFactory(insee="23096", name="Guéret")
    response = client.post(
        reverse("syndication:alert_create"),
        {
            "email": "karim@example.org",
            "frequency": "daily",
            "kind": "offers",
            "query": "profession=infirmier&departement=23&page=3&tri=recent",
        },
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.query == "profession=infirmier&departement=23"
    assert alert.confirmed_at is None
    assert "Infirmier" in alert.label and "Creuse" in alert.label
    [confirmation] = mail.outbox
    assert confirmation.to == ["karim@example.org"]

    # Nothing is sent before the address is confirmed.
    OfferFactory(published=True, profession=Profession.NURSE)
    assert alerts_send_digests(now=timezone.now() + timedelta(days=1)) == 0

    confirm = link(confirmation.body, "/alertes/confirmer/")
    assert "Confirmer" in client.get(confirm).text  # a GET (a mail scanner) confirms nothing
    assert Alert.objects.get().confirmed_at is None
    client.post(confirm)
    alert.refresh_from_db()
    assert alert.confirmed_at is not None

    new = OfferFactory(
        published=True, profession=Profession.NURSE, title="Remplacement infirmier en tournée"
    )
    OfferFactory(published=True, profession=Profession.PHYSIOTHERAPIST, title="Kiné")
    tomorrow = timezone.now() + timedelta(days=1)

    assert alerts_send_digests(now=tomorrow) == 1

    digest = mail.outbox[-1]
    assert digest.to == ["karim@example.org"]
    assert "1 nouvelle annonce" in digest.subject
    assert "Remplacement infirmier en tournée" in digest.body
    assert f"/annonces/{new.pk}/" in digest.body
    assert "Kiné" not in digest.body
    assert "<img" not in digest.body and digest.content_subtype == "plain"  # no pixel
    unsubscribe = link(digest.body, "/alertes/desabonnement/")
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Idempotent: a second pass the same day sends nothing.
    assert alerts_send_digests(now=tomorrow + timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 2

    page = client.get(unsubscribe)
    assert page.status_code == 200 and "Me désabonner" in page.text
    assert Alert.objects.get().unsubscribed_at is None
    done = client.post(unsubscribe)
    assert done.status_code == 200 and "ne recevra plus" in done.text
    assert Alert.objects.get().unsubscribed_at is not None
    OfferFactory(published=True, profession=Profession.NURSE)
    assert alerts_send_digests(now=tomorrow + timedelta(days=2)) == 0


def test_mail_clients_unsubscribe_in_one_click_without_a_csrf_token(client):
    from django.test import Client

    alert = AlertFactory(confirmed_at=timezone.now())
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        reverse("syndication:alert_unsubscribe", args=[alert.token]),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
    unknown = client.get("/alertes/desabonnement/inconnu/")
    assert unknown.status_code == 404
    assert "Page introuvable" in unknown.text
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None


def test_a_signed_in_user_with_a_confirmed_address_needs_no_confirmation(client):
    user = UserFactory(email="lea@example.org")
    client.force_login(user)

    client.post(
        reverse("syndication:alert_create"),
        {"email": user.email, "frequency": "weekly", "kind": "offers", "query": "q=stage"},
    )

    alert = Alert.objects.get()
    assert alert.confirmed_at is not None and alert.user == user
    assert mail.outbox == []
    assert alert.label in client.get(reverse("syndication:alerts")).text


def test_weekly_alerts_wait_a_week_and_daily_ones_a_day():
    created = timezone.now() - timedelta(days=2)
    daily = AlertFactory(confirmed_at=created, cursor=created, created_at=created)
    weekly = AlertFactory(
        confirmed_at=created, cursor=created, created_at=created, frequency=AlertFrequency.WEEKLY
    )
    OfferFactory(published=True)

    assert alerts_send_digests() == 1
    assert mail.outbox[0].to == [daily.email]
    OfferFactory(published=True)
    assert alerts_send_digests(now=timezone.now() + timedelta(days=5, hours=1)) == 2
    assert {m.to[0] for m in mail.outbox[1:]} == {daily.email, weekly.email}


def test_a_digest_of_many_offers_lists_twenty_and_links_the_rest(client):
    created = timezone.now() - timedelta(days=2)
    AlertFactory(confirmed_at=created, cursor=created)
    for number in range(23):
        OfferFactory(published=True, title=f"Annonce n°{number}")

    alerts_send_digests()

    [digest] = mail.outbox
    assert "23 nouvelles annonces" in digest.subject
    assert digest.body.count("/annonces/") == 20 + 1  # 20 offers and the search link
    assert "et 3 autres annonces" in digest.body


def test_digests_run_one_search_per_distinct_query(django_assert_max_num_queries):
    created = timezone.now() - timedelta(days=2)
    for _ in range(10):
        AlertFactory(confirmed_at=created, cursor=created, query="q=stage")
    OfferFactory(published=True, title="Stage en MSP")

    # Per alert: its lock, its save, and the idempotency key of its email (the immediate task
    # backend sends it inline: looked up before the send, written after it — at least once),
    # with their savepoints; plus the grouping and one search.
    with django_assert_max_num_queries(10 * 8 + 8):
        assert alerts_send_digests() == 10


def test_an_address_cannot_be_flooded_with_confirmations(client):
    for number in range(6):
        client.post(
            reverse("syndication:alert_create"),
            {
                "email": "cible@example.org",
                "frequency": "daily",
                "kind": "offers",
                "query": f"q=mot{number}",
            },
        )

    assert Alert.objects.count() == 6
    assert len(mail.outbox) <= 4


def test_an_alert_with_invalid_criteria_is_refused(client):
    response = client.post(
        reverse("syndication:alert_create"),
        {"email": "x@example.org", "frequency": "daily", "kind": "offers", "query": "rayon=9999"},
    )

    assert response.status_code == 400
    assert "Rayon (km) : Assurez-vous que cette valeur est inférieure ou égale à 500." in (
        response.text
    )
    assert 'value="x@example.org"' in response.text
    assert 'value="rayon=9999"' in response.text
    assert not Alert.objects.exists()


def test_the_search_page_offers_an_alert_and_the_feeds_of_the_current_search(client):
    OfferFactory(published=True)

    response = client.get(reverse("offers:search"), {"q": "remplacement"})

    assert 'data-testid="search-subscribe"' in response.text
    assert 'name="query" value="q=remplacement"' in response.text
    assert "/diffusion/annonces.rss?q=remplacement" in response.text


def test_a_territory_alert_sends_new_offers_around_the_best_ranked_communes():
    from tests.matching.builders import limousin
    from tremplin.matching.store import matrix_invalidate

    matrix_invalidate()
    try:
        places = limousin()
        created = timezone.now() - timedelta(days=2)
        AlertFactory(
            kind="territories",
            query="profession=infirmier&pres_de=Limoges&rayon=60",
            confirmed_at=created,
            cursor=created,
        )
        OfferFactory(
            published=True,
            profession=Profession.NURSE,
            commune=places["saint_junien"],
            title="Remplacement infirmier à Saint-Junien",
        )
        OfferFactory(
            published=True, profession=Profession.PHYSIOTHERAPIST, commune=places["saint_junien"]
        )
        OfferFactory(published=True, profession=Profession.NURSE, commune=places["lyon"])

        assert alerts_send_digests() == 1
    finally:
        matrix_invalidate()

    [digest] = mail.outbox
    assert "1 nouvelle annonce" in digest.subject
    assert "Remplacement infirmier à Saint-Junien" in digest.body
