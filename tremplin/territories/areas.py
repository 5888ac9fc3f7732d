"""Reads on areas — an EPCI, a département, a région: what their communes add up to, by each
source's method and within its coverage, and their communes ranked by need."""

from typing import Any

from django.db.models import Count, F, FloatField, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Cast

from tremplin.territories.coverage import COVERAGES
from tremplin.territories.indicators import APL_KEYS, INDICATORS
from tremplin.territories.models import Commune, DataSource, IndicatorValue


def area_summary(communes: QuerySet[Commune], *, scope: dict[str, str]) -> dict[str, Any]:
    """What an EPCI, a département or a région adds up to: population, counts, and the APL of
    each profession as the DREES aggregates it — the mean of its communes' APLs weighted by
    their standardised population (given in the workbooks); by municipal population only for
    a file without it, and the page says which.

    Over the communes proper: an arrondissement is inside its city, already counted. Only the
    communes a source covers add up: a count over an area the source does not cover is None
    with the reason; over an area it partly covers, it says over how many communes. `scope`
    filters communes by a direct field (`{"departement_id": "23"}`): the grouped aggregates
    below then run as four queries whatever the number of communes.
    """
    communes = communes.filter(kind=Commune.Kind.COMMUNE)
    totals = communes.aggregate(population=Sum("population"), count=Count("insee"))
    by_departement = dict(
        communes.order_by()
        .values("departement_id")
        .annotate(count=Count("insee"))
        .values_list("departement_id", "count")
    )
    values = IndicatorValue.objects.filter(
        commune__kind=Commune.Kind.COMMUNE, **{f"commune__{k}": v for k, v in scope.items()}
    )
    wanted = [*APL_KEYS, *COUNT_KEYS]
    rows = (
        values.filter(key__in=wanted, value__isnull=False)
        .values("key", "year", "commune__departement_id")
        .annotate(
            standardised=Sum(F("value") * F("weight")),
            weight_total=Sum("weight"),
            unweighted=Count("id") - Count("weight"),
            weighted=Sum(F("value") * Cast("commune__population", FloatField())),
            population=Sum("commune__population"),
            total=Sum("value"),
        )
        .order_by("key", "-year")
    )
    latest: dict[str, list[dict]] = {}
    for row in rows:
        covered = _covers(row["key"], row["commune__departement_id"])
        group = latest.setdefault(row["key"], [])
        if covered and (not group or group[0]["year"] == row["year"]):
            group.append(dict(row))
    apl = {key: item for key in APL_KEYS if (item := _area_apl(key, latest.get(key, [])))}
    imported = dict(DataSource.objects.values_list("key", "year"))
    counts = {
        key: count
        for key in COUNT_KEYS
        if (count := _area_count(key, latest.get(key, []), by_departement, imported))
    }
    return {
        "population": totals["population"] or 0,
        "commune_count": totals["count"],
        "apl": apl,
        "counts": counts,
    }


def _area_apl(key: str, rows: list[dict]) -> dict[str, Any] | None:
    """The APL of an area from its rows (one per département, latest year): weighted by the
    standardised population when every value has one, as the DREES aggregates; else by
    municipal population, and the page says so."""
    if not rows:
        return None
    weight = sum(row["weight_total"] or 0 for row in rows)
    if weight and not any(row["unweighted"] for row in rows):
        value, method = sum(row["standardised"] or 0 for row in rows) / weight, "standardised"
    else:
        population = sum(row["population"] or 0 for row in rows)
        if not population:
            return None
        value, method = sum(row["weighted"] or 0 for row in rows) / population, "population"
    return {
        "definition": INDICATORS[key],
        "value": value,
        "year": rows[0]["year"],
        "method": method,
    }


def _covers(key: str, departement: str) -> bool:
    coverage = COVERAGES.get(key)
    return coverage is None or coverage.covers(departement)


def _area_count(
    key: str, rows: list[dict], by_departement: dict[str, int], imported: dict[str, int | None]
) -> dict[str, Any] | None:
    """One count of an area, over the communes its source covers (None: nothing known)."""
    coverage = COVERAGES.get(key)
    total = sum(by_departement.values())
    covered = sum(n for code, n in by_departement.items() if _covers(key, code))
    outside = [code for code in by_departement if not _covers(key, code)]
    if not rows and not (coverage and coverage.source in imported):
        return None
    item: dict[str, Any] = {
        "definition": INDICATORS[key],
        "value": int(sum(row["total"] or 0 for row in rows)) if covered else None,
        "year": rows[0]["year"] if rows else imported.get(coverage.source if coverage else key),
        "covered_communes": covered,
        "commune_count": total,
        # None of the area covered: why; part of it: the count is over `covered_communes`.
        "coverage": coverage.gap(outside[0]) if coverage and outside and not covered else "",
        "partial": bool(outside) and bool(covered),
    }
    return item


COUNT_KEYS = ["schools_primary", "shops", "stations", "cinemas"]


def communes_by_need(communes: QuerySet[Commune], *, key: str = "apl_mg") -> QuerySet[Commune]:
    """Communes of an area, the least served first (lowest latest value of `key`), unknown last."""
    year = IndicatorValue.objects.filter(key=key).aggregate(year=Max("year"))["year"]
    need = IndicatorValue.objects.filter(commune=OuterRef("pk"), key=key, year=year).values(
        "value"
    )[:1]
    return (
        communes.filter(kind=Commune.Kind.COMMUNE)
        .only("insee", "name", "population")
        .annotate(need_value=Subquery(need))
        .order_by(F("need_value").asc(nulls_last=True), "name")
    )
