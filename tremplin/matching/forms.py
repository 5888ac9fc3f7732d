"""The criteria of a matching, as the URL states them: read and checked here for the page and
the API alike, with French messages."""

import re
from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm
from tremplin.core.professions import profession_grouped_choices
from tremplin.matching.scoring import (
    CRITERIA,
    DEFAULT_KM,
    MAX_KM,
    Criteria,
    Importance,
    Origin,
    TownSize,
    criteria_build,
)
from tremplin.offers.forms_search import QuickSelect
from tremplin.offers.models import OfferKind
from tremplin.territories.models import Commune
from tremplin.territories.selectors import commune_search

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
        max_length=300,
        help_text=_(
            "Une ou plusieurs communes, séparées par des virgules : « Limoges » ou « 87085, Tulle »."
        ),
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
    gare = _importance_field("gare")
    gare_km = _km_field("gare", _("Gare à moins de (km)"))
    cinema = _importance_field("cinema")
    cinema_km = _km_field("cinema", _("Cinéma à moins de (km)"))
    littoral = _importance_field("littoral")
    littoral_km = _km_field("littoral", _("Littoral à moins de (km)"))
    emploi = _importance_field("emploi")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["profession"]).choices = [
            ("", _("Choisir")),
            *profession_grouped_choices(),
        ]
        self.origins: tuple[Origin, ...] = ()

    def full_clean(self) -> None:
        super().full_clean()
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
                _("%(max)s communes au plus, séparées par des virgules.") % {"max": MAX_ORIGINS}
            )
        self.origins = tuple(_origin(name) for name in names)
        return ", ".join(names)

    def clean(self) -> dict:
        cleaned = super().clean()
        wants_proximity = cleaned.get("proximite") not in (None, "", Importance.INDIFFERENT)
        if wants_proximity and not self.origins and "pres_de" not in self.errors:
            self.add_error(
                "pres_de", _("Indiquez au moins une commune, ou rendez ce critère indifférent.")
            )
        if cleaned.get("taille") not in (None, "", Importance.INDIFFERENT) and not cleaned.get(
            "tailles"
        ):
            self.add_error(
                "tailles", _("Cochez au moins une taille, ou rendez ce critère indifférent.")
            )
        return cleaned

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

    def error_summary(self) -> str:
        """One French sentence listing what is wrong, for the API."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                parts.append(f"{label} : {error}" if label else str(error))
        return " ".join(parts)


def _origin(name: str) -> Origin:
    """A commune by INSEE code, postal code or name (the best match of the commune search:
    exact names first, then larger communes)."""
    found = commune_search(name, limit=1)
    commune = (
        Commune.objects.filter(insee=found[0].insee)
        .only("insee", "name", "latitude", "longitude")
        .first()
        if found
        else None
    )
    if commune is None:
        raise ValidationError(_("Aucune commune ne correspond à « %(name)s ».") % {"name": name})
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
