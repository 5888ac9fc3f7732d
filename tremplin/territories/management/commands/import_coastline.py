from tremplin.territories.importers import coastline
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the ONML list of communes littorales (loi Littoral), e.g. onml_communes_littorales_2019.csv."
    importer = staticmethod(coastline.run)
