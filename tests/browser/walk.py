"""What the issue-15 journeys share: logging in by clicking (from the page the visitor is on,
never a typed URL) and the last page's screenshot, whose path the test prints."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.accounts.factories import DEFAULT_PASSWORD
from tests.browser.helpers import RESULTS, axe_check


def fill_login_form(page: Page, email: str) -> None:
    """On the login page (reached by a click or a redirect), log in."""
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def log_in_by_clicking(page: Page, email: str) -> None:
    """From any page of a visitor: the header's « Se connecter », the form, « Mon compte »."""
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    fill_login_form(page, email)
    expect(page.get_by_role("heading", name="Mon compte", exact=True)).to_be_visible()


def open_menu_link(page: Page, name: str, *, menu: str = "") -> None:
    """A link of the main navigation (the header menu); `menu`: the role's menu it is in
    (« Ma structure », « Mon territoire », « Modération »…), opened first."""
    navigation = page.get_by_role("navigation", name="Menu principal")
    if menu:
        navigation.get_by_role("button", name=menu).click()
    # An entry of a role's menu may carry its count (« Annonces à relire 1 en attente »).
    pattern = re.compile(rf"^{re.escape(name)}(\s|$)")
    navigation.get_by_role("link", name=pattern if menu else name, exact=not menu).click()


def last_page(page: Page, journey: str, name: str, capsys: pytest.CaptureFixture) -> Path:
    """axe-core on the journey's last page, and its screenshot's path printed (even under -q)."""
    axe_check(page, journey, name)
    path = RESULTS / journey / f"{name}.png"
    assert path.stat().st_size > 0
    with capsys.disabled():
        print(f"\n[{journey}] last page screenshot: {path}")
    return path


class People:
    """One browser context per person (their own cookies), in French, each starting at the home
    page. `close()` ends them all: a context left open keeps its keep-alive sockets, so the live
    server's threads keep their database connections and PostgreSQL cannot drop the test
    database at the end of the session."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser, self.base = browser, base
        self.contexts: list[BrowserContext] = []
        self.console_errors: list[str] = []

    def visitor(self, *, width: int = 1280, height: int = 720) -> Page:
        """A new visitor at the home page (the only typed address of a journey); a phone is
        `width=375, height=812`."""
        context = self.browser.new_context(
            locale="fr-FR", viewport={"width": width, "height": height}
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._record)
        page.goto(self.base)
        return page

    def logged_in(self, email: str) -> Page:
        """A new visitor at the home page, logged in by clicking."""
        page = self.visitor()
        log_in_by_clicking(page, email)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def _record(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)
