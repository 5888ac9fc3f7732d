import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.accounts.models import ProfessionalStatus
from tremplin.hosting.models import HousingPeriod
from tremplin.hosting.semesters import Semester, semesters_upcoming
from tremplin.juniors.models import Supervisor, Terrain, TerrainSemester, TerrainStatus


def next_semester(offset: int = 0) -> Semester:
    return semesters_upcoming(today=timezone.localdate(), count=offset + 1)[offset]


def junior_doctor():
    return UserFactory(professional=True, profile__status=ProfessionalStatus.JUNIOR_DOCTOR)


class TerrainFactory(factory.django.DjangoModelFactory):
    """A published terrain of a verified MSP, one MSU, taking the next semester."""

    class Meta:
        model = Terrain
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, health=True, verified=True)
    name = factory.Sequence(lambda n: f"Terrain de stage n°{n}")
    commune = factory.SubFactory(CommuneFactory)
    places = 2
    transport = "Gare à 10 minutes à pied."
    practice = "Trois médecins, une infirmière Asalée, un bureau dédié."
    status = TerrainStatus.PUBLISHED

    @factory.post_generation
    def semesters(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            TerrainSemester.objects.create(terrain=self, start=next_semester().start)

    @factory.post_generation
    def supervisors(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            Supervisor.objects.create(
                terrain=self, name="Dr Martin", speciality="médecin généraliste"
            )


def semester_housing(*, capacity: int = 6, semester: Semester | None = None, **kwargs):
    """A housing of a verified collectivité open for the whole semester, and its agent."""
    semester = semester or next_semester()
    housing = HousingFactory(periods=False, capacity=capacity, **kwargs)
    HousingPeriod.objects.create(housing=housing, start=semester.start, end=semester.end)
    return housing, agent_of(housing.organisation)
