import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’`_.,/()]+")
# How people shorten the words official names spell out: "St-Junien" is "Saint-Junien".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalise_name(value: str, *, abbreviations: bool = True) -> str:
    """Lowercase, no accents, hyphens and apostrophes as spaces, « St »/« Ste » spelt out:
    "L'Haÿ-les-Roses" → "l hay les roses", "St-Léonard" → "saint leonard"."""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    words = _SEPARATORS.sub(" ", ascii_only.lower()).split()
    if not abbreviations:
        return " ".join(words)
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


# INSEE "type de nom en clair" (TNCC): the article that precedes a commune's name.
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def name_with_article(name: str, tncc: str) -> str:
    article = _ARTICLES.get(tncc, "")
    if article and name.startswith(article):
        return name
    return f"{article}{name}"
