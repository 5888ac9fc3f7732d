"""The demonstration story (platform/demo/story.py) and what `load_demo` makes of it, on the
story's communes alone (test_demo_real.py runs the invariants on the whole base)."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from tests.platform.demo import counts, load_demo, story_communes_create
from tests.territories.factories import CommuneFactory
from tremplin.accounts.models import User
from tremplin.core.professions import Profession
from tremplin.hosting.models import (
    BookedNight,
    Booking,
    BookingStatus,
    Housing,
    InstallationCheck,
    Stay,
)
from tremplin.hosting.selectors import welcome_funnel
from tremplin.offers.models import InternshipLevel, Offer, OfferStatus
from tremplin.organisations.models import (
    COLLECTIVITY_TYPES,
    HEALTH_TYPES,
    Membership,
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
    OrganisationType,
)
from tremplin.platform.demo import story
from tremplin.platform.demo.story import (
    ORGANISATION_PROFESSIONS,
    professions_for,
    semester_after,
)

# The consistency table (ORGANISATION_PROFESSIONS and CABINET_PROFESSIONS) -----------------------


def organisation(type: str, name: str = "Structure") -> Organisation:
    return Organisation(type=type, name=name)


def test_every_kind_of_health_organisation_has_professions_and_no_collectivity_has():
    for type in HEALTH_TYPES:
        if type in {OrganisationType.LIBERAL_PRACTICE, OrganisationType.OTHER_HEALTH}:
            continue  # a cabinet's name says which profession; « autre » posts none
        assert ORGANISATION_PROFESSIONS[type], type
    for type in COLLECTIVITY_TYPES:
        assert professions_for(organisation(type)) == frozenset(), type
    assert professions_for(organisation(OrganisationType.OTHER_HEALTH)) == frozenset()


@pytest.mark.parametrize(
    ("type", "name", "profession", "fits"),
    [
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet infirmier des Combrailles", Profession.NURSE, True),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet infirmier des Combrailles", Profession.GENERAL_PRACTITIONER, False),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet infirmier des Combrailles", Profession.DENTIST, False),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet médical du Bourg", Profession.GENERAL_PRACTITIONER, True),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet médical du Bourg", Profession.NURSE, False),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet dentaire", Profession.DENTIST, True),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet de kinésithérapie", Profession.PHYSIOTHERAPIST, True),
        (OrganisationType.LIBERAL_PRACTICE, "Cabinet Dupont", Profession.GENERAL_PRACTITIONER, False),
        (OrganisationType.MSP, "MSP", Profession.GENERAL_PRACTITIONER, True),
        (OrganisationType.MSP, "MSP", Profession.PHYSIOTHERAPIST, True),
        (OrganisationType.MSP, "MSP", Profession.NURSE, True),
        (OrganisationType.MSP, "MSP", Profession.DENTIST, False),
        (OrganisationType.MSP, "MSP", Profession.CARE_ASSISTANT, False),
        (OrganisationType.EHPAD, "EHPAD", Profession.CARE_ASSISTANT, True),
        (OrganisationType.EHPAD, "EHPAD", Profession.NURSE, True),
        (OrganisationType.EHPAD, "EHPAD", Profession.DENTIST, False),
        (OrganisationType.EHPAD, "EHPAD", Profession.MIDWIFE, False),
        (OrganisationType.HEALTH_CENTRE, "Centre", Profession.DENTIST, True),
        (OrganisationType.HEALTH_CENTRE, "Centre", Profession.CARE_ASSISTANT, False),
        (OrganisationType.HOSPITAL, "CH", Profession.EMERGENCY_PHYSICIAN, True),
        (OrganisationType.HOSPITAL, "CH", Profession.CARE_ASSISTANT, True),
        (OrganisationType.HOSPITAL, "CH", Profession.DENTIST, False),
        (OrganisationType.EPCI, "Communauté de communes", Profession.NURSE, False),
    ],
)  # fmt: skip
def test_the_table_says_which_professions_an_organisation_posts(type, name, profession, fits):
    assert (profession in professions_for(organisation(type, name))) is fits


# The story as written ---------------------------------------------------------------------------


def test_every_offer_of_the_story_fits_its_organisation():
    places = {place.key: place for place in story.HEALTH_ORGANISATIONS}
    for item in story.OFFERS:
        place = places[item.organisation]
        assert item.profession in professions_for(organisation(place.type, place.name)), item.key


def test_offers_of_the_story_are_told_apart_across_runs():
    keys = [(o.organisation, o.kind, o.profession, o.insee) for o in story.OFFERS]
    assert len(set(keys)) == len(keys)
    assert len({o.key for o in story.OFFERS}) == len(story.OFFERS)


def test_the_readme_lists_every_demo_account():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for person in story.PEOPLE:
        assert person.email in readme, person.email


@pytest.mark.parametrize(
    ("today", "semester"),
    [
        ("2026-12-02", ("2027-05-01", "2027-10-31")),
        ("2027-05-01", ("2027-11-01", "2028-04-30")),
        ("2027-04-30", ("2027-05-01", "2027-10-31")),
        ("2027-10-31", ("2027-11-01", "2028-04-30")),
    ],
)
def test_the_next_semester_starts_in_may_or_november(today, semester):
    start, end = semester_after(date.fromisoformat(today))
    assert (start.isoformat(), end.isoformat()) == semester


# load_demo --------------------------------------------------------------------------------------


@pytest.fixture
def communes(db):
    return story_communes_create()


@pytest.mark.django_db
def test_without_the_commune_base_it_creates_the_accounts_only(monkeypatch):
    output = load_demo(monkeypatch)

    assert "No demo story: import the commune base first" in output
    assert "23079" in output  # says which communes are missing
    assert not Organisation.objects.exists()
    assert User.objects.count() == len(story.PEOPLE)
    assert "lea@demo.tremplin.localhost" in output  # with its password, this once
    assert "lea@demo.tremplin.localhost" not in load_demo(monkeypatch)


@pytest.mark.django_db
def test_without_one_commune_of_the_story_it_writes_nothing(monkeypatch):
    CommuneFactory(insee="23096", name="Guéret")

    assert "missing: 23008, 23013" in load_demo(monkeypatch)
    assert not Organisation.objects.exists()


def test_with_tremplin_demo_0_it_loads_no_organisation(communes, monkeypatch):
    output = load_demo(monkeypatch, "0")

    assert "TREMPLIN_DEMO=0" in output
    assert not Organisation.objects.exists()
    assert not Offer.objects.exists()


def test_it_loads_the_story_and_loading_it_again_changes_nothing(communes, monkeypatch):
    output = load_demo(monkeypatch)

    assert "Demo story: 8 organisations, 18 offers" in output
    organisations = Organisation.objects.all()
    assert {o.status for o in organisations} == {OrganisationStatus.VERIFIED}
    assert {o.territory_code for o in organisations.filter(type=OrganisationType.EPCI)} == {
        "200044014",  # read from Aubusson's EPCI, not written in the story
        "200067890",
    }
    assert Offer.objects.filter(is_demo=True, status=OfferStatus.PUBLISHED).count() == 18
    for place in story.HEALTH_ORGANISATIONS + story.COLLECTIVITIES:
        members = Membership.objects.filter(organisation__name=place.name)
        assert [m.user.email for m in members] == [f"{place.admin}@demo.tremplin.localhost"]
    before = counts()

    again = load_demo(monkeypatch)

    assert "Demo story: 8 organisations" in again
    assert "passwords shown only now" not in again
    assert counts() == before


def test_it_replaces_what_an_earlier_demo_set_left(communes, monkeypatch, django_user_model):
    load_demo(monkeypatch)
    msp = Organisation.objects.get(name="MSP du Plateau de Millevaches (démonstration)")
    centre = Organisation.objects.get(name="Centre de santé du Pays de Guéret (démonstration)")
    martin = User.objects.get(email="martin@demo.tremplin.localhost")
    Membership.objects.create(organisation=centre, user=martin)
    stale = Offer.objects.create(organisation=msp, is_demo=True, kind="remplacement",
                                 profession=Profession.DENTIST, title="Dentiste à Guéret",
                                 commune_id="23096", status=OfferStatus.PUBLISHED)  # fmt: skip
    written = Offer.objects.create(organisation=msp, kind="remplacement",
                                   profession=Profession.NURSE, title="Notre vraie annonce",
                                   commune_id="23079", status=OfferStatus.PUBLISHED)  # fmt: skip
    Organisation.objects.create(name="Commune de Felletin (démonstration)",
                                category=OrganisationCategory.COLLECTIVITY,
                                type=OrganisationType.COMMUNE, territory_code="23079")  # fmt: skip
    Offer.objects.filter(title__contains="Felletin").update(title="Ailleurs", status="expired")

    load_demo(monkeypatch)

    assert not Offer.objects.filter(pk=stale.pk).exists()
    assert Offer.objects.filter(pk=written.pk).exists()  # not a demo row: left alone
    assert not Organisation.objects.filter(name="Commune de Felletin (démonstration)").exists()
    assert not centre.memberships.filter(user=martin).exists()
    assert not Offer.objects.filter(title="Ailleurs").exists()
    assert Offer.objects.filter(is_demo=True, status=OfferStatus.PUBLISHED).count() == 18


def test_it_never_takes_the_nights_someone_booked(communes, monkeypatch):
    load_demo(monkeypatch)
    stay = Stay.objects.get(offer__internship_level=InternshipLevel.JUNIOR_DOCTOR)
    housing = stay.bookings.get().housing
    BookedNight.objects.filter(booking__stay=stay).delete()
    lea = User.objects.get(email="lea@demo.tremplin.localhost")
    hers = Booking.objects.create(housing=housing, professional=lea, start=stay.start,
                                  end=stay.start + timedelta(days=3),
                                  status=BookingStatus.ACCEPTED)  # fmt: skip
    # Every place of the housing taken on those nights (a free place would do for the demo).
    BookedNight.objects.bulk_create(
        [
            BookedNight(housing=housing, place=place, night=night, booking=hers)
            for night in hers.nights()
            for place in housing.places.all()
        ]
    )

    load_demo(monkeypatch)

    assert stay.bookings.get().status == BookingStatus.REQUESTED
    assert hers.booked_nights.count() == 3 * housing.capacity
    assert not BookedNight.objects.filter(booking__stay=stay).exists()


def test_the_welcome_shows_its_referent_testimonials_and_installation(
    communes, monkeypatch, client
):
    load_demo(monkeypatch)
    cc = Organisation.objects.get(type=OrganisationType.EPCI, territory_code="200044014")

    page = client.get(reverse("hosting:page", kwargs={"pk": cc.pk})).content.decode()

    assert "Sophie Attractivité" in page
    assert "Deux semaines de tournées sur le plateau" in page  # Karim's testimony
    assert "Maison des internes d’Aubusson" in page
    assert welcome_funnel(cc) == {"stays": 3, "housed": 3, "feedbacks": 2, "installed": 1}
    # Questions already due count as asked: the daily job does not send them months late.
    assert not InstallationCheck.objects.filter(
        due_on__lte=timezone.localdate(), sent_at=None
    ).exists()
    offer = Offer.objects.get(title__startswith="Cherche remplaçant(e) médecin généraliste")
    detail = client.get(offer.get_absolute_url()).content.decode()
    assert "Logement offert par Communauté de communes Creuse Grand Sud" in detail
    assert Housing.objects.filter(organisation=cc).count() == 3  # with the maison des internes


@pytest.mark.django_db
def test_with_debug_off_it_refuses_to_create_demo_accounts(settings, monkeypatch):
    settings.DEBUG = False
    settings.TESTING = False  # as on a production server

    with pytest.raises(CommandError, match="load_demo refuses to run with DEBUG off"):
        load_demo(monkeypatch)

    assert not User.objects.exists()


@pytest.mark.django_db
def test_with_debug_off_force_loads_it_anyway(settings, monkeypatch):
    settings.DEBUG = False
    settings.TESTING = False
    monkeypatch.delenv("TREMPLIN_DEMO", raising=False)

    call_command("load_demo", "--force", stdout=io.StringIO())

    assert User.objects.count() == len(story.PEOPLE)


@pytest.mark.django_db
def test_with_debug_on_it_runs_without_force(settings, monkeypatch):
    settings.DEBUG = True
    settings.TESTING = False

    load_demo(monkeypatch)

    assert User.objects.count() == len(story.PEOPLE)


def test_the_story_has_a_terrain_with_a_maison_des_internes_for_the_next_semester(
    communes, monkeypatch, client
):
    from tremplin.hosting.semesters import semesters_upcoming
    from tremplin.juniors.models import Terrain

    load_demo(monkeypatch)

    terrain = Terrain.objects.get(is_demo=True)
    semester = semesters_upcoming(today=timezone.localdate(), count=1)[0]
    link = terrain.housings.get()
    assert link.semester == semester
    assert (link.housing.kind, link.housing.capacity, link.housing.is_free) == ("house", 6, False)
    assert link.housing.periods.filter(start__lte=semester.start, end__gte=semester.end).exists()
    page = client.get(terrain.get_absolute_url()).content.decode()
    assert "Maison des internes du Plateau" in page and "120 € par mois" in page
