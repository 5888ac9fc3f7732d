from tremplin.territories.importers import zrr
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the ANCT classement of communes in zones de revitalisation rurale (ZRR), e.g. diffusion-zonages-zrr-cog2021.xls."
    importer = staticmethod(zrr.run)
