from tremplin.territories.importers import hospitals
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import hospital sites (Eurostat basic services, FINESS 2020), each attached to the nearest commune."
    importer = staticmethod(hospitals.run)
