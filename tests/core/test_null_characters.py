"""A NUL character in a query string (core.middleware.NullCharacterMiddleware): PostgreSQL cannot
compare a text with one, so it is refused before any view reads it — never a 500."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_answers_a_422_with_a_french_reason(client):
    # The request the API fuzz test found answering a 500 on PostgreSQL.
    response = client.get("/api/v1/offers", {"page": "4500", "commune": "\U000574df\x00%ä"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Un paramètre de l’adresse contient un caractère nul : retirez-le."
    }


def test_a_nul_in_a_parameters_name_or_a_repeated_value_is_refused_too(client):
    assert client.get("/api/v1/offers?a%00=1").status_code == 422
    assert client.get("/api/v1/offers?commune=23079&commune=2%0096").status_code == 422


def test_a_page_answers_a_400_in_french(client):
    response = client.get("/annonces/", {"q": "infirmier\x00"})
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_other_requests_pass(client):
    assert client.get("/api/v1/offers", {"page": "1", "logement": "false"}).status_code == 200
    assert client.get("/annonces/", {"q": "infirmier"}).status_code == 200
