from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm, BaseModelForm
from tremplin.core.validators import normalise_digits, validate_siret
from tremplin.organisations.models import (
    COLLECTIVITY_TYPES,
    HEALTH_TYPES,
    MembershipRole,
    Organisation,
    OrganisationCategory,
)


def prefill_from(query: "QueryDict") -> dict[str, str]:
    """Initial values of the creation form from the query string (the ProConnect login sends
    the agent's SIRET): only a well-formed SIRET is taken, and it makes a collectivité."""
    siret = normalise_digits(query.get("siret", ""))
    if len(siret) != 14 or not siret.isdigit():
        return {}
    try:
        validate_siret(siret)
    except ValidationError:
        return {}
    return {"siret": siret, "category": OrganisationCategory.COLLECTIVITY}


class OrganisationForm(BaseModelForm):
    # Wider than the stored 14 digits: people paste SIRETs with spaces.
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("Facultatif. 14 chiffres, vérifiés avec leur clé de contrôle."),
    )

    class Meta:
        model = Organisation
        fields = ["category", "type", "name", "siret", "territory_code", "postal_code", "city"]
        widgets = {"category": forms.RadioSelect}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = [
            ("", "---------"),
            (_("Structures de santé"), [(t.value, t.label) for t in HEALTH_TYPES]),
            (_("Collectivités et partenaires"), [(t.value, t.label) for t in COLLECTIVITY_TYPES]),
        ]
        self.fields["territory_code"].help_text = _(
            "Pour une collectivité : code INSEE de la commune, du département ou de la région, "
            "ou SIREN de l’intercommunalité."
        )

    def clean_siret(self) -> str:
        siret = normalise_digits(self.cleaned_data.get("siret", ""))
        if siret:
            validate_siret(siret)
        return siret


class InvitationForm(BaseForm):
    email = forms.EmailField(label=_("Adresse e-mail de la personne à inviter"))
    role = forms.ChoiceField(
        label=_("Rôle"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class RejectForm(BaseForm):
    reason = forms.CharField(
        label=_("Motif du refus, visible par l’organisation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
