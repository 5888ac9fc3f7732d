from tremplin.territories.importers import unemployment
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the INSEE unemployment rates by employment zone (latest quarter); import the zones d’emploi first."
    importer = staticmethod(unemployment.run)
