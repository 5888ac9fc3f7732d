from tremplin.territories.importers import poverty
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import INSEE Filosofi poverty rates per commune (taux de pauvreté au seuil de 60 %), e.g. FILO2019_DISP_Pauvres_COM.xlsx."
    importer = staticmethod(poverty.run)
