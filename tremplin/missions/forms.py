from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm, BaseModelForm
from tremplin.hosting.models import Housing
from tremplin.missions.importers import arrete_date_parse
from tremplin.missions.models import HostSite, SlotPeriod
from tremplin.organisations.models import Organisation
from tremplin.territories.fields import CommuneField

MAX_ZONE_FILE_BYTES = 2 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RedZoneImportForm(BaseForm):
    file = forms.FileField(
        label=_("Fichier CSV des SIREN"),
        help_text=_(
            "Un SIREN d’EPCI par ligne (9 chiffres), une ligne d’en-tête « siren » permise."
        ),
    )
    arrete = forms.CharField(
        label=_("Date de l’arrêté"),
        widget=DateInput(),
        help_text=_("Au format AAAA-MM-JJ."),
    )

    def clean_arrete(self) -> date:
        return arrete_date_parse(self.cleaned_data["arrete"])

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ZONE_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        return upload.read()


class HostSiteForm(BaseModelForm):
    commune_name = CommuneField(
        label=_("Commune"), help_text=_("Nom, code postal ou code INSEE de la commune.")
    )

    class Meta:
        model = HostSite
        fields = ["name", "address"]

    def save(self, commit: bool = True) -> HostSite:
        self.instance.commune = self.cleaned_data["commune_name"]
        return super().save(commit=commit)


class SlotForm(BaseForm):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    period = forms.ChoiceField(label=_("Créneau"), choices=SlotPeriod.choices)
    equipment = forms.CharField(
        label=_("Équipement mis à disposition"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    secretariat = forms.BooleanField(label=_("Secrétariat sur place"), required=False)
    housing = forms.ModelChoiceField(
        label=_("Logement pour la nuit"),
        queryset=Housing.objects.none(),
        required=False,
        empty_label=_("Aucun"),
    )
    housing_note = forms.CharField(
        label=_("Hébergement (précisions)"),
        required=False,
        max_length=300,
        help_text=_("Facultatif : un hébergement hors de vos logements, à préciser."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        housing = self.fields["housing"]
        assert isinstance(housing, forms.ModelChoiceField)
        housing.queryset = Housing.objects.filter(organisation=organisation)


class BookForm(BaseForm):
    with_housing = forms.BooleanField(
        label=_("Je réserve aussi le logement pour la nuit"), required=False
    )


class HeldForm(BaseForm):
    patients_seen = forms.IntegerField(
        label=_("Patients vus (facultatif)"), required=False, min_value=0, max_value=200
    )


class RppsSearchForm(BaseForm):
    rpps = forms.CharField(label=_("Numéro RPPS"), max_length=20)
