"""Small geometry helpers: WKB parsing, centroids, distances, outlines. No GIS library needed."""

import itertools
import math
import struct
from collections.abc import Iterable

Ring = list[tuple[float, float]]
EARTH_RADIUS_KM = 6371.0088


def wkb_multipolygon(hex_wkb: str) -> list[list[Ring]]:
    """Parse ISO WKB (hex) of a Polygon or MultiPolygon into polygons → rings → (lon, lat)."""
    data = bytes.fromhex(hex_wkb)
    polygons, _ = _read_geometry(data, 0)
    return polygons


def _read_geometry(data: bytes, offset: int) -> tuple[list[list[Ring]], int]:
    endian = "<" if data[offset] == 1 else ">"
    (geometry_type,) = struct.unpack_from(endian + "I", data, offset + 1)
    offset += 5
    geometry_type %= 1000  # ISO Z/M variants share the base type
    if geometry_type == 3:
        polygon, offset = _read_polygon(data, offset, endian)
        return [polygon], offset
    if geometry_type == 6:
        (count,) = struct.unpack_from(endian + "I", data, offset)
        offset += 4
        polygons = []
        for _ in range(count):
            sub, offset = _read_geometry(data, offset)
            polygons.extend(sub)
        return polygons, offset
    raise ValueError(f"unsupported WKB geometry type {geometry_type}")


def _read_polygon(data: bytes, offset: int, endian: str) -> tuple[list[Ring], int]:
    (ring_count,) = struct.unpack_from(endian + "I", data, offset)
    offset += 4
    rings = []
    for _ in range(ring_count):
        (point_count,) = struct.unpack_from(endian + "I", data, offset)
        offset += 4
        values = struct.unpack_from(f"{endian}{2 * point_count}d", data, offset)
        offset += 16 * point_count
        rings.append(list(zip(values[0::2], values[1::2], strict=True)))
    return rings, offset


def wkb_point(hex_wkb: str) -> tuple[float, float]:
    data = bytes.fromhex(hex_wkb)
    endian = "<" if data[0] == 1 else ">"
    lon, lat = struct.unpack_from(endian + "2d", data, 5)
    return lon, lat


def centroid(polygons: list[list[Ring]]) -> tuple[float, float] | None:
    """Area-weighted centroid (shoelace) of the outer rings minus holes, as (lon, lat)."""
    total_area = cx = cy = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            area, x, y = _ring_moments(ring)
            sign = 1 if index == 0 else -1
            area, x, y = abs(area) * sign, x, y
            if area == 0:
                continue
            total_area += area
            cx += x * area
            cy += y * area
    if total_area == 0:
        return None
    return cx / total_area, cy / total_area


def _ring_moments(ring: Ring) -> tuple[float, float, float]:
    area = x = y = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        x += (x0 + x1) * cross
        y += (y0 + y1) * cross
    if area == 0:
        return 0.0, 0.0, 0.0
    area /= 2
    return area, x / (6 * area), y / (6 * area)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def bounding_box(polygons: list[list[Ring]]) -> tuple[float, float, float, float]:
    lons = [lon for polygon in polygons for lon, _ in polygon[0]]
    lats = [lat for polygon in polygons for _, lat in polygon[0]]
    return min(lons), min(lats), max(lons), max(lats)


def outline_path(
    polygons: list[list[Ring]], bbox: tuple[float, float, float, float], size: int = 1000
) -> str:
    """SVG path of the outer rings in a `size` box (north up, longitudes shrunk by cos(lat)),
    simplified to whole units so that a commune's outline stays a few hundred bytes."""
    west, south, east, north = bbox
    scale_x = math.cos(math.radians((south + north) / 2))
    width, height = (east - west) * scale_x, north - south
    span = max(width, height) or 1e-9
    parts = []
    for polygon in polygons:
        points: list[tuple[int, int]] = []
        for lon, lat in polygon[0]:
            point = (
                round((lon - west) * scale_x / span * size),
                round((north - lat) / span * size),
            )
            if not points or _far_enough(points[-1], point, size // 150 or 1):
                points.append(point)
        if len(points) >= 3:
            parts.append("M" + " ".join(f"{x} {y}" for x, y in points) + "Z")
    return "".join(parts)


def _far_enough(a: tuple[int, int], b: tuple[int, int], step: int) -> bool:
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) >= step


def degrees_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """A lat/lon box that contains the circle of radius `km` around a point."""
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.05, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def nearest[T](
    origin: tuple[float, float], points: Iterable[tuple[float, float, T]], limit: int
) -> list[tuple[float, T]]:
    lat, lon = origin
    scored = [(haversine_km(lat, lon, plat, plon), item) for plat, plon, item in points]
    scored.sort(key=lambda pair: pair[0])
    return scored[:limit]
