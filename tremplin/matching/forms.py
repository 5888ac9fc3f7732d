"""The criteria of a matching, as the URL states them: read and checked here for the page and
the API alike, with French messages."""

import functools
import re
from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm
from tremplin.core.professions import profession_grouped_choices
from tremplin.matching.areas import FRANCE, Area
from tremplin.matching.criteria import (
    CRITERIA,
    DEFAULT_KM,
    MAX_KM,
    Criteria,
    Importance,
    Origin,
    TownSize,
    criteria_build,
)
from tremplin.matching.places import (
    PlaceChoice,
    area_label,
    epci_resolve,
    place_message,
)
from tremplin.offers.forms_search import QuickSelect
from tremplin.offers.models import OfferKind
from tremplin.territories.fields import CommuneInput
from tremplin.territories.lookup import commune_lookup, commune_value
from tremplin.territories.models import Commune, Departement, Epci, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_ORIGINS = 5
SCALES = [("communes", _("Communes")), ("epci", _("Intercommunalités"))]
# The URL name of each criterion's distance.
KM_FIELDS = {
    "proximite": "rayon",
    "gare": "gare_km",
    "hopital": "hopital_km",
    "cinema": "cinema_km",
    "littoral": "littoral_km",
}
IMPORTANCE_CHOICES = [("", _("Par défaut")), *Importance.choices]


def _region_choices() -> list[tuple[str, str]]:
    return [("", str(_("France entière"))), *Region.objects.values_list("code", "name")]


def _departement_choices() -> list[tuple[str, str]]:
    rows = Departement.objects.order_by("code").values_list("code", "name")
    return [("", str(_("Tous"))), *((code, f"{code} — {name}") for code, name in rows)]


class AreaChoiceField(forms.ChoiceField):
    """A région or a département, its choices read from the database when needed (not when the
    API's schema is built at import)."""


def _importance_field(key: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=CRITERIA[key].label,
        required=False,
        choices=IMPORTANCE_CHOICES,
        help_text=CRITERIA[key].help_text,
        widget=QuickSelect,
        error_messages={
            "invalid_choice": _(
                "« %(value)s » n’est pas une importance : indifferent, souhaitable, important ou "
                "indispensable."
            )
        },
    )


def _km_field(key: str, label: "StrOrPromise") -> forms.IntegerField:
    message = _("Indiquez une distance entre 1 et %(max)s km.") % {"max": MAX_KM[key]}
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=MAX_KM[key],
        widget=forms.NumberInput(attrs={"placeholder": str(DEFAULT_KM[key]), "step": 1}),
        error_messages={"min_value": message, "max_value": message, "invalid": message},
    )


class MatchingForm(BaseForm):
    """Every field has a URL name; importances left empty take the profession's defaults."""

    profession = forms.ChoiceField(
        label=_("Ma profession"),
        widget=QuickSelect,
        error_messages={
            "required": _("Choisissez votre profession : les critères par défaut en dépendent."),
            "invalid_choice": _("« %(value)s » n’est pas une profession connue."),
        },
    )
    echelle = forms.ChoiceField(
        label=_("Classer"),
        required=False,
        choices=SCALES,
        widget=QuickSelect,
        error_messages={
            "invalid_choice": _("« %(value)s » : choisissez « communes » ou « epci ».")
        },
    )
    region = AreaChoiceField(
        label=_("Région"),
        required=False,
        choices=_region_choices,
        widget=QuickSelect,
        error_messages={"invalid_choice": _("« %(value)s » n’est pas un code de région connu.")},
    )
    departement = AreaChoiceField(
        label=_("Département"),
        required=False,
        choices=_departement_choices,
        widget=QuickSelect,
        error_messages={
            "invalid_choice": _("« %(value)s » n’est pas un code de département connu.")
        },
    )
    epci = forms.CharField(
        label=_("Intercommunalité"),
        required=False,
        max_length=200,
        help_text=_("Son nom ou son numéro SIREN (9 chiffres, sur la page de l’intercommunalité)."),
    )
    besoin = _importance_field("besoin")
    zonage = _importance_field("zonage")
    annonces = _importance_field("annonces")
    types = forms.MultipleChoiceField(
        label=_("Types d’annonce"),
        required=False,
        choices=OfferKind.choices,
        help_text=_("Aucun coché : tous les types."),
        error_messages={"invalid_choice": _("« %(value)s » n’est pas un type d’annonce.")},
    )
    logement = _importance_field("logement")
    accueil = _importance_field("accueil")
    hopital = _importance_field("hopital")
    hopital_km = _km_field("hopital", _("Site hospitalier à moins de (km)"))
    zrr = _importance_field("zrr")
    pres_de = forms.CharField(
        label=_("Près de"),
        required=False,
        max_length=1000,
        widget=CommuneInput(multiple=True),
        help_text=_(
            "Une ou plusieurs communes, séparées par des virgules : « Limoges » ou « 87085, Tulle »."
        ),
        error_messages={
            "max_length": _("%(max)s communes au plus, séparées par des virgules.")
            % {"max": MAX_ORIGINS}
        },
    )
    rayon = _km_field("proximite", _("À moins de (km)"))
    proximite = _importance_field("proximite")
    taille = _importance_field("taille")
    tailles = forms.MultipleChoiceField(
        label=_("Tailles de commune"),
        required=False,
        choices=TownSize.choices,
        error_messages={"invalid_choice": _("« %(value)s » n’est pas une taille de commune.")},
    )
    villages = forms.BooleanField(
        label=_("Proposer aussi les villages"),
        required=False,
        help_text=_(
            "Par défaut, seules les communes où l’on peut exercer sont proposées : au moins "
            "1 000 habitants, ou une école et un commerce."
        ),
    )
    ecoles = _importance_field("ecoles")
    commerces = _importance_field("commerces")
    gare_commune = _importance_field("gare_commune")
    gare = _importance_field("gare")
    gare_km = _km_field("gare", _("Gare à moins de (km)"))
    cinema = _importance_field("cinema")
    cinema_km = _km_field("cinema", _("Cinéma à moins de (km)"))
    littorale = _importance_field("littorale")
    littoral = _importance_field("littoral")
    littoral_km = _km_field("littoral", _("Littoral à moins de (km)"))
    emploi = _importance_field("emploi")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["profession"]).choices = [
            ("", _("Choisir")),
            *profession_grouped_choices(),
        ]
        # Read once per form (rendering a select reads its choices more than once).
        for name, choices in (("region", _region_choices), ("departement", _departement_choices)):
            cast(forms.ChoiceField, self.fields[name]).choices = functools.cache(choices)
        self.origins: tuple[Origin, ...] = ()
        self.area: Area = FRANCE
        # The places of "Près de" that did not match one commune exactly, with the communes to
        # choose from.
        self.place_choices: list[PlaceChoice] = []
        # The places of "Près de" found, as the field shows them back (« Limoges (87) »).
        self._places_shown: list[str] = []
        self._epci: Epci | None = None

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.origins and "pres_de" not in self.errors:
            # Shown as found (« Limoges (87) »), not as typed: what was typed stays on error.
            data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            data["pres_de"] = ", ".join(self._places_shown)
            self.data = data
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-desc-error"}
                )

    def clean_pres_de(self) -> str:
        text = self.cleaned_data["pres_de"].strip()
        names = [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
        if len(names) > MAX_ORIGINS:
            raise ValidationError(
                _(
                    "Vous en indiquez %(count)s : %(max)s communes au plus, séparées par des virgules."
                )
                % {"count": len(names), "max": MAX_ORIGINS}
            )
        origins, errors, shown = [], [], []
        for position, name in enumerate(names):
            lookup = commune_lookup(name)
            commune = lookup.found
            if commune is None:
                choice = PlaceChoice(position=position, typed=name, lookup=lookup)
                if choice.communes:
                    self.place_choices.append(choice)
                errors.append(place_message(choice))
                continue
            try:
                origins.append(_origin(commune))
                shown.append(commune_value(commune))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        self.origins = tuple(origins)
        self._places_shown = shown
        return ", ".join(names)

    def clean_epci(self) -> str:
        text = self.cleaned_data["epci"].strip()
        if not text:
            return ""
        self._epci = epci_resolve(text)
        return self._epci.siren

    def clean(self) -> dict:
        cleaned = super().clean()
        wants_proximity = cleaned.get("proximite") not in (None, "", Importance.INDIFFERENT)
        if wants_proximity and not self.origins and "pres_de" not in self.errors:
            self.add_error(
                "pres_de", _("Indiquez au moins une commune, ou rendez ce critère indifférent.")
            )
        self._clean_area(cleaned)
        if cleaned.get("taille") not in (None, "", Importance.INDIFFERENT) and not cleaned.get(
            "tailles"
        ):
            self.add_error(
                "tailles", _("Cochez au moins une taille, ou rendez ce critère indifférent.")
            )
        return cleaned

    def _clean_area(self, cleaned: dict) -> None:
        """The région, département and EPCI given, if they hold together."""
        codes = {name: cleaned.get(name) or "" for name in ("region", "departement", "epci")}
        if not any(codes.values()) or any(name in self.errors for name in codes):
            return
        region = Region.objects.filter(code=codes["region"]).first() if codes["region"] else None
        departement = (
            Departement.objects.select_related("region").filter(code=codes["departement"]).first()
            if codes["departement"]
            else None
        )
        epci = self._epci if codes["epci"] else None
        if region and departement and departement.region_id != region.code:
            self.add_error(
                "departement",
                _("%(departement)s n’est pas dans la région %(region)s.")
                % {"departement": departement, "region": region.name},
            )
            return
        if epci and (region or departement):
            communes = Commune.objects.municipal().filter(epci=epci)
            if region:
                communes = communes.filter(region=region)
            if departement:
                communes = communes.filter(departement=departement)
            if not communes.exists():
                self.add_error(
                    "epci",
                    _("%(epci)s n’a aucune commune %(area)s.")
                    % {"epci": epci.name, "area": area_label(region, departement, None)},
                )
                return
        self.area = Area(
            region=codes["region"],
            departement=codes["departement"],
            epci=codes["epci"],
            label=area_label(region, departement, epci),
        )

    @property
    def scale(self) -> str:
        return self.cleaned_data.get("echelle") or "communes"

    def criteria(self) -> Criteria:
        """The criteria stated by a valid form, the profession's defaults for the others."""
        data = self.cleaned_data
        return criteria_build(
            profession=data["profession"],
            stated={key: data.get(key, "") for key in CRITERIA},
            origins=self.origins,
            km={key: data[name] for key, name in KM_FIELDS.items() if data.get(name)},
            offer_kinds=tuple(data.get("types") or ()),
            sizes=tuple(data.get("tailles") or ()),
            villages=bool(data.get("villages")),
            area=self.area,
        )

    def query(self, **overrides: str) -> list[tuple[str, str]]:
        """The URL query parameters of a valid form, without empty values (shareable)."""
        data = self.cleaned_data
        pairs: list[tuple[str, str]] = []
        for name in self.fields:
            value = overrides.get(name, data.get(name))
            if name == "echelle" and value == "communes":
                continue
            if isinstance(value, bool):
                if value:
                    pairs.append((name, "1"))
            elif isinstance(value, list | tuple):
                pairs += [(name, str(item)) for item in value]
            elif value not in (None, ""):
                pairs.append((name, str(value)))
        return pairs

    def query_string(self, **overrides: str) -> str:
        return urlencode(self.query(**overrides))

    def place_choice_query(self, choice: PlaceChoice, commune: Commune) -> str:
        """The query as typed (valid or not), with one place of "Près de" settled as
        `commune`: every other input is kept."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        names = [
            part.strip() for part in re.split(r"[,;]", data.get("pres_de", "")) if part.strip()
        ]
        if choice.position < len(names):
            names[choice.position] = f"{commune.name} ({commune.insee})"
        data["pres_de"] = ", ".join(names)
        return data.urlencode()

    def error_summary(self) -> str:
        """One French sentence listing what is wrong, for the API."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                parts.append(f"{label} : {error}" if label else str(error))
        return " ".join(parts)


def _origin(commune: Commune) -> Origin:
    """The commune a place names exactly, as the origin of distances."""
    if commune.latitude is None or commune.longitude is None:
        raise ValidationError(
            _("La position de %(name)s est inconnue : choisissez une commune voisine.")
            % {"name": commune.name}
        )
    return Origin(
        insee=commune.insee,
        name=commune.name,
        latitude=commune.latitude,
        longitude=commune.longitude,
    )


class SaveSearchForm(BaseForm):
    name = forms.CharField(
        label=_("Nom de la recherche"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("ex. Infirmière près de Limoges")}),
        error_messages={"required": _("Donnez un nom à cette recherche.")},
    )
    query = forms.CharField(max_length=2000, widget=forms.HiddenInput)
