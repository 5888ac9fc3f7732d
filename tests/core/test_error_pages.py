"""A refused or missing page says so in French, inside the site's layout (Django's own pages are
English and bare)."""

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tremplin.core.middleware import DatabaseOutageMiddleware


@pytest.mark.django_db
def test_a_missing_page_says_so_in_french(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.text
    assert 'class="fr-header"' in response.text
    assert "Not Found" not in response.text


@pytest.mark.django_db
def test_a_refused_page_says_why_in_french(client):
    client.force_login(UserFactory())

    response = client.get(reverse("offers:moderation"))

    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in response.text
    assert "Votre compte ne permet pas d’ouvrir cette page" in response.text
    assert "Forbidden" not in response.text


@pytest.mark.django_db
def test_the_error_pages_follow_the_english_switch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


# 500 and 503: drawn without the database (tremplin/core/errors.py).


def outage(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    client.raise_request_exception = False
    return client


def test_a_bug_shows_the_french_500_page_without_touching_the_database(failing_client):
    # No django_db mark here: any query inside the error page would fail this test.
    response = failing_client.get("/en-panne/")

    assert response.status_code == 500
    assert "<h1>Erreur inattendue</h1>" in response.text
    assert "Désolé, le service rencontre un problème" in response.text
    assert 'class="fr-header"' in response.text
    assert "Server Error" not in response.text


def test_the_500_page_renders_with_no_context_at_all():
    html = render_to_string("500.html")

    assert "<h1>Erreur inattendue</h1>" in html
    assert "dsfr.min.css" in html


@pytest.mark.django_db
def test_a_database_outage_answers_503_with_retry_after(failing_client, caplog):
    with connection.execute_wrapper(outage):
        response = failing_client.get(reverse("core:home"))

    # Caught by DatabaseOutageMiddleware (the view's query), which logs the outage.
    assert "Database unavailable while serving GET /" in caplog.text

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "<h1>Service momentanément indisponible</h1>" in response.text
    assert "réessayez dans 30 secondes" in response.text


@pytest.mark.django_db
def test_a_database_outage_while_reading_the_session_is_a_503_too(failing_client):
    failing_client.force_login(UserFactory())

    with connection.execute_wrapper(outage):
        response = failing_client.get(reverse("accounts:profile"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service momentanément indisponible" in response.text


@pytest.mark.django_db
def test_a_database_outage_answers_the_api_in_json(failing_client):
    with connection.execute_wrapper(outage):
        response = failing_client.get("/api/v1/offers")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "Service momentanément indisponible : réessayez dans quelques instants."
    }


@pytest.mark.django_db
def test_the_home_page_is_served_normally_when_the_database_answers(failing_client):
    # The same request without the outage: the 503 above comes from the outage alone.
    response = failing_client.get(reverse("core:home"))

    assert response.status_code == 200


def test_with_debug_on_a_database_error_is_left_to_djangos_debug_page(rf, settings):
    settings.DEBUG = True
    middleware = DatabaseOutageMiddleware(lambda request: HttpResponse())

    answer = middleware.process_exception(rf.get("/"), OperationalError("no such table"))

    assert answer is None
    settings.DEBUG = False
    assert middleware.process_exception(rf.get("/"), OperationalError("x")).status_code == 503
