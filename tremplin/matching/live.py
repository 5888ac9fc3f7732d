"""What the matrix reads again between imports: the published offers (an offer event) and the
collectivités' welcomes (a change in the hosting app), each in a few queries, then the columns
that follow from them (housing, welcome)."""

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from django.utils import timezone

from tremplin.hosting.selectors import Welcome, published_welcomes, welcomes_version
from tremplin.matching.layout import COLUMNS, KIND_CODES, PROFESSION_CODES
from tremplin.matching.welcomes import welcome_coverage, welcome_satisfaction
from tremplin.offers.events import offer_events_version
from tremplin.offers.models import Offer
from tremplin.organisations.models import OrganisationType
from tremplin.territories.models import Commune

if TYPE_CHECKING:
    from tremplin.matching.matrix import CommuneMatrix


@dataclass
class OfferArrays:
    """Published offers placed in a commune, sorted by profession then kind: the offers of one
    (profession, kind) are the slice `starts[key]:starts[key + 1]`, key = profession × kinds +
    kind, so that choosing them costs nothing."""

    commune: np.ndarray  # int32 commune index
    housing: np.ndarray  # bool: housing offered
    starts: np.ndarray  # int64, len(PROFESSION_CODES) × len(KIND_CODES) + 1
    # bool: a collectivité supports the offer (its housing or a personal welcome); empty: none.
    supported: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def nbytes(self) -> int:
        return (
            self.commune.nbytes + self.housing.nbytes + self.starts.nbytes + self.supported.nbytes
        )

    def supported_communes(self) -> np.ndarray:
        """Commune indices of the offers a collectivité supports."""
        if len(self.supported) != len(self.commune):
            return np.zeros(0, dtype=np.int32)
        return self.commune[self.supported]

    def communes_of(self, profession: str, kinds: tuple[str, ...] = ()) -> np.ndarray:
        """Commune indices of the offers for a profession and kinds (all kinds when empty)."""
        code = PROFESSION_CODES.get(profession)
        if code is None:
            return np.zeros(0, dtype=np.int32)
        wanted = [KIND_CODES[k] for k in kinds if k in KIND_CODES] or range(len(KIND_CODES))
        first = code * len(KIND_CODES)
        if not kinds:  # all kinds of a profession: one slice
            return self.commune[self.starts[first] : self.starts[first + len(KIND_CODES)]]
        return np.concatenate(
            [self.commune[self.starts[first + k] : self.starts[first + k + 1]] for k in wanted]
        )


def offers_version() -> tuple:
    """What changes when an offer is published, edited, closed, expires or gains a support
    (the latest offer event, one indexed query), and the day: `live()` offers change at
    midnight when an end date or a lifetime passes, before the daily expiry writes anything."""
    return (offer_events_version(), timezone.localdate().isoformat())


def hosting_version() -> tuple:
    """What changes when a collectivité's welcome changes (`hosting.selectors.welcomes_version`,
    one query), and the day: booking periods end at midnight."""
    return (*welcomes_version(), timezone.localdate().isoformat())


def offer_arrays(index: dict[str, int]) -> OfferArrays:
    """The live offers by commune row; an offer in an arrondissement counts for its city (the
    matrix ranks communes proper)."""
    cities = dict(
        Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", "city_id")
    )
    rows = (
        Offer.objects.live()
        .exclude(commune=None)
        .values_list(
            "commune_id",
            "profession",
            "kind",
            "housing_offered",
            "supported_housing",
            "supported_welcome",
        )
        .iterator(chunk_size=20_000)
    )
    communes, keys, housing, supports = [], [], [], []
    width = len(KIND_CODES)
    for commune, profession, kind, housed, supported, welcomed in rows:
        position = index.get(commune)
        if position is None and commune in cities:
            position = index.get(cities[commune])
        if position is None or profession not in PROFESSION_CODES or kind not in KIND_CODES:
            continue
        communes.append(position)
        keys.append(PROFESSION_CODES[profession] * width + KIND_CODES[kind])
        housing.append(bool(housed or supported))
        supports.append(bool(supported or welcomed))
    key_array = np.asarray(keys, dtype=np.int64)
    order = np.argsort(key_array, kind="stable")
    return OfferArrays(
        commune=np.asarray(communes, dtype=np.int32)[order],
        housing=np.asarray(housing, dtype=bool)[order],
        supported=np.asarray(supports, dtype=bool)[order],
        starts=np.searchsorted(
            key_array[order], np.arange(len(PROFESSION_CODES) * width + 1), side="left"
        ).astype(np.int64),
    )


def welcome_counts(matrix: "CommuneMatrix", offers: OfferArrays) -> np.ndarray:
    """How many welcome offers (housing) each commune has within NEAR_KM: the published offers
    whose structure offers housing or whose housing a collectivité offers (hosting's accepted
    supports set `Offer.supported_housing`)."""
    local = np.bincount(offers.commune[offers.housing], minlength=matrix.size).astype(np.float32)
    return matrix.near_sum(local)


def _saturating(counts: np.ndarray) -> np.ndarray:
    """1 - 2^-count: the first offer counts for half, the second for a quarter…"""
    return (1.0 - np.exp2(-counts)).astype(np.float32)


def with_offers(matrix: "CommuneMatrix", *, offers_version: tuple) -> "CommuneMatrix":
    """The same matrix with the published offers (and what they offer) read again."""
    return with_offers_arrays(matrix, offer_arrays(matrix.index), offers_version=offers_version)


def with_offers_arrays(
    matrix: "CommuneMatrix", offers: OfferArrays, *, offers_version: tuple = ()
) -> "CommuneMatrix":
    """The same matrix with other offers, and the welcome counts that follow from them."""
    housing_count = welcome_counts(matrix, offers)
    supported = np.bincount(offers.supported_communes(), minlength=matrix.size)
    columns = matrix.columns.copy()
    known = matrix.known.copy()
    columns[COLUMNS["housing"]] = _saturating(housing_count)
    known[COLUMNS["housing"]] = True
    changed = replace(
        matrix,
        memo={},
        offers=offers,
        housing_count=housing_count,
        supported_count=matrix.near_sum(supported.astype(np.float32)),
        columns=columns,
        known=known,
        offers_version=offers_version,
    )
    columns[COLUMNS["welcome"]] = welcome_satisfaction(changed)
    known[COLUMNS["welcome"]] = True
    return changed


def with_welcomes(matrix: "CommuneMatrix", *, welcomes_version: tuple) -> "CommuneMatrix":
    """The same matrix with the published welcomes of the hosting app read again."""
    welcomes = published_welcomes()
    cities: dict[str, str] = {}
    if any(w.type == OrganisationType.COMMUNE and w.territory_code not in matrix.index
           for w in welcomes):  # fmt: skip
        cities = dict(
            Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", "city_id")
        )
    return with_welcome_list(matrix, welcomes, cities, welcomes_version=welcomes_version)


def with_welcome_list(
    matrix: "CommuneMatrix",
    welcomes: list[Welcome],
    cities: dict[str, str] | None = None,
    *,
    welcomes_version: tuple = (),
) -> "CommuneMatrix":
    """The same matrix with other welcomes, and the "accueil" satisfaction that follows."""
    shown, count = welcome_coverage(matrix, welcomes, cities)
    columns = matrix.columns.copy()
    known = matrix.known.copy()
    changed = replace(
        matrix,
        memo={},
        welcomes=welcomes,
        welcome_page=shown,
        welcome_pages=count,
        columns=columns,
        known=known,
        welcomes_version=welcomes_version,
    )
    columns[COLUMNS["welcome"]] = welcome_satisfaction(changed)
    known[COLUMNS["welcome"]] = True
    return changed
