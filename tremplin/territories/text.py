import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’`_.,/()]+")


def normalise_name(value: str) -> str:
    """Lowercase, no accents, hyphens and apostrophes as spaces: "L'Haÿ-les-Roses" → "l hay les roses"."""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    return _SEPARATORS.sub(" ", ascii_only.lower()).strip()


# INSEE "type de nom en clair" (TNCC): the article that precedes a commune's name.
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def name_with_article(name: str, tncc: str) -> str:
    article = _ARTICLES.get(tncc, "")
    if article and name.startswith(article):
        return name
    return f"{article}{name}"
