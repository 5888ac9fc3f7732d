"""An offer's title names no other département than its commune's (issue 16 §4: « … à Condé
(36) » placed in the Yonne)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.offers.models import Offer, OfferStatus
from tremplin.offers.services import offer_submit
from tremplin.offers.titles import offer_title_place, offer_title_place_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def yonne_commune():
    region = RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    yonne = DepartementFactory(code="89", name="Yonne", region=region)
    DepartementFactory(code="36", name="Indre", region=RegionFactory(code="24", name="Centre"))
    DepartementFactory(code="2A", name="Corse-du-Sud", region=RegionFactory(code="94"))
    return CommuneFactory(insee="89387", name="Saint-Florentin", departement=yonne)


@pytest.mark.parametrize(
    "title",
    [
        "Remplacement de médecin généraliste — Saint-Florentin (89)",
        "Séjour découverte à Saint-Florentin (Yonne) : venez essayer le territoire",
        "Cession de patientèle (départ en retraite) — Saint-Florentin (89)",
        "Poste salarié (35 h) à Saint-Florentin",
        "Infirmier(e) (2) pour l’EHPAD",
        "Remplacement (juillet-août), 36 jours",
        "Stage interne en médecine générale à Château-Chinon (Ville)",
        "Remplacement (Indre-et-Loire exclus) à Saint-Florentin",
        "Remplacement 36 à Saint-Florentin",
    ],
)
def test_a_title_naming_no_other_departement_passes(yonne_commune, title):
    assert offer_title_place_error(title=title, commune=yonne_commune) is None


@pytest.mark.parametrize(
    ("title", "named"),
    [
        ("Remplacement de médecin généraliste à Condé (36)", "36"),
        ("Remplacement à Condé ( 36 )", "36"),
        ("Séjour découverte à Condé (Indre)", "Indre"),
        ("Séjour découverte à Condé (indre)", "indre"),
        ("Remplacement à Ajaccio (2a)", "2a"),
        ("Remplacement — Saint-Florentin (89), puis Condé (36)", "36"),
    ],
)
def test_a_title_naming_another_departement_gets_a_french_reason(yonne_commune, title, named):
    error = offer_title_place_error(title=title, commune=yonne_commune)

    assert error == (
        f"Le titre indique « ({named}) », qui ne correspond pas à la commune d’exercice "
        "Saint-Florentin, située dans le département Yonne (89) : corrigez le titre ou la commune."
    )


def test_a_code_of_no_departement_in_the_base_is_not_taken_for_one(yonne_commune):
    # 971 is a département code, but this base holds no Guadeloupe: nothing to compare.
    assert offer_title_place_error(title="Remplacement (971)", commune=yonne_commune) is None


def test_without_a_commune_there_is_nothing_to_compare():
    assert offer_title_place_error(title="Remplacement à Condé (36)", commune=None) is None


def test_generated_titles_name_the_commune_with_its_own_code(yonne_commune):
    assert offer_title_place(yonne_commune) == "Saint-Florentin (89)"


@pytest.fixture
def member():
    organisation = OrganisationFactory(verified=True)
    return MembershipFactory(organisation=organisation).user


def test_the_editor_refuses_a_title_naming_another_departement(client, member, yonne_commune):
    offer = OfferFactory(organisation=member.memberships.get().organisation, commune=yonne_commune)
    client.force_login(member)

    response = client.post(
        reverse("offers:edit", args=[offer.pk, "poste"]),
        {
            "kind": "remplacement",
            "replacement_type": "ponctuel",
            "profession": "medecin_generaliste",
            "title": "Remplacement à Condé (36)",
        },
    )

    assert response.status_code == 400
    assert "qui ne correspond pas à la commune d’exercice" in response.text
    offer.refresh_from_db()
    assert offer.title != "Remplacement à Condé (36)"


def test_the_place_step_refuses_a_commune_the_title_contradicts(client, member, yonne_commune):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation,
        commune=None,
        title="Remplacement à Condé (36)",
    )
    client.force_login(member)

    response = client.post(
        reverse("offers:edit", args=[offer.pk, "lieu"]),
        {"commune_code": "89387", "asap": "on"},
    )

    assert response.status_code == 400
    assert "corrigez le titre ou la commune" in response.text
    offer.refresh_from_db()
    assert offer.commune is None


def test_submission_refuses_a_title_its_commune_contradicts(member, yonne_commune):
    offer = OfferFactory(
        organisation=member.memberships.get().organisation,
        commune=yonne_commune,
        title="Remplacement à Condé (36)",
        description="Cabinet de groupe.",
        asap=True,
    )

    with pytest.raises(ValidationError, match="ne correspond pas"):
        offer_submit(offer=offer, by=member)

    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.DRAFT
