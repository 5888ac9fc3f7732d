"""The guided editor's steps: one small form each, over the same Offer."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm, BaseModelForm
from tremplin.core.professions import profession_grouped_choices
from tremplin.offers.models import Offer, offer_start_is_past
from tremplin.offers.titles import offer_title_place_error
from tremplin.territories.fields import CommuneField, CommuneListField
from tremplin.territories.models import Commune


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PostStepForm(BaseModelForm):
    class Meta:
        model = Offer
        fields = ["kind", "replacement_type", "internship_level", "profession", "title"]
        help_texts = {
            "title": _(
                "Court et précis : « Remplacement de médecin généraliste en MSP, juillet-août »."
            ),
            "replacement_type": _("Pour un remplacement."),
            "internship_level": _("Pour un stage."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["profession"]).choices = [
            ("", "---------"),
            *profession_grouped_choices(),
        ]

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        error = offer_title_place_error(title=title, commune=self.instance.commune)
        if error:
            raise ValidationError(error)
        return title


class PlaceStepForm(BaseModelForm):
    commune_code = CommuneField(
        label=_("Commune d’exercice"),
        help_text=_("Nom, code postal ou code INSEE, par exemple « Felletin » ou « Guéret (23) »."),
    )

    other_codes = CommuneListField(
        label=_("Autres communes d’exercice"),
        required=False,
        max_communes=20,
        help_text=_("Séparées par des virgules, par exemple « Guéret, Aubusson »."),
    )

    class Meta:
        model = Offer
        fields = ["start_date", "end_date", "asap"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["commune_code", "other_codes", "start_date", "end_date", "asap"])
        if self.instance.commune_id and not self.is_bound:
            self.initial["commune_code"] = self.instance.commune
        if self.instance.pk and not self.is_bound:
            self.initial["other_codes"] = list(self.instance.other_communes.order_by("insee"))

    @property
    def candidates(self) -> list[Commune]:
        """The communes the commune typed may mean, when it named none exactly (buttons)."""
        return cast(CommuneField, self.fields["commune_code"]).candidates

    def clean(self) -> dict:
        cleaned = super().clean()
        commune = cleaned.get("commune_code")
        error = offer_title_place_error(title=self.instance.title, commune=commune)
        if error:
            self.add_error("commune_code", error)
        start, end, asap = cleaned.get("start_date"), cleaned.get("end_date"), cleaned.get("asap")
        if offer_start_is_past(start_date=start, asap=bool(asap), today=timezone.localdate()):
            self.add_error("start_date", _("La date de début est passée."))
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin doit suivre la date de début."))
        if end and not start and not asap:
            self.add_error(
                "start_date", _("Indiquez la date de début, ou cochez « dès que possible ».")
            )
        return cleaned

    def save(self, commit: bool = True) -> Offer:
        self.instance.commune = self.cleaned_data["commune_code"]
        return super().save(commit=commit)

    def save_related(self, offer: Offer) -> None:
        others = [c for c in self.cleaned_data.get("other_codes", []) if c != offer.commune]
        offer.other_communes.set(others)


class ConditionsStepForm(BaseModelForm):
    class Meta:
        model = Offer
        fields = [
            "retrocession_rate",
            "salary_min",
            "salary_max",
            "setting",
            "patients_per_day",
            "secretariat",
            "software",
            "on_call",
        ]
        help_texts = {
            "retrocession_rate": _(
                "Pour un remplacement, une collaboration ou un assistanat : entre 0 et 100."
            ),
            "salary_min": _("Pour un poste salarié ou un stage."),
            "on_call": _(
                "Par exemple : « une garde par mois, astreinte le samedi matin » ou « aucune »."
            ),
        }

    def clean_retrocession_rate(self) -> object:
        rate = self.cleaned_data.get("retrocession_rate")
        if rate is not None and not 0 <= rate <= 100:
            raise ValidationError(_("Le taux de rétrocession est un pourcentage, entre 0 et 100."))
        return rate


HOUSING_CHOICES = [("", _("Non précisé")), ("oui", _("Oui")), ("non", _("Non"))]


class PresentationStepForm(BaseModelForm):
    housing = forms.ChoiceField(
        label=_("Un logement est-il proposé ?"),
        choices=HOUSING_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Offer
        fields = ["housing_details", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "housing_details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": _(
                "Le cabinet, l’équipe, la patientèle, la vie sur place. Le texte est affiché tel "
                "quel (sans HTML)."
            ),
            "housing_details": _("Type, distance du cabinet, gratuit ou loyer."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        value = self.instance.housing_offered
        self.initial["housing"] = "" if value is None else ("oui" if value else "non")
        # Radio buttons first: they decide whether the details matter.
        self.order_fields(["housing", "housing_details", "description"])

    def save(self, commit: bool = True) -> Offer:
        housing = self.cleaned_data.get("housing")
        self.instance.housing_offered = None if not housing else housing == "oui"
        return super().save(commit=commit)


class PhotoForm(BaseForm):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG ou WebP, 10 Mo au plus. Les métadonnées (position GPS…) sont retirées."
        ),
    )
    alt = forms.CharField(label=_("Ce que montre la photo"), max_length=200, required=False)


class RefuseForm(BaseForm):
    reason = forms.CharField(
        label=_("Motif du refus, visible par l’auteur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise
    form_class: type | None


STEPS = [
    Step("poste", _("Le poste"), PostStepForm),
    Step("lieu", _("Lieu et dates"), PlaceStepForm),
    Step("conditions", _("Conditions d’exercice"), ConditionsStepForm),
    Step("presentation", _("Logement et présentation"), PresentationStepForm),
    Step("photos", _("Photos"), None),
    Step("apercu", _("Aperçu et envoi"), None),
]
STEP_SLUGS = [step.slug for step in STEPS]
