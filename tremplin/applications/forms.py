from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.applications.models import MESSAGE_MAX_LENGTH, ApplicationStatus
from tremplin.applications.services import DEFAULT_OTHERS_MESSAGE
from tremplin.core.forms import BaseForm

PDF_HELP = _("PDF uniquement, 5 Mo au plus.")


class ApplyForm(BaseForm):
    message = forms.CharField(
        label=_("Votre message"),
        help_text=_("Présentez-vous et dites ce qui vous attire dans cette annonce."),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    available_from = forms.DateField(
        label=_("Disponible à partir du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_until = forms.DateField(
        label=_("Disponible jusqu’au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    use_profile_cv = forms.BooleanField(label=_("Joindre le CV de mon profil"), required=False)
    cv = forms.FileField(
        label=_("Ou joindre un autre CV"),
        help_text=PDF_HELP,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: object, has_profile_cv: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not has_profile_cv:
            del self.fields["use_profile_cv"]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("La fin de vos disponibilités précède leur début."))
        return data


class MessageForm(BaseForm):
    body = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        help_text=PDF_HELP,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        empty = not (data.get("body") or "").strip() and not data.get("attachment")
        if empty and not self.errors:
            raise forms.ValidationError(_("Écrivez un message ou joignez un fichier."))
        return data


DECISIONS = [
    (ApplicationStatus.DISCUSSING, _("Passer en discussion")),
    (ApplicationStatus.ACCEPTED, _("Accepter la candidature")),
    (ApplicationStatus.DECLINED, _("Refuser la candidature")),
    (ApplicationStatus.CONFIRMED, _("Confirmer le séjour")),
]


class DecisionForm(BaseForm):
    status = forms.ChoiceField(label=_("Décision"), choices=DECISIONS)
    message = forms.CharField(
        label=_("Message au candidat"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fill_offer = forms.BooleanField(
        label=_("Marquer l’annonce comme pourvue et prévenir les autres candidats"),
        required=False,
    )
    others_message = forms.CharField(
        label=_("Message aux autres candidats"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        initial=DEFAULT_OTHERS_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: object,
        allowed: set[str] | None = None,
        current: str = "",
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        status = cast(forms.ChoiceField, self.fields["status"])
        if allowed is not None:
            status.choices = [c for c in DECISIONS if c[0] in allowed]
        if current:
            # A decision no longer open (a page left open while a colleague decided) says why.
            status.error_messages["invalid_choice"] = _(
                "Cette décision n’est pas possible : la candidature est « %(current)s »."
            ) % {"current": current}


class ReportForm(BaseForm):
    reason = forms.CharField(
        label=_("Ce qui pose problème"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProfileCvForm(BaseForm):
    cv = forms.FileField(
        label=_("Votre CV"),
        help_text=PDF_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
