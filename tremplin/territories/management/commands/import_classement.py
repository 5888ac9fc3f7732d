import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tremplin.territories.importers import classement
from tremplin.territories.importers.base import ImportRefused, fetch
from tremplin.territories.zonages import SCHEMES


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date « {value} » : date attendue au format AAAA-MM-JJ") from None


class Command(BaseCommand):
    help = (
        "Import a classement by commune as published (CSV or Excel): the FRR arrêté of the ANCT "
        "or the ARS zonage of one profession. See docs/data-sources.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", help="Path of the published file, or its URL.")
        parser.add_argument("--scheme", required=True, choices=list(SCHEMES))
        parser.add_argument(
            "--code-column", required=True, help="Header of the column holding the INSEE code."
        )
        parser.add_argument(
            "--category-column", required=True, help="Header of the column holding the category."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="LABEL=CATEGORY",
            help="How a label of the file maps to a category of the scheme (repeatable); "
            "CATEGORY '-' leaves such rows out. The scheme's own codes and labels need no --map.",
        )
        parser.add_argument("--date", required=True, help="Date of the arrêté (YYYY-MM-DD).")
        parser.add_argument("--sheet", default=None, help="Sheet of a workbook (default: first).")
        parser.add_argument(
            "--header-row", type=int, default=1, help="Line of the header (default: 1)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Rewrite even if nothing seems to change."
        )

    def handle(self, *args: object, location: str, **options: Any) -> None:
        started = time.monotonic()
        try:
            scheme = classement.scheme_get(options["scheme"])
            read_options = classement.Options(
                scheme=scheme,
                code_column=options["code_column"],
                category_column=options["category_column"],
                published_on=_date(options["date"]),
                mapping=classement.mapping_parse(options["map"], scheme=scheme),
                sheet=options["sheet"],
                header_row=options["header_row"],
            )
            result = classement.run(
                fetch(location),
                options=read_options,
                force=options["force"],
                progress=options.get("verbosity", 1) > 0,
            )
        except ImportRefused as refusal:
            raise CommandError(
                f"{Path(location).name} refusé, rien n’a été modifié — {refusal}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"{result.summary()} ({time.monotonic() - started:.1f}s)")
        )
