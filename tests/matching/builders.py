"""Hand-built territories for matching tests: communes with just the figures a test needs."""

from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory
from tremplin.territories.models import Commune, DataSource, IndicatorValue, Place

YEAR = 2023


def source(key: str = "test") -> DataSource:
    found, _ = DataSource.objects.get_or_create(
        key=key,
        defaults={"title": key, "publisher": "Tests", "year": YEAR, "imported_at": timezone.now()},
    )
    return found


def indicator(
    commune: Commune,
    key: str,
    value: float | None,
    *,
    share_above: float | None = None,
    category: str = "",
) -> IndicatorValue:
    return IndicatorValue.objects.create(
        commune=commune,
        key=key,
        year=YEAR,
        value=value,
        category=category,
        share_above=share_above,
        share_below=None if share_above is None else max(0.0, 1 - share_above - 0.01),
        source=source(key),
    )


def commune(insee: str, name: str, latitude: float, longitude: float, **kwargs: object) -> Commune:
    """A commune; `apl_inf=0.8` (or any APL key) sets the share of communes better served."""
    figures = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("apl_")}
    zonage = kwargs.pop("zonage", None)
    created = CommuneFactory(
        insee=insee,
        name=name,
        latitude=latitude,
        longitude=longitude,
        departement=kwargs.pop("departement", None)
        or DepartementFactory(code=insee[:2], name=f"Département {insee[:2]}"),
        **kwargs,
    )
    for key, share in figures.items():
        indicator(created, key, round(10 * (1 - share), 2), share_above=share)
    if zonage:
        indicator(created, "zonage_mg", None, category=zonage)
    return created


def station(latitude: float, longitude: float, name: str = "Gare") -> Place:
    return Place.objects.create(
        kind=Place.Kind.STATION,
        external_id=f"{latitude:.4f}{longitude:.4f}".replace(".", "").replace("-", "")[:40],
        name=name,
        latitude=latitude,
        longitude=longitude,
        source=source("stations"),
    )


def published_offer(commune: Commune, **kwargs: object) -> object:
    return OfferFactory(published=True, commune=commune, **kwargs)


def limousin() -> dict[str, Commune]:
    """Limoges and four communes around it, from the best served for nurses to the least,
    and Lyon far away; a station near Saint-Junien, two EPCIs."""
    haute_vienne = DepartementFactory(code="87", name="Haute-Vienne")
    creuse = DepartementFactory(code="23", name="Creuse")
    porte_ocean = EpciFactory(siren="248719312", name="CC Porte Océane du Limousin")
    limoges_metropole = EpciFactory(siren="248719221", name="Limoges Métropole")
    places = {
        "limoges": commune("87085", "Limoges", 45.8336, 1.2611, population=129_000,
                           departement=haute_vienne, epci=limoges_metropole, apl_inf=0.10),
        "saint_junien": commune("87154", "Saint-Junien", 45.8877, 0.9014, population=11_000,
                                departement=haute_vienne, epci=porte_ocean, apl_inf=0.70),
        "rochechouart": commune("87126", "Rochechouart", 45.8222, 0.8206, population=3_700,
                                departement=haute_vienne, epci=porte_ocean, apl_inf=0.85),
        "bourganeuf": commune("23030", "Bourganeuf", 45.9536, 1.7550, population=2_600,
                              departement=creuse, apl_inf=0.95),
        "lyon": commune("69123", "Lyon", 45.7640, 4.8357, population=520_000, apl_inf=0.99),
    }  # fmt: skip
    station(45.8890, 0.9050, "Saint-Junien")
    return places


def welcome(
    kind: str,
    code: str,
    name: str,
    *,
    housing_in: Commune | None = None,
    activities: int = 0,
    referent: str = "",
    published: bool = True,
    verified: bool = True,
) -> object:
    """A collectivité (`kind`: an OrganisationType) with its territory page, a bookable housing
    in `housing_in` if given, and `activities` to come."""
    from tests.hosting.factories import ActivityFactory, HousingFactory
    from tests.organisations.factories import OrganisationFactory
    from tremplin.hosting.models import TerritoryPage

    organisation = OrganisationFactory(
        collectivity=True, verified=verified, type=kind, territory_code=code, name=name
    )
    TerritoryPage.objects.create(
        organisation=organisation,
        presentation=f"{name} accueille les professionnels de santé.",
        contact_name=referent,
        is_published=published,
    )
    if housing_in is not None:
        HousingFactory(organisation=organisation, commune=housing_in)
    for _ in range(activities):
        ActivityFactory(organisation=organisation)
    return organisation
