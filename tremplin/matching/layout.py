"""The layout of the feature matrix: its columns, in order, and the codes it stores.

Shared by the matrix (`matrix.py`), the parts read again between imports (`live.py`) and the
rules that read them (`scoring.py`, `explain.py`)."""

from tremplin.core.professions import Profession
from tremplin.offers.models import OfferKind
from tremplin.territories.models import Place

# Offers and welcome packages count when they lie within this distance of a commune.
NEAR_KM = 10.0

# Stands for "no such place known": far enough that every distance criterion scores 0.
UNKNOWN_KM = 1.0e6

APL_KEYS = ("apl_mg", "apl_inf", "apl_sf", "apl_cd", "apl_mk")

# Static satisfaction columns, in `columns` order; then the distance columns.
STATIC_COLUMNS = (
    *(f"need:{key}" for key in APL_KEYS),
    "zonage",
    "zrr",
    "employment",
    "schools",
    "shops",
    "housing",
    "welcome",
    "coastal",
    "station_here",
)

DISTANCE_COLUMNS = ("station_km", "hospital_km", "cinema_km", "coast_km")

COLUMNS = {name: index for index, name in enumerate((*STATIC_COLUMNS, *DISTANCE_COLUMNS))}

# The satisfaction of each médecins' zonage: aids are widest in a ZIP, then a ZAC.
ZONAGE_SATISFACTION = {"ZIP": 1.0, "ZAC": 0.75, "ZAR": 0.5, "HZ": 0.0}

ZONAGE_CATEGORIES = list(ZONAGE_SATISFACTION)

# Town sizes (population municipale): 1 village, 2 small town, 3 medium town, 4 city; 0 unknown.
SIZE_BOUNDS = (2_000, 20_000, 100_000)

PLACE_COLUMNS = {
    Place.Kind.STATION: "station_km",
    Place.Kind.HOSPITAL: "hospital_km",
    Place.Kind.CINEMA: "cinema_km",
}

# The indicator whose source's coverage (territories.coverage) a column depends on: outside it
# the column is unknown and the criterion counts neither for nor against the commune.
COLUMN_COVERAGE = {
    **{f"need:{key}": key for key in APL_KEYS},
    "employment": "unemployment",
    "schools": "schools_primary",
    "shops": "shops",
    "station_km": "stations",
    "cinema_km": "cinemas",
    "coast_km": "coastline",
    "coastal": "coastline",
    "station_here": "stations",
}

PROFESSION_CODES = {profession.value: code for code, profession in enumerate(Profession)}

KIND_CODES = {kind.value: code for code, kind in enumerate(OfferKind)}

KIND_VALUES = [kind.value for kind in OfferKind]
