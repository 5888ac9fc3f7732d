"""An offer's title and its commune tell the same place.

A title may name its place as « Felletin (23) » or « Guéret (Creuse) »; the check reads only what
stands alone in parentheses and is exactly a département code or name, so « (départ en retraite) »,
« (35 h) » or « (2) » are never taken for a place."""

import re

from django.utils.translation import gettext as _

from tremplin.territories.models import Commune, Departement
from tremplin.territories.text import normalise_name

# 01–19, 21–95, 2A/2B, 971–976: every code a département has.
_CODE = re.compile(r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$", re.IGNORECASE)
_PARENTHESES = re.compile(r"\(\s*([^()]{1,60}?)\s*\)")


def offer_title_place(commune: Commune) -> str:
    """« Felletin (23) »: how generated titles name their commune."""
    return f"{commune.name} ({commune.departement_id})"


def _departement_named(text: str, names: dict[str, Departement]) -> Departement | None:
    if _CODE.match(text):
        return Departement.objects.filter(code=text.upper()).first()
    return names.get(normalise_name(text))


def offer_title_place_error(*, title: str, commune: Commune | None) -> str | None:
    """A French reason when `title` names, in parentheses, a département other than the
    commune's; None when it names none, or the right one."""
    if commune is None or not title:
        return None
    found = _PARENTHESES.findall(title)
    if not found:
        return None
    names: dict[str, Departement] = {}
    if any(not _CODE.match(text) for text in found):
        names = {normalise_name(d.name): d for d in Departement.objects.all()}
    for text in found:
        departement = _departement_named(text, names)
        if departement is not None and departement.code != commune.departement_id:
            return _(
                "Le titre indique « (%(named)s) », qui ne correspond pas à la commune d’exercice "
                "%(commune)s, située dans le département %(departement)s : corrigez le titre ou "
                "la commune."
            ) % {
                "named": text,
                "commune": commune.name,
                "departement": str(commune.departement),
            }
    return None
