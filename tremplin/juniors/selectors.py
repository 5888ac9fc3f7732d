"""Reads of the terrains de stage: the public list, a terrain's semesters with their housings
and interests, and the coordination table of an ARS or a DMG."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.hosting.models import Housing
from tremplin.hosting.selectors import housing_fewest_free
from tremplin.hosting.semesters import Semester, semester_containing
from tremplin.juniors.models import Interest, Terrain, TerrainHousing, TerrainSemester
from tremplin.organisations.models import Organisation, OrganisationType
from tremplin.territories.models import Departement


def terrains_public(
    *, departement: str = "", semester: Semester | None = None
) -> QuerySet[Terrain]:
    """Published terrains taking an upcoming semester (`semester`: that one), with their
    commune, organisation, MSU and semesters."""
    today = timezone.localdate()
    terrains = Terrain.objects.published().filter(semesters__start__gt=today)
    if departement:
        terrains = terrains.filter(commune__departement_id=departement)
    if semester is not None:
        terrains = terrains.filter(semesters__start=semester.start)
    return (
        terrains.distinct()
        .select_related("organisation", "commune__departement")
        .prefetch_related(
            "supervisors",
            Prefetch("semesters", queryset=TerrainSemester.objects.filter(start__gt=today)),
            Prefetch("housings", queryset=TerrainHousing.objects.filter(semester_start__gt=today)),
        )
        .order_by("commune__departement_id", "name", "pk")
    )


def departements_with_terrains() -> QuerySet[Departement]:
    codes = Terrain.objects.published().values("commune__departement_id")
    return Departement.objects.filter(code__in=codes).order_by("code")


@dataclass(frozen=True)
class SemesterHousing:
    """A housing attached for the semester and its places free on every night of it."""

    link: TerrainHousing
    free: int


@dataclass
class SemesterView:
    semester: Semester
    links: list[TerrainHousing] = field(default_factory=list)
    housings: list[SemesterHousing] = field(default_factory=list)
    interests: int = 0
    is_interested: bool = False
    started: bool = False


def terrain_semesters(terrain: Terrain, *, viewer: User | AnonymousUser) -> list[SemesterView]:
    """Each semester the terrain takes, soonest first (upcoming ones only), with the housings
    attached and their places free for the whole semester, the number of interested docteurs
    juniors, and the viewer's own interest."""
    today = timezone.localdate()
    views = {
        row.start: SemesterView(semester=row.semester)
        for row in terrain.semesters.filter(start__gt=today)
    }
    links = terrain.housings.filter(semester_start__in=views).select_related(
        "housing__commune", "housing__organisation"
    )
    for link in links:
        view = views[link.semester_start]
        view.links.append(link)
        _night, free = housing_fewest_free(
            link.housing, start=view.semester.start, end=view.semester.end
        )
        view.housings.append(SemesterHousing(link=link, free=free))
    counts = (
        Interest.objects.filter(terrain=terrain, semester_start__in=views)
        .values("semester_start")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        views[row["semester_start"]].interests = row["n"]
    if viewer.is_authenticated:
        for start in Interest.objects.filter(
            terrain=terrain, professional=viewer, semester_start__in=views
        ).values_list("semester_start", flat=True):
            views[start].is_interested = True
    return [views[start] for start in sorted(views)]


def housings_attachable(*, user: User, terrain: Terrain) -> QuerySet[Housing]:
    """The housings of the verified collectivités `user` is an agent of."""
    return (
        Housing.objects.filter(
            organisation__memberships__user=user,
            organisation__category="collectivity",
            organisation__status="verified",
        )
        .select_related("organisation", "commune")
        .order_by("organisation__name", "name")
        .distinct()
    )


def organisation_terrains(organisation: Organisation) -> QuerySet[Terrain]:
    return (
        Terrain.objects.filter(organisation=organisation)
        .select_related("commune")
        .prefetch_related("semesters", "supervisors")
        .order_by("name", "pk")
    )


def coordination_departements(organisation: Organisation) -> QuerySet[Departement]:
    """An ARS reads every département of its région, a DMG its département (from the
    organisation's territory code); none without a code."""
    code = organisation.territory_code
    if not code:
        return Departement.objects.none()
    if organisation.type == OrganisationType.ARS:
        return Departement.objects.filter(region_id=code).order_by("code")
    return Departement.objects.filter(code=code).order_by("code")


class Coverage:
    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"


@dataclass(frozen=True)
class CoordinationRow:
    departement: Departement
    terrain: Terrain
    semester: Semester
    places: int
    housing_places: int
    housings: list[str]
    interests: int

    @property
    def coverage(self) -> str:
        if self.housing_places >= self.places:
            return Coverage.COVERED
        return Coverage.PARTIAL if self.housing_places else Coverage.MISSING

    @property
    def coverage_label(self) -> str:
        """« couvert » (housing places for every place), « en partie », « manquant »."""
        return {
            Coverage.COVERED: _("couvert"),
            Coverage.PARTIAL: _("en partie"),
            Coverage.MISSING: _("manquant"),
        }[self.coverage]


def coordination_rows(organisation: Organisation) -> list[CoordinationRow]:
    """One row per published terrain of the partner's départements and upcoming semester it
    takes: its places, the places of the housings attached for that semester, their names, the
    interests marked; by département, terrain, semester. Three queries."""
    today = timezone.localdate()
    departements = {d.code: d for d in coordination_departements(organisation)}
    terrains = list(
        Terrain.objects.published()
        .filter(commune__departement_id__in=departements)
        .select_related("organisation", "commune")
        .prefetch_related(
            Prefetch("semesters", queryset=TerrainSemester.objects.filter(start__gt=today)),
            Prefetch(
                "housings",
                queryset=TerrainHousing.objects.filter(semester_start__gt=today).select_related(
                    "housing"
                ),
            ),
        )
        .order_by("commune__departement_id", "name", "pk")
    )
    interests = {
        (row["terrain_id"], row["semester_start"]): row["n"]
        for row in Interest.objects.filter(terrain__in=terrains, semester_start__gt=today)
        .values("terrain_id", "semester_start")
        .annotate(n=Count("pk"))
    }
    rows = []
    for terrain in terrains:
        for row in terrain.semesters.all():
            links = [link for link in terrain.housings.all() if link.semester_start == row.start]
            rows.append(
                CoordinationRow(
                    departement=departements[terrain.commune.departement_id],
                    terrain=terrain,
                    semester=semester_containing(row.start),
                    places=terrain.places,
                    housing_places=sum(link.housing.capacity for link in links),
                    housings=[link.housing.name for link in links],
                    interests=interests.get((terrain.pk, row.start), 0),
                )
            )
    return rows
