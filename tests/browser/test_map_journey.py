"""The maps in Debian's Chromium (docs/maps.md): the offers map clusters its markers, zooms with
the keyboard and the mouse, opens a popup from a marker and flies to an item of the list; the
territories map colours the départements and hatches the unknown; without WebGL the lists
beside them are all there is, and they work."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import axe_check
from tests.browser.walk import People, open_menu_link
from tests.offers.factories import OfferFactory
from tests.territories import builders
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.territories import shapes
from tremplin.territories.models import DataSource, Departement, IndicatorValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "map"


@pytest.fixture
def france():
    """Three communes of the Creuse close together and one in the Rhône, with shapes; an APL
    for the Creuse only."""
    region = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    creuse = DepartementFactory(code="23", name="Creuse", region=region)
    rhone = DepartementFactory(
        code="69", name="Rhône", region=RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    )
    places = {}
    for insee, name, lon, lat, departement in [
        ("23096", "Guéret", 1.87, 46.17, creuse),
        ("23079", "Felletin", 1.90, 46.15, creuse),
        ("23008", "Ahun", 1.93, 46.13, creuse),
        ("69123", "Lyon", 4.83, 45.76, rhone),
    ]:
        shape = shapes.commune_shape(builders.wkb_square(lon - 0.1, lat - 0.1, 0.2))
        places[insee] = CommuneFactory(
            insee=insee, name=name, departement=departement, region=departement.region,
            latitude=lat, longitude=lon, shape=shape,
        )  # fmt: skip
    for departement in Departement.objects.all():
        departement.shape = shapes.departement_shape(
            departement.communes.values_list("shape", flat=True)
        )
        departement.save()
    source = DataSource.objects.create(
        key="apl_mg", title="APL", publisher="DREES", year=2023, imported_at=timezone.now()
    )
    for insee in ("23096", "23079", "23008"):
        IndicatorValue.objects.create(
            commune=places[insee], key="apl_mg", year=2023, value=2.5, source=source
        )
    for insee, title in [
        ("23096", "Remplacement à Guéret"),
        ("23079", "Stage à Felletin"),
        ("23008", "Collaboration à Ahun"),
        ("69123", "Installation à Lyon"),
    ]:
        OfferFactory(published=True, title=title, commune=places[insee])
    return places


def zoom(page: Page, root: str) -> float:
    return page.evaluate(f"document.querySelector('{root}').tremplinMap.getZoom()")


def wait_still(page: Page, root: str) -> None:
    # A function, not an expression: a string expression would need 'unsafe-eval' (our CSP).
    page.wait_for_function(
        "(root) => !document.querySelector(root).tremplinMap.isMoving()", arg=root
    )
    page.wait_for_timeout(300)


def test_the_offers_map_clusters_zooms_and_follows_the_list(browser: Browser, live_server, france):
    people = People(browser, live_server.url)
    page = people.visitor()
    open_menu_link(page, "Annonces")
    page.get_by_role("link", name="Carte").click()
    root = "[data-testid=offers-map] [data-map]"
    expect(page.locator(f"{root}[data-map-loaded]")).to_be_attached(timeout=20_000)
    canvas = page.get_by_test_id("map-canvas")
    expect(canvas).to_be_visible()
    listing = page.get_by_test_id("offers-map-list")
    expect(listing.get_by_role("link")).to_have_count(4)
    wait_still(page, root)

    # Guéret, Felletin and Ahun are a few km apart: one cluster of 3 at the France view.
    cluster = page.get_by_test_id("map-cluster").filter(has_text="3")
    expect(cluster).to_be_visible()
    box = cluster.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24
    axe_check(page, JOURNEY, "offers-map")

    # The keyboard: the map's canvas takes the focus, « + » zooms in, « - » out.
    start = zoom(page, root)
    page.locator(f"{root} canvas").focus()
    page.keyboard.press("Equal")
    wait_still(page, root)
    assert zoom(page, root) > start
    page.keyboard.press("Minus")
    wait_still(page, root)
    assert zoom(page, root) == pytest.approx(start, abs=0.05)

    # The mouse wheel zooms too.
    area = canvas.bounding_box()
    assert area
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    page.mouse.wheel(0, -600)
    wait_still(page, root)
    assert zoom(page, root) > start

    # A click on the cluster opens it up into its markers.
    page.locator(f"{root}").evaluate("el => el.tremplinMap.jumpTo({zoom: 5})")
    wait_still(page, root)
    before = zoom(page, root)
    page.get_by_test_id("map-cluster").filter(has_text="3").click()
    wait_still(page, root)
    assert zoom(page, root) > before
    page.locator(f"{root}").evaluate(
        "el => el.tremplinMap.jumpTo({zoom: 13, center: [1.87, 46.17]})"
    )
    wait_still(page, root)

    # A marker's popup names the offer and links to it; the list shows what the map shows.
    marker = page.get_by_test_id("map-marker").first
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator(".maplibregl-popup")
    expect(popup).to_contain_text("Remplacement à Guéret")
    expect(popup.get_by_role("link", name="Ouvrir la page")).to_have_attribute(
        "href", f"/annonces/{france['23096'].offers.get().pk}/"
    )
    expect(listing.get_by_role("link", name="Remplacement à Guéret")).to_be_visible()
    expect(listing.get_by_role("link", name="Installation à Lyon")).to_be_hidden()
    expect(page.locator("[data-map-status]")).to_contain_text("sur 4 visibles sur la carte")

    # Showing every item again, then one of the list flies the map to Lyon.
    page.get_by_text("Ne lister que les annonces visibles sur la carte").click()
    expect(listing.get_by_role("link", name="Installation à Lyon")).to_be_visible()
    page.get_by_role("button", name="Voir sur la carte : Installation à Lyon").click()
    expect(popup).to_contain_text("Installation à Lyon")
    wait_still(page, root)
    center = page.evaluate(f"document.querySelector('{root}').tremplinMap.getCenter().toArray()")
    assert center == pytest.approx([4.83, 45.76], abs=0.01)
    axe_check(page, JOURNEY, "offers-map-lyon")
    assert people.console_errors == []
    people.close()


def test_the_territories_map_colours_the_known_and_hatches_the_unknown(
    browser: Browser, live_server, france
):
    people = People(browser, live_server.url)
    page = people.visitor()
    open_menu_link(page, "Territoires")
    root = "[data-testid=france-map] [data-map]"
    expect(page.locator(f"{root}[data-map-loaded]")).to_be_attached(timeout=20_000)
    wait_still(page, root)
    table = page.locator("#france-map-table")
    expect(table.locator("tr[data-code='23'] td").first).to_have_text("2,50")
    expect(table.locator("tr[data-code='69'] td").first).to_have_text("inconnu")
    axe_check(page, JOURNEY, "territories-map")

    # The table's button flies to the Rhône; its popup says its value is unknown, not 0.
    page.get_by_role("button", name="Voir sur la carte : Rhône").click()
    popup = page.locator(".maplibregl-popup")
    expect(popup).to_contain_text("Rhône")
    expect(popup).to_contain_text("inconnu")
    wait_still(page, root)

    # A click on the Creuse in the canvas: its value, and once zoomed its communes load.
    page.locator(root).evaluate("el => el.tremplinMap.jumpTo({zoom: 8, center: [1.9, 46.15]})")
    wait_still(page, root)
    # Lyon came with the zoom on the Rhône, the Creuse's three communes with this one.
    expect(page.locator(root)).to_have_attribute("data-map-communes-loaded", "4")
    area = page.get_by_test_id("map-canvas").bounding_box()
    assert area
    page.mouse.click(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    expect(popup).to_contain_text("2,5")
    axe_check(page, JOURNEY, "territories-map-communes")
    assert people.console_errors == []
    people.close()


def test_without_webgl_the_lists_are_the_map(browser: Browser, live_server, france):
    context = browser.new_context(locale="fr-FR")
    # A browser without WebGL: every canvas context asked for is refused.
    context.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
    page = context.new_page()
    page.goto(live_server.url)
    open_menu_link(page, "Annonces")
    page.get_by_role("link", name="Carte").click()
    listing = page.get_by_test_id("offers-map-list")
    expect(listing.get_by_role("link")).to_have_count(4)
    expect(page.get_by_test_id("map-canvas")).to_be_hidden()
    expect(
        page.get_by_role("button", name="Voir sur la carte : Installation à Lyon")
    ).to_have_count(0)
    listing.get_by_role("link", name="Installation à Lyon").click()
    expect(page.get_by_role("heading", name="Installation à Lyon")).to_be_visible()
    context.close()
