"""The demonstration set of `make run` (tremplin/platform/demo/story.py): accounts, created once
with their passwords printed that one time, and the story on the real commune base. Idempotent:
a second run changes nothing."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tremplin.platform.demo.loader import demo_accounts_save, demo_story_load
from tremplin.platform.demo.story import DEMO_DOMAIN


class Command(BaseCommand):
    help = "Create the demonstration accounts, organisations, offers and welcomes (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords and print them.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demonstration set even with DEBUG off (a staging server, never production).",
        )

    @transaction.atomic
    def handle(
        self, *args: object, reset_passwords: bool = False, force: bool = False, **options: object
    ) -> None:
        if not (settings.DEBUG or settings.TESTING or force):
            # Demo accounts with printed passwords on a production database would be a way in.
            raise CommandError(
                "load_demo refuses to run with DEBUG off: demonstration accounts and their "
                "passwords have no place on a production server. Use --force on a staging "
                "server only."
            )
        accounts = demo_accounts_save(reset_passwords=reset_passwords)
        if os.environ.get("TREMPLIN_DEMO", "").strip() == "0":
            self.stdout.write("TREMPLIN_DEMO=0: demo accounts only, no demo organisations.")
        else:
            loaded = demo_story_load(users=accounts.users)
            if loaded.missing:
                self.stdout.write(
                    "No demo story: import the commune base first (make run does); missing: "
                    + ", ".join(loaded.missing)
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo story: {loaded.organisations} organisations, {loaded.offers} "
                        f"offers (marked « Démonstration »), {loaded.welcomes} territory pages, "
                        f"{loaded.stays} stays, {loaded.testimonials} testimonials."
                    )
                )
        if accounts.passwords:
            self.stdout.write(self.style.SUCCESS("Demo accounts (passwords shown only now):"))
            for person, password in accounts.passwords:
                self.stdout.write(f"  {person.email:40} {password:14} {person.role}")
            self.stdout.write(
                "  To get new passwords later: .venv/bin/python manage.py load_demo --reset-passwords"
            )
        else:
            self.stdout.write(
                f"Demo accounts already exist (…@{DEMO_DOMAIN}); "
                "`manage.py load_demo --reset-passwords` prints new passwords."
            )
