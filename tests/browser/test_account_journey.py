"""A professional leaves, in Debian's Chromium: from the home page to a deleted account, by
clicking only, with axe-core on every page visited (the pages platform/ now serves)."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.helpers import axe_check
from tremplin.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "account-journey"


def check(page: Page, name: str) -> None:
    axe_check(page, JOURNEY, name)


def test_a_professional_downloads_their_data_then_deletes_their_account(page: Page, live_server):
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    user = UserFactory(email="lea.interne@example.org", first_name="Léa", professional=True)

    page.goto(live_server.url)
    check(page, "1-home")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon compte", exact=True)).to_be_visible()
    check(page, "2-account")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("donnees.json"))
    assert data["account"]["email"] == "lea.interne@example.org"
    assert data["professional_profile"]["profession"] == user.professional_profile.profession

    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", name="Supprimer mon compte")).to_be_visible()
    check(page, "3-delete")

    # A wrong password is refused in French, and the account stays.
    page.get_by_label("Votre mot de passe, pour confirmer").fill("pas-le-mien")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_text("Mot de passe incorrect.", exact=True)).to_be_visible()
    check(page, "4-delete-refused")
    assert User.objects.filter(pk=user.pk).exists()

    page.get_by_label("Votre mot de passe, pour confirmer").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_text("Votre compte et ses données ont été supprimés.")).to_be_visible()
    check(page, "5-deleted")
    assert not User.objects.filter(pk=user.pk).exists()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    # The only error the browser logged: the refused form, answered 400 on purpose.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
