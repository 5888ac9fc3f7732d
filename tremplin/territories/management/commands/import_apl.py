from tremplin.territories.importers import apl
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import a DREES APL workbook (médecins généralistes, infirmiers, sages-femmes, chirurgiens-dentistes, masseurs-kinésithérapeutes)."
    importer = staticmethod(apl.run)
