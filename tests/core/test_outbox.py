"""The development outbox: every email kept, shown decoded with clickable links, DEBUG only."""

import io
import re
from pathlib import Path

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import NoReverseMatch, reverse

from tests.accounts.factories import UserFactory
from tremplin.accounts.services import user_send_confirmation
from tremplin.core.outbox import OutboxEmailBackend, outbox_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    settings.MAILERS = {"default": {"BACKEND": "tremplin.core.outbox.OutboxEmailBackend"}}
    return settings.EMAIL_OUTBOX_DIR


@pytest.fixture
def development(settings):
    import config.urls  # noqa: F401  # imported with DEBUG off, as the tests run the site

    settings.DEBUG = True
    settings.ROOT_URLCONF = "tests.core.urls_development"


def test_the_confirmation_link_opens_from_the_outbox_page(client, outbox_dir, development):
    user = UserFactory(unconfirmed=True, first_name="Léa")
    user_send_confirmation(user=user)
    raw = next(Path(outbox_dir).glob("*.eml")).read_bytes()

    listing = client.get(reverse("development:outbox"))  # anonymous: no staff needed in DEBUG
    assert listing.status_code == 200
    assert "Confirmez votre adresse sur Tremplin" in listing.text
    assert user.email in listing.text
    page = client.get(re.search(r'href="(/dev/courriels/[^"]+/)"', listing.text).group(1))
    link = re.search(r'<a href="(http://[^"]+/compte/[^"]+)"', page.text).group(1)

    # Encoded on the wire (the console printed this), whole and clickable on the page.
    assert link.encode() not in raw
    assert "Bonjour Léa" in page.text
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code in {200, 302}
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_the_backend_prints_the_decoded_text_on_the_console(outbox_dir):
    stream = io.StringIO()
    link = "http://127.0.0.1:8000/compte/confirmer/eyJ1c2VyIjoxfQ:1vQ=abc/"
    message = EmailMessage(
        subject="Confirmez votre adresse",
        body=f"Élodie, ouvrez : {link}\n" + "é" * 200,
        to=["a@b.fr"],
    )

    assert OutboxEmailBackend(stream=stream).send_messages([message]) == 1

    assert link in stream.getvalue()
    assert "=3D" not in stream.getvalue()
    [sent] = outbox_list()
    assert (sent.subject, sent.to, sent.text.splitlines()[0]) == (
        "Confirmez votre adresse",
        "a@b.fr",
        f"Élodie, ouvrez : {link}",
    )
    assert sent.sent_at is not None


def test_the_outbox_shows_the_html_part_and_lists_newest_first(client, outbox_dir, development):
    backend = OutboxEmailBackend(stream=io.StringIO())
    backend.send_messages([EmailMessage(subject="Premier", body="un", to=["a@b.fr"])])
    html = EmailMultiAlternatives(subject="Second", body="deux", to=["c@d.fr"])
    html.attach_alternative("<p>Deux <strong>en HTML</strong></p>", "text/html")
    backend.send_messages([html])

    assert [sent.subject for sent in outbox_list()] == ["Second", "Premier"]
    newest = outbox_list()[0]
    page = client.get(reverse("development:outbox_email", args=[newest.name]))
    assert "&lt;strong&gt;en HTML&lt;/strong&gt;" in page.text  # inside a sandboxed srcdoc
    assert 'sandbox=""' in page.text


def test_an_unknown_or_forged_email_name_is_404(client, outbox_dir, development):
    assert client.get("/dev/courriels/20260101-000000000000-deadbeef/").status_code == 404
    assert client.get("/dev/courriels/..%2f..%2fsettings/").status_code == 404


def test_the_outbox_is_not_routed_when_debug_is_off(client, outbox_dir, settings):
    with pytest.raises(NoReverseMatch):
        reverse("development:outbox")
    assert client.get("/dev/courriels/").status_code == 404
    settings.ROOT_URLCONF = "tests.core.urls_development"  # and even if it were routed
    assert client.get("/dev/courriels/").status_code == 404
