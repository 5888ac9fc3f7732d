"""Some communes of the matrix, for a ranking that computes on them alone (an area's): their
sorted indices, and the copies of what is read of them.

Communes are sorted by INSEE code, so a département's communes are consecutive and a région's
make a few runs: copying the runs as slices is several times faster than gathering the
communes one by one (`np.take`), and gives the same array."""

import numpy as np

# Beyond this many runs (scattered communes, an EPCI across départements), one gather.
MAX_RUNS = 64


def runs_of(indices: np.ndarray) -> list[slice] | None:
    """The runs of consecutive values of sorted `indices`, as slices (None: too many)."""
    if not len(indices):
        return None
    breaks = (np.flatnonzero(np.diff(indices) != 1) + 1).tolist()
    if len(breaks) >= MAX_RUNS:
        return None
    firsts = indices[[0, *breaks]].tolist()
    lasts = indices[[*(b - 1 for b in breaks), len(indices) - 1]].tolist()
    return [slice(first, last + 1) for first, last in zip(firsts, lasts, strict=True)]


class Rows:
    def __init__(self, indices: np.ndarray, runs: list[slice] | None) -> None:
        self.indices = indices
        self.runs = runs  # `runs_of(indices)`
        self._columns: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.indices)

    def take(self, vector: np.ndarray) -> np.ndarray:
        """`vector[indices]`, a new array, for one value per commune."""
        runs = self.runs
        if runs is None:
            return vector.take(self.indices)
        if len(runs) == 1:
            return vector[runs[0]].copy()
        return np.concatenate([vector[run] for run in runs])

    def columns(self, columns: np.ndarray) -> np.ndarray:
        """The feature columns of these communes (`CommuneMatrix.columns`), copied once."""
        if self._columns is None:
            runs = self.runs
            if runs is None:
                self._columns = columns.take(self.indices, axis=1)
            else:
                self._columns = np.concatenate([columns[:, run] for run in runs], axis=1)
        return self._columns

    def positions(self, members: np.ndarray) -> np.ndarray:
        """Where these communes' indices hold each of `members` (those absent left out)."""
        return self.locate(members)[0]

    def locate(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the positions of the `members` among these communes, which members are here)."""
        at = np.searchsorted(self.indices, members)
        found = at < len(self.indices)
        found[found] = self.indices[at[found]] == members[found]
        return at[found], found
