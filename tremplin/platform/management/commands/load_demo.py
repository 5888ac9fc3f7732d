"""Demo accounts for `make run`: created once, their passwords printed that one time."""

import os
import random
import secrets

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from tremplin.accounts.models import ProfessionalStatus, User
from tremplin.accounts.services import professional_profile_save
from tremplin.core.professions import Profession
from tremplin.offers.models import Offer
from tremplin.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
    OrganisationType,
)
from tremplin.platform.demo.hosting import welcome_demo_create
from tremplin.platform.demo.offers import offers_generate
from tremplin.territories.models import Commune

DEMO_DOMAIN = "demo.tremplin.localhost"
DEMO_OFFER_COUNT = 36
# Demo offers stay near their (Creuse) organisations: Limousin and Auvergne.
DEMO_OFFER_DEPARTEMENTS = ["23", "19", "87", "03", "63", "36"]

DEMO_USERS = [
    ("moderation", "Camille", "Modératrice", {"is_staff": True}),
    ("lea", "Léa", "Interne", {}),
    ("martin", "Jean", "Martin", {}),
    ("sophie", "Sophie", "Attractivité", {}),
]


class Command(BaseCommand):
    help = "Create the demonstration accounts and organisations (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords and print them.",
        )

    @transaction.atomic
    def handle(self, *args: object, reset_passwords: bool = False, **options: object) -> None:
        created_any = False
        lines = []
        users = {}
        for key, first_name, last_name, extra in DEMO_USERS:
            email = f"{key}@{DEMO_DOMAIN}"
            user = User.objects.filter(email=email).first()
            password = None
            if user is None:
                password = secrets.token_urlsafe(9)
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    email_confirmed_at=timezone.now(),
                    **extra,
                )
                created_any = True
            elif reset_passwords:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save(update_fields=["password"])
            users[key] = user
            if password:
                lines.append(f"  {email:40} {password}")

        professional_profile_save(
            user=users["lea"],
            profession=Profession.GENERAL_PRACTITIONER,
            status=ProfessionalStatus.INTERN,
        )
        msp = self._organisation(
            name="MSP du Plateau de Millevaches (démonstration)",
            category=OrganisationCategory.HEALTH,
            type=OrganisationType.MSP,
            city="Felletin",
            postal_code="23500",
            admin=users["martin"],
            moderator=users["moderation"],
        )
        cc = self._organisation(
            name="Communauté de communes Creuse Grand Sud (démonstration)",
            category=OrganisationCategory.COLLECTIVITY,
            type=OrganisationType.EPCI,
            territory_code="200067080",
            city="Aubusson",
            postal_code="23200",
            admin=users["sophie"],
            moderator=users["moderation"],
        )
        centre = self._organisation(
            name="Centre de santé du Pays de Guéret (démonstration)",
            category=OrganisationCategory.HEALTH,
            type=OrganisationType.HEALTH_CENTRE,
            city="Guéret",
            postal_code="23000",
            admin=users["martin"],
            moderator=users["moderation"],
        )
        nurses = self._organisation(
            name="Cabinet infirmier des Combrailles (démonstration)",
            category=OrganisationCategory.HEALTH,
            type=OrganisationType.LIBERAL_PRACTICE,
            city="Auzances",
            postal_code="23700",
            admin=users["martin"],
            moderator=users["moderation"],
        )
        felletin = self._organisation(
            name="Commune de Felletin (démonstration)",
            category=OrganisationCategory.COLLECTIVITY,
            type=OrganisationType.COMMUNE,
            territory_code="23079",
            city="Felletin",
            postal_code="23500",
            admin=users["sophie"],
            moderator=users["moderation"],
        )
        creuse = self._organisation(
            name="Département de la Creuse (démonstration)",
            category=OrganisationCategory.COLLECTIVITY,
            type=OrganisationType.DEPARTEMENT,
            territory_code="23",
            city="Guéret",
            postal_code="23000",
            admin=users["sophie"],
            moderator=users["moderation"],
        )
        self._offers(organisations=[msp, centre, nurses])
        self._welcome(collectivities=[cc, felletin, creuse])

        if lines:
            self.stdout.write(self.style.SUCCESS("Demo accounts (passwords shown only now):"))
            for line in lines:
                self.stdout.write(line)
            self.stdout.write(
                "  To get new passwords later: .venv/bin/python manage.py load_demo --reset-passwords"
            )
        elif not created_any:
            self.stdout.write(
                f"Demo accounts already exist (…@{DEMO_DOMAIN}); "
                "`manage.py load_demo --reset-passwords` prints new passwords."
            )

    def _offers(self, *, organisations: list[Organisation]) -> None:
        """Demo offers, once: skipped with TREMPLIN_DEMO=0 or before the commune base exists."""
        if os.environ.get("TREMPLIN_DEMO", "").strip() == "0":
            return
        if Offer.objects.filter(organisation=organisations[0]).exists():
            return
        if not Commune.objects.exclude(latitude=None).exists():
            self.stdout.write("No demo offers: import the commune base first (make run does).")
            return
        offers = offers_generate(
            count=DEMO_OFFER_COUNT,
            organisations=organisations,
            rng=random.Random(2025),
            is_demo=True,
            departements=DEMO_OFFER_DEPARTEMENTS,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(offers)} demo offers published (marked « Démonstration ») "
                f"for {len(organisations)} demo health organisations."
            )
        )

    def _welcome(self, *, collectivities: list[Organisation]) -> None:
        """Territory pages, housing, activities and a supported offer (skipped like offers)."""
        if os.environ.get("TREMPLIN_DEMO", "").strip() == "0":
            return
        count = welcome_demo_create(
            collectivities=collectivities, contact_name="Sophie Attractivité"
        )
        if count:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{count} demo collectivités with a territory page, housing and activities."
                )
            )

    def _organisation(
        self,
        *,
        name: str,
        admin: User,
        moderator: User,
        **fields: object,
    ) -> Organisation:
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={**fields, "status": OrganisationStatus.PENDING}
        )
        if created:
            organisation.verify(by=moderator)
        Membership.objects.get_or_create(
            organisation=organisation, user=admin, defaults={"role": MembershipRole.ADMIN}
        )
        return organisation
