"""The public search form: URL query parameters in, OfferSearchParams out."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm
from tremplin.core.professions import profession_grouped_choices
from tremplin.offers.models import OfferKind, PracticeSetting
from tremplin.offers.selectors import (
    MAX_RADIUS_KM,
    OfferSearchParams,
    OfferSort,
)
from tremplin.territories.fields import CommuneField
from tremplin.territories.models import Commune, Departement, Region

ZONAGE_CHOICES = [
    ("", _("Tous")),
    ("ZIP", _("Zone d’intervention prioritaire (ZIP)")),
    ("ZAC", _("Zone d’action complémentaire (ZAC)")),
    # The paramedical professions' ARS zonages (each offer carries its profession's zonage).
    ("TSD", _("Zone très sous-dotée")),
    ("SD", _("Zone sous-dotée")),
]


class QuickSelect(forms.Select):
    """A <select> written in Python: through Django's one-template-per-option rendering, the
    form's 250 options cost more than the search itself."""

    def render(
        self,
        name: str,
        value: object,
        attrs: dict | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts += [
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            ]
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        # Every part went through format_html.
        return mark_safe("".join(parts))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _departement_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("Tous")), *((code, f"{name} ({code})") for code, name in
            Departement.objects.order_by("code").values_list("code", "name"))]  # fmt: skip


def _region_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("Toutes")), *Region.objects.order_by("name").values_list("code", "name")]


class OfferSearchForm(BaseForm):
    """Every field optional; names are those of the URL (shareable, read back by the API)."""

    q = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("ex. remplacement MSP, kinésithérapeute")}
        ),
    )
    profession = forms.ChoiceField(label=_("Profession"), required=False, widget=QuickSelect)
    type = forms.ChoiceField(
        label=_("Type d’annonce"),
        required=False,
        choices=[("", _("Tous")), *OfferKind.choices],
        widget=QuickSelect,
    )
    du = forms.DateField(
        label=_("Disponible à partir du"),
        required=False,
        widget=DateInput(),
        help_text=_("Les annonces « dès que possible » ou sans dates sont toujours montrées."),
    )
    au = forms.DateField(label=_("Jusqu’au"), required=False, widget=DateInput())
    # The form metaclass moves declared fields to base_fields: `form.commune` is the commune
    # found by clean_commune(), which the stubs cannot know.
    commune: Commune | None = CommuneField(  # type: ignore[assignment]
        label=_("Autour de la commune"),
        required=False,
        help_text=_("Nom, code postal ou code INSEE, par exemple « Guéret » ou « 23000 »."),
    )
    rayon = forms.IntegerField(
        label=_("Rayon (km)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        widget=forms.NumberInput(attrs={"placeholder": "30", "step": 1}),
    )
    departement = forms.ChoiceField(label=_("Département"), required=False, widget=QuickSelect)
    region = forms.ChoiceField(label=_("Région"), required=False, widget=QuickSelect)
    logement = forms.BooleanField(label=_("Logement proposé ou offert"), required=False)
    zonage = forms.ChoiceField(
        label=_("Zonage ARS"), required=False, choices=ZONAGE_CHOICES, widget=QuickSelect
    )
    cadre = forms.ChoiceField(
        label=_("Cadre d’exercice"),
        required=False,
        choices=[("", _("Tous")), *PracticeSetting.choices],
        widget=QuickSelect,
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[("", _("Par défaut")), *OfferSort.choices],
        widget=QuickSelect,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["profession"]).choices = [
            ("", _("Toutes")),
            *profession_grouped_choices(),
        ]
        cast(forms.ChoiceField, self.fields["departement"]).choices = _departement_choices()
        cast(forms.ChoiceField, self.fields["region"]).choices = _region_choices()
        self.commune = None

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-desc-error"}
                )

    def clean_commune(self) -> str:
        found: Commune | None = self.cleaned_data["commune"]
        if found is None:
            return ""
        if found.latitude is None or found.longitude is None:
            raise ValidationError(
                _("La position de %(name)s est inconnue : choisissez une commune voisine.")
                % {"name": found.name},
                code="no_position",
            )
        self.commune = found
        return found.insee

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and end < start:
            self.add_error("au", _("La fin de la période doit suivre son début."))
        return cleaned

    def params(self, *, page: str | int = 1) -> OfferSearchParams:
        """The search stated by a valid form, at `page` (anything not a positive number: 1)."""
        data = self.cleaned_data
        return OfferSearchParams(
            text=data["q"].strip(),
            profession=data["profession"],
            kind=data["type"],
            period_start=data["du"],
            period_end=data["au"],
            departement=data["departement"],
            region=data["region"],
            commune=self.commune,
            radius_km=data["rayon"] if self.commune else None,
            housing=data["logement"],
            zonage=data["zonage"],
            setting=data["cadre"],
            sort=data["tri"],
            page=_page_number(page),
        )


def _page_number(value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return 1
    return number if number >= 1 else 1
