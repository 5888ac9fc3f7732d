"""Reads on territories: search, profiles, aggregates. Views and the API call these."""

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tremplin.territories import geo
from tremplin.territories.coverage import (
    COVERAGES,
    NEAREST_CAP_KM,
    NOT_COVERED,
    PLACE_COVERAGES,
    Absent,
    Coverage,
    departement_of,
    publishes_by_arrondissement,
    territory_of,
    territory_of_point,
)
from tremplin.territories.indicators import (
    APL_KEYS,
    INDICATORS,
    PROFESSION_APL,
    SECTIONS,
    Indicator,
)
from tremplin.territories.models import Commune, DataSource, IndicatorValue, Place, PostalCode
from tremplin.territories.text import normalise_name
from tremplin.territories.zonages import (
    PROFESSION_ZONAGE,
    SCHEMES_BY_KEY,
    category_label,
    category_meaning,
)

INSEE_QUERY = re.compile(r"^(\d{5}|2[ab]\d{3})$", re.IGNORECASE)
POSTAL_QUERY = re.compile(r"^\d{2,5}$")


class _NameIndex:
    """Every commune's normalised name and population, held in memory by each process.

    Matching a prefix or a word over 35,000 short strings in Python takes a few milliseconds,
    where a LIKE scan in SQLite or PostgreSQL takes tens. The index is rebuilt when the commune
    base is re-imported (the `communes` DataSource changes).
    """

    def __init__(self) -> None:
        self.version: datetime | None = None  # imported_at of the commune base indexed
        self.rows: list[tuple[str, str, int]] = []

    def current(self) -> list[tuple[str, str, int]]:
        version = (
            DataSource.objects.filter(key="communes").values_list("imported_at", flat=True).first()
        )
        if version is None or version != self.version or not self.rows:
            rows = Commune.objects.values_list("search_name", "insee", "population")
            self.rows = sorted(((name, insee, population or 0) for name, insee, population in rows))
            self.version = version
        return self.rows


_name_index = _NameIndex()


def commune_search(query: str, *, limit: int = 10) -> list[Commune]:
    """Communes by name (accents, case, hyphens and apostrophes ignored), postal code or INSEE
    code; exact names first, then names starting with the query, then names containing a word
    starting with it; larger communes first within each group."""
    query = query.strip()
    if not query or limit <= 0:
        return []
    if INSEE_QUERY.match(query) and Commune.objects.filter(insee=query.upper()).exists():
        postal = PostalCode.objects.filter(code=query).values("commune_id")
        ranked = [
            query.upper(),
            *_top(Commune.objects.filter(insee__in=postal).exclude(insee=query.upper()), limit),
        ]
    elif POSTAL_QUERY.match(query):
        postal = PostalCode.objects.filter(code__startswith=query).values("commune_id")
        ranked = _top(Commune.objects.filter(insee__in=postal), limit)
    else:
        needle = normalise_name(query)
        if not needle:
            return []
        ranked = _rank_names(needle, limit)
    base = Commune.objects.select_related("departement").only(
        "insee", "name", "population", "postal_codes", "departement__name", "departement__code"
    )
    by_code = base.in_bulk(ranked[:limit])
    return [by_code[code] for code in ranked[:limit] if code in by_code]


def _rank_names(needle: str, limit: int) -> list[str]:
    rows = _name_index.current()
    word = " " + needle
    exact: list[tuple[int, str]] = []
    prefix: list[tuple[int, str]] = []
    inner: list[tuple[int, str]] = []
    # Names starting with the needle are contiguous in the sorted index.
    start = bisect.bisect_left(rows, (needle,))
    for name, insee, population in rows[start:]:
        if not name.startswith(needle):
            break
        (exact if name == needle else prefix).append((population, insee))
    if len(exact) + len(prefix) < limit:
        inner = [
            (population, insee)
            for name, insee, population in rows
            if word in name and not name.startswith(needle)
        ]
    ranked = []
    for group in (exact, prefix, inner):
        group.sort(key=lambda pair: -pair[0])
        ranked += [insee for _, insee in group]
        if len(ranked) >= limit:
            break
    return ranked[:limit]


def _top(queryset: QuerySet[Commune], limit: int) -> list[str]:
    """INSEE codes of the `limit` most populated communes of a (small) queryset."""
    if limit <= 0:
        return []
    return list(
        queryset.order_by(F("population").desc(nulls_last=True)).values_list("insee", flat=True)[
            :limit
        ]
    )


@dataclass
class IndicatorView:
    definition: Indicator
    value: float | None
    category: str
    year: int | None
    source: DataSource | None
    share_above: float | None
    share_below: float | None
    # Set when the source publishes this figure for the whole city only (an arrondissement's
    # profile then shows its city's value, saying so).
    published_for: Commune | None = None
    # For a city and a category: (category, number of arrondissements), in the scheme's order.
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    # Why there is no figure: outside the source's coverage (the reason, naming the source)…
    coverage: str = ""
    # …or inside it but withheld by the publisher ("non publié (secret statistique…)").
    absence: str = ""

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def covered(self) -> bool:
        return not self.coverage

    @property
    def display(self) -> str:
        if self.coverage:
            return str(NOT_COVERED)
        if self.definition.kind == "category" and not self.category and self.breakdown:
            return self.breakdown_text
        if self.definition.kind == "flag":
            if self.value is None:
                return self.absence or _("donnée non disponible")
            return _("Oui") if self.value else _("Non")
        if self.definition.key in SCHEMES_BY_KEY:
            return category_label(self.definition.key, self.category)
        if self.definition.kind == "category":
            return self.category
        if self.value is None:
            return self.absence or _("donnée non disponible")
        number = f"{self.value:,.{self.definition.decimals}f}".replace(",", "\u202f").replace(
            ".", ","
        )
        return number

    @property
    def breakdown_text(self) -> str:
        """ "1 arrondissement en ZIP, 10 en ZAC, 9 hors zonage"."""
        parts = []
        for position, (category, count) in enumerate(self.breakdown):
            phrase = _category_phrase(self.definition.key, category)
            if position == 0:
                noun = _("arrondissement") if count == 1 else _("arrondissements")
                parts.append(f"{count} {noun} {phrase}")
            else:
                parts.append(f"{count} {phrase}")
        return ", ".join(parts)

    @property
    def is_zero_supply(self) -> bool:
        """An APL of 0 as the DREES publishes it: no supply accessible within its distances."""
        return self.definition.key in APL_KEYS and self.value == 0

    @property
    def rank_text(self) -> str:
        if self.share_above is None or self.definition.kind in {"category", "flag"}:
            return ""
        if self.definition.kind == "count" or self.published_for is not None:
            return ""
        # Rounded down: a share never reads "100 %" (or more) when some communes are not in it.
        if self.share_above >= 0.5:
            return _("plus faible que %(share)s %% des communes") % {
                "share": math.floor(self.share_above * 100)
            }
        return _("plus élevé que %(share)s %% des communes") % {
            "share": math.floor((self.share_below or 0) * 100)
        }

    @property
    def meaning(self) -> str:
        if self.definition.kind == "category":
            return category_meaning(self.definition.key, self.category)
        return ""


def _category_phrase(key: str, category: str) -> str:
    if key == "zonage_mg":
        return str(ZONAGE_PHRASES.get(category, category))
    if key in SCHEMES_BY_KEY:
        return f"« {category_label(key, category)} »"
    return f"« {category} »"


ZONAGE_PHRASES = {
    "ZIP": gettext_lazy("en ZIP"),
    "ZAC": gettext_lazy("en ZAC"),
    "ZAR": gettext_lazy("en ZAR"),
    "HZ": gettext_lazy("hors zonage"),
}


def _latest_values(commune: Commune) -> dict[str, IndicatorView]:
    """The latest row of each indicator of a commune, as imported."""
    latest: dict[str, IndicatorView] = {}
    rows = (
        IndicatorValue.objects.filter(commune=commune)
        .select_related("source")
        .order_by("key", "-year")
    )
    for row in rows:
        if row.key in latest or row.key not in INDICATORS:
            continue
        latest[row.key] = IndicatorView(
            definition=INDICATORS[row.key],
            value=row.value,
            category=row.category,
            year=row.year,
            source=row.source,
            share_above=row.share_above,
            share_below=row.share_below,
        )
    return latest


def _with_coverage(commune: Commune, latest: dict[str, IndicatorView]) -> dict[str, IndicatorView]:
    """`latest` once each source's coverage is applied (coverage.COVERAGES): outside it the
    indicator is there without a value and with the reason, whatever rows an older import left.
    Inside it, a commune without a row of an imported exhaustive count (stations, cinemas, BPE)
    has a real 0, one absent from the ONML list is not coastal, and one withheld by Filosofi
    says so."""
    sources = {s.key: s for s in DataSource.objects.filter(key__in=_coverage_sources())}
    for key, coverage in COVERAGES.items():
        view = _covered_view(key, coverage, latest.get(key), sources.get(coverage.source), commune)
        if view is not None:
            latest[key] = view
    return dict(sorted(latest.items()))


def _coverage_sources() -> set[str]:
    return {coverage.source for coverage in COVERAGES.values()}


def _covered_view(
    key: str,
    coverage: Coverage,
    view: IndicatorView | None,
    source: DataSource | None,
    commune: Commune,
) -> IndicatorView | None:
    """The view of a declared indicator once its coverage is applied (None: nothing to say)."""
    gap = coverage.gap(commune.departement_id)
    if gap:
        return _empty_view(key, source, coverage=gap)
    if view is not None or source is None:
        return view  # as published, or a source never imported: nothing known
    if coverage.absent in (Absent.ZERO, Absent.NO):
        return replace(_empty_view(key, source), value=0.0)
    if coverage.absent == Absent.UNPUBLISHED:
        return _empty_view(key, source, absence=coverage.absence)
    return None


def _empty_view(
    key: str, source: DataSource | None, *, coverage: str = "", absence: str = ""
) -> IndicatorView:
    return IndicatorView(
        definition=INDICATORS[key],
        value=None,
        category="",
        year=source.year if source else None,
        source=source,
        share_above=None,
        share_below=None,
        coverage=coverage,
        absence=absence,
    )


def commune_indicators(commune: Commune) -> dict[str, IndicatorView]:
    """The latest value of each indicator of a commune, keyed by indicator key.

    Each source's coverage is applied (see `_with_coverage`). An arrondissement shows its own
    values and, for sources that publish the city only, its city's (marked `published_for`) —
    before any "no row means 0" rule, which holds for the territories a source lists. A city
    shows, for each category its arrondissements are classed in, their breakdown — and no single
    category unless the source gives one.
    """
    latest = _latest_values(commune)
    if commune.city_id is not None and commune.city is not None:
        city = _with_coverage(commune.city, _latest_values(commune.city))
        for key, view in city.items():
            by_arrondissement = view.source is not None and publishes_by_arrondissement(
                view.source.key
            )
            if by_arrondissement or key in latest or not view.covered:
                continue
            if view.value is not None or view.category:
                view.published_for = commune.city
                latest[key] = view
        return _with_coverage(commune, latest)
    latest = _with_coverage(commune, latest)
    for key, view in _arrondissement_breakdowns(commune).items():
        if key in latest:
            latest[key].breakdown = view.breakdown
        else:
            latest[key] = view
    return latest


def _arrondissement_breakdowns(city: Commune) -> dict[str, IndicatorView]:
    """For each category indicator, how many of the city's arrondissements are in each category
    (latest year); empty for a commune without arrondissements."""
    # Classements only: a breakdown of employment zones would say nothing.
    keys = [*SCHEMES_BY_KEY, "zrr"]
    rows = (
        IndicatorValue.objects.filter(commune__city=city, key__in=keys)
        .exclude(category="")
        .select_related("source")
        .order_by("key", "-year")
    )
    views: dict[str, IndicatorView] = {}
    counted: dict[str, Counter[str]] = {}
    for row in rows:
        view = views.get(row.key)
        if view is None:
            views[row.key] = view = IndicatorView(
                definition=INDICATORS[row.key],
                value=None,
                category="",
                year=row.year,
                source=row.source,
                share_above=None,
                share_below=None,
            )
            counted[row.key] = Counter()
        if row.year == view.year:
            counted[row.key][row.category] += 1
    for key, view in views.items():
        view.breakdown = sorted(counted[key].items(), key=_breakdown_order(key))
    return views


def _breakdown_order(key: str) -> Callable[[tuple[str, int]], tuple]:
    """A classement's categories in its own order (the most under-served first: « 1 en ZIP,
    11 en ZAC, 8 hors zonage »); other categories by number of arrondissements."""
    scheme = SCHEMES_BY_KEY.get(key)
    if scheme is None:
        return lambda item: (-item[1], item[0])
    codes = scheme.codes
    return lambda item: (codes.index(item[0]) if item[0] in codes else len(codes), item[0])


def indicator_sections(
    indicators: dict[str, IndicatorView], *, not_imported: frozenset[str] = frozenset()
) -> list[dict]:
    """Every registered indicator grouped by section, known or not (shown as unavailable, or
    as not imported for the classements in `not_imported`)."""
    sections = []
    for section, title in SECTIONS.items():
        items = [
            {
                "definition": definition,
                "view": indicators.get(key),
                "not_imported": key in not_imported,
            }
            for key, definition in INDICATORS.items()
            if definition.section == section
        ]
        sections.append({"key": section, "title": title, "items": items})
    return sections


@dataclass
class NearbyPlace:
    place: Place
    distance_km: float


def place_territory(place: Place) -> str | None:
    """The land mass of a place: its commune's, else where its coordinates fall."""
    if place.commune_id is not None:
        return territory_of(departement_of(place.commune_id))
    return territory_of_point(place.latitude, place.longitude)


def places_nearest(
    *,
    latitude: float,
    longitude: float,
    kind: str,
    limit: int = 3,
    territory: str | None = None,
    max_km: float | None = None,
) -> list[NearbyPlace]:
    """The `limit` nearest places of a kind within `max_km` (NEAREST_CAP_KM of the kind by
    default), on the same land mass only: mainland France, Corsica or one DROM (`territory`, by
    default the one the point lies on). A hospital across the sea is not "near", however close
    the crow flies: Bastia is 80 km from Piombino, Basse-Terre 140 km from Dominica's hospitals.
    Searches ever wider boxes around the point, up to the cap."""
    cap = max_km if max_km is not None else NEAREST_CAP_KM.get(kind, 100.0)
    land = territory if territory is not None else territory_of_point(latitude, longitude)
    radii = sorted({min(radius, cap) for radius in (15.0, 50.0, cap)})
    for radius in radii:
        south, north, west, east = geo.degrees_box(latitude, longitude, radius)
        candidates = Place.objects.filter(
            kind=kind, latitude__range=(south, north), longitude__range=(west, east)
        ).select_related("commune", "source")
        nearest = [
            (distance, place)
            for distance, place in geo.nearest(
                (latitude, longitude),
                ((p.latitude, p.longitude, p) for p in candidates if place_territory(p) == land),
                limit,
            )
            if distance <= cap
        ]
        # A box holds points farther than its radius (corners): keep widening until the
        # `limit` nearest found are within the radius, where nothing closer can be missing.
        complete = len(nearest) == limit and nearest[-1][0] <= radius
        if complete or (radius == radii[-1] and nearest):
            return [NearbyPlace(place=p, distance_km=round(d, 1)) for d, p in nearest]
    return []


@dataclass
class Nearby:
    """The nearest places of a kind for a commune, or why there are none to show."""

    kind: str
    places: list[NearbyPlace]
    max_km: float
    coverage: str = ""  # the source does not cover the commune's territory
    located: bool = True  # the commune's position is known
    imported: bool = True  # the source of these places was imported

    @property
    def empty_text(self) -> str:
        if self.coverage:
            return self.coverage
        if not self.located or not self.imported:
            return _("donnée non disponible")
        return _("aucun à moins de %(km)s km") % {"km": f"{self.max_km:.0f}"}


def commune_nearby(commune: Commune, *, kind: str, limit: int = 1) -> Nearby:
    """The nearest places of `kind` in the commune's own territory, within the kind's cap."""
    coverage = PLACE_COVERAGES.get(kind)
    cap = NEAREST_CAP_KM.get(kind, 100.0)
    gap = coverage.gap(commune.departement_id) if coverage else ""
    if gap:
        return Nearby(kind=kind, places=[], max_km=cap, coverage=gap)
    if commune.latitude is None or commune.longitude is None:
        return Nearby(kind=kind, places=[], max_km=cap, located=False)
    imported = Place.objects.filter(kind=kind).exists() or (
        coverage is not None and DataSource.objects.filter(key=coverage.source).exists()
    )
    if not imported:
        # No list imported: nothing is known, not "none within the cap".
        return Nearby(kind=kind, places=[], max_km=cap, imported=False)
    places = places_nearest(
        latitude=commune.latitude,
        longitude=commune.longitude,
        kind=kind,
        limit=limit,
        territory=territory_of(commune.departement_id),
        max_km=cap,
    )
    return Nearby(kind=kind, places=places, max_km=cap)


def commune_profile(insee: str) -> Commune | None:
    return (
        Commune.objects.select_related("departement", "region", "epci", "city")
        .filter(insee=insee)
        .first()
    )


def arrondissements_of(commune: Commune) -> list[Commune]:
    """The municipal arrondissements of Paris, Lyon or Marseille, in code order; none elsewhere."""
    if commune.is_arrondissement:
        return []
    # Sorted here: with ORDER BY, SQLite scans the whole table by primary key instead of using
    # the city index (almost every commune has no city, which its statistics average out).
    found = commune.arrondissements.order_by().only("insee", "name", "city_id")
    return sorted(found, key=lambda arrondissement: arrondissement.insee)


def classements_not_imported(commune: Commune) -> frozenset[str]:
    """The classements (FRR, each profession's ARS zonage) with no value in the commune's
    région: their file (the national one, or this région's ARS arrêté) was not imported."""
    loaded = set(
        IndicatorValue.objects.filter(
            key__in=list(SCHEMES_BY_KEY), commune__region_id=commune.region_id
        )
        .values_list("key", flat=True)
        .distinct()
    )
    return frozenset(SCHEMES_BY_KEY) - loaded


@dataclass(frozen=True)
class NotImported:
    """A line for a classement whose file was not imported: said, never replaced by another."""

    definition: Indicator
    source: None = None
    year: None = None
    rank_text: str = ""
    not_imported: bool = True

    @property
    def display(self) -> str:
        return _("non importé")


def profession_indicators(
    commune: Commune, *, profession: str
) -> list["IndicatorView | NotImported"]:
    """What an offer's page shows about its commune for the offer's profession: the APL of the
    profession (if the DREES publishes one), its ARS zonage (or that it is not imported: never
    another profession's), and the unemployment rate of the employment zone."""
    indicators = commune_indicators(commune)
    lines: list[IndicatorView | NotImported] = []
    apl = PROFESSION_APL.get(profession)
    if apl and apl in indicators:
        lines.append(indicators[apl])
    zonage = PROFESSION_ZONAGE.get(profession)
    if zonage:
        lines.append(indicators.get(zonage) or NotImported(INDICATORS[zonage]))
    if "unemployment" in indicators:
        lines.append(indicators["unemployment"])
    return lines
