"""axe-core on every page a browser journey visits, without the journey asking for it.

Every page a test opens (`browser.new_page`, `context.new_page`, the `page` fixture) is watched:
before each action that can leave the document (a click, a fill, a key press, a `goto`, closing
the page…) the document being left is checked once, after its `load` event; so is the last one
when its page or context closes. A document is checked once (a flag on its `window`); an htmx
swap clears the flag, so the swapped state is checked at the next action.

Why before the next action rather than on `page.on("load")`: a sync-API event handler runs in
its own greenlet while the test goes on, so a check started there would race the journey's next
click. Checking at the journey's own next step is deterministic; the `request` event (pure
bookkeeping, no blocking call) says a navigation was started, so the check first waits for the
new document's `load`.

A violation fails the test at the step that leaves the page (its report names the URL); one
found while closing fails the test at teardown."""

import functools
from collections.abc import Callable, Iterator
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Error, Locator, Page, Request

from tests.browser.helpers import AXE

# Actions that may start a navigation or change the page enough to leave its state behind.
LOCATOR_ACTIONS = (
    "check",
    "clear",
    "click",
    "dblclick",
    "dispatch_event",
    "fill",
    "press",
    "press_sequentially",
    "select_option",
    "set_checked",
    "set_input_files",
    "tap",
    "type",
    "uncheck",
)
PAGE_ACTIONS = (
    *(name for name in LOCATOR_ACTIONS if name not in {"clear", "press_sequentially"}),
    "go_back",
    "go_forward",
    "goto",
    "reload",
    "set_content",
)

INIT_SCRIPT = """
document.addEventListener("htmx:afterSettle", () => { window.__tremplinAxeChecked = false; });
"""
# The document was checked, or is not a page of the site (a blank page, a PDF, a JSON answer).
ALREADY_CHECKED = """() => window.__tremplinAxeChecked === true
    || !location.protocol.startsWith("http") || document.contentType !== "text/html" """
MARK_CHECKED = "() => { window.__tremplinAxeChecked = true; }"
NAVIGATION_RACES = ("Execution context was destroyed", "navigat", "Target page, context")
# Origins whose pages are not the site's (the OpenID Connect provider a journey goes through):
# axe-core checks Tremplin's pages, not a third party's. Tests add and remove their own.
FOREIGN_ORIGINS: set[str] = set()


class Watch:
    """One watched page: whether a navigation started since its last check."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.navigating = True
        self.busy = False
        self.pages_checked: list[str] = []
        page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigating = True

    def check(self) -> str:
        """Check the current document if it was not yet; the axe report if it has violations."""
        if self.busy or self.page.is_closed():
            return ""
        self.busy = True
        try:
            for _attempt in range(3):
                try:
                    return self._check_once()
                except Error as error:
                    if not any(race in str(error) for race in NAVIGATION_RACES):
                        raise
                    if self.page.is_closed():
                        return ""
                    self.navigating = True  # left while being checked: check the next one
            return ""
        finally:
            self.busy = False

    def _check_once(self) -> str:
        if self.navigating:
            self.navigating = False
            self.page.wait_for_load_state("load")
        if self.page.evaluate(ALREADY_CHECKED):
            return ""
        if FOREIGN_ORIGINS and self.page.evaluate("() => location.origin") in FOREIGN_ORIGINS:
            return ""
        results = AXE.run(self.page)
        url = self.page.url
        self.page.evaluate(MARK_CHECKED)
        self.pages_checked.append(url)
        if results.violations_count:
            return f"axe-core on {url}:\n{results.generate_report()}"
        return ""


def _watch_of(page: Page) -> Watch | None:
    return getattr(page._impl_obj, "_tremplin_axe_watch", None)


def watch(page: Page) -> Page:
    """Watch this page (idempotent)."""
    if _watch_of(page) is None:
        page.add_init_script(INIT_SCRIPT)
        page._impl_obj._tremplin_axe_watch = Watch(page)
    return page


def check_before(page: Page) -> None:
    """Check the page's current document; fail now if axe-core finds a violation."""
    current = _watch_of(page)
    if current is not None:
        report = current.check()
        assert not report, report


def _before(page_of: Callable[[Any], Page], original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        check_before(page_of(self))
        return original(self, *args, **kwargs)

    return wrapper


def _registering(original: Callable[..., Page], pages: list[Page]) -> Callable[..., Page]:
    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Page:
        page = original(self, *args, **kwargs)
        if getattr(page.context._impl_obj, "_tremplin_no_javascript", False):
            # axe-core runs in the page: a context without JavaScript (a test of the pages
            # without it) cannot be checked, and waiting for it would hang the test.
            return page
        page = watch(page)
        pages.append(page)
        return page

    return wrapper


def install(monkeypatch: Any, pages: list[Page], failures: list[str]) -> None:
    """Patch Playwright's sync classes for one test: the pages it opens go into `pages`, the
    reports found while closing one into `failures`."""
    for name in LOCATOR_ACTIONS:
        monkeypatch.setattr(
            Locator, name, _before(lambda locator: locator.page, getattr(Locator, name))
        )
    for name in PAGE_ACTIONS:
        monkeypatch.setattr(Page, name, _before(lambda page: page, getattr(Page, name)))
    original_new_context = Browser.new_context

    @functools.wraps(original_new_context)
    def new_context(self: Any, *args: Any, **kwargs: Any) -> BrowserContext:
        context = original_new_context(self, *args, **kwargs)
        if kwargs.get("java_script_enabled") is False:
            context._impl_obj._tremplin_no_javascript = True
        return context

    monkeypatch.setattr(Browser, "new_context", new_context)
    monkeypatch.setattr(Browser, "new_page", _registering(Browser.new_page, pages))
    monkeypatch.setattr(BrowserContext, "new_page", _registering(BrowserContext.new_page, pages))

    def checked_on_close(original: Callable[..., Any], pages: Callable[[Any], Iterator[Page]]):
        @functools.wraps(original)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            for page in pages(self):
                current = _watch_of(page)
                if current is not None and (report := current.check()):
                    failures.append(report)
            return original(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(Page, "close", checked_on_close(Page.close, lambda page: iter([page])))
    monkeypatch.setattr(
        BrowserContext,
        "close",
        checked_on_close(BrowserContext.close, lambda context: iter(list(context.pages))),
    )


def check_open_pages(pages: list[Page], failures: list[str]) -> None:
    """At the end of a test, the last document of each page still open."""
    for page in pages:
        current = _watch_of(page)
        if current is not None and not page.is_closed() and (report := current.check()):
            failures.append(report)
