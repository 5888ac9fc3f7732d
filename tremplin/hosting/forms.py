from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm, BaseModelForm
from tremplin.hosting.models import (
    MAX_HOUSING_PLACES,
    Activity,
    Answer,
    Housing,
    LocalAid,
    StrongPoint,
    TerritoryPage,
)
from tremplin.hosting.semesters import semester_from_key, semesters_upcoming
from tremplin.territories.fields import CommuneField
from tremplin.territories.models import Commune

if TYPE_CHECKING:
    from tremplin.organisations.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TerritoryPageForm(BaseModelForm):
    strong_points = forms.MultipleChoiceField(
        label=_("Points forts"),
        choices=StrongPoint.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TerritoryPage
        fields = [
            "presentation",
            "strong_points",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
            "contact_hours",
            "spouse_job_help",
            "school_contacts",
            "childcare_contacts",
            "is_published",
        ]
        widgets = {
            "presentation": forms.Textarea(attrs={"rows": 6}),
            "spouse_job_help": forms.Textarea(attrs={"rows": 3}),
            "school_contacts": forms.Textarea(attrs={"rows": 3}),
            "childcare_contacts": forms.Textarea(attrs={"rows": 3}),
        }


class LocalAidForm(BaseModelForm):
    class Meta:
        model = LocalAid
        fields = ["title", "amount", "conditions", "link"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 3})}


class PhotoForm(BaseForm):
    image = forms.ImageField(label=_("Photo"), help_text=_("JPEG, PNG ou WebP, 10 Mo au plus."))
    alt = forms.CharField(label=_("Ce que montre la photo"), max_length=200, required=False)


class HousingForm(BaseModelForm):
    commune_name = CommuneField(
        label=_("Commune"), help_text=_("Nom, code postal ou code INSEE de la commune.")
    )

    class Meta:
        model = Housing
        fields = [
            "name",
            "kind",
            "address",
            "capacity",
            "is_free",
            "monthly_rent",
            "semester_auto_accept",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self, *args: object, area: QuerySet[Commune] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(CommuneField, self.fields["commune_name"]).area = area
        self.order_fields(["name", "kind", "address", "commune_name"])
        if self.instance.commune_id and not self.is_bound:
            self.initial["commune_name"] = self.instance.commune

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("is_free") and data.get("monthly_rent") is None:
            self.add_error("monthly_rent", _("Indiquez le loyer, ou cochez « gratuit »."))
        return data

    def save(self, commit: bool = True) -> Housing:
        self.instance.commune = self.cleaned_data["commune_name"]
        return super().save(commit=commit)


class PeriodForm(BaseForm):
    start = forms.DateField(label=_("Disponible du"), widget=DateInput())
    end = forms.DateField(label=_("au"), widget=DateInput())


class BookingForm(BaseForm):
    """A candidate's request of a housing: a whole semester (the upcoming ones) or a date range
    (the month calendar as help), and a number of places."""

    semestre = forms.ChoiceField(
        label=_("Semestre entier (internes, docteurs juniors)"),
        required=False,
        help_text=_("Ou laissez « Dates de mon choix » et indiquez votre arrivée et votre départ."),
    )
    start = forms.DateField(label=_("Arrivée"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("Départ"), widget=DateInput(), required=False)
    places = forms.IntegerField(
        label=_("Nombre de places"),
        min_value=1,
        max_value=MAX_HOUSING_PLACES,
        required=False,
        initial=1,
        help_text=_("Une place par personne logée."),
    )
    # The offer the request comes from: back to it once sent.
    annonce = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        upcoming = semesters_upcoming(today=today or timezone.localdate(), count=SEMESTER_CHOICES)
        cast(forms.ChoiceField, self.fields["semestre"]).choices = [
            ("", _("Dates de mon choix")),
            *((semester.key, str(semester)) for semester in upcoming),
        ]

    def clean(self) -> dict:
        data = super().clean()
        data["places"] = data.get("places") or 1
        semester = semester_from_key(data.get("semestre") or "")
        data["semester"] = semester is not None
        if semester is not None:
            data["start"], data["end"] = semester.start, semester.end
            return data
        for name in ("start", "end"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Indiquez cette date, ou choisissez un semestre."))
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("La date de départ doit suivre la date d’arrivée."))
        return data


# Semesters offered by the booking form: the next two years.
SEMESTER_CHOICES = 4


class ActivityForm(BaseModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "description",
            "with_whom",
            "starts_at",
            "duration_minutes",
            "place",
            "travel_costs_covered",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }


class SupportProposalForm(BaseForm):
    housing = forms.ModelChoiceField(
        label=_("Logement offert"), queryset=Housing.objects.none(), required=False
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Activités découverte"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    personal_welcome = forms.BooleanField(
        label=_("Accueil personnalisé par notre référent"), required=False, initial=True
    )
    message = forms.CharField(
        label=_("Message à la structure"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: object, collectivity: "Organisation | None" = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        if collectivity is not None:
            housing = cast(forms.ModelChoiceField, self.fields["housing"])
            activities = cast(forms.ModelChoiceField, self.fields["activities"])
            housing.queryset = Housing.objects.filter(organisation=collectivity)
            activities.queryset = Activity.objects.filter(organisation=collectivity)
            # Read once: the management page renders this form under every offer of the area.
            housing.choices = [("", housing.empty_label), *_choices(housing)]
            activities.choices = list(_choices(activities))


def _choices(field: forms.ModelChoiceField) -> list[tuple[int, str]]:
    assert field.queryset is not None  # set just before, in __init__
    return [(item.pk, field.label_from_instance(item)) for item in field.queryset]


class SupportRequestForm(BaseForm):
    collectivity: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Collectivité"), queryset=None
    )
    message = forms.CharField(
        label=_("Votre demande"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: object, collectivities: "QuerySet[Organisation]", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["collectivity"]).queryset = collectivities


class StayForm(BaseForm):
    start = forms.DateField(label=_("Arrivée"), widget=DateInput())
    end = forms.DateField(label=_("Départ"), widget=DateInput())
    housing = forms.ModelChoiceField(
        label=_("Logement (une demande sera envoyée)"),
        queryset=Housing.objects.none(),
        required=False,
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Activités qui vous intéressent"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    peers_visible = forms.BooleanField(
        label=_(
            "J’accepte que les autres professionnels en séjour au même moment voient mon prénom et "
            "ma profession, et puissent m’écrire"
        ),
        required=False,
    )

    def __init__(self, *args: object, collectivity: "Organisation", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(forms.ModelChoiceField, fields["housing"]).queryset = Housing.objects.filter(
            organisation=collectivity
        )
        cast(forms.ModelChoiceField, fields["activities"]).queryset = Activity.objects.filter(
            organisation=collectivity
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("La date de départ doit suivre la date d’arrivée."))
        return data


class FeedbackForm(BaseForm):
    went_well = forms.CharField(
        label=_("Ce qui s’est bien passé"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    to_improve = forms.CharField(
        label=_("Ce qui pourrait être amélioré"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    would_come_back = forms.ChoiceField(
        label=_("Reviendriez-vous ?"), choices=Answer.choices, widget=forms.RadioSelect
    )
    would_settle = forms.ChoiceField(
        label=_("Pourriez-vous vous installer ici ?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
    )
    publish = forms.BooleanField(
        label=_(
            "J’accepte que mon témoignage (prénom, profession, texte) soit publié sur la page du territoire"
        ),
        required=False,
    )


class InstallationForm(BaseForm):
    settled = forms.TypedChoiceField(
        label=_("Vous êtes-vous installé(e) ?"),
        choices=[("oui", _("Oui")), ("non", _("Non"))],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
    )
    commune_name = CommuneField(
        label=_("Où ?"),
        help_text=_("Nom, code postal ou code INSEE de la commune."),
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("settled") and not data.get("commune_name"):
            self.add_error("commune_name", _("Indiquez la commune où vous vous êtes installé(e)."))
        return data


class PeerMessageForm(BaseForm):
    body = forms.CharField(
        label=_("Votre message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
