"""Terrains de stage for docteurs juniors: a health organisation's practice with its maîtres de
stage universitaires (MSU), the semesters it takes, the housings collectivités attach to it for
a semester, and the interest docteurs juniors mark. The placement itself is decided by the
faculty and the ARS, never here."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tremplin.hosting.models import Housing
from tremplin.hosting.semesters import Semester, semester_containing
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune

MIN_PLACES = 1
MAX_PLACES = 20


class TerrainStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publié")


class TerrainQuerySet(models.QuerySet["Terrain"]):
    def published(self) -> "TerrainQuerySet":
        """Published by an organisation that may publish (verified)."""
        return self.filter(status=TerrainStatus.PUBLISHED, organisation__status="verified")


class Terrain(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="terrains"
    )
    name = models.CharField(_("nom du terrain de stage"), max_length=200)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    places = models.PositiveSmallIntegerField(
        _("nombre de places"),
        default=1,
        help_text=_("Docteurs juniors accueillis en même temps, de 1 à 20."),
    )
    transport = models.TextField(
        _("transports"),
        blank=True,
        max_length=2000,
        help_text=_("Gare, car, voiture nécessaire, temps depuis la faculté…"),
    )
    practice = models.TextField(
        _("ce que le cabinet offre"),
        blank=True,
        max_length=4000,
        help_text=_("Patientèle, équipe, consultations, visites, gardes, bureau dédié…"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=TerrainStatus.choices, default=TerrainStatus.DRAFT
    )
    is_demo = models.BooleanField(_("démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TerrainQuerySet.as_manager()

    class Meta:
        verbose_name = _("terrain de stage")
        verbose_name_plural = _("terrains de stage")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=MIN_PLACES, places__lte=MAX_PLACES),
                name="terrain_places_1_to_20",
                violation_error_message=_("Un terrain accueille de 1 à 20 docteurs juniors."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("juniors:terrain", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == TerrainStatus.PUBLISHED

    def semester_list(self) -> list[Semester]:
        return [row.semester for row in self.semesters.all()]


class Supervisor(models.Model):
    """A maître de stage universitaire (MSU) of the terrain."""

    terrain = models.ForeignKey(Terrain, on_delete=models.CASCADE, related_name="supervisors")
    name = models.CharField(_("nom du maître de stage"), max_length=150)
    speciality = models.CharField(
        _("profession ou spécialité"),
        max_length=150,
        help_text=_("Par exemple : médecin généraliste, gériatrie."),
    )

    class Meta:
        verbose_name = _("maître de stage universitaire")
        verbose_name_plural = _("maîtres de stage universitaires")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.speciality})"


class TerrainSemester(models.Model):
    """A semester the terrain takes docteurs juniors for, named by its first day."""

    terrain = models.ForeignKey(Terrain, on_delete=models.CASCADE, related_name="semesters")
    start = models.DateField(_("début du semestre"))

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["terrain", "start"], name="one_row_per_terrain_semester"
            )
        ]

    def __str__(self) -> str:
        return f"{self.terrain_id} {self.semester}"

    @property
    def semester(self) -> Semester:
        return semester_containing(self.start)


class TerrainHousing(models.Model):
    """A collectivité's housing attached to a terrain for a semester: a support, as
    `hosting.OfferSupport` is for offers, but with no acceptance step (the collectivité offers,
    the terrain's organisation sees it; only the collectivité withdraws it)."""

    terrain = models.ForeignKey(Terrain, on_delete=models.CASCADE, related_name="housings")
    semester_start = models.DateField(_("semestre"))
    housing = models.ForeignKey(Housing, on_delete=models.CASCADE, related_name="terrain_links")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("logement pour un semestre")
        verbose_name_plural = _("logements pour un semestre")
        ordering = ["semester_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["terrain", "semester_start", "housing"],
                name="one_link_per_terrain_semester_housing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.housing} → {self.terrain} ({self.semester})"

    @property
    def semester(self) -> Semester:
        return semester_containing(self.semester_start)


class Interest(models.Model):
    """A docteur junior's interest in a terrain for a semester: a signal for the terrain, the
    faculty and the ARS, not a placement."""

    terrain = models.ForeignKey(Terrain, on_delete=models.CASCADE, related_name="interests")
    semester_start = models.DateField(_("semestre"))
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terrain_interests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intérêt pour un terrain")
        verbose_name_plural = _("intérêts pour un terrain")
        ordering = ["semester_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["terrain", "semester_start", "professional"],
                name="one_interest_per_terrain_semester_professional",
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} → {self.terrain_id} {self.semester_start}"

    @property
    def semester(self) -> Semester:
        return semester_containing(self.semester_start)


def semester_has_started(semester: Semester, *, today: date) -> bool:
    return semester.start <= today
