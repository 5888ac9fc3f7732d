import csv
import io

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.juniors.factories import TerrainFactory, junior_doctor, next_semester, semester_housing
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.hosting.models import Booking
from tremplin.juniors import services
from tremplin.juniors.models import Interest, TerrainHousing, TerrainStatus
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db

NOTICE = "L’affectation des docteurs juniors est décidée par la faculté et l’ARS, pas par Tremplin."


def test_the_public_list_filters_by_departement_and_semester(client, django_assert_max_num_queries):
    creuse = TerrainFactory(name="Terrain de Felletin")
    nievre = TerrainFactory(
        name="Terrain de Château-Chinon",
        commune=CommuneFactory(departement=DepartementFactory(code="58", name="Nièvre")),
    )
    TerrainFactory(name="Terrain en brouillon", status=TerrainStatus.DRAFT)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("juniors:terrains")).content.decode()
    assert creuse.name in page and nievre.name in page and NOTICE in page
    assert "brouillon" not in page
    page = client.get(reverse("juniors:terrains"), {"departement": "58"}).content.decode()
    assert nievre.name in page and creuse.name not in page
    later = next_semester(1).key
    page = client.get(reverse("juniors:terrains"), {"semestre": later}).content.decode()
    assert creuse.name not in page


def test_the_terrain_page_shows_the_semester_housing_and_the_notice(client):
    terrain = TerrainFactory()
    housing, agent = semester_housing(capacity=6)
    housing.is_free, housing.monthly_rent = False, 150
    housing.save()
    services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    page = client.get(terrain.get_absolute_url()).content.decode()
    assert NOTICE in page
    assert housing.name in page and "6 places" in page and "150 € par mois" in page
    assert "Dr Martin" in page


def test_a_draft_is_a_404_for_others_and_shown_to_its_members(client):
    terrain = TerrainFactory(status=TerrainStatus.DRAFT)
    assert client.get(terrain.get_absolute_url()).status_code == 404
    client.force_login(MembershipFactory(organisation=terrain.organisation).user)
    assert client.get(terrain.get_absolute_url()).status_code == 200


def test_a_junior_doctor_marks_interest_and_books_by_buttons(client):
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    junior = junior_doctor()
    client.force_login(junior)
    page = client.get(terrain.get_absolute_url()).content.decode()
    assert "Réserver une place pour le semestre" in page
    client.post(
        reverse("juniors:interest", args=[terrain.pk]),
        {"semestre": next_semester().key, "action": "mark"},
    )
    assert Interest.objects.filter(professional=junior).count() == 1
    response = client.post(reverse("juniors:book", args=[link.pk]), follow=True)
    assert Booking.objects.filter(professional=junior, housing=housing).count() == 1
    assert "Demande envoyée" in response.content.decode()
    response = client.post(reverse("juniors:book", args=[link.pk]), follow=True)
    assert "Vous avez déjà demandé ce logement" in response.content.decode()


def test_an_intern_is_told_why_interest_is_refused(client):
    terrain = TerrainFactory()
    client.force_login(UserFactory(professional=True))
    response = client.post(
        reverse("juniors:interest", args=[terrain.pk]),
        {"semestre": next_semester().key},
        follow=True,
    )
    assert "Seuls les docteurs juniors" in response.content.decode()
    assert not Interest.objects.exists()


def test_an_agent_attaches_its_housing_from_the_terrain_page(client):
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    client.force_login(agent)
    page = client.get(terrain.get_absolute_url()).content.decode()
    assert "Proposer un logement de votre collectivité" in page
    client.post(
        reverse("juniors:housing_attach", args=[terrain.pk]),
        {"housing": housing.pk, "semestre": next_semester().key},
    )
    assert TerrainHousing.objects.filter(terrain=terrain, housing=housing).exists()


def test_another_agent_cannot_attach_or_withdraw_a_housing(client):
    terrain = TerrainFactory()
    housing, agent = semester_housing()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=next_semester(), housing=housing, by=agent
    )
    _other_housing, other = semester_housing()
    client.force_login(other)
    client.post(
        reverse("juniors:housing_attach", args=[terrain.pk]),
        {"housing": housing.pk, "semestre": next_semester().key},
    )
    assert TerrainHousing.objects.count() == 1
    assert client.post(reverse("juniors:housing_withdraw", args=[link.pk])).status_code == 404


def test_the_editor_is_a_404_for_another_organisation(client):
    terrain = TerrainFactory()
    client.force_login(UserFactory(health_member=True))
    assert client.get(reverse("juniors:edit", args=[terrain.pk])).status_code == 404
    assert client.get(reverse("juniors:manage", args=[terrain.organisation.pk])).status_code == 404
    assert client.post(reverse("juniors:status", args=[terrain.pk])).status_code == 404


def test_a_member_creates_publishes_a_terrain_from_the_editor(client):
    organisation = OrganisationFactory(health=True, verified=True)
    member = MembershipFactory(organisation=organisation).user
    commune = CommuneFactory(insee="23079", name="Felletin")
    client.force_login(member)
    data = {
        "name": "MSP de Felletin",
        "commune_name": commune.insee,
        "places": "21",
        "semester_keys": [next_semester().key],
        "transport": "",
        "practice": "",
    }
    response = client.post(reverse("juniors:create", args=[organisation.pk]), data)
    assert response.status_code == 400
    assert "de 1 à 20" in response.content.decode()
    data["places"] = "2"
    response = client.post(reverse("juniors:create", args=[organisation.pk]), data)
    terrain = organisation.terrains.get()
    client.post(
        reverse("juniors:supervisor_add", args=[terrain.pk]),
        {"name": "Dr Martin", "speciality": "médecin généraliste"},
    )
    client.post(reverse("juniors:status", args=[terrain.pk]), {"action": "publish"})
    terrain.refresh_from_db()
    assert terrain.status == TerrainStatus.PUBLISHED
    assert (
        "MSP de Felletin"
        in client.get(reverse("juniors:manage", args=[organisation.pk])).content.decode()
    )


def _ars(region_code="75"):
    ars = OrganisationFactory(
        collectivity=True, verified=True, type=OrganisationType.ARS, territory_code=region_code
    )
    return ars, MembershipFactory(organisation=ars).user


def test_the_coordination_table_and_csv_cover_the_ars_region(client):
    creuse = DepartementFactory(code="23", name="Creuse", region=RegionFactory(code="75"))
    covered = TerrainFactory(name="Terrain logé", commune=CommuneFactory(departement=creuse))
    TerrainFactory(
        name="Terrain sans logement", places=3, commune=CommuneFactory(departement=creuse)
    )
    bfc = RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    TerrainFactory(
        name="Terrain de la Nièvre",
        commune=CommuneFactory(
            departement=DepartementFactory(code="58", name="Nièvre", region=bfc)
        ),
    )
    housing, agent = semester_housing(capacity=6)
    services.terrain_housing_attach(
        terrain=covered, semester=next_semester(), housing=housing, by=agent
    )
    services.interest_mark(terrain=covered, semester=next_semester(), professional=junior_doctor())
    ars, member = _ars("75")
    client.force_login(member)
    page = client.get(reverse("juniors:coordination", args=[ars.pk])).content.decode()
    assert "Terrain logé" in page and "Terrain sans logement" in page
    assert "Terrain de la Nièvre" not in page
    response = client.get(reverse("juniors:coordination_csv", args=[ars.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "Département"
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Terrain logé", "Terrain sans logement"}
    assert by_name["Terrain logé"][4:] == [
        next_semester().key,
        "2",
        "6",
        "couvert",
        housing.name,
        "1",
    ]
    assert by_name["Terrain sans logement"][4:] == [
        next_semester().key,
        "3",
        "0",
        "manquant",
        "",
        "0",
    ]


def test_a_dmg_reads_its_departement_only(client):
    DepartementFactory(code="58", name="Nièvre", region=RegionFactory(code="27", name="BFC"))
    TerrainFactory(name="Terrain de la Creuse")
    dmg = OrganisationFactory(
        collectivity=True, verified=True, type=OrganisationType.DMG, territory_code="58"
    )
    client.force_login(MembershipFactory(organisation=dmg).user)
    page = client.get(reverse("juniors:coordination", args=[dmg.pk])).content.decode()
    assert "Terrain de la Creuse" not in page and "Nièvre" in page


def test_the_coordination_is_closed_to_others(client):
    ars, _member = _ars()
    client.force_login(UserFactory(collectivity_agent=True))
    assert client.get(reverse("juniors:coordination", args=[ars.pk])).status_code == 404
    commune = OrganisationFactory(collectivity=True, verified=True)
    client.force_login(MembershipFactory(organisation=commune).user)
    assert client.get(reverse("juniors:coordination", args=[commune.pk])).status_code == 404
    pending = OrganisationFactory(collectivity=True, type=OrganisationType.ARS, territory_code="75")
    client.force_login(MembershipFactory(organisation=pending).user)
    assert client.get(reverse("juniors:coordination_csv", args=[pending.pk])).status_code == 403


def test_mon_espace_links_each_role_to_its_pages(client):
    terrain = TerrainFactory()
    member = MembershipFactory(organisation=terrain.organisation).user
    ars, ars_member = _ars()
    for user, url in [
        (member, reverse("juniors:manage", args=[terrain.organisation.pk])),
        (ars_member, reverse("juniors:coordination", args=[ars.pk])),
        (junior_doctor(), reverse("juniors:terrains")),
    ]:
        client.force_login(user)
        assert f'href="{url}"' in client.get(reverse("platform:space")).content.decode()
    assert reverse("juniors:terrains") in client.get(reverse("core:home")).content.decode()
