"""The GeoJSON the maps load (docs/maps.md): départements for the France view, the communes of
one département when zoomed, each with an indicator's latest value or null when unknown.

Built from the shapes stored at the commune import, cached until a source is imported again."""

import hashlib
import math

from django.core.cache import cache
from django.db.models import Max

from tremplin.territories import maps, shapes
from tremplin.territories.models import Commune, DataSource, Departement, IndicatorValue


def data_version() -> str:
    """Changes whenever any source is imported again: the maps' ETag and cache key."""
    latest = DataSource.objects.aggregate(latest=Max("imported_at"))["latest"]
    return latest.isoformat() if latest else "none"


def etag(*parts: str) -> str:
    return hashlib.sha256(":".join([data_version(), *parts]).encode()).hexdigest()[:32]


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 3)


def departements_geojson(*, key: str) -> str:
    """Every département with a shape, and the mean of `key` over its communes (or null)."""
    cache_key = f"map-departements:{key}:{data_version()}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    values = maps.departement_values(key) if key else {}
    features = [
        shapes.feature(
            shape,
            {
                "code": code,
                "name": name,
                "value": _number(values.get(code)),
                "url": f"/territoires/departements/{code}/",
            },
            code,
        )
        for code, name, shape in Departement.objects.exclude(shape="")
        .order_by("code")
        .values_list("code", "name", "shape")
    ]
    text = shapes.feature_collection(features)
    cache.set(cache_key, text, 24 * 3600)
    return text


def commune_values(*, key: str, departement: str) -> dict[str, float | None]:
    """The latest year of `key` for each commune of a département (None: the source has it
    without a value); a commune absent from the dict is outside the source's coverage."""
    rows = IndicatorValue.objects.filter(key=key, commune__departement_id=departement)
    year = rows.aggregate(year=Max("year"))["year"]
    if year is None:
        return {}
    return dict(rows.filter(year=year).values_list("commune_id", "value"))


def communes_geojson(*, departement: str, key: str) -> str:
    """The communes (not arrondissements) of one département, with `key`'s value or null."""
    cache_key = f"map-communes:{departement}:{key}:{data_version()}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    values = commune_values(key=key, departement=departement) if key else {}
    rows = (
        Commune.objects.municipal()
        .filter(departement_id=departement)
        .exclude(shape="")
        .order_by("insee")
        .values_list("insee", "name", "shape")
    )
    features = [
        shapes.feature(
            shape,
            {
                "code": insee,
                "name": name,
                "value": _number(values.get(insee)),
                "url": f"/territoires/communes/{insee}/",
            },
            insee,
        )
        for insee, name, shape in rows
    ]
    text = shapes.feature_collection(features)
    cache.set(cache_key, text, 24 * 3600)
    return text
