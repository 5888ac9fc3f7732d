"""Reads on territories: search, profiles, aggregates. Views and the API call these."""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from tremplin.territories import geo
from tremplin.territories.indicators import (
    APL_KEYS,
    INDICATORS,
    SECTIONS,
    ZONAGE_LABELS,
    ZONAGE_MEANINGS,
    Indicator,
)
from tremplin.territories.models import Commune, IndicatorValue, Place, PostalCode
from tremplin.territories.text import normalise_name

INSEE_QUERY = re.compile(r"^(\d{5}|2[ab]\d{3})$", re.IGNORECASE)
POSTAL_QUERY = re.compile(r"^\d{2,5}$")


def commune_search(query: str, *, limit: int = 10) -> list[Commune]:
    """Communes by name (accents, case, hyphens and apostrophes ignored), postal code or INSEE
    code; exact names first, then names starting with the query, then names containing a word
    starting with it; larger communes first within each group."""
    query = query.strip()
    if not query:
        return []
    base = Commune.objects.select_related("departement").only(
        "insee", "name", "population", "postal_codes", "departement__name", "departement__code"
    )
    if INSEE_QUERY.match(query) and Commune.objects.filter(insee=query.upper()).exists():
        postal = PostalCode.objects.filter(code=query).values("commune_id")
        ranked = [query.upper()] + _top(
            Commune.objects.filter(insee__in=postal).exclude(insee=query.upper()), limit
        )
    elif POSTAL_QUERY.match(query):
        postal = PostalCode.objects.filter(code__startswith=query).values("commune_id")
        ranked = _top(Commune.objects.filter(insee__in=postal), limit)
    else:
        needle = normalise_name(query)
        if not needle:
            return []
        ranked = _top(Commune.objects.filter(search_name=needle), limit)
        ranked += _top(
            Commune.objects.filter(search_name__startswith=needle).exclude(search_name=needle),
            limit - len(ranked),
        )
        if len(ranked) < limit:
            ranked += _top(
                Commune.objects.filter(search_name__contains=" " + needle).exclude(
                    search_name__startswith=needle
                ),
                limit - len(ranked),
            )
    by_code = base.in_bulk(ranked[:limit])
    return [by_code[code] for code in ranked[:limit] if code in by_code]


def _top(queryset: QuerySet[Commune], limit: int, *, probe: int = 400) -> list[str]:
    """INSEE codes of the `limit` most populated communes of `queryset`.

    Sorting in SQL by population is slow for rare matches (the database walks the population
    index until it finds enough), and fetching every match is slow for common ones: fetch up to
    `probe` matches unsorted; only when there are more, let the database sort.
    """
    if limit <= 0:
        return []
    rows = list(queryset.values_list("insee", "population")[:probe])
    if len(rows) == probe:
        return list(
            queryset.order_by(F("population").desc(nulls_last=True)).values_list(
                "insee", flat=True
            )[:limit]
        )
    rows.sort(key=lambda row: -(row[1] or 0))
    return [insee for insee, _ in rows[:limit]]


@dataclass
class IndicatorView:
    definition: Indicator
    value: float | None
    category: str
    year: int
    source: Any
    share_above: float | None
    share_below: float | None

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def display(self) -> str:
        if self.definition.kind == "flag":
            return _("Oui") if self.value else _("Non")
        if self.definition.key == "zonage_mg":
            return str(ZONAGE_LABELS.get(self.category, self.category))
        if self.definition.kind == "category":
            return self.category
        if self.value is None:
            return _("donnée non disponible")
        number = f"{self.value:,.{self.definition.decimals}f}".replace(",", "\u202f").replace(".", ",")
        return number

    @property
    def rank_text(self) -> str:
        if self.share_above is None or self.definition.kind in {"category", "flag"}:
            return ""
        if self.definition.kind == "count":
            return ""
        if self.share_above >= 0.5:
            return _("plus faible que %(share)s %% des communes") % {
                "share": round(self.share_above * 100)
            }
        return _("plus élevé que %(share)s %% des communes") % {
            "share": round((self.share_below or 0) * 100)
        }

    @property
    def meaning(self) -> str:
        if self.definition.key == "zonage_mg":
            return str(ZONAGE_MEANINGS.get(self.category, ""))
        return ""


def commune_indicators(commune: Commune) -> dict[str, IndicatorView]:
    """The latest value of each indicator of a commune, keyed by indicator key."""
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


def indicator_sections(indicators: dict[str, IndicatorView]) -> list[dict]:
    """Every registered indicator grouped by section, known or not (shown as unavailable)."""
    sections = []
    for section, title in SECTIONS.items():
        items = [
            {"definition": definition, "view": indicators.get(key)}
            for key, definition in INDICATORS.items()
            if definition.section == section
        ]
        sections.append({"key": section, "title": title, "items": items})
    return sections


@dataclass
class NearbyPlace:
    place: Place
    distance_km: float


def places_nearest(
    *, latitude: float, longitude: float, kind: str, limit: int = 3
) -> list[NearbyPlace]:
    """The `limit` nearest places of a kind, searching ever wider boxes around the point."""
    for radius in (15, 50, 150, 500, 3000):
        south, north, west, east = geo.degrees_box(latitude, longitude, radius)
        candidates = list(
            Place.objects.filter(
                kind=kind,
                latitude__range=(south, north),
                longitude__range=(west, east),
            ).select_related("commune")
        )
        nearest = geo.nearest(
            (latitude, longitude), ((p.latitude, p.longitude, p) for p in candidates), limit
        )
        # Only trust the result when the farthest kept place lies inside the searched circle.
        if len(nearest) >= limit or (nearest and radius == 3000):
            if nearest[-1][0] <= radius or radius == 3000:
                return [NearbyPlace(place=p, distance_km=round(d, 1)) for d, p in nearest]
    return []


def commune_profile(insee: str) -> Commune | None:
    return (
        Commune.objects.select_related("departement", "region", "epci")
        .filter(insee=insee)
        .first()
    )


def area_summary(communes: QuerySet[Commune]) -> dict[str, Any]:
    """What an EPCI, a département or a région adds up to: population, counts, and the APL of
    each profession weighted by population, as the DREES advises for averages."""
    totals = communes.aggregate(population=Sum("population"))
    count = communes.count()
    weighted = {}
    for key in APL_KEYS:
        year = (
            IndicatorValue.objects.filter(key=key, commune__in=communes)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if year is None:
            continue
        agg = IndicatorValue.objects.filter(
            key=key, year=year, commune__in=communes, value__isnull=False
        ).aggregate(
            weighted=Sum(F("value") * Cast("commune__population", FloatField())),
            population=Sum("commune__population"),
        )
        if agg["population"]:
            weighted[key] = {
                "definition": INDICATORS[key],
                "value": agg["weighted"] / agg["population"],
                "year": year,
            }
    counts = {}
    for key in ("schools_primary", "shops", "stations", "cinemas"):
        year = (
            IndicatorValue.objects.filter(key=key, commune__in=communes)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if year is not None:
            total = IndicatorValue.objects.filter(
                key=key, year=year, commune__in=communes
            ).aggregate(total=Sum("value"))["total"]
            counts[key] = {"definition": INDICATORS[key], "value": int(total or 0), "year": year}
    return {
        "population": totals["population"] or 0,
        "commune_count": count,
        "apl": weighted,
        "counts": counts,
    }


def communes_by_need(communes: QuerySet[Commune], *, key: str = "apl_mg") -> QuerySet[Commune]:
    """Communes of an area, the least served first (lowest latest value of `key`), unknown last."""
    year = (
        IndicatorValue.objects.filter(key=key, commune__in=communes)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    need = Sum(
        "indicator_values__value",
        filter=Q(indicator_values__key=key, indicator_values__year=year),
    )
    return communes.annotate(need_value=need).order_by(
        F("need_value").asc(nulls_last=True), "name"
    )
