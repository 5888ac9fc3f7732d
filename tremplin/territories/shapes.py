"""The shapes the maps draw, as GeoJSON geometries in lon/lat (docs/maps.md).

A commune's shape is its IGN outline simplified to ~100 m (4 decimals, ~10 m); a département's
is the union of its communes' shapes simplified to ~1 km (3 decimals). Both are built once, at
the commune import, and stored as text: a map request only joins stored strings."""

import json
from collections.abc import Iterable

import shapely

COMMUNE_TOLERANCE = 0.001  # degrees, ~100 m
COMMUNE_GRID = 1e-4
DEPARTEMENT_TOLERANCE = 0.01  # degrees, ~1 km
DEPARTEMENT_GRID = 1e-3
# Holes smaller than this (square degrees, ~1 km²) are slivers left between communes' outlines.
SLIVER_AREA = 1e-4


def commune_shape(hex_wkb: str) -> str:
    """The simplified GeoJSON geometry of a commune's WKB outline; "" when nothing is left."""
    geometry = shapely.from_wkb(bytes.fromhex(hex_wkb))
    simple = shapely.simplify(geometry, COMMUNE_TOLERANCE, preserve_topology=True)
    simple = shapely.set_precision(simple, COMMUNE_GRID)
    if simple.is_empty:
        return ""
    return shapely.to_geojson(simple)


def departement_shape(commune_shapes: Iterable[str]) -> str:
    """The union of communes' GeoJSON shapes, simplified, slivers removed; "" when none."""
    geometries = [shapely.from_geojson(shape) for shape in commune_shapes if shape]
    if not geometries:
        return ""
    union = shapely.union_all(geometries, grid_size=COMMUNE_GRID)
    union = shapely.simplify(union, DEPARTEMENT_TOLERANCE, preserve_topology=True)
    union = shapely.set_precision(_without_slivers(union), DEPARTEMENT_GRID)
    if union.is_empty:
        return ""
    return shapely.to_geojson(union)


def _without_slivers(geometry: shapely.Geometry) -> shapely.Geometry:
    polygons = []
    for polygon in shapely.get_parts(geometry):
        if not isinstance(polygon, shapely.Polygon):
            continue
        holes = [ring for ring in polygon.interiors if shapely.Polygon(ring).area >= SLIVER_AREA]
        polygons.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.MultiPolygon(polygons) if len(polygons) != 1 else polygons[0]


def feature(geometry: str, properties: dict, feature_id: str) -> str:
    """One GeoJSON Feature as text, the stored geometry spliced in without reparsing it."""
    head = json.dumps({"type": "Feature", "id": feature_id, "properties": properties})
    return f'{head[:-1]},"geometry":{geometry}}}'


def feature_collection(features: Iterable[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
