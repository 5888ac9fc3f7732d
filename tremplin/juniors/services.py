"""Writes of the terrains de stage: the organisation's editor, the collectivités' housings for
a semester, the docteurs juniors' interests and semester bookings. Each refusal is a French
`ValidationError` and writes nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import ProfessionalStatus, User
from tremplin.hosting.models import Booking, Housing
from tremplin.hosting.semesters import Semester
from tremplin.hosting.services import booking_request
from tremplin.juniors.models import (
    MAX_PLACES,
    MIN_PLACES,
    Interest,
    Supervisor,
    Terrain,
    TerrainHousing,
    TerrainSemester,
    TerrainStatus,
    semester_has_started,
)
from tremplin.organisations.models import Organisation


def _is_member(user: User, organisation: Organisation) -> bool:
    return organisation.memberships.filter(user=user).exists()


def _check_editor(terrain: Terrain, by: User) -> None:
    if not _is_member(by, terrain.organisation):
        raise PermissionDenied(_("Seuls les membres de la structure modifient ce terrain."))


def _check_semester_upcoming(semester: Semester) -> None:
    if semester_has_started(semester, today=timezone.localdate()):
        raise ValidationError(_("Ce semestre a déjà commencé."))


def _check_places(places: int) -> None:
    if not MIN_PLACES <= places <= MAX_PLACES:
        raise ValidationError(
            {
                "places": _("Un terrain accueille de %(min)s à %(max)s docteurs juniors.")
                % {"min": MIN_PLACES, "max": MAX_PLACES}
            }
        )


def terrain_save(*, terrain: Terrain, semesters: list[Semester], by: User) -> Terrain:
    """Create or change a terrain of a health organisation with the semesters it takes. The
    semesters already started that it had are kept (history); a new one must be upcoming."""
    if not terrain.organisation.is_health:
        raise ValidationError(_("Seule une structure de santé publie un terrain de stage."))
    _check_editor(terrain, by)
    _check_places(terrain.places)
    if not semesters:
        raise ValidationError(_("Choisissez au moins un semestre."))
    known = set(terrain.semesters.values_list("start", flat=True)) if terrain.pk else set()
    for semester in semesters:
        if semester.start not in known:
            _check_semester_upcoming(semester)
    with transaction.atomic():
        terrain.save()
        today = timezone.localdate()
        wanted = {semester.start for semester in semesters}
        # Upcoming semesters no longer chosen go, with their housings and interests.
        dropped = [start for start in known - wanted if start > today]
        terrain.semesters.filter(start__in=dropped).delete()
        terrain.housings.filter(semester_start__in=dropped).delete()
        terrain.interests.filter(semester_start__in=dropped).delete()
        TerrainSemester.objects.bulk_create(
            [TerrainSemester(terrain=terrain, start=start) for start in sorted(wanted - known)]
        )
    return terrain


def supervisor_add(*, terrain: Terrain, name: str, speciality: str, by: User) -> Supervisor:
    _check_editor(terrain, by)
    if not name.strip() or not speciality.strip():
        raise ValidationError(_("Indiquez le nom et la spécialité du maître de stage."))
    return Supervisor.objects.create(
        terrain=terrain, name=name.strip(), speciality=speciality.strip()
    )


def supervisor_remove(*, supervisor: Supervisor, by: User) -> None:
    terrain = supervisor.terrain
    _check_editor(terrain, by)
    if terrain.is_published and terrain.supervisors.count() == 1:
        raise ValidationError(
            _("Un terrain publié garde au moins un maître de stage : dépubliez-le d’abord.")
        )
    supervisor.delete()


def terrain_publish(*, terrain: Terrain, by: User) -> Terrain:
    _check_editor(terrain, by)
    if not terrain.organisation.can_publish:
        raise ValidationError(
            _("Votre structure attend sa vérification : le terrain sera publié ensuite.")
        )
    if not terrain.supervisors.exists():
        raise ValidationError(_("Ajoutez au moins un maître de stage universitaire."))
    if not terrain.semesters.filter(start__gt=timezone.localdate()).exists():
        raise ValidationError(_("Choisissez au moins un semestre à venir."))
    terrain.status = TerrainStatus.PUBLISHED
    terrain.save(update_fields=["status", "updated_at"])
    return terrain


def terrain_unpublish(*, terrain: Terrain, by: User) -> Terrain:
    _check_editor(terrain, by)
    terrain.status = TerrainStatus.DRAFT
    terrain.save(update_fields=["status", "updated_at"])
    return terrain


def _check_terrain_semester(terrain: Terrain, semester: Semester) -> None:
    if not terrain.is_published or not terrain.organisation.can_publish:
        raise ValidationError(_("Ce terrain de stage n’est pas publié."))
    _check_semester_upcoming(semester)
    if not terrain.semesters.filter(start=semester.start).exists():
        raise ValidationError(_("Ce terrain n’accueille pas de docteur junior ce semestre."))


def terrain_housing_attach(
    *, terrain: Terrain, semester: Semester, housing: Housing, by: User
) -> TerrainHousing:
    """A collectivité's agent offers one of its housings to the terrain for a semester; the
    housing must be open for the whole semester, so that a docteur junior can book it."""
    collectivity = housing.organisation
    if not collectivity.is_collectivity or not _is_member(by, collectivity):
        raise ValidationError(_("Vous ne pouvez proposer que les logements de votre collectivité."))
    if not collectivity.can_publish:
        raise ValidationError(
            _("Votre collectivité attend sa vérification : vous pourrez proposer ensuite.")
        )
    _check_terrain_semester(terrain, semester)
    if not housing.periods.filter(start__lte=semester.start, end__gte=semester.end).exists():
        raise ValidationError(
            _(
                "Le logement n’est pas ouvert sur tout le semestre : ouvrez une période de "
                "%(semester)s dans son calendrier."
            )
            % {"semester": semester}
        )
    try:
        with transaction.atomic():
            return TerrainHousing.objects.create(
                terrain=terrain, semester_start=semester.start, housing=housing, by=by
            )
    except IntegrityError:
        raise ValidationError(_("Ce logement est déjà proposé pour ce semestre.")) from None


def terrain_housing_withdraw(*, link: TerrainHousing, by: User) -> None:
    """Only the collectivité that offered the housing withdraws it."""
    if not _is_member(by, link.housing.organisation):
        raise PermissionDenied(_("Seule la collectivité qui a proposé ce logement le retire."))
    link.delete()


def _check_junior_doctor(professional: User) -> None:
    profile = getattr(professional, "professional_profile", None)
    if profile is None or profile.status != ProfessionalStatus.JUNIOR_DOCTOR:
        raise ValidationError(
            _(
                "Seuls les docteurs juniors signalent leur intérêt et réservent un logement de "
                "semestre : indiquez « Docteur junior » dans votre profil si c’est votre cas."
            )
        )


def interest_mark(*, terrain: Terrain, semester: Semester, professional: User) -> Interest:
    _check_junior_doctor(professional)
    _check_terrain_semester(terrain, semester)
    interest, _created = Interest.objects.get_or_create(
        terrain=terrain, semester_start=semester.start, professional=professional
    )
    return interest


def interest_withdraw(*, terrain: Terrain, semester: Semester, professional: User) -> None:
    Interest.objects.filter(
        terrain=terrain, semester_start=semester.start, professional=professional
    ).delete()


def terrain_housing_book(*, link: TerrainHousing, professional: User) -> Booking:
    """A docteur junior placed on the terrain asks for one place in its housing for the whole
    semester; the collectivité accepts it as any booking."""
    _check_junior_doctor(professional)
    semester = link.semester
    _check_terrain_semester(link.terrain, semester)
    return booking_request(
        housing=link.housing,
        professional=professional,
        start=semester.start,
        end=semester.end,
        places=1,
        semester=True,
    )
