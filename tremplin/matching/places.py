"""The places a professional types into the criteria — "Près de" communes, an EPCI, an area —
matched exactly or questioned, never silently replaced by a look-alike; and the French words
that name an area in sentences ("en Nouvelle-Aquitaine")."""

import difflib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tremplin.territories.lookup import POSTAL_CODE, CommuneLookup
from tremplin.territories.models import Commune, Departement, Epci, Region
from tremplin.territories.text import normalise_name

# Candidates shown for one place or one EPCI.
MAX_CANDIDATES = 8
SIREN = re.compile(r"^\d{9}$")
LEGAL_FORM = re.compile(
    r"^(cc|ca|cu|ct|communaute (de communes|d agglomeration|urbaine|de l agglomeration)) "
)
# Régions named with "à" rather than "en" (La Réunion, Mayotte).
REGIONS_WITH_A = {"04", "06"}


@dataclass
class PlaceChoice:
    """A place of "Près de" (at `position` in the list typed) that names several communes or
    none exactly: the communes to choose from."""

    position: int
    typed: str
    lookup: CommuneLookup

    @property
    def homonyms(self) -> bool:
        return len(self.lookup.matches) > 1

    @property
    def communes(self) -> list[Commune]:
        return self.lookup.choices[:MAX_CANDIDATES]

    @property
    def more(self) -> int:
        """Candidates left out of `communes`."""
        return max(0, len(self.lookup.choices) - MAX_CANDIDATES)


def candidate_label(commune: Commune) -> str:
    """ "Limoges (Haute-Vienne, 129 000 habitants)": enough to tell homonyms apart."""
    departement = commune.departement.name
    if commune.population is None:
        return _("%(name)s (%(departement)s)") % {"name": commune.name, "departement": departement}
    return _("%(name)s (%(departement)s, %(population)s habitants)") % {
        "name": commune.name,
        "departement": departement,
        "population": formats.number_format(commune.population, force_grouping=True),
    }


def place_message(choice: PlaceChoice) -> str:
    """Why a place is not taken as typed, and what it may mean, in one French sentence."""
    if not choice.communes:
        return _("Aucune commune ne correspond à « %(name)s ».") % {"name": choice.typed}
    listed = ", ".join(candidate_label(c) for c in choice.communes)
    if choice.more:
        listed += ngettext(" et %(count)s autre", " et %(count)s autres", choice.more) % {
            "count": choice.more
        }
    if choice.homonyms and POSTAL_CODE.match(choice.typed):
        intro = _("Plusieurs communes ont le code postal « %(name)s » : précisez laquelle.")
    elif choice.homonyms:
        intro = _(
            "Plusieurs communes s’appellent « %(name)s » : précisez laquelle (son code INSEE "
            "suffit)."
        )
    else:
        intro = _("« %(name)s » ne correspond exactement à aucune commune.")
    asked = _("Vouliez-vous dire : %(communes)s ?") % {"communes": listed}
    return f"{intro % {'name': choice.typed}} {asked}"


def _without_legal_form(name: str) -> str:
    """A normalised EPCI name without its legal form, which people leave out ("CC Porte
    Océane du Limousin" is "porte oceane du limousin")."""
    return LEGAL_FORM.sub("", name)


def epci_resolve(text: str) -> Epci:
    """The EPCI of a SIREN or of exactly this name (accents and case aside); otherwise a
    French error that proposes the closest names."""
    compact = text.replace(" ", "")
    if SIREN.match(compact):
        found = Epci.objects.filter(siren=compact).first()
        if found is None:
            raise ValidationError(
                _("Aucune intercommunalité n’a le numéro SIREN « %(siren)s ».") % {"siren": compact}
            )
        return found
    needle = _without_legal_form(normalise_name(text))
    epcis = [
        (_without_legal_form(normalise_name(name)), siren, name)
        for siren, name in Epci.objects.values_list("siren", "name")
    ]
    exact = [siren for key, siren, _name in epcis if key == needle]
    if len(exact) == 1:
        return Epci.objects.get(siren=exact[0])
    containing = sorted((name, siren) for key, siren, name in epcis if needle and needle in key)
    close_keys = set(difflib.get_close_matches(needle, [key for key, _s, _n in epcis], cutoff=0.6))
    close = sorted((name, siren) for key, siren, name in epcis if key in close_keys)
    candidates = [*containing, *(pair for pair in close if pair not in containing)]
    if not candidates:
        raise ValidationError(
            _(
                "Aucune intercommunalité ne correspond à « %(name)s » : indiquez son nom ou son "
                "numéro SIREN (9 chiffres)."
            )
            % {"name": text}
        )
    raise ValidationError(
        _(
            "Aucune intercommunalité ne s’appelle exactement « %(name)s ». Vouliez-vous dire : %(epcis)s ?"
        )
        % {
            "name": text,
            "epcis": ", ".join(f"{name} ({siren})" for name, siren in candidates[:MAX_CANDIDATES]),
        }
    )


def region_phrase(region: Region) -> str:
    if region.code in REGIONS_WITH_A:
        return _("à %(name)s") % {"name": region.name}
    return _("en %(name)s") % {"name": region.name}


def area_label(region: Region | None, departement: Departement | None, epci: Epci | None) -> str:
    """Where, in French: "en Nouvelle-Aquitaine", "dans le département Haute-Vienne (87)",
    "dans Limoges Métropole"; a département says its région no more (it is inside)."""
    parts = []
    if epci is not None:
        parts.append(_("dans %(name)s") % {"name": epci.name})
    if departement is not None:
        parts.append(
            _("dans le département %(name)s (%(code)s)")
            % {"name": departement.name, "code": departement.code}
        )
    elif region is not None:
        parts.append(region_phrase(region))
    return ", ".join(parts)
