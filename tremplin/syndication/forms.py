from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm, BaseModelForm
from tremplin.core.professions import Profession
from tremplin.offers.models import OfferKind
from tremplin.syndication.models import AlertFrequency, AlertKind, Partner
from tremplin.territories.models import Region


class PartnerForm(BaseModelForm):
    professions = forms.MultipleChoiceField(
        label=_("Professions"),
        required=False,
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les professions."),
    )
    regions = forms.MultipleChoiceField(
        label=_("Régions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toute la France."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Types d’annonce"),
        required=False,
        choices=OfferKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : tous les types."),
    )

    class Meta:
        model = Partner
        fields = ["name", "endpoint_url", "secret", "professions", "regions", "kinds"]
        help_texts = {
            "secret": _(
                "Laissez vide pour en tirer un au hasard. Transmettez-le au partenaire par un "
                "canal sûr : il vérifie avec lui la signature de chaque envoi."
            )
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secret"].required = False
        cast(forms.ChoiceField, self.fields["regions"]).choices = list(
            Region.objects.order_by("name").values_list("code", "name")
        )


class ReplayForm(BaseForm):
    since = forms.DateField(
        label=_("Renvoyer aussi les envois acceptés depuis le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Vide : seuls les envois en échec sont renvoyés."),
    )


class ApiTokenForm(BaseForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Par exemple le logiciel ou le partenaire qui l’utilisera."),
    )


class AlertForm(BaseForm):
    email = forms.EmailField(label=_("Votre adresse e-mail"), max_length=254)
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=AlertFrequency.choices,
        initial=AlertFrequency.DAILY,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        choices=AlertKind.choices, initial=AlertKind.OFFERS, widget=forms.HiddenInput
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
