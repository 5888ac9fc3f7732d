from tremplin.territories.importers import employment_zones
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the INSEE composition of the zones d’emploi 2020 (commune → employment zone)."
    importer = staticmethod(employment_zones.run)
