from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of
from tests.juniors.factories import (
    TerrainFactory,
    junior_doctor,
    next_semester,
    semester_housing,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting.models import Booking, BookingStatus
from tremplin.hosting.semesters import semester_containing
from tremplin.juniors import services
from tremplin.juniors.models import Interest, Terrain, TerrainHousing, TerrainStatus

pytestmark = pytest.mark.django_db


def _draft(**kwargs):
    organisation = OrganisationFactory(health=True, verified=True)
    member = MembershipFactory(organisation=organisation).user
    terrain = Terrain(
        organisation=organisation, name="MSP du bourg", commune=CommuneFactory(), **kwargs
    )
    return terrain, member


@pytest.mark.parametrize("places", [0, 21])
def test_it_refuses_a_terrain_with_0_or_21_places(places):
    terrain, member = _draft(places=places)
    with pytest.raises(ValidationError) as error:
        services.terrain_save(terrain=terrain, semesters=[next_semester()], by=member)
    assert "de 1 à 20" in " ".join(error.value.messages)
    assert not Terrain.objects.exists()


@pytest.mark.parametrize("places", [1, 20])
def test_it_saves_a_terrain_with_1_or_20_places(places):
    terrain, member = _draft(places=places)
    services.terrain_save(terrain=terrain, semesters=[next_semester()], by=member)
    assert terrain.semester_list() == [next_semester()]


def test_the_database_refuses_21_places_too():
    terrain = TerrainFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Terrain.objects.filter(pk=terrain.pk).update(places=21)


def test_it_refuses_a_semester_already_started():
    terrain, member = _draft(places=1)
    started = semester_containing(date.today())
    with pytest.raises(ValidationError, match=r"Ce semestre a déjà commencé\."):
        services.terrain_save(terrain=terrain, semesters=[started], by=member)
    assert not Terrain.objects.exists()


def test_it_refuses_a_terrain_saved_by_another_organisation():
    terrain, _member = _draft(places=1)
    with pytest.raises(PermissionDenied):
        services.terrain_save(
            terrain=terrain, semesters=[next_semester()], by=UserFactory(health_member=True)
        )


def test_it_refuses_a_terrain_of_a_collectivity():
    collectivity = OrganisationFactory(collectivity=True, verified=True)
    terrain = Terrain(organisation=collectivity, name="x", commune=CommuneFactory(), places=1)
    with pytest.raises(ValidationError, match="structure de santé"):
        services.terrain_save(
            terrain=terrain, semesters=[next_semester()], by=agent_of(collectivity)
        )


def test_publishing_needs_a_verified_organisation_and_an_msu():
    terrain = TerrainFactory(status=TerrainStatus.DRAFT, supervisors=False)
    member = MembershipFactory(organisation=terrain.organisation).user
    with pytest.raises(ValidationError, match="maître de stage"):
        services.terrain_publish(terrain=terrain, by=member)
    services.supervisor_add(terrain=terrain, name="Dr Roux", speciality="MG", by=member)
    terrain.organisation.status = "pending"
    terrain.organisation.save()
    with pytest.raises(ValidationError, match="vérification"):
        services.terrain_publish(terrain=terrain, by=member)
    terrain.organisation.status = "verified"
    terrain.organisation.save()
    services.terrain_publish(terrain=terrain, by=member)
    terrain.refresh_from_db()
    assert terrain.status == TerrainStatus.PUBLISHED


def test_only_a_junior_doctor_marks_interest():
    terrain = TerrainFactory()
    intern = UserFactory(professional=True)  # status « interne »
    with pytest.raises(ValidationError, match="docteurs juniors"):
        services.interest_mark(terrain=terrain, semester=next_semester(), professional=intern)
    with pytest.raises(ValidationError, match="docteurs juniors"):
        services.interest_mark(
            terrain=terrain, semester=next_semester(), professional=UserFactory()
        )
    assert not Interest.objects.exists()


def test_a_junior_doctor_marks_interest_once_and_withdraws_it():
    terrain, junior = TerrainFactory(), junior_doctor()
    for _ in range(2):
        services.interest_mark(terrain=terrain, semester=next_semester(), professional=junior)
    assert Interest.objects.count() == 1
    services.interest_withdraw(terrain=terrain, semester=next_semester(), professional=junior)
    assert not Interest.objects.exists()


def test_interest_is_refused_for_a_semester_the_terrain_does_not_take():
    terrain = TerrainFactory()
    with pytest.raises(ValidationError, match="n’accueille pas"):
        services.interest_mark(
            terrain=terrain, semester=next_semester(1), professional=junior_doctor()
        )


def test_interest_is_refused_on_a_draft():
    terrain = TerrainFactory(status=TerrainStatus.DRAFT)
    with pytest.raises(ValidationError, match="pas publié"):
        services.interest_mark(
            terrain=terrain, semester=next_semester(), professional=junior_doctor()
        )


def test_an_agent_attaches_its_own_housing_for_a_semester():
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    assert link.semester == next_semester()
    with pytest.raises(ValidationError, match="déjà proposé"):
        services.terrain_housing_attach(
            terrain=terrain, semester=next_semester(), housing=housing, by=agent
        )


def test_an_agent_cannot_attach_another_collectivitys_housing():
    terrain = TerrainFactory()
    housing, _agent = semester_housing()
    other = UserFactory(collectivity_agent=True)
    other.memberships.update(organisation=OrganisationFactory(collectivity=True, verified=True))
    for by in (other, UserFactory(health_member=True), junior_doctor()):
        with pytest.raises(ValidationError, match="votre collectivité"):
            services.terrain_housing_attach(
                terrain=terrain, semester=next_semester(), housing=housing, by=by
            )
    assert not TerrainHousing.objects.exists()


def test_a_housing_closed_for_part_of_the_semester_is_refused():
    terrain = TerrainFactory()
    housing = HousingFactory()  # open for the next 60 days only
    with pytest.raises(ValidationError, match="pas ouvert sur tout le semestre"):
        services.terrain_housing_attach(
            terrain=terrain,
            semester=next_semester(),
            housing=housing,
            by=agent_of(housing.organisation),
        )


def test_only_the_collectivity_withdraws_its_housing():
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    member = MembershipFactory(organisation=terrain.organisation).user
    with pytest.raises(PermissionDenied):
        services.terrain_housing_withdraw(link=link, by=member)
    services.terrain_housing_withdraw(link=link, by=agent)
    assert not TerrainHousing.objects.exists()


def test_a_junior_doctor_books_the_housing_for_the_whole_semester():
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    junior = junior_doctor()
    booking = services.terrain_housing_book(link=link, professional=junior)
    semester = next_semester()
    assert (booking.start, booking.end) == (semester.start, semester.end)
    assert (booking.end - booking.start) > timedelta(days=120)  # longer than a discovery stay
    assert booking.status == BookingStatus.REQUESTED
    with pytest.raises(ValidationError, match="déjà demandé"):
        services.terrain_housing_book(link=link, professional=junior)


def test_an_intern_cannot_book_a_semester_housing():
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    with pytest.raises(ValidationError, match="docteurs juniors"):
        services.terrain_housing_book(link=link, professional=UserFactory(professional=True))
    assert not Booking.objects.exists()
