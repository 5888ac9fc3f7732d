from tremplin.territories.importers import cinemas
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the CNC list of cinemas (établissements cinématographiques): cinemas and their number per commune."
    importer = staticmethod(cinemas.run)
