"""The classements by commune we read from official files: France Ruralités Revitalisation (FRR)
and the ARS zonage of each health profession.

Each scheme declares its categories: the code stored in `IndicatorValue.category` (at most five
characters, as `Offer.zonage`), the French label and a neutral meaning. Meanings say what a
category is and where to learn about the aids attached to it (the ARS, the Assurance maladie,
the ANCT): they never promise an aid, an amount or a tax measure, which change with each text.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.core.professions import Profession

# How several former codes of one file that lead to the same commune nouvelle are combined when
# they disagree: FRR says "partially classed", as the ANCT publishes such communes; a zonage
# gives no category (never one picked for the commune).
PARTIAL, NONE_WHEN_MIXED = "partial", "none_when_mixed"


@dataclass(frozen=True)
class Category:
    code: str
    label: Promise
    meaning: Promise
    # FRR: 1 classed, 0.5 partially, 0 not (what matching reads); None for zonages.
    value: float | None = None


@dataclass(frozen=True)
class Scheme:
    name: str  # as given to `import_classement --scheme`
    key: str  # IndicatorValue.key
    label: Promise  # the line's label on a profile
    title: str  # DataSource.title
    publisher: str
    # Most under-served (or most classed) first.
    categories: tuple[Category, ...]
    merge: str = NONE_WHEN_MIXED
    url: str = ""

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]


ARS_AIDS = _(
    "Les aides éventuellement attachées à ce zonage et leurs conditions sont présentées par "
    "l’ARS de la région et l’Assurance maladie."
)


def _paramedical(*extra: Category) -> tuple[Category, ...]:
    """The five levels of the ARS zonages of infirmiers, sages-femmes, masseurs-kinésithérapeutes,
    chirurgiens-dentistes and orthophonistes (by bassin de vie or territoire de vie-santé)."""
    return (
        Category(
            "TSD",
            _("Zone très sous-dotée"),
            _("Zone très sous-dotée : l’offre de soins de la profession y est la plus faible."),
        ),
        Category(
            "SD",
            _("Zone sous-dotée"),
            _("Zone sous-dotée : l’offre de soins de la profession y est faible."),
        ),
        Category(
            "INT",
            _("Zone intermédiaire"),
            _("Zone intermédiaire : l’offre de soins de la profession y est moyenne."),
        ),
        Category(
            "TD",
            _("Zone très dotée"),
            _("Zone très dotée : l’offre de soins de la profession y est élevée."),
        ),
        Category(
            "SUR",
            _("Zone sur-dotée"),
            _(
                "Zone sur-dotée : l’offre de soins de la profession y est la plus élevée ; "
                "l’installation conventionnée peut y être encadrée (renseignez-vous auprès de "
                "l’ARS et de l’Assurance maladie)."
            ),
        ),
        *extra,
    )


NON_PRIORITY = Category(
    "NP",
    _("Zone non prioritaire"),
    _("Zone non prioritaire : zone où l’ARS ne relève pas de manque de cette profession."),
)


def _ars_scheme(
    profession: str, suffix: str, words: str, label: Promise, *extra: Category
) -> Scheme:
    """The ARS zonage of a paramedical profession or of dentists (its arrêté's categories):
    scheme `zonage_<profession>`, indicator `zonage_<suffix>`."""
    return Scheme(
        name=f"zonage_{profession}",
        key=f"zonage_{suffix}",
        label=label,
        title=f"Zonage des {words} (arrêté de l’ARS)",
        publisher="ARS",
        categories=_paramedical(*extra),
    )


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in [
        Scheme(
            name="frr",
            key="frr",
            label=_("France Ruralités Revitalisation (FRR)"),
            title="Classement des communes en zone France Ruralités Revitalisation (FRR)",
            publisher="ANCT",
            merge=PARTIAL,
            url="https://agence-cohesion-territoires.gouv.fr/",
            categories=(
                Category(
                    "FRR+",
                    _("Classée en FRR+"),
                    _(
                        "Commune classée en FRR+, le niveau renforcé de France Ruralités "
                        "Revitalisation. Les mesures attachées au classement et leurs conditions "
                        "sont présentées par l’ANCT et les services de l’État."
                    ),
                    1.0,
                ),
                Category(
                    "FRR",
                    _("Classée en FRR"),
                    _(
                        "Commune classée en France Ruralités Revitalisation, le zonage rural de "
                        "l’État qui a remplacé les ZRR le 1er juillet 2024. Les mesures attachées "
                        "au classement et leurs conditions sont présentées par l’ANCT et les "
                        "services de l’État."
                    ),
                    1.0,
                ),
                Category(
                    "P",
                    _("Partiellement classée en FRR"),
                    _(
                        "Une partie seulement de la commune (d’anciennes communes fusionnées) est "
                        "classée en France Ruralités Revitalisation."
                    ),
                    0.5,
                ),
                Category(
                    "NC",
                    _("Non classée en FRR"),
                    _("Commune non classée en France Ruralités Revitalisation."),
                    0.0,
                ),
            ),
        ),
        Scheme(
            name="zonage_medecins",
            key="zonage_mg",
            label=_("Zonage ARS des médecins"),
            title="Zonage des médecins (arrêté de l’ARS)",
            publisher="ARS",
            categories=(
                Category(
                    "ZIP",
                    _("Zone d’intervention prioritaire (ZIP)"),
                    _(
                        "Zone d’intervention prioritaire : la plus sous-dotée en médecins selon "
                        "l’ARS. Les aides à l’installation attachées à ce zonage (Assurance "
                        "maladie, État, collectivités) et leurs conditions sont présentées par "
                        "l’ARS de la région."
                    ),
                ),
                Category(
                    "ZAC",
                    _("Zone d’action complémentaire (ZAC)"),
                    _(
                        "Zone d’action complémentaire : sous-dotée, un cran en dessous des ZIP ; "
                        "des aides de l’État et des collectivités peuvent s’y appliquer, leurs "
                        "conditions sont présentées par l’ARS de la région."
                    ),
                ),
                Category(
                    "ZAR",
                    _("Zone d’accompagnement régional (ZAR)"),
                    _(
                        "Zone d’accompagnement régional : zone de vigilance définie par l’ARS, où "
                        "des aides régionales peuvent s’appliquer selon les régions."
                    ),
                ),
                Category(
                    "HZ",
                    _("Hors zonage"),
                    _("Hors zonage : pas d’aide à l’installation liée au zonage des médecins."),
                ),
            ),
        ),
        _ars_scheme("infirmiers", "inf", "infirmiers", _("Zonage ARS des infirmiers")),
        _ars_scheme("sages_femmes", "sf", "sages-femmes", _("Zonage ARS des sages-femmes")),
        _ars_scheme(
            "masseurs_kinesitherapeutes",
            "mk",
            "masseurs-kinésithérapeutes",
            _("Zonage ARS des masseurs-kinésithérapeutes"),
            NON_PRIORITY,
        ),
        _ars_scheme(
            "chirurgiens_dentistes",
            "cd",
            "chirurgiens-dentistes",
            _("Zonage ARS des chirurgiens-dentistes"),
            NON_PRIORITY,
        ),
        _ars_scheme(
            "orthophonistes", "ortho", "orthophonistes", _("Zonage ARS des orthophonistes")
        ),
    ]
}
SCHEMES_BY_KEY: dict[str, Scheme] = {s.key: s for s in SCHEMES.values()}
ZONAGE_KEYS = [s.key for s in SCHEMES.values() if s.name.startswith("zonage_")]

# The ARS zonage that concerns each profession (none for the others: no line is shown).
PROFESSION_ZONAGE: dict[str, str] = {
    Profession.GENERAL_PRACTITIONER: "zonage_mg",
    Profession.NURSE: "zonage_inf",
    Profession.ADVANCED_PRACTICE_NURSE: "zonage_inf",
    Profession.MIDWIFE: "zonage_sf",
    Profession.PHYSIOTHERAPIST: "zonage_mk",
    Profession.DENTIST: "zonage_cd",
    Profession.SPEECH_THERAPIST: "zonage_ortho",
}

# ZRR, as the ANCT published it in 2017: shown for what it is, never as current.
ZRR_MEANING = _(
    "Classement de 2017, remplacé par France Ruralités Revitalisation (FRR) le 1er juillet 2024 : "
    "il est affiché pour mémoire. Le classement en vigueur est celui de FRR, présenté par l’ANCT."
)


def category_label(key: str, code: str) -> str:
    """The French label of a stored category (the code itself when the scheme does not know it)."""
    scheme = SCHEMES_BY_KEY.get(key)
    category = scheme.category(code) if scheme else None
    return str(category.label) if category else code


def category_meaning(key: str, code: str) -> str:
    scheme = SCHEMES_BY_KEY.get(key)
    category = scheme.category(code) if scheme else None
    if category is None:
        return str(ZRR_MEANING) if key == "zrr" else ""
    if key in ZONAGE_KEYS and key != "zonage_mg":
        return f"{category.meaning} {ARS_AIDS}"
    return str(category.meaning)
