"""The "accueil" features of the matching matrix: which published welcome of a collectivité
(hosting's territory pages) covers each commune, and the satisfaction that follows.

Read by area code, one vector pass per welcome (a département's page covers its communes
without a query per commune); `matrix.with_welcomes` calls these when hosting data change."""

from typing import TYPE_CHECKING

import numpy as np

from tremplin.hosting.selectors import Welcome
from tremplin.organisations.models import OrganisationType
from tremplin.territories.models import Departement

if TYPE_CHECKING:
    from tremplin.matching.matrix import CommuneMatrix

# "Territoire qui accueille": a published welcome page of a collectivité covering the commune
# with housing still bookable, or without; else an offer a collectivité supports within NEAR_KM.
WELCOME_WITH_HOUSING, WELCOME_PAGE, WELCOME_SUPPORTED_OFFER = 1.0, 0.75, 0.5
# The most local welcome is shown first: a commune's own page before its EPCI's, and so on.
WELCOME_LEVELS = {
    OrganisationType.COMMUNE: 0,
    OrganisationType.EPCI: 1,
    OrganisationType.DEPARTEMENT: 2,
    OrganisationType.REGION: 3,
}


def welcome_coverage(
    matrix: "CommuneMatrix", welcomes: list[Welcome], cities: dict[str, str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For each commune, the welcome shown (index in `welcomes`, -1 for none) and how many
    cover it, by area code as `hosting.selectors.collectivity_communes` reads it: a commune's
    page covers it (a city's, its arrondissements: one matrix row), an EPCI's its member
    communes, a département's or a région's all of theirs. One vector pass per welcome.

    The welcome shown gives the satisfaction: one with bookable housing first, then the most
    local (commune, EPCI, département, région), then the one with most housing and activities."""
    n = matrix.size
    shown = np.full(n, -1, dtype=np.int32)
    count = np.zeros(n, dtype=np.int16)
    if not welcomes:
        return shown, count
    departements = np.asarray(matrix.departement, dtype=object)
    regions: dict[str, list[str]] = {}
    if any(w.type == OrganisationType.REGION for w in welcomes):
        for code, region in Departement.objects.values_list("code", "region_id"):
            regions.setdefault(region, []).append(code)
    epcis = {siren: position for position, siren in enumerate(matrix.epci_sirens)}
    cities = cities or {}

    def members(welcome: Welcome) -> np.ndarray:
        code = welcome.territory_code
        if welcome.type == OrganisationType.COMMUNE:
            position = matrix.index.get(code, matrix.index.get(cities.get(code, ""), -1))
            return np.asarray([position] if position >= 0 else [], dtype=np.int64)
        if welcome.type == OrganisationType.EPCI:
            if code not in epcis:
                return np.zeros(0, dtype=np.int64)
            return np.flatnonzero(matrix.epci == epcis[code])
        if welcome.type == OrganisationType.DEPARTEMENT:
            return np.flatnonzero(departements == code)
        if welcome.type == OrganisationType.REGION:
            return np.flatnonzero(np.isin(departements, regions.get(code, [])))
        return np.zeros(0, dtype=np.int64)

    # The least preferred first: each next welcome overwrites the communes it covers.
    order = sorted(
        range(len(welcomes)),
        key=lambda i: (
            welcomes[i].housing > 0,
            -WELCOME_LEVELS.get(OrganisationType(welcomes[i].type), 9),
            welcomes[i].housing + welcomes[i].activities,
            -welcomes[i].organisation_id,
        ),
    )
    for position in order:
        covered = members(welcomes[position])
        shown[covered] = position
        count[covered] += 1
    return shown, count


def welcome_satisfaction(matrix: "CommuneMatrix") -> np.ndarray:
    """1 for a welcome page with bookable housing, 0.75 for one without, 0.5 for an offer a
    collectivité supports within NEAR_KM, 0 otherwise."""
    satisfaction = np.zeros(matrix.size, dtype=np.float32)
    if len(matrix.supported_count) == matrix.size:
        satisfaction[matrix.supported_count > 0] = WELCOME_SUPPORTED_OFFER
    if len(matrix.welcome_page) == matrix.size and matrix.welcomes:
        housed = np.asarray([w.housing > 0 for w in matrix.welcomes], dtype=bool)
        covered = matrix.welcome_page >= 0
        page = np.where(housed[matrix.welcome_page[covered]], WELCOME_WITH_HOUSING, WELCOME_PAGE)
        satisfaction[covered] = page
    return satisfaction
