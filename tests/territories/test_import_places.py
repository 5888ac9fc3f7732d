"""Importers of located facilities: SNCF stations, CNC cinemas, hospital sites (FINESS)."""

import csv
import io
import math
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.territories.conftest import real_file
from tests.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
    arrondissement_make,
)
from tremplin.territories.coverage import DROM
from tremplin.territories.geo import haversine_km
from tremplin.territories.importers import cinemas, hospitals, stations
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.importers.places import NearestCommune
from tremplin.territories.models import (
    Commune,
    DataSource,
    IndicatorValue,
    Place,
)

STATIONS_FILE = "sncf_referentiel_gares_voyageurs_2017_with_insee.csv"
CINEMAS_FILE = "cnc_etablissements_cinematographiques_2022.csv"
HOSPITALS_FILE = "eurostat_healthcare_FR_hospitals.csv"

STATION_HEADER = [
    "Code gare",
    "Intitulé gare",
    "Intitulé fronton de gare",
    "Gare DRG",
    "Gare étrangère",
    "Agence gare",
    "Région SNCF",
    "Unité gare",
    "UT",
    "Nbre plateformes",
    "N° plateforme",
    "Intitulé plateforme",
    "Code postal",
    "Commune",
    "Département - Commune",
    "Département",
    "Région",
    "Longitude WGS84",
    "Latitude WGS84",
    "Code UIC",
    "TVS",
    "Segment DRG",
    "Niveau de service",
    "SOP",
    "RG",
    "Date fin validité plateforme",
    "WGS 84",
]
CINEMA_HEADER = [
    "régionCNC",
    "N° auto",
    "nom",
    "région administrative",
    "adresse",
    "code INSEE",
    "commune",
    "population de la commune",
    "DEP",
    "N°UU",
    "unité urbaine",
    "population unité urbaine",
    "situation géographique",
    "écrans",
    "fauteuils",
    "semaines d'activité",
    "séances",
    "entrées 2022",
    "entrées 2021",
    "évolution entrées",
    "tranche d'entrées",
    "programmateur",
    "AE",
    "catégorie Art et Essai",
    "label Art et Essai",
    "genre",
    "multiplexe",
    "zone de la commune",
    "nombre de films programmés",
    "nombre de films inédits",
    "nombre de films en semaine 1",
    "PdM en entrées des films français",
    "PdM en entrées des films américains",
    "PdM en entrées des films européens",
    "PdM en entrées des autres films",
    "films Art et Essai",
    "PdM en entrées des films Art et Essai",
    "latitude",
    "longitude",
    "geolocalisation",
]
HOSPITAL_HEADER = [
    "id",
    "hospital_name",
    "site_name",
    "lat",
    "lon",
    "geo_qual",
    "street",
    "house_number",
    "postcode",
    "city",
    "cc",
    "country",
    "cap_beds",
    "cap_prac",
    "cap_rooms",
    "emergency",
    "facility_type",
    "public_private",
    "list_specs",
    "tel",
    "email",
    "url",
    "ref_date",
    "pub_date",
    "comments",
]


def write_csv(
    path: Path,
    header: list[str],
    rows: list[dict],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def station(code: str, name: str, insee: str, lat: str, lon: str, uic: str, **extra: str) -> dict:
    return {
        "Code gare": code,
        "Intitulé gare": name,
        "Nbre plateformes": "1",
        "N° plateforme": "1",
        "Code postal": "23000",
        "Commune": name,
        "Département - Commune": insee,
        "Latitude WGS84": lat,
        "Longitude WGS84": lon,
        "Code UIC": uic,
        **extra,
    }


def cinema(number: str, name: str, insee: str, city: str, lat: str, lon: str, **extra: str) -> dict:
    return {
        "N° auto": number,
        "nom": name,
        "code INSEE": insee,
        "commune": city,
        "écrans": "3.0",
        "fauteuils": "420.0",
        "latitude": lat,
        "longitude": lon,
        **extra,
    }


def hospital(ident: str, name: str, lat: str, lon: str, postcode: str, **extra: str) -> dict:
    return {
        "id": ident,
        "hospital_name": name,
        "lat": lat,
        "lon": lon,
        "postcode": postcode,
        "city": "GUERET",
        "facility_type": "Centre Hospitalier (C.H.)",
        "public_private": "public",
        **extra,
    }


@pytest.fixture
def base(db) -> dict[str, Commune]:
    """Four communes: Guéret and two neighbours in the Creuse, and Paris with one arrondissement."""
    paris_departement = DepartementFactory(
        code="75", name="Paris", region=RegionFactory(code="11", name="Île-de-France")
    )
    found = {
        "gueret": CommuneFactory(
            insee="23096", name="Guéret", latitude=46.16, longitude=1.87, postal_codes="23000"
        ),
        "saint_sulpice": CommuneFactory(
            insee="23247", name="Saint-Sulpice-le-Guérétois", latitude=46.20, longitude=1.83
        ),
        "ajain": CommuneFactory(insee="23001", name="Ajain", latitude=46.21, longitude=2.00),
        "paris": CommuneFactory(
            insee="75056",
            name="Paris",
            departement=paris_departement,
            latitude=48.8566,
            longitude=2.3522,
            postal_codes="75008 75010",
        ),
    }
    found["paris_8"] = arrondissement_make(
        "75108",
        city=found["paris"],
        name="Paris 8e Arrondissement",
        latitude=48.8727,
        longitude=2.3125,
        postal_codes="75008",
    )
    return found


def snapshot() -> tuple:
    places = Place.objects.order_by("kind", "external_id").values_list(
        "kind", "external_id", "name", "commune_id", "city", "latitude", "longitude", "details"
    )
    values = IndicatorValue.objects.order_by("commune_id", "key", "year").values_list(
        "commune_id", "key", "year", "value", "category", "share_above", "share_below"
    )
    sources = DataSource.objects.order_by("key").values_list("key", "file_sha256", "rows")
    return list(places), list(values), list(sources)


def counts(key: str) -> dict[str, float]:
    return dict(IndicatorValue.objects.filter(key=key).values_list("commune_id", "value"))


def assert_nothing_changed(result) -> None:
    assert (result.created, result.updated, result.deleted) == (0, 0, 0), result.summary()


# --- Stations ---------------------------------------------------------------------------------


def stations_file(tmp_path: Path, extra: list[dict] | None = None) -> Path:
    rows = [
        station("01080", "Guéret", "23-096", "46.1741863", "1.8793855", "0087597609"),
        # Paris Gare du Nord: one station, several platforms (one without UIC code).
        *[
            station(
                "02561",
                "Paris Gare du Nord",
                "75-056",
                "48.880185",
                "2.355151",
                uic,
                **{"N° plateforme": number, "Nbre plateformes": "3", "Code postal": "75010"},
            )
            for number, uic in [("2", "0087271031"), ("1", "0087271007"), ("3", "")]
        ],
        # No commune code: placed in the nearest commune.
        station("03211", "Halte", "", "46.199", "1.831", "0087000001", **{"Code postal": ""}),
        # A code no commune of the base has: skipped.
        station("09999", "Ailleurs", "99-001", "45.0", "3.0", "0087000002"),
        # No coordinates: skipped.
        station("03086", "Base Aérienne", "23-096", "", "", ""),
        *(extra or []),
    ]
    return write_csv(tmp_path / STATIONS_FILE, STATION_HEADER, rows)


def test_stations_one_place_per_station_and_counts_for_every_commune(base, tmp_path):
    result = stations.run(stations_file(tmp_path), progress=False)

    places = {p.external_id: p for p in Place.objects.filter(kind="station")}
    assert set(places) == {"0087597609", "0087271007", "0087000001"}
    gare_du_nord = places["0087271007"]
    assert (gare_du_nord.name, gare_du_nord.commune_id) == ("Paris Gare du Nord", "75056")
    assert gare_du_nord.details == {"uic": "0087271007"}
    assert (gare_du_nord.latitude, gare_du_nord.longitude) == (48.880185, 2.355151)
    assert places["0087000001"].commune_id == "23247"
    assert counts("stations") == {"23096": 1.0, "75056": 1.0, "23247": 1.0, "23001": 0.0}
    assert set(IndicatorValue.objects.filter(key="stations").values_list("year", flat=True)) == {
        2017
    }
    assert result.skipped == 2
    source = DataSource.objects.get(key="stations")
    assert (source.publisher, source.licence, source.year, source.rows) == (
        "SNCF Gares & Connexions",
        "ODbL",
        2017,
        3,
    )
    assert gare_du_nord.source == source


def test_stations_without_uic_are_keyed_by_station_code(base, tmp_path):
    extra = [station("03209", "Trélazé", "23-001", "46.21", "2.0", "")]
    stations.run(stations_file(tmp_path, extra), progress=False)

    assert Place.objects.get(kind="station", external_id="03209").details == {"uic": ""}


def test_stations_rerun_changes_nothing(base, tmp_path):
    path = stations_file(tmp_path)
    stations.run(path, progress=False)
    before = snapshot()

    result = stations.run(path, force=True, progress=False)

    assert_nothing_changed(result)
    assert snapshot() == before
    skipped = stations.run(path, progress=False)
    assert "nothing to do" in skipped.summary()


def test_stations_stale_places_are_deleted(base, tmp_path):
    stations.run(stations_file(tmp_path), progress=False)
    smaller = write_csv(
        tmp_path / "smaller.csv",
        STATION_HEADER,
        [station("01080", "Guéret", "23-096", "46.1741863", "1.8793855", "0087597609")],
    )

    result = stations.run(smaller, progress=False)

    assert list(Place.objects.filter(kind="station").values_list("external_id", flat=True)) == [
        "0087597609"
    ]
    assert result.deleted == 2  # the counts of Paris and Saint-Sulpice become 0: updates
    assert counts("stations")["75056"] == 0.0


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        ({"Département - Commune": "9-3010x"}, 3, "code commune"),
        ({"Latitude WGS84": "nord"}, 3, "Latitude WGS84"),
        ({"Longitude WGS84": "200.5"}, 3, "hors limites"),
        ({"Code UIC": "87-AB"}, 3, "UIC"),
        ({"N° plateforme": "un"}, 3, "N° plateforme"),
    ],
)
def test_stations_malformed_file_is_refused_and_nothing_changes(
    base, tmp_path, change, line, message
):
    stations.run(stations_file(tmp_path), progress=False)
    before = snapshot()
    rows = [
        station("01080", "Guéret", "23-096", "46.1741863", "1.8793855", "0087597609"),
        {**station("04000", "Ajain", "23-001", "46.21", "2.0", "0087000003"), **change},
    ]
    bad = write_csv(tmp_path / "bad.csv", STATION_HEADER, rows)

    with pytest.raises(ImportRefused) as refused:
        stations.run(bad, force=True, progress=False)

    assert refused.value.line == line
    assert message in str(refused.value)
    assert f"ligne {line}" in str(refused.value)
    assert snapshot() == before


def test_stations_wrong_header_is_refused(base, tmp_path):
    header = [c if c != "Code UIC" else "UIC" for c in STATION_HEADER]
    bad = write_csv(tmp_path / "bad.csv", header, [])

    with pytest.raises(ImportRefused, match="ligne 1 : colonne « Code UIC » introuvable"):
        stations.run(bad, progress=False)
    assert not Place.objects.exists()


def test_stations_need_the_commune_base(db, tmp_path):
    with pytest.raises(ImportRefused, match="import_communes"):
        stations.run(stations_file(tmp_path), progress=False)


def test_import_stations_command(base, tmp_path):
    out = io.StringIO()
    call_command("import_stations", str(stations_file(tmp_path)), verbosity=0, stdout=out)
    assert "stations:" in out.getvalue()
    bad = write_csv(tmp_path / "bad.csv", ["Code gare", "Intitulé gare"], [])
    with pytest.raises(CommandError, match="rien n’a été modifié"):
        call_command("import_stations", str(bad), verbosity=0)


# --- Cinemas ----------------------------------------------------------------------------------


def cinemas_file(
    tmp_path: Path,
    extra: list[dict] | None = None,
    encoding: str = "utf-8-sig",
    name: str = CINEMAS_FILE,
) -> Path:
    rows = [
        cinema("54", "GAUMONT CHAMPS ELYSEES", "75108", "Paris 8e", "48.869654", "2.306873"),
        cinema("321", "PATHE", "75056", "Paris", "48.870632", "2.334338"),
        cinema(
            "187515",
            "SÉNÉCHAL",
            "23096",
            "Guéret",
            "46.169796",
            "1.867356",
            **{"écrans": "5.0", "fauteuils": "695.0"},
        ),
        cinema("999", "INCONNU", "99001", "Ailleurs", "45.0", "3.0"),
        *(extra or []),
    ]
    return write_csv(tmp_path / name, CINEMA_HEADER, rows, encoding=encoding)


def test_cinemas_places_and_counts(base, tmp_path):
    result = cinemas.run(cinemas_file(tmp_path), progress=False)

    senechal = Place.objects.get(kind="cinema", external_id="187515")
    assert (senechal.name, senechal.commune_id, senechal.city) == ("SÉNÉCHAL", "23096", "Guéret")
    assert senechal.details == {"screens": 5, "seats": 695}
    # Published in the 8th arrondissement: it counts there and for Paris.
    assert Place.objects.get(kind="cinema", external_id="54").commune_id == "75108"
    assert counts("cinemas") == {
        "75056": 2.0,
        "75108": 1.0,
        "23096": 1.0,
        "23247": 0.0,
        "23001": 0.0,
    }
    assert IndicatorValue.objects.filter(key="cinemas", year=2022).count() == 5
    assert result.skipped == 1
    assert DataSource.objects.get(key="cinemas").publisher == "CNC"


def test_cinemas_windows_1252_file_is_read(base, tmp_path):
    cinemas.run(cinemas_file(tmp_path, encoding="cp1252"), progress=False)
    assert Place.objects.get(kind="cinema", external_id="187515").name == "SÉNÉCHAL"


def test_cinemas_rerun_changes_nothing(base, tmp_path):
    path = cinemas_file(tmp_path)
    cinemas.run(path, progress=False)
    before = snapshot()

    assert_nothing_changed(cinemas.run(path, force=True, progress=False))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code INSEE": "75A08"}, "code commune"),
        ({"écrans": "six"}, "écrans"),
        ({"fauteuils": "12.5"}, "entier"),
        ({"latitude": "nord"}, "latitude"),
        ({"longitude": ""}, "manquante"),
        ({"N° auto": "54"}, "déjà vu ligne 2"),
    ],
)
def test_cinemas_malformed_file_is_refused_and_nothing_changes(base, tmp_path, change, message):
    cinemas.run(cinemas_file(tmp_path), progress=False)
    before = snapshot()
    extra = [{**cinema("777", "REX", "23096", "Guéret", "46.17", "1.87"), **change}]
    bad = cinemas_file(tmp_path, extra, name="bad.csv")

    with pytest.raises(ImportRefused) as refused:
        cinemas.run(bad, force=True, progress=False)

    assert refused.value.line == 6
    assert message in str(refused.value)
    assert snapshot() == before


def test_cinemas_wrong_header_is_refused(base, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", CINEMA_HEADER, [], delimiter=",")
    with pytest.raises(ImportRefused, match="ligne 1 : colonne « N° auto »"):
        cinemas.run(bad, progress=False)


def test_cinemas_row_with_missing_columns_is_refused(base, tmp_path):
    path = cinemas_file(tmp_path)
    path.write_bytes(path.read_bytes() + b"1;2;3\r\n")
    with pytest.raises(ImportRefused, match="ligne 6 : 3 colonnes au lieu de 40"):
        cinemas.run(path, progress=False)


# --- Hospitals --------------------------------------------------------------------------------


def hospitals_file(tmp_path: Path, extra: list[dict] | None = None) -> Path:
    rows = [
        hospital("230000820", "CENTRE HOSPITALIER DE GUERET", "46.16497", "1.87113", "23011"),
        # Nearer Saint-Sulpice's centroid, but its postcode is Guéret's: Guéret.
        hospital(
            "230000259",
            "USLD - CH GUERET",
            "46.19",
            "1.84",
            "23000",
            site_name="RESIDENCE DES AGRIERS",
        ),
        # Same point, a CEDEX postcode no commune has: the nearest commune.
        hospital("230001356", "CMP BELFONT", "46.19", "1.84", "23011"),
        hospital(
            "750100125",
            "HOPITAL LARIBOISIERE",
            "48.8824",
            "2.3522",
            "75010",
            city="PARIS",
            public_private="",
        ),
        # Saint-Pierre-et-Miquelon: no commune of the base nearby.
        hospital("975000047", "CH FRANCOIS DUNAN", "46.77301", "-56.171526", "97500"),
    ]
    return write_csv(
        tmp_path / HOSPITALS_FILE, HOSPITAL_HEADER, rows + (extra or []), delimiter=","
    )


def test_hospitals_are_attached_to_the_nearest_commune(base, tmp_path):
    result = hospitals.run(hospitals_file(tmp_path), progress=False)

    communes_of = dict(Place.objects.filter(kind="hospital").values_list("external_id", "commune"))
    assert communes_of == {
        "230000820": "23096",
        "230000259": "23096",
        "230001356": "23247",
        "750100125": "75108",  # Paris is tiled by its arrondissements (only the 8th here)
        "975000047": None,
    }
    usld = Place.objects.get(kind="hospital", external_id="230000259")
    assert usld.name == "USLD - CH GUERET"
    assert usld.details == {
        "postcode": "23000",
        "emergency": None,
        "facility_type": "Centre Hospitalier (C.H.)",
        "public_private": "public",
        "beds": None,
        "site": "RESIDENCE DES AGRIERS",
    }
    assert Place.objects.get(external_id="750100125").details["public_private"] is None
    assert not IndicatorValue.objects.exists()
    source = DataSource.objects.get(key="hospitals")
    assert (source.year, source.rows, source.publisher) == (2020, 5, "Eurostat (FINESS, DREES)")
    assert result.created == 5


def test_hospitals_capacity_and_emergency_when_published(base, tmp_path):
    extra = [
        hospital("230000999", "CLINIQUE", "46.16", "1.87", "1440", cap_beds="120", emergency="yes")
    ]
    hospitals.run(hospitals_file(tmp_path, extra), progress=False)

    details = Place.objects.get(external_id="230000999").details
    assert (details["beds"], details["emergency"], details["postcode"]) == (120, True, "01440")


def test_hospitals_rerun_changes_nothing(base, tmp_path):
    path = hospitals_file(tmp_path)
    hospitals.run(path, progress=False)
    before = snapshot()

    assert_nothing_changed(hospitals.run(path, force=True, progress=False))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": "46,1,2"}, "« lat »"),
        ({"lon": "-250"}, "hors limites"),
        ({"postcode": "2300A"}, "code postal"),
        ({"cap_beds": "beaucoup"}, "cap_beds"),
        ({"emergency": "maybe"}, "emergency"),
        ({"id": ""}, "identifiant"),
    ],
)
def test_hospitals_malformed_file_is_refused_and_nothing_changes(base, tmp_path, change, message):
    hospitals.run(hospitals_file(tmp_path), progress=False)
    before = snapshot()
    extra = [{**hospital("230009999", "CLINIQUE", "46.16", "1.87", "23000"), **change}]

    with pytest.raises(ImportRefused) as refused:
        hospitals.run(hospitals_file(tmp_path, extra), force=True, progress=False)

    assert refused.value.line == 7
    assert message in str(refused.value)
    assert snapshot() == before


def test_hospitals_wrong_header_is_refused(base, tmp_path):
    header = [c if c != "lat" else "latitude" for c in HOSPITAL_HEADER]
    bad = write_csv(tmp_path / "bad.csv", header, [], delimiter=",")
    with pytest.raises(ImportRefused, match="ligne 1 : colonne « lat »"):
        hospitals.run(bad, progress=False)


def test_nearest_commune_grid_agrees_with_brute_force(db):
    generator = random.Random(7)
    departement = DepartementFactory()
    Commune.objects.bulk_create(
        Commune(
            insee=f"23{index:03d}",
            name=f"C{index}",
            search_name=f"c{index}",
            departement=departement,
            region=departement.region,
            latitude=generator.uniform(42, 51),
            longitude=generator.uniform(-5, 8),
        )
        for index in range(300)
    )
    centroids = list(Commune.objects.values_list("latitude", "longitude", "insee"))
    nearest = NearestCommune()
    for _ in range(300):
        lat, lon = generator.uniform(41, 52), generator.uniform(-6, 9)
        expected = min(centroids, key=lambda c: haversine_km(lat, lon, c[0], c[1]))
        found = nearest.find(lat, lon)
        found_centroid = next(c for c in centroids if c[2] == found)
        assert math.isclose(
            haversine_km(lat, lon, *found_centroid[:2]), haversine_km(lat, lon, *expected[:2])
        )


# --- Real files -------------------------------------------------------------------------------
# real_file and commune_base come from tests/territories/conftest.py.


@pytest.mark.usefixtures("commune_base")
class TestRealFiles:
    def test_stations(self, db):
        path = real_file(STATIONS_FILE)
        result = stations.run(path, progress=False)

        assert Place.objects.filter(kind="station").count() > 2900
        gueret = Place.objects.get(kind="station", commune_id="23096")
        assert (gueret.name, gueret.details) == ("Guéret", {"uic": "0087597609"})
        values = counts("stations")
        # Every commune proper the SNCF list covers (mainland France), none of Corsica or the
        # DROM; the arrondissements none (the SNCF publishes the city: their profile shows it).
        outside = Commune.objects.filter(departement_id__in=["2A", "2B", *DROM]).count()
        assert len(values) == Commune.objects.municipal().count() - outside
        assert "2A004" not in values and "97411" not in values
        assert values["23096"] == 1
        assert values["75056"] > 20
        assert values["23247"] == 0
        assert result.skipped < 10
        assert_nothing_changed(stations.run(path, force=True, progress=False))

    def test_cinemas(self, db):
        path = real_file(CINEMAS_FILE)
        result = cinemas.run(path, progress=False)

        values = counts("cinemas")
        # Every commune of metropolitan France (Corsica included), none of the DROM; the CNC
        # locates cinemas in arrondissements: they have counts too, adding up to the city.
        outside = Commune.objects.filter(departement_id__in=DROM).count()
        assert len(values) == Commune.objects.count() - outside
        assert values["2A004"] > 0 and "97411" not in values
        assert values["75056"] > 50
        paris = [v for code, v in values.items() if code.startswith("751")]
        assert len(paris) == 20 and sum(paris) == values["75056"]
        assert values["23096"] == 1
        senechal = Place.objects.get(kind="cinema", external_id="187515")
        assert senechal.details == {"screens": 5, "seats": 695}
        assert Place.objects.filter(kind="cinema").count() > 2000
        assert result.skipped < 5
        assert_nothing_changed(cinemas.run(path, force=True, progress=False))

    def test_hospitals(self, db):
        path = real_file(HOSPITALS_FILE)
        hospitals.run(path, progress=False)

        assert Place.objects.filter(kind="hospital").count() == 5368
        ch_gueret = Place.objects.get(kind="hospital", external_id="230000820")
        assert (ch_gueret.name, ch_gueret.commune_id) == ("CENTRE HOSPITALIER DE GUERET", "23096")
        # Placed in their arrondissement (Paris is tiled by them), none in Paris as a whole.
        assert Place.objects.filter(kind="hospital", commune__city_id="75056").count() > 50
        assert not Place.objects.filter(kind="hospital", commune_id="75056").exists()
        assert Place.objects.filter(kind="hospital", commune=None).count() < 5
        assert_nothing_changed(hospitals.run(path, force=True, progress=False))
