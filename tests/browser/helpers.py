from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.accounts.factories import DEFAULT_PASSWORD


def log_in(page: Page, base: str, email: str) -> None:
    """Log in through the real form (leaving any previous session first).

    The previous page is left first (about:blank): a request of it still in flight (htmx, the
    map) could otherwise set a new CSRF cookie after the cookies are cleared, and the login form
    would then be refused as forged (seen once in CI)."""
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/compte/connexion/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon compte", exact=True)).to_be_visible()


RESULTS = Path(__file__).resolve().parents[2] / "test-results"
AXE = Axe()


def axe_check(page: Page, journey: str, name: str) -> None:
    """No axe-core violation on this page; a screenshot to look at, in test-results/<journey>/."""
    folder = RESULTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)
    results = AXE.run(page)
    page.evaluate("() => { window.__tremplinAxeChecked = true; }")  # see axe_watch.py
    assert results.violations_count == 0, results.generate_report()
