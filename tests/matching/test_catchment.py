"""Each profession's catchment: the DREES's travel-time steps, on distances between centroids."""

import re

import numpy as np
import openpyxl
import pytest

from tests.territories.conftest import real_file
from tremplin.matching.catchment import (
    CATCHMENT_KM,
    DECAY,
    ROAD_MINUTES_PER_KM,
    catchments,
    reach_minutes,
)
from tremplin.matching.geometry import _neighbourhoods, unit_vectors
from tremplin.territories.geo import EARTH_RADIUS_KM

KM_PER_DEGREE = EARTH_RADIUS_KM * np.pi / 180


def line(km_east: list[float], population: list[float]) -> dict[str, np.ndarray]:
    """Communes on the equator, `km_east` from the first, with their populations."""
    latitude = np.zeros(len(km_east))
    longitude = np.asarray(km_east) / KM_PER_DEGREE
    xyz = unit_vectors(latitude, longitude)
    indptr, indices = _neighbourhoods(latitude, longitude, xyz, CATCHMENT_KM)
    return catchments(xyz, np.asarray(population, dtype=np.float32), indptr, indices)


def test_the_people_around_count_by_the_drees_steps_of_each_profession():
    # 1.3 minutes per km: 5 km → 6.5 min, 10 km → 13, 14 km → 18.2, 20 km → 26, 25 km → 32.5.
    found = line([0, 5, 10, 14, 20, 25], [100, 1_000, 3_000, 6_000, 9_000, 50_000])

    assert found["apl_mg"][0] == pytest.approx(100 + 1_000 + 3_000 * 2 / 3 + 6_000 / 3)
    assert found["apl_sf"][0] == pytest.approx(100 + 1_000 + 3_000 * 2 / 3 + 6_000 * 2 / 3 + 3_000)
    assert found["apl_inf"][0] == found["apl_cd"][0] == found["apl_mg"][0]


def test_a_commune_alone_counts_its_own_people():
    found = line([0, 500], [40, 80])

    assert list(found["apl_mg"]) == [40, 80]


def test_a_commune_without_position_counts_its_own_people():
    xyz = unit_vectors(np.asarray([np.nan, 0.0]), np.asarray([np.nan, 0.0]))
    indptr, indices = _neighbourhoods(
        np.asarray([np.nan, 0.0]), np.asarray([np.nan, 0.0]), xyz, CATCHMENT_KM
    )

    found = catchments(xyz, np.asarray([700.0, np.nan], np.float32), indptr, indices)

    assert list(found["apl_sf"]) == [700, 0]


def test_the_reach_and_the_speed_are_stated():
    assert (reach_minutes("apl_mg"), reach_minutes("apl_sf")) == (20, 30)
    assert ROAD_MINUTES_PER_KM == 1.3
    assert round(CATCHMENT_KM, 1) == 23.1


def workbook_steps(name: str) -> tuple[tuple[float, float], ...]:
    """The « Décroissance de l'accessibilité avec la distance » table of a DREES workbook."""
    sheet = openpyxl.load_workbook(real_file(name), read_only=True)["Paramètres"]
    steps, reading = [], False
    for row in sheet.iter_rows(values_only=True):
        label, weight = (*row, None, None)[:2]
        if label == "Temps de trajet entre communes":
            reading = True
        elif reading and isinstance(label, str) and label.startswith("Plus de"):
            assert weight == 0
            return tuple(steps)
        elif reading and isinstance(label, str):
            bound = float(re.findall(r"\d+", label)[-1])
            steps.append((bound, float(weight)))
    raise AssertionError(f"no decay table in {name}")


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("apl_mg", "drees_apl_medecins_generalistes_2022_2023.xlsx"),
        ("apl_inf", "drees_apl_infirmiers.xlsx"),
        ("apl_sf", "drees_apl_sages_femmes.xlsx"),
        ("apl_cd", "drees_apl_chirurgiens_dentistes.xlsx"),
    ],
)
def test_the_steps_are_those_of_the_drees_workbook(key, name):
    steps = workbook_steps(name)

    assert [bound for bound, _ in steps] == [bound for bound, _ in DECAY[key]]
    assert [weight for _, weight in steps] == pytest.approx([w for _, w in DECAY[key]])
