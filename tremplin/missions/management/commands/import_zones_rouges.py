"""`manage.py import_zones_rouges FILE --arrete 2025-09-01`: the zones rouges list, replaced
whole by the file's EPCIs (one SIREN a line). A wrong line refuses the file, nothing written."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tremplin.missions import services
from tremplin.missions.importers import arrete_date_parse


class Command(BaseCommand):
    help = "Replace the zones rouges with the EPCIs (SIREN codes) of a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--arrete", required=True, help="Date of the arrêté, YYYY-MM-DD.")

    def handle(self, *args: object, file: Path, arrete: str, **options: object) -> None:
        try:
            arrete_on = arrete_date_parse(arrete)
            count = services.red_zones_import(
                content=file.read_bytes(), arrete_on=arrete_on, by=None
            )
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"zones rouges: {count} EPCI (arrêté du {arrete_on:%Y-%m-%d})")
