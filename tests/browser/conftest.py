import pytest
from playwright.sync_api import Page

from tests.browser import axe_watch


@pytest.fixture(autouse=True)
def _axe_on_every_page(monkeypatch: pytest.MonkeyPatch) -> object:
    """axe-core on every page each browser test visits (see tests/browser/axe_watch.py)."""
    pages: list[Page] = []
    failures: list[str] = []
    axe_watch.install(monkeypatch, pages, failures)
    yield
    axe_watch.check_open_pages(pages, failures)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
