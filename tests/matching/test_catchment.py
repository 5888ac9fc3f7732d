"""Each profession's catchment: the DREES's travel-time steps, on distances between centroids."""

import re
import warnings

import numpy as np
import openpyxl
import pytest

from tests.territories.conftest import real_file
from tremplin.matching import catchment as catchment_module
from tremplin.matching.catchment import (
    CATCHMENT_KM,
    DECAY,
    ROAD_MINUTES_PER_KM,
    catchments,
    need_by_catchment,
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


def test_long_lists_of_pairs_are_read_in_chunks_with_the_same_result(monkeypatch):
    whole = line([0, 5, 10, 14, 20], [100, 1_000, 3_000, 6_000, 9_000])
    monkeypatch.setattr(catchment_module, "CHUNK", 3)  # 13 pairs: five chunks

    chunked = line([0, 5, 10, 14, 20], [100, 1_000, 3_000, 6_000, 9_000])

    for key in DECAY:
        assert chunked[key].dtype == np.float32
        assert chunked[key].tolist() == whole[key].tolist()


# need_by_catchment, its rule as a table: (APLs, catchments) → (needs, reference). The
# reference is the median APL; shortage 1 - APL / reference in [0, 1]; the people's share
# ln(catchment / 500) / ln(40) in [0, 1].
SHARE_5000 = float(np.log(10) / np.log(40))
NEED_TABLE = [
    # an APL of 0 (no supply) where 20,000 live: the whole need
    ([0.0, 2.0, 4.0], [20_000, 20_000, 20_000], [1.0, 0.0, 0.0], 2.0),
    # half the reference with 5,000 people around
    ([1.0, 2.0, 3.0], [5_000, 5_000, 5_000], [0.5 * SHARE_5000, 0.0, 0.0], 2.0),
    # a hamlet: a DREES 0 but 40 people and nobody around, no need
    ([0.0, 2.0, 4.0], [40, 40, 40], [0.0, 0.0, 0.0], 2.0),
    # more people than a full catchment count as full; fewer than one as one
    ([0.0, 2.0, 4.0], [90_000, 0, 20_000], [1.0, 0.0, 0.0], 2.0),
    # an unknown APL is an unknown need, and not counted in the median
    ([np.nan, 1.0, 3.0], [20_000, 20_000, 20_000], [np.nan, 0.5, 0.0], 2.0),
    # a median of 0: only the communes at 0 have a shortage
    ([0.0, 0.0, 1.0], [20_000, 20_000, 20_000], [1.0, 1.0, 0.0], 0.0),
]


@pytest.mark.parametrize(("apl", "people", "need", "reference"), NEED_TABLE)
def test_the_need_rule_as_a_table(apl, people, need, reference):
    found, median = need_by_catchment(
        np.asarray(apl, dtype=np.float32), np.asarray(people, dtype=np.float32)
    )

    assert found.dtype == np.float32
    assert median == reference
    assert np.allclose(found, need, equal_nan=True, atol=1e-6)


def test_without_any_apl_the_need_and_its_reference_are_unknown():
    found, median = need_by_catchment(
        np.full(3, np.nan, dtype=np.float32), np.full(3, 20_000, dtype=np.float32)
    )

    assert found.dtype == np.float32 and len(found) == 3
    assert np.isnan(found).all() and np.isnan(median)


def test_the_need_raises_no_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        need_by_catchment(
            np.asarray([0.0, np.nan, 3.0], dtype=np.float32),
            np.asarray([0.0, 500.0, 1e9], dtype=np.float32),
        )
