from tremplin.territories.importers import stations
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the SNCF référentiel des gares voyageurs (2017, with INSEE codes): stations and their number per commune."
    importer = staticmethod(stations.run)
