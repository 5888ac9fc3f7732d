"""The area a ranking keeps to: a région, a département, an EPCI (any combination, all of them
holding), or all France. A filter, not a criterion: communes outside never appear and do not
count. The matrix tests it with one vector comparison per code (`CommuneMatrix.inside`); a
ranking of communes computes on the area's communes alone (`CommuneMatrix.area_rows`)."""

from dataclasses import dataclass

import numpy as np

from tremplin.matching.matrix import CommuneMatrix


@dataclass(frozen=True)
class Area:
    region: str = ""  # INSEE code
    departement: str = ""  # INSEE code
    epci: str = ""  # SIREN
    # Where, in French, for sentences: "en Nouvelle-Aquitaine"; "" for all France.
    label: str = ""

    def __bool__(self) -> bool:
        return bool(self.region or self.departement or self.epci)

    def mask(self, matrix: CommuneMatrix) -> np.ndarray | None:
        """Whether each commune of the matrix is inside (None: all France, no filter)."""
        if not self:
            return None
        return matrix.inside(region=self.region, departement=self.departement, epci=self.epci)

    def query(self) -> dict[str, str]:
        """The URL parameters that state it."""
        codes = {"region": self.region, "departement": self.departement, "epci": self.epci}
        return {name: code for name, code in codes.items() if code}


FRANCE = Area()
