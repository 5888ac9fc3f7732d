"""Journey 2 of PRODUCT.md, by clicking only in Debian's Chromium: Dr Martin, médecin
généraliste in the MSP of Felletin, writes a replacement offer with the guided editor (the
completeness score rising as he answers), sends it; a moderator publishes it; Sophie, agent of
the communauté de communes covering Felletin, proposes its flat for the offer; Dr Martin accepts
and the offer shows « Logement offert par <la communauté de communes> » with its dates; three
candidates click « Je suis intéressé(e) » and Dr Martin sees their three applications.

Two tests (each under half a minute): the offer written and supported; then, from that offer
built by the services, the three applications. Each person has their own browser context and
starts at the home page; axe-core runs on every page visited; each test prints the path of its
last page's screenshot."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import axe_check
from tests.browser.walk import People, last_page, open_menu_link
from tests.hosting.factories import HousingFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory
from tremplin.accounts.models import User
from tremplin.applications.models import Application
from tremplin.hosting.dates import date_range_text
from tremplin.hosting.models import Housing, OfferSupport, SupportStatus
from tremplin.hosting.services import support_decide, support_propose
from tremplin.offers.models import Offer, OfferStatus
from tremplin.organisations.models import MembershipRole, Organisation, OrganisationType
from tremplin.territories.models import Commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "martin-offer"
TITLE = "Remplacement en MSP à Felletin"
CC = "Communauté de communes Creuse Grand Sud"
FLAT = "Appartement meublé de l’intercommunalité"
CANDIDATES = ("Karim Benali", "Léa Bernard", "Inès Moreau")


def score(page: Page) -> int:
    return int(page.get_by_test_id("score").inner_text())


@pytest.fixture
def people(browser: Browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


@dataclass
class Felletin:
    start: date
    end: date
    commune: Commune
    msp: Organisation
    martin: User
    moderator: User
    cc: Organisation
    sophie: User
    flat: Housing


def felletin_and_its_intercommunalite() -> Felletin:
    """Felletin in the communauté de communes Creuse Grand Sud; its MSP and Dr Martin; the
    intercommunalité, verified, with Sophie as agent and a flat open for the next 60 days."""
    today = timezone.localdate()
    creuse = DepartementFactory(code="23", name="Creuse")
    creuse_grand_sud = EpciFactory(siren="200067114", name=CC)
    felletin = CommuneFactory(insee="23079", name="Felletin", latitude=45.88, longitude=2.17,
                              departement=creuse, epci=creuse_grand_sud)  # fmt: skip
    msp = OrganisationFactory(verified=True, name="MSP de Felletin")
    martin = UserFactory(first_name="Jean", last_name="Martin")
    MembershipFactory(organisation=msp, user=martin, role=MembershipRole.ADMIN)
    cc = OrganisationFactory(
        collectivity=True,
        verified=True,
        type=OrganisationType.EPCI,
        territory_code=creuse_grand_sud.siren,
        name=CC,
    )
    sophie = UserFactory(first_name="Sophie", last_name="Durand")
    MembershipFactory(organisation=cc, user=sophie)
    return Felletin(
        start=today + timedelta(days=20),
        end=today + timedelta(days=34),
        commune=felletin,
        msp=msp,
        martin=martin,
        moderator=UserFactory(moderator=True),
        cc=cc,
        sophie=sophie,
        flat=HousingFactory(organisation=cc, commune=felletin, name=FLAT),
    )


def test_dr_martin_writes_an_offer_and_accepts_the_flat_sophie_offers_for_it(
    people: People, capsys: pytest.CaptureFixture
):
    place = felletin_and_its_intercommunalite()
    start, end = place.start, place.end
    martin, moderator, sophie = place.martin, place.moderator, place.sophie

    # Dr Martin, from the home page, opens the guided editor.
    martin_page = people.logged_in(martin.email)
    page = martin_page
    open_menu_link(page, "Accueil")
    axe_check(page, JOURNEY, "01-home")
    page.get_by_role("link", name="Publier une annonce").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Étape 1 sur")
    axe_check(page, JOURNEY, "02-editor-post")
    scores = [score(page)]
    page.get_by_label("Type d’annonce").select_option(label="Remplacement")
    page.get_by_label("Profession").select_option(label="Médecin généraliste")
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # The place and the dates.
    expect(page.get_by_label("Commune d’exercice")).to_be_visible()
    axe_check(page, JOURNEY, "03-editor-place")
    page.get_by_label("Commune d’exercice").fill("Felletin")
    page.get_by_label("Date de début").fill(start.isoformat())
    page.get_by_label("Date de fin").fill(end.isoformat())
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_label("Taux de rétrocession (%)")).to_be_visible()
    scores.append(score(page))

    # The conditions: the score rises as he types (autosave), then with every answer.
    page.get_by_label("Taux de rétrocession (%)").fill("70")
    page.get_by_label("Taux de rétrocession (%)").blur()
    expect(page.get_by_test_id("autosave")).to_be_visible()
    expect(page.get_by_test_id("score")).not_to_have_text(str(scores[-1]))
    scores.append(score(page))
    axe_check(page, JOURNEY, "04-editor-conditions")
    page.get_by_label("Cadre d’exercice").select_option(
        label="Maison de santé pluriprofessionnelle (MSP)"
    )
    page.get_by_label("Patients par jour (environ)").fill("25")
    page.get_by_label("Secrétariat").select_option(label="Secrétariat sur place")
    page.get_by_label("Logiciel métier").fill("Weda")
    page.get_by_label("Gardes et astreintes").fill("Une garde par mois")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_label("Description")).to_be_visible()
    scores.append(score(page))

    # The presentation: no housing of his own, a real description.
    page.get_by_text("Non", exact=True).click()
    page.get_by_label("Description").fill(
        "Maison de santé de six professionnels au cœur de Felletin, patientèle fidèle et "
        "variée, secrétariat sur place, infirmières et kinésithérapeute dans les murs. "
        "Je pars à la retraite dans deux ans et cherche qui aimerait découvrir la Creuse, "
        "ses lacs et ses sentiers, et peut-être rester. Visites à domicile deux matinées "
        "par semaine, aucune garde de nuit."
    )
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("link", name="Continuer").click()  # the photos step, skipped
    expect(page.get_by_test_id("preview")).to_contain_text(TITLE)
    scores.append(score(page))
    axe_check(page, JOURNEY, "05-editor-preview")
    assert scores == [0, 27, 39, 68, 95], scores
    page.get_by_role("button", name="Envoyer à la modération").click()
    expect(page.get_by_text("En attente de modération")).to_be_visible()
    offer = Offer.objects.get()
    assert (offer.status, offer.start_date, offer.end_date) == (OfferStatus.SUBMITTED, start, end)

    # A moderator publishes it.
    page = people.logged_in(moderator.email)
    open_menu_link(page, "Annonces à relire", menu="Modération")
    axe_check(page, JOURNEY, "06-moderation")
    page.get_by_test_id("pending-offer").filter(has_text=TITLE).get_by_role(
        "button", name="Publier"
    ).click()
    expect(page.get_by_text("est publiée")).to_be_visible()
    page.context.close()

    # Sophie proposes the intercommunalité's flat for the offer.
    page = people.logged_in(sophie.email)
    open_menu_link(page, "Gérer l’accueil", menu="Mon territoire")
    axe_check(page, JOURNEY, "07-sophie-manage")
    row = page.get_by_test_id("supports").locator("div.fr-mb-3w").filter(has_text=TITLE)
    row.get_by_text("Proposer notre soutien").click()
    row.get_by_label("Logement offert").select_option(label=FLAT)
    row.get_by_role("button", name="Proposer le soutien").click()
    expect(page.get_by_text("Soutien proposé : la structure est prévenue.")).to_be_visible()
    expect(page.get_by_test_id("support-status")).to_have_text("proposé par la collectivité")
    axe_check(page, JOURNEY, "08-sophie-proposed")
    page.context.close()

    # Dr Martin accepts it from his offer: the badge names the intercommunalité and the dates.
    page = martin_page
    open_menu_link(page, "Mes annonces", menu="Ma structure")
    axe_check(page, JOURNEY, "09-my-offers")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("support-proposals")).to_contain_text(f"{CC} — logement : {FLAT}")
    page.get_by_role("button", name="Accepter le soutien").click()
    expect(page.get_by_test_id("badge-supported-housing")).to_have_text(
        f"Logement offert par {CC} {date_range_text(start, end)}"
    )
    expect(page.get_by_test_id("offer-housing")).to_contain_text(f"offert par {CC} : {FLAT}")
    expect(page.get_by_test_id("offer-housing")).not_to_contain_text("non proposé")
    last_page(page, JOURNEY, "10-offer-supported", capsys)
    assert OfferSupport.objects.get().status == SupportStatus.ACCEPTED
    assert people.console_errors == []


def test_three_candidates_apply_to_the_supported_offer_and_dr_martin_sees_them(
    people: People, capsys: pytest.CaptureFixture
):
    place = felletin_and_its_intercommunalite()
    offer = OfferFactory(
        published=True,
        organisation=place.msp,
        commune=place.commune,
        title=TITLE,
        start_date=place.start,
        end_date=place.end,
    )
    support = support_propose(
        offer=offer, collectivity=place.cc, by=place.sophie, housing=place.flat
    )
    support_decide(support=support, by=place.martin, accept=True)
    candidates = [
        UserFactory(professional=True, first_name=name.split()[0], last_name=name.split()[1])
        for name in CANDIDATES
    ]
    # Three candidates find it from the home page and apply.
    for number, candidate in enumerate(candidates, start=1):
        page = people.logged_in(candidate.email)
        open_menu_link(page, "Accueil")
        page.get_by_role("link", name="Trouver une annonce").click()
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_test_id("badge-supported-housing")).to_contain_text(CC)
        page.get_by_role("link", name="Je suis intéressé(e)").click()
        if number == 1:
            axe_check(page, JOURNEY, "12-apply")
        page.get_by_label("Votre message").fill(
            f"Bonjour Docteur, je suis {candidate.first_name} et je suis libre à ces dates."
        )
        page.get_by_role("button", name="Envoyer ma candidature").click()
        expect(page.get_by_text("Candidature envoyée : la structure")).to_be_visible()
        expect(page.get_by_test_id("application-status")).to_have_text("reçue")
        page.context.close()
    assert Application.objects.filter(offer=offer).count() == 3

    # Dr Martin sees the three in his list, from « Mes annonces ».
    page = people.logged_in(place.martin.email)
    open_menu_link(page, "Mes annonces", menu="Ma structure")
    axe_check(page, JOURNEY, "13-my-offers-with-applications")
    mine = page.get_by_test_id(f"my-offer-{offer.pk}")
    expect(mine.get_by_test_id("applications-count")).to_have_text("3")
    mine.get_by_test_id("applications-count").click()
    rows = page.get_by_test_id("inbox").locator("tbody tr")
    expect(rows).to_have_count(3)
    for name in CANDIDATES:
        expect(rows.filter(has_text=name)).to_contain_text(TITLE)
    expect(page.get_by_test_id("unread")).to_have_count(3)
    last_page(page, JOURNEY, "14-applications", capsys)
    assert people.console_errors == []
