"""One commune a person names, or the communes they may have meant: a typed place is matched
exactly (its INSEE code, its postal code, its name once accents and case are set aside), never
replaced by a look-alike. Where it is not exact, or names several communes (homonyms, a postal
code shared by several villages), `commune_lookup` says so and proposes candidates."""

import bisect
import difflib
import re
from dataclasses import dataclass, field

from tremplin.territories.models import Commune, PostalCode
from tremplin.territories.selectors import INSEE_QUERY, _name_index, commune_search
from tremplin.territories.text import normalise_name

# "Saint-Denis (93066)": a name followed by the INSEE code that settles it, as the candidates'
# links write it.
_WITH_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d{5}|2[ab]\d{3})\)$", re.IGNORECASE)
POSTAL_CODE = re.compile(r"^\d{5}$")
# Close names: how alike (difflib's ratio) a name must be to be proposed for a typo.
CLOSE_CUTOFF = 0.75


@dataclass
class CommuneLookup:
    """What a typed place matches: `matches` are exact (one: found; several: homonyms to choose
    from); `candidates` are the communes it may mean when nothing matches exactly."""

    query: str
    matches: list[Commune] = field(default_factory=list)
    candidates: list[Commune] = field(default_factory=list)

    @property
    def found(self) -> Commune | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def choices(self) -> list[Commune]:
        """The communes to ask the person to choose from (homonyms, else close ones)."""
        return self.matches if len(self.matches) > 1 else self.candidates


def _communes(codes: list[str]) -> list[Commune]:
    """The communes of these INSEE codes, in this order, with what a candidate shows."""
    found = (
        Commune.objects.select_related("departement")
        .only(
            "insee",
            "name",
            "population",
            "latitude",
            "longitude",
            "departement__code",
            "departement__name",
        )
        .in_bulk(codes)
    )
    return [found[code] for code in codes if code in found]


def _by_population(communes: list[Commune]) -> list[Commune]:
    return sorted(communes, key=lambda c: (-(c.population or 0), c.insee))


def _close_names(needle: str, limit: int) -> list[str]:
    """INSEE codes of the communes whose name is close to `needle` (a typo: "limojes"), the
    closest first, then the larger. Only names of a similar length starting with the same
    letter are compared, so that a few thousand ratios at most are computed."""
    rows = _name_index.current()
    scored: list[tuple[float, int, str]] = []
    for name, insee, population in rows:
        if name[:1] != needle[:1] or abs(len(name) - len(needle)) > 3:
            continue
        matcher = difflib.SequenceMatcher(None, needle, name)
        if matcher.real_quick_ratio() < CLOSE_CUTOFF or matcher.quick_ratio() < CLOSE_CUTOFF:
            continue
        ratio = matcher.ratio()
        if ratio >= CLOSE_CUTOFF:
            scored.append((-ratio, -population, insee))
    return [insee for _, _, insee in sorted(scored)[:limit]]


def commune_lookup(query: str, *, limit: int = 8) -> CommuneLookup:
    """The commune(s) `query` names exactly: an INSEE code, "Name (INSEE code)", a postal code
    (all its communes) or a name (all the communes of that normalised name); otherwise up to
    `limit` candidates: the commune search's (names starting with it, postal codes starting
    with it), then names a typo away."""
    text = query.strip()
    lookup = CommuneLookup(query=text)
    with_code = _WITH_CODE.match(text)
    code = (with_code.group("code") if with_code else text).upper()
    if INSEE_QUERY.match(code):
        lookup.matches = _communes([code])
        if lookup.matches:
            return lookup
    if POSTAL_CODE.match(text):
        codes = list(PostalCode.objects.filter(code=text).values_list("commune_id", flat=True))
        lookup.matches = _by_population(_communes(codes))
        if lookup.matches:
            return lookup
    needle = normalise_name(with_code.group("name") if with_code else text)
    if needle and not POSTAL_CODE.match(text):
        rows = _name_index.current()
        exact = []
        # The index is sorted by name: this name's communes are contiguous.
        for name, insee, _ in rows[bisect.bisect_left(rows, (needle,)) :]:
            if name != needle:
                break
            exact.append(insee)
        lookup.matches = _by_population(_communes(exact))
        if lookup.matches:
            return lookup
    codes = [c.insee for c in commune_search(text, limit=limit)]
    if needle and len(codes) < limit:
        codes += [c for c in _close_names(needle, limit) if c not in codes][: limit - len(codes)]
    lookup.candidates = _communes(codes)
    return lookup
