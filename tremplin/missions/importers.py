"""The zones rouges file: one SIREN of EPCI a line (a header line is allowed), read whole before
anything is written. A line that is not a known EPCI refuses the file, naming the line."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tremplin.territories.models import Epci

_SIREN = re.compile(r"^\d{9}$")
_HEADERS = {"siren", "siren_epci", "epci", "code_siren"}


@dataclass(frozen=True)
class RedZoneFile:
    sirens: list[str]


def red_zone_file_read(content: bytes | str) -> RedZoneFile:
    """The SIREN codes of the file, each a known EPCI, once each; raises ValidationError with
    « Ligne N : … » at the first wrong line."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("Le fichier n’est pas un texte UTF-8 : enregistrez-le en CSV UTF-8.")
            ) from None
    else:
        text = content.lstrip("\ufeff")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows: list[tuple[int, str]] = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        first = cells[0].replace(" ", "")
        if number == 1 and first.lower() in _HEADERS:
            continue
        if not _SIREN.match(first):
            raise ValidationError(
                _("Ligne %(line)s : « %(value)s » n’est pas un SIREN d’EPCI (9 chiffres).")
                % {"line": number, "value": cells[0][:40]}
            )
        rows.append((number, first))
    if not rows:
        raise ValidationError(_("Le fichier ne contient aucun SIREN."))
    known = set(
        Epci.objects.filter(siren__in={s for _n, s in rows}).values_list("siren", flat=True)
    )
    seen: set[str] = set()
    for number, siren in rows:
        if siren not in known:
            raise ValidationError(
                _("Ligne %(line)s : SIREN %(siren)s inconnu (aucune intercommunalité n’a ce code).")
                % {"line": number, "siren": siren}
            )
        seen.add(siren)
    return RedZoneFile(sirens=sorted(seen))


def arrete_date_parse(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("« %(value)s » n’est pas une date au format AAAA-MM-JJ.") % {"value": value[:40]}
        ) from None
