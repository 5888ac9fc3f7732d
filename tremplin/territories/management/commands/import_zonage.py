from tremplin.territories.importers import zonage
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import the ARS zonage of médecins généralistes by postal code (CartoSanté extraction), e.g. zonage_medecins_zip_zac_par_code_postal_derived.csv."
    importer = staticmethod(zonage.run)
