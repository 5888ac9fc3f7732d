from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tremplin.core.forms import BaseForm, BaseModelForm
from tremplin.hosting.models import Housing
from tremplin.hosting.semesters import Semester, semester_from_key
from tremplin.juniors.models import Terrain
from tremplin.territories.fields import CommuneField
from tremplin.territories.models import Departement


def _semester_choices(semesters: list[Semester]) -> list[tuple[str, str]]:
    return [(semester.key, str(semester)) for semester in semesters]


class TerrainForm(BaseModelForm):
    commune_name = CommuneField(
        label=_("Commune du terrain"), help_text=_("Nom, code postal ou code INSEE de la commune.")
    )
    semester_keys = forms.MultipleChoiceField(
        label=_("Semestres d’accueil"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les semestres pour lesquels vous accueillez des docteurs juniors."),
    )

    class Meta:
        model = Terrain
        fields = ["name", "places", "transport", "practice"]
        widgets = {
            "transport": forms.Textarea(attrs={"rows": 3}),
            "practice": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, semesters: list[Semester], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["semester_keys"])
        field.choices = _semester_choices(semesters)
        self.order_fields(["name", "commune_name", "places", "semester_keys"])
        if not self.is_bound and self.instance.pk:
            self.initial["commune_name"] = self.instance.commune
            self.initial["semester_keys"] = [s.key for s in self.instance.semester_list()]

    def semesters(self) -> list[Semester]:
        keys = self.cleaned_data.get("semester_keys", [])
        return [s for s in (semester_from_key(key) for key in keys) if s is not None]

    def save(self, commit: bool = True) -> Terrain:
        self.instance.commune = self.cleaned_data["commune_name"]
        return super().save(commit=commit)


class SupervisorForm(BaseForm):
    name = forms.CharField(label=_("Nom du maître de stage"), max_length=150)
    speciality = forms.CharField(
        label=_("Profession ou spécialité"),
        max_length=150,
        help_text=_("Par exemple : médecin généraliste, gériatrie."),
    )


class SemesterForm(BaseForm):
    """One semester of the terrain, for an interest or a housing."""

    semestre = forms.ChoiceField(label=_("Semestre"))

    def __init__(self, *args: Any, semesters: list[Semester], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["semestre"]).choices = _semester_choices(semesters)

    def semester(self) -> Semester:
        semester = semester_from_key(self.cleaned_data["semestre"])
        assert semester is not None  # the choices are semesters' keys
        return semester


class HousingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Housing) -> str:
        return f"{obj.name} — {obj.commune.name} ({obj.organisation.name})"


class AttachForm(SemesterForm):
    housing = HousingChoiceField(label=_("Logement"), queryset=Housing.objects.none())

    def __init__(self, *args: Any, housings: QuerySet[Housing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(HousingChoiceField, self.fields["housing"]).queryset = housings


class TerrainFilterForm(BaseForm):
    departement = forms.ChoiceField(label=_("Département"), required=False)
    semestre = forms.ChoiceField(label=_("Semestre"), required=False)

    def __init__(
        self,
        *args: Any,
        departements: QuerySet[Departement],
        semesters: list[Semester],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["departement"]).choices = [
            ("", _("Tous les départements"))
        ] + [(d.code, f"{d.name} ({d.code})") for d in departements]
        cast(forms.ChoiceField, self.fields["semestre"]).choices = [
            ("", _("Tous les semestres")),
            *_semester_choices(semesters),
        ]
