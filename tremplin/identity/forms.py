from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import ProfessionalStatus
from tremplin.core.forms import BaseForm
from tremplin.core.professions import Profession


class ProSanteConnectCompleteForm(BaseForm):
    """What Pro Santé Connect leaves to the person: which of their professions (when the
    directory lists several), their situation (first profile), their address (when none)."""

    profession = forms.ChoiceField(
        label=_("Profession exercée sur Tremplin"),
        widget=forms.RadioSelect,
        help_text=_("Pro Santé Connect indique plusieurs activités : choisissez celle-ci."),
    )
    status = forms.ChoiceField(
        label=_("Situation"), choices=[("", "---------"), *ProfessionalStatus.choices]
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_(
            "Pro Santé Connect ne l’a pas transmise : un lien de confirmation y sera envoyé."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(
        self,
        *args: object,
        professions: list[str],
        ask_profession: bool,
        ask_status: bool,
        ask_email: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Profession.choices)
        self.fields["profession"].choices = [(code, labels[code]) for code in professions]  # type: ignore[attr-defined]
        for name, asked in (
            ("profession", ask_profession),
            ("status", ask_status),
            ("email", ask_email),
        ):
            if not asked:
                del self.fields[name]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
