"""One commune a person names, or the communes they may have meant: a typed place is matched
exactly (its INSEE code, a former commune's code, its postal code, its name — or a former
commune's — once accents, case and « St » are set aside, « Guéret (23) » with its département),
never replaced by a look-alike. Where it is not exact, or names several communes (homonyms, a
postal code shared by several villages), `commune_lookup` says so and proposes candidates;
`commune_suggest` is what the autocomplete proposes while a person types."""

import bisect
import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tremplin.territories.coverage import departement_of
from tremplin.territories.models import Commune, CommuneAlias, DataSource, PostalCode
from tremplin.territories.selectors import INSEE_QUERY, _name_index, _rank_names, commune_search
from tremplin.territories.text import normalise_name

# "Saint-Denis (93066)", "Guéret (23)", "Felletin (23500)": a name followed by what settles it
# (an INSEE code, a département, a postal code), as suggestions and candidates write it. The
# closing parenthesis may be missing while a person edits.
_WITH_CODE = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<code>[0-9a-z]{2,5})\s*\)?$", re.IGNORECASE)
DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[ab]|97\d)$", re.IGNORECASE)
POSTAL_CODE = re.compile(r"^\d{5}$")
# Close names: how alike (difflib's ratio) a name must be to be proposed for a typo.
CLOSE_CUTOFF = 0.75
# The most suggestions the autocomplete shows.
MAX_SUGGESTIONS = 10


class _AliasIndex:
    """Every former commune's normalised name, its code and its current commune, in memory
    (sorted by name), rebuilt when the commune base is re-imported — as `_NameIndex`."""

    def __init__(self) -> None:
        self.version: datetime | None = None
        # (normalised name, code, current commune's INSEE code, name)
        self.rows: list[tuple[str, str, str, str]] = []

    def current(self) -> list[tuple[str, str, str, str]]:
        version = (
            DataSource.objects.filter(key="communes").values_list("imported_at", flat=True).first()
        )
        if version is None or version != self.version:
            rows = CommuneAlias.objects.values_list("name", "code", "commune_id")
            self.rows = sorted(
                (normalise_name(name), code, insee, name) for name, code, insee in rows if name
            )
            self.version = version
        return self.rows


_alias_index = _AliasIndex()


@dataclass
class CommuneLookup:
    """What a typed place matches: `matches` are exact (one: found; several: homonyms to choose
    from); `candidates` are the communes it may mean when nothing matches exactly. `outside`:
    exact matches left out because they are not in the area searched."""

    query: str
    matches: list[Commune] = field(default_factory=list)
    candidates: list[Commune] = field(default_factory=list)
    outside: bool = False

    @property
    def found(self) -> Commune | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def choices(self) -> list[Commune]:
        """The communes to ask the person to choose from (homonyms, else close ones)."""
        return self.matches if len(self.matches) > 1 else self.candidates


def commune_label(commune: Commune) -> str:
    """ "Guéret (23)": the name and the département, how a chosen commune reads."""
    return f"{commune.name} ({departement_of(commune.insee)})"


def commune_value(commune: Commune) -> str:
    """What a field shows for a chosen commune, and reads back to the same one: its label, or
    "Name (INSEE code)" for the rare homonyms of one département."""
    known = commune.__dict__.get("_commune_value")
    if known is not None:
        return known
    namesakes = (
        Commune.objects.filter(
            search_name=normalise_name(commune.name),
            insee__startswith=departement_of(commune.insee),
        )
        .exclude(insee=commune.insee)
        .exists()
    )
    return f"{commune.name} ({commune.insee})" if namesakes else commune_label(commune)


def _communes(codes: list[str]) -> list[Commune]:
    """The communes of these INSEE codes, in this order, with what a candidate shows."""
    found = (
        Commune.objects.select_related("departement")
        .only(
            "insee",
            "name",
            "population",
            "postal_codes",
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


def _exact_names(needle: str) -> list[str]:
    """INSEE codes of the communes named `needle` (normalised); if there are none, of the
    current communes of the former communes of that name."""
    codes: list[str] = []
    rows = _name_index.current()
    # The indexes are sorted by name: this name's rows are contiguous.
    for name, insee, _population in rows[bisect.bisect_left(rows, (needle,)) :]:
        if name != needle:
            break
        codes.append(insee)
    if codes:
        return codes
    aliases = _alias_index.current()
    for name, _code, insee, _name in aliases[bisect.bisect_left(aliases, (needle,)) :]:
        if name != needle:
            break
        if insee not in codes:
            codes.append(insee)
    return codes


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


def _in_area(communes: list[Commune], within: QuerySet[Commune] | None) -> list[Commune]:
    if within is None or not communes:
        return communes
    allowed = set(
        within.filter(insee__in=[c.insee for c in communes]).values_list("insee", flat=True)
    )
    return [c for c in communes if c.insee in allowed]


def _exact(text: str) -> list[Commune]:
    """The communes `text` names exactly (see the module's docstring)."""
    with_code = _WITH_CODE.match(text)
    code = (with_code.group("code") if with_code else text).upper()
    if INSEE_QUERY.match(code):
        found = _communes([code])
        if not found:
            alias = CommuneAlias.objects.filter(code=code).values_list("commune_id", flat=True)
            found = _communes(list(alias[:1]))
        if found:
            return found
    if POSTAL_CODE.match(text):
        codes = list(PostalCode.objects.filter(code=text).values_list("commune_id", flat=True))
        return _by_population(_communes(codes))
    needle = normalise_name(with_code.group("name") if with_code else text)
    if not needle:
        return []
    communes = _by_population(_communes(_exact_names(needle)))
    # Homonyms are all here (not those found through a former commune's name): how each is
    # shown needs no other query.
    named = [c for c in communes if normalise_name(c.name) == needle]
    for commune in named:
        namesake = any(
            other.insee != commune.insee
            and departement_of(other.insee) == departement_of(commune.insee)
            for other in named
        )
        commune._commune_value = (  # type: ignore[attr-defined]
            f"{commune.name} ({commune.insee})" if namesake else commune_label(commune)
        )
    if with_code and DEPARTEMENT_CODE.match(code):
        communes = [c for c in communes if departement_of(c.insee) == code]
    elif with_code and POSTAL_CODE.match(code):
        communes = [c for c in communes if code in c.postal_code_list]
    return communes


def commune_lookup(
    query: str, *, limit: int = 8, within: QuerySet[Commune] | None = None
) -> CommuneLookup:
    """The commune(s) `query` names exactly: an INSEE code (or a former commune's),
    "Name (INSEE code)", "Name (département)", "Name (postal code)", a postal code (all its
    communes) or a name (all the communes, and former communes, of that normalised name);
    otherwise up to `limit` candidates: the commune search's (names starting with it, postal
    codes starting with it), then names a typo away. `within`: only these communes count."""
    text = query.strip()
    lookup = CommuneLookup(query=text)
    exact = _exact(text)
    lookup.matches = _in_area(exact, within)
    lookup.outside = bool(exact) and not lookup.matches
    if lookup.matches:
        return lookup
    with_code = _WITH_CODE.match(text)
    name = with_code.group("name") if with_code else text
    needle = normalise_name(name)
    codes = [c.insee for c in commune_search(name, limit=limit)]
    if needle and not needle.isdigit() and len(codes) < limit:
        codes += [c for c in _close_names(needle, limit) if c not in codes][: limit - len(codes)]
    lookup.candidates = _in_area(_communes(codes), within)
    return lookup


def lookup_message(lookup: CommuneLookup) -> str:
    """Why a typed place is not taken, and the communes it may mean, in French."""
    typed = {"query": lookup.query}
    choices = lookup.choices
    if lookup.outside:
        intro = _("« %(query)s » n’est pas une commune de votre territoire.") % typed
    elif not choices:
        return _("Aucune commune ne correspond à « %(query)s ».") % typed
    elif len(lookup.matches) > 1 and POSTAL_CODE.match(lookup.query):
        intro = _("Plusieurs communes ont le code postal « %(query)s ».") % typed
    elif len(lookup.matches) > 1:
        intro = _("Plusieurs communes correspondent à « %(query)s ».") % typed
    else:
        intro = _("« %(query)s » ne correspond exactement à aucune commune.") % typed
    if not choices:
        return intro
    listed = ", ".join(f"« {commune_value(c)} »" for c in choices)
    return f"{intro} " + _("Vouliez-vous dire : %(communes)s ?") % {"communes": listed}


@dataclass(frozen=True)
class Suggestion:
    """One commune the autocomplete proposes: `value` is what the field receives."""

    insee: str
    label: str  # "Guéret (23)"
    value: str  # what the field reads back to this commune: the label, or "Name (INSEE)"
    postal_code: str
    former_name: str = ""  # the former commune whose name or code was typed

    @property
    def text(self) -> str:
        """ "Guéret (23) — 23000", as the list shows it."""
        text = f"{self.label} — {self.postal_code}" if self.postal_code else self.label
        if self.former_name:
            text += " · " + _("ancienne commune : %(name)s") % {"name": self.former_name}
        return text


def _suggestion(commune: Commune, *, typed_postal: str = "", former_name: str = "") -> Suggestion:
    postal_codes = commune.postal_code_list
    matching = [code for code in postal_codes if typed_postal and code.startswith(typed_postal)]
    return Suggestion(
        insee=commune.insee,
        label=commune_label(commune),
        value=commune_value(commune),
        postal_code=(matching or postal_codes or [""])[0],
        former_name=former_name,
    )


def commune_suggest(query: str, *, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """What the autocomplete proposes for what is typed so far (at most `limit`, at most
    MAX_SUGGESTIONS): communes by name (prefix, then a word of the name), postal code or INSEE
    code, then former communes by name or code, then names a typo away."""
    limit = max(0, min(limit, MAX_SUGGESTIONS))
    text = query.strip()[:100]
    if not text or limit == 0:
        return []
    with_code = _WITH_CODE.match(text)
    name = with_code.group("name").strip() if with_code and with_code.group("name") else text
    departement = with_code.group("code").upper() if with_code else ""
    communes = commune_search(name, limit=limit)
    needle = normalise_name(name)
    plain = normalise_name(name, abbreviations=False)
    if plain != needle and len(communes) < limit:
        # "St" may be the start of "Strasbourg" as well as an abbreviation of "Saint".
        known = {c.insee for c in communes}
        communes += [c for c in _communes(_rank_names(plain, limit)) if c.insee not in known]
    if departement and DEPARTEMENT_CODE.match(departement):
        communes = [c for c in communes if departement_of(c.insee) == departement]
    typed_postal = name if name.isdigit() else ""
    suggestions = [_suggestion(c, typed_postal=typed_postal) for c in communes[:limit]]
    known = {s.insee for s in suggestions}
    if len(suggestions) < limit and needle:
        for former_name, commune in _former_communes(name, needle, limit - len(suggestions)):
            if commune.insee not in known:
                suggestions.append(_suggestion(commune, former_name=former_name))
                known.add(commune.insee)
    if not suggestions and needle and not needle.isdigit() and len(needle) >= 3:
        suggestions = [_suggestion(c) for c in _communes(_close_names(needle, limit))]
    return suggestions[:limit]


def _former_communes(text: str, needle: str, limit: int) -> list[tuple[str, Commune]]:
    """(former name, current commune) of the former communes whose code is `text` or whose
    name starts with `needle`."""
    if INSEE_QUERY.match(text):
        rows = list(
            CommuneAlias.objects.filter(code=text.upper()).values_list("name", "commune_id")[:1]
        )
    else:
        aliases = _alias_index.current()
        rows = []
        for name, _code, insee, former_name in aliases[bisect.bisect_left(aliases, (needle,)) :]:
            if not name.startswith(needle) or len(rows) >= limit:
                break
            rows.append((former_name, insee))
    communes = {c.insee: c for c in _communes([insee for _, insee in rows])}
    return [(name, communes[insee]) for name, insee in rows if insee in communes]
