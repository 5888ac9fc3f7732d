"""Deleting an account across every app (platform.privacy): refused while it would leave an
organisation without an admin; otherwise each app erases its part. The export archive holds
each app's part."""

import io
import json
import zipfile

import pytest

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory
from tests.juniors.factories import TerrainFactory, junior_doctor, next_semester, semester_housing
from tests.missions.factories import MissionSlotFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.accounts.models import LoginAttempt, User
from tremplin.juniors import services as juniors
from tremplin.juniors.models import Interest
from tremplin.missions import services as missions
from tremplin.organisations.models import Organisation, OrganisationType
from tremplin.platform import privacy

pytestmark = pytest.mark.django_db


def test_a_refused_deletion_names_the_organisations_and_keeps_everything():
    user = UserFactory(email="lea@example.org")
    LoginAttempt.objects.create(email="lea@example.org", ip_address="203.0.113.9")
    organisation = MembershipFactory(user=user, admin=True).organisation
    MembershipFactory(organisation=organisation)

    with pytest.raises(privacy.AccountDeletionRefused) as error:
        privacy.account_delete(user=user)

    assert error.value.organisations == [organisation]
    assert error.value.args == ([organisation],)
    assert User.objects.filter(pk=user.pk).exists()
    assert LoginAttempt.objects.filter(email="lea@example.org").exists()


def test_a_deletion_takes_the_lone_organisations_and_the_login_failures():
    user = UserFactory(email="lea@example.org")
    LoginAttempt.objects.create(email="lea@example.org", ip_address="203.0.113.9")
    lone = MembershipFactory(user=user, admin=True).organisation

    privacy.account_delete(user=user)

    assert not User.objects.filter(pk=user.pk).exists()
    assert not Organisation.objects.filter(pk=lone.pk).exists()
    assert not LoginAttempt.objects.exists()


def test_the_export_holds_the_semester_booking_the_terrain_interest_and_the_mission_days():
    junior = junior_doctor()
    terrain = TerrainFactory(name="Terrain de la MSP de Felletin")
    semester = next_semester()
    housing, agent = semester_housing(capacity=6, name="Maison des internes du Plateau")
    link = juniors.terrain_housing_attach(
        terrain=terrain, semester=semester, housing=housing, by=agent
    )
    juniors.interest_mark(terrain=terrain, semester=semester, professional=junior)
    juniors.terrain_housing_book(link=link, professional=junior)

    ars = OrganisationFactory(
        collectivity=True, verified=True, type=OrganisationType.ARS, name="ARS Nouvelle-Aquitaine"
    )
    ars_agent = MembershipFactory(organisation=ars).user
    doctor = UserFactory(professional=True)
    doctor.professional_profile.rpps = "10003456786"
    doctor.professional_profile.save()
    doctor.professional_profile.rpps_verify(by=ars_agent, organisation_id=ars.pk)
    slot = MissionSlotFactory(site__name="Cabinet d’Aubusson")
    slot.housing = HousingFactory(organisation=slot.site.organisation, name="Studio d’Aubusson")
    slot.save()
    missions.mission_book(slot=slot, doctor=doctor, with_housing=True)

    junior_data = _export(junior)
    assert junior_data["terrain_interests"] == [
        {
            "terrain": "Terrain de la MSP de Felletin",
            "semester": str(semester),
            "semester_start": semester.start.isoformat(),
            "marked_at": Interest.objects.get().created_at.isoformat(),
        }
    ]
    [booking] = junior_data["housing_bookings"]
    assert (booking["housing"], booking["semester"], booking["status"]) == (
        "Maison des internes du Plateau",
        True,
        "requested",
    )
    assert (booking["start"], booking["end"]) == (
        semester.start.isoformat(),
        semester.end.isoformat(),
    )
    assert junior_data["mission_bookings"] == []

    doctor_data = _export(doctor)
    [day] = doctor_data["mission_bookings"]
    assert (day["site"], day["date"], day["with_housing"], day["cancelled_at"]) == (
        "Cabinet d’Aubusson",
        slot.date.isoformat(),
        True,
        None,
    )
    assert [b["housing"] for b in doctor_data["housing_bookings"]] == ["Studio d’Aubusson"]
    assert doctor_data["professional_profile"]["rpps_verified_by_organisation"] == ars.name
    assert doctor_data["professional_profile"]["rpps_verified_source"] == "partenaire"
    assert doctor_data["terrain_interests"] == []


def _export(user: User) -> dict:
    with zipfile.ZipFile(io.BytesIO(privacy.account_export(user=user))) as archive:
        return json.loads(archive.read("donnees.json"))
