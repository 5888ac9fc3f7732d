from tremplin.territories.importers import bpe
from tremplin.territories.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import an INSEE BPE per-commune CSV (commerces, écoles du premier degré, or tourisme et transports), e.g. equip-serv-commerce-com-2020.csv."
    importer = staticmethod(bpe.run)
