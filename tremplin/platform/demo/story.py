"""The demonstration story of `make run`, as data: who works where, what they post, what the
collectivités offer, who already came and what they said. Real territories of the commune base:
the Creuse (Felletin, Aubusson, Guéret, Bourganeuf, Auzances) and the Morvan (Château-Chinon,
Montsauche-les-Settons, Lormes). Places are INSEE codes; an intercommunalité's SIREN is never
written here, it is read from the base (the EPCI of its seat commune). `loader.py` writes it.

Dates are relative to the day `load_demo` runs (offers in the coming weeks, stays in the past
months, the next internship semester), so the story never goes stale."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tremplin.core.professions import PHYSICIANS, Profession
from tremplin.hosting.models import ActivityKind, Answer, HousingKind, StrongPoint
from tremplin.offers.models import (
    InternshipLevel,
    OfferKind,
    PracticeSetting,
    ReplacementType,
    Secretariat,
)
from tremplin.organisations.models import Organisation, OrganisationType

DEMO_DOMAIN = "demo.tremplin.localhost"

# What each kind of health organisation can post: an offer of another profession is not
# credible (a nursing practice looking for a dentist). The one table the demo and its tests read.
ORGANISATION_PROFESSIONS: dict[str, frozenset[Profession]] = {
    OrganisationType.MSP: frozenset(
        {
            Profession.GENERAL_PRACTITIONER,
            Profession.NURSE,
            Profession.ADVANCED_PRACTICE_NURSE,
            Profession.PHYSIOTHERAPIST,
            Profession.MIDWIFE,
            Profession.SPEECH_THERAPIST,
            Profession.PODIATRIST,
            Profession.DIETITIAN,
            Profession.PSYCHOLOGIST,
            Profession.ORTHOPTIST,
            Profession.MEDICAL_ASSISTANT,
        }
    ),
    OrganisationType.HEALTH_CENTRE: frozenset(
        {
            Profession.GENERAL_PRACTITIONER,
            Profession.NURSE,
            Profession.ADVANCED_PRACTICE_NURSE,
            Profession.DENTIST,
            Profession.MIDWIFE,
            Profession.PHYSIOTHERAPIST,
            Profession.GYNAECOLOGIST,
            Profession.PAEDIATRICIAN,
            Profession.OPHTHALMOLOGIST,
            Profession.ORTHOPTIST,
            Profession.PSYCHOLOGIST,
            Profession.MEDICAL_ASSISTANT,
        }
    ),
    OrganisationType.HOSPITAL: PHYSICIANS
    | {
        Profession.NURSE,
        Profession.ADVANCED_PRACTICE_NURSE,
        Profession.CARE_ASSISTANT,
        Profession.MIDWIFE,
        Profession.PHYSIOTHERAPIST,
        Profession.PHARMACIST,
        Profession.PHARMACY_TECHNICIAN,
        Profession.RADIOGRAPHER,
        Profession.LAB_TECHNICIAN,
        Profession.OCCUPATIONAL_THERAPIST,
        Profession.PSYCHOLOGIST,
        Profession.DIETITIAN,
        Profession.SPEECH_THERAPIST,
    },
    OrganisationType.CLINIC: PHYSICIANS
    | {
        Profession.NURSE,
        Profession.CARE_ASSISTANT,
        Profession.PHYSIOTHERAPIST,
        Profession.RADIOGRAPHER,
        Profession.PHARMACIST,
    },
    OrganisationType.EHPAD: frozenset(
        {
            Profession.CARE_ASSISTANT,
            Profession.NURSE,
            Profession.GENERAL_PRACTITIONER,  # the médecin coordonnateur
            Profession.GERIATRICIAN,
            Profession.PHYSIOTHERAPIST,
            Profession.PSYCHOLOGIST,
            Profession.OCCUPATIONAL_THERAPIST,
            Profession.PSYCHOMOTOR_THERAPIST,
            Profession.DIETITIAN,
        }
    ),
}
# A cabinet libéral is one profession's practice: its name says which.
CABINET_PROFESSIONS: dict[str, frozenset[Profession]] = {
    "cabinet infirmier": frozenset({Profession.NURSE, Profession.ADVANCED_PRACTICE_NURSE}),
    "cabinet médical": PHYSICIANS,
    "cabinet de kinésithérapie": frozenset({Profession.PHYSIOTHERAPIST}),
    "cabinet dentaire": frozenset({Profession.DENTIST}),
    "cabinet de sage-femme": frozenset({Profession.MIDWIFE}),
    "cabinet d’orthophonie": frozenset({Profession.SPEECH_THERAPIST}),
}


def professions_for(organisation: Organisation) -> frozenset[Profession]:
    """The professions an organisation of this type (and, for a cabinet, this name) posts
    offers for; none for a collectivité or an unnamed cabinet."""
    if organisation.type == OrganisationType.LIBERAL_PRACTICE:
        name = organisation.name.lower()
        return frozenset().union(
            *(professions for words, professions in CABINET_PROFESSIONS.items() if words in name)
        )
    return ORGANISATION_PROFESSIONS.get(organisation.type, frozenset())


# People -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: str  # the e-mail is key@DEMO_DOMAIN
    first_name: str
    last_name: str
    role: str  # what README and the command's output say of them (developer-facing)
    profession: Profession | None = None
    status: str = ""  # ProfessionalStatus
    is_staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


PEOPLE = [
    Person("moderation", "Camille", "Modératrice", "modératrice de la plateforme", is_staff=True),
    Person("lea", "Léa", "Interne", "interne en médecine générale (cherche un terrain)",
           Profession.GENERAL_PRACTITIONER, "interne"),
    Person("ines", "Inès", "Junior", "docteure junior, semestre à Felletin",
           Profession.GENERAL_PRACTITIONER, "docteur_junior"),
    Person("karim", "Karim", "Remplaçant", "infirmier remplaçant, a séjourné à Felletin",
           Profession.NURSE, "remplacant"),
    Person("elise", "Élise", "Kiné", "masseuse-kinésithérapeute, installée à Felletin",
           Profession.PHYSIOTHERAPIST, "installe"),
    Person("martin", "Jean", "Martin", "médecin, MSP du Plateau de Millevaches (Felletin)"),
    Person("nathalie", "Nathalie", "Garnier", "directrice, Centre de santé du Pays de Guéret"),
    Person("aurelie", "Aurélie", "Roche", "infirmière, Cabinet infirmier des Combrailles"),
    Person("marc", "Marc", "Lefèvre", "directeur, EHPAD du Pays de Bourganeuf"),
    Person("benoit", "Benoît", "Perrin", "médecin, MSP du Haut-Morvan (Château-Chinon)"),
    Person("sophie", "Sophie", "Attractivité", "chargée d’attractivité, CC Creuse Grand Sud"),
    Person("julien", "Julien", "Mairie", "secrétaire général, Commune de Bourganeuf"),
    Person("claire", "Claire", "Accueil", "chargée de mission, CC Morvan Sommets et Grands Lacs"),
]  # fmt: skip


# Organisations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """An organisation: `insee` is its commune (a health organisation's address, a commune's
    own code, an intercommunalité's seat: its SIREN is that commune's EPCI in the base)."""

    key: str
    name: str
    type: OrganisationType
    insee: str
    postal_code: str
    admin: str  # a Person key


HEALTH_ORGANISATIONS = [
    Place("msp_felletin", "MSP du Plateau de Millevaches (démonstration)", OrganisationType.MSP,
          "23079", "23500", "martin"),
    Place("centre_gueret", "Centre de santé du Pays de Guéret (démonstration)",
          OrganisationType.HEALTH_CENTRE, "23096", "23000", "nathalie"),
    Place("infirmiers_auzances", "Cabinet infirmier des Combrailles (démonstration)",
          OrganisationType.LIBERAL_PRACTICE, "23013", "23700", "aurelie"),
    Place("ehpad_bourganeuf", "EHPAD du Pays de Bourganeuf (démonstration)",
          OrganisationType.EHPAD, "23030", "23400", "marc"),
    Place("msp_morvan", "MSP du Haut-Morvan (démonstration)", OrganisationType.MSP,
          "58062", "58120", "benoit"),
]  # fmt: skip
COLLECTIVITIES = [
    Place("cc_creuse_grand_sud", "Communauté de communes Creuse Grand Sud (démonstration)",
          OrganisationType.EPCI, "23008", "23200", "sophie"),
    Place("bourganeuf", "Commune de Bourganeuf (démonstration)", OrganisationType.COMMUNE,
          "23030", "23400", "julien"),
    Place("cc_morvan", "Communauté de communes Morvan Sommets et Grands Lacs (démonstration)",
          OrganisationType.EPCI, "58062", "58120", "claire"),
]  # fmt: skip
# Names of earlier demo sets, removed with what they posted (an existing database converges).
RETIRED_ORGANISATIONS = ["Commune de Felletin (démonstration)", "Département de la Creuse (démonstration)"]  # fmt: skip


# Dates ------------------------------------------------------------------------------------------


def semester_after(today: date) -> tuple[date, date]:
    """The next internship semester starting after today: May–October or November–April."""
    for year in (today.year, today.year + 1):
        for month in (5, 11):
            start = date(year, month, 1)
            if start > today:
                end = date(year, 10, 31) if month == 5 else date(year + 1, 4, 30)
                return start, end
    raise AssertionError("unreachable")  # pragma: no cover


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]  # fmt: skip


def months_of(start: date, end: date) -> str:
    """« juillet », « juillet-août »."""
    first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
    return first if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class Dates:
    """An offer's or a stay's dates, in days from the day the story is loaded; `semester` puts
    them on the next internship semester; `asap` for « dès que possible »."""

    start: int | None = None
    days: int | None = None
    semester: bool = False
    asap: bool = False

    def resolve(self, today: date) -> tuple[date | None, date | None]:
        if self.semester:
            return semester_after(today)
        if self.start is None:
            return None, None
        start = today + timedelta(days=self.start)
        return start, (start + timedelta(days=self.days) if self.days is not None else None)


# Offers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One offer. `key` identifies it across runs; `title` may hold {months} (its dates' months)
    and must name the commune it is placed in."""

    key: str
    organisation: str
    kind: OfferKind
    profession: Profession
    insee: str
    title: str
    dates: Dates
    description: str
    setting: PracticeSetting
    fields: dict = field(default_factory=dict)
    days_online: int = 5  # published that many days ago


MSP_FELLETIN = (
    "Maison de santé pluriprofessionnelle au cœur de Felletin : quatre médecins généralistes, "
    "six infirmières, deux kinésithérapeutes, une orthophoniste et une sage-femme autour d’un "
    "projet de santé commun. Maître de stage universitaire sur place."
)
OFFERS = [
    Story("felletin_gp_replacement", "msp_felletin", OfferKind.REPLACEMENT,
          Profession.GENERAL_PRACTITIONER, "23079",
          "Cherche remplaçant(e) médecin généraliste, {months} — Felletin",
          Dates(start=42, days=20),
          MSP_FELLETIN + "\n\nDr Martin part trois semaines : consultations de 20 minutes, "
          "quelques visites à domicile, secrétariat sur place. La communauté de communes prête "
          "un appartement meublé à deux pas de la maison de santé.",
          PracticeSetting.MSP,
          {"replacement_type": ReplacementType.ONE_OFF, "retrocession_rate": Decimal(75),
           "patients_per_day": 25, "secretariat": Secretariat.ON_SITE, "software": "Weda",
           "on_call": "Pas de garde de nuit ; un samedi matin sur quatre."}),
    Story("felletin_junior_doctor", "msp_felletin", OfferKind.INTERNSHIP,
          Profession.GENERAL_PRACTITIONER, "23079",
          "Stage docteur junior en médecine générale à la MSP de Felletin",
          Dates(semester=True),
          MSP_FELLETIN + "\n\nTerrain agréé pour la quatrième année de médecine générale : "
          "deux maîtres de stage, une supervision quotidienne, une journée de formation par "
          "semaine. Chambre à la maison des internes d’Aubusson, à dix minutes.",
          PracticeSetting.MSP,
          {"internship_level": InternshipLevel.JUNIOR_DOCTOR, "patients_per_day": 18,
           "secretariat": Secretariat.ON_SITE, "software": "Weda"}),
    Story("felletin_physio", "msp_felletin", OfferKind.COLLABORATION,
          Profession.PHYSIOTHERAPIST, "23079",
          "Collaboration masseur-kinésithérapeute en MSP à Felletin",
          Dates(start=60),
          MSP_FELLETIN + "\n\nSalle de rééducation équipée, patientèle âgée et sportive "
          "(randonneurs du plateau de Millevaches), rétrocession dégressive la première année.",
          PracticeSetting.MSP,
          {"retrocession_rate": Decimal(20), "secretariat": Secretariat.ON_SITE,
           "software": "Kiné+4000"}),
    Story("felletin_nurse", "msp_felletin", OfferKind.REPLACEMENT, Profession.NURSE, "23079",
          "Remplacement infirmier(e) en MSP, {months} — Felletin",
          Dates(start=21, days=14),
          MSP_FELLETIN + "\n\nTournée de Felletin et des hameaux voisins, voiture de service "
          "fournie, soins en cabinet le matin.",
          PracticeSetting.MSP,
          {"replacement_type": ReplacementType.REGULAR, "retrocession_rate": Decimal(85),
           "software": "Topaze"}),
    Story("felletin_succession", "msp_felletin", OfferKind.SUCCESSION,
          Profession.GENERAL_PRACTITIONER, "23079",
          "Succession de médecin généraliste (départ en retraite) à Felletin",
          Dates(asap=True),
          MSP_FELLETIN + "\n\nDr Martin prend sa retraite dans deux ans et souhaite présenter "
          "sa patientèle à son successeur : période de travail en commun possible.",
          PracticeSetting.MSP, {"secretariat": Secretariat.ON_SITE}, days_online=30),
    Story("gueret_gp", "centre_gueret", OfferKind.SALARIED, Profession.GENERAL_PRACTITIONER,
          "23096", "Médecin généraliste salarié(e) au centre de santé de Guéret",
          Dates(start=30),
          "Le centre de santé du Pays de Guéret salarie ses médecins et s’occupe de toute la "
          "gestion : 35 heures, pas de garde, secrétariat et assistante médicale.",
          PracticeSetting.HEALTH_CENTRE,
          {"salary_min": 7000, "salary_max": 8200, "secretariat": Secretariat.ON_SITE,
           "software": "Crossway"}),
    Story("gueret_midwife", "centre_gueret", OfferKind.SALARIED, Profession.MIDWIFE, "23096",
          "Sage-femme salariée au centre de santé de Guéret", Dates(start=45),
          "Suivi de grossesse, rééducation périnéale et prévention, en lien avec la maternité "
          "du centre hospitalier de Guéret.",
          PracticeSetting.HEALTH_CENTRE,
          {"salary_min": 2800, "salary_max": 3400, "secretariat": Secretariat.ON_SITE}),
    Story("gueret_dentist", "centre_gueret", OfferKind.SALARIED, Profession.DENTIST, "23096",
          "Chirurgien-dentiste salarié(e) au centre de santé de Guéret", Dates(asap=True),
          "Deux fauteuils, une assistante dentaire, un plateau technique récent.",
          PracticeSetting.HEALTH_CENTRE,
          {"salary_min": 6000, "salary_max": 7500, "secretariat": Secretariat.ON_SITE},
          days_online=12),
    Story("gueret_discovery", "centre_gueret", OfferKind.DISCOVERY_STAY,
          Profession.GENERAL_PRACTITIONER, "23096",
          "Séjour découverte à Guéret : trois jours au centre de santé", Dates(start=28, days=3),
          "Trois jours pour voir le centre de santé travailler, rencontrer l’équipe et visiter "
          "la ville, sans engagement.",
          PracticeSetting.HEALTH_CENTRE),
    Story("auzances_nurse_replacement", "infirmiers_auzances", OfferKind.REPLACEMENT,
          Profession.NURSE, "23013", "Remplacement infirmier(e) libéral(e), {months} — Auzances",
          Dates(start=35, days=28),
          "Cabinet de trois infirmières libérales : tournée de 25 patients autour d’Auzances, "
          "soins techniques et suivis de diabète, véhicule indispensable.",
          PracticeSetting.GROUP,
          {"replacement_type": ReplacementType.ONE_OFF, "retrocession_rate": Decimal(88),
           "software": "Vega"}),
    Story("auzances_nurse_collaboration", "infirmiers_auzances", OfferKind.COLLABORATION,
          Profession.NURSE, "23013", "Collaboration infirmier(e) en cabinet à Auzances",
          Dates(start=90),
          "Nous cherchons une quatrième infirmière pour partager la tournée et les week-ends.",
          PracticeSetting.GROUP, {"retrocession_rate": Decimal(15), "software": "Vega"}),
    Story("bourganeuf_care_assistant", "ehpad_bourganeuf", OfferKind.SALARIED,
          Profession.CARE_ASSISTANT, "23030", "Aide-soignant(e) en CDI à l’EHPAD de Bourganeuf",
          Dates(asap=True),
          "EHPAD de 80 résidents, équipe stable, plannings connus un mois à l’avance.",
          PracticeSetting.EHPAD, {"salary_min": 1900, "salary_max": 2200}, days_online=9),
    Story("bourganeuf_nurse", "ehpad_bourganeuf", OfferKind.REPLACEMENT, Profession.NURSE,
          "23030", "Infirmier(e) en EHPAD, remplacement de congé, {months} — Bourganeuf",
          Dates(start=50, days=30),
          "Remplacement d’un congé : journées de 7 heures, un week-end sur trois. La commune "
          "prête un studio meublé en centre-bourg.",
          PracticeSetting.EHPAD,
          {"replacement_type": ReplacementType.ONE_OFF, "salary_min": 2400,
           "salary_max": 2700}),
    Story("bourganeuf_coordinator", "ehpad_bourganeuf", OfferKind.SALARIED,
          Profession.GENERAL_PRACTITIONER, "23030",
          "Médecin coordonnateur (mi-temps) à l’EHPAD de Bourganeuf", Dates(start=60),
          "Deux jours et demi par semaine, compatible avec une activité libérale à côté.",
          PracticeSetting.EHPAD, {"salary_min": 4000, "salary_max": 4600}),
    Story("morvan_gp_replacement", "msp_morvan", OfferKind.REPLACEMENT,
          Profession.GENERAL_PRACTITIONER, "58062",
          "Remplacement de médecin généraliste, {months} — Château-Chinon (Ville)",
          Dates(start=56, days=14),
          "Maison de santé de six médecins au pied du mont Beuvray ; le gîte communal des "
          "Settons accueille les remplaçants.",
          PracticeSetting.MSP,
          {"replacement_type": ReplacementType.ONE_OFF, "retrocession_rate": Decimal(70),
           "patients_per_day": 28, "secretariat": Secretariat.REMOTE, "software": "MédiStory"}),
    Story("morvan_intern", "msp_morvan", OfferKind.INTERNSHIP, Profession.GENERAL_PRACTITIONER,
          "58062", "Stage interne en médecine générale à Château-Chinon (Ville)",
          Dates(semester=True),
          "Stage de niveau 1 ou SASPAS, deux maîtres de stage universitaires.",
          PracticeSetting.MSP, {"internship_level": InternshipLevel.INTERN}),
    Story("settons_nurse", "msp_morvan", OfferKind.REPLACEMENT, Profession.NURSE, "58180",
          "Remplacement infirmier(e), {months} — Montsauche-les-Settons",
          Dates(start=40, days=21),
          "Antenne de la MSP aux Settons : tournée autour du lac et des hameaux voisins.",
          PracticeSetting.MSP,
          {"replacement_type": ReplacementType.ONE_OFF, "retrocession_rate": Decimal(85)}),
    Story("lormes_physio", "msp_morvan", OfferKind.INSTALLATION, Profession.PHYSIOTHERAPIST,
          "58145", "Installation de masseur-kinésithérapeute : local disponible à Lormes",
          Dates(asap=True),
          "Antenne de la MSP à Lormes : local de 40 m² équipé, loyer modéré la première année.",
          PracticeSetting.MSP, days_online=20),
]  # fmt: skip


# Welcome ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lodging:
    """A housing: open from `opens` days before the load to `closes` days after it (and to the
    end of the next semester at least)."""

    name: str
    kind: HousingKind
    insee: str
    address: str
    capacity: int
    description: str
    opens: int = 200
    closes: int = 365
    monthly_rent: int | None = None  # None: free


@dataclass(frozen=True)
class Outing:
    title: str
    kind: ActivityKind
    with_whom: str
    place: str
    in_days: int | None  # None: on request
    travel_costs_covered: bool = False


@dataclass(frozen=True)
class Welcome:
    collectivity: str
    presentation: str
    strong_points: list[str]
    contact_name: str
    contact_role: str
    aid: tuple[str, str, str]  # title, amount, conditions
    lodgings: list[Lodging]
    outings: list[Outing]


WELCOMES = [
    Welcome(
        "cc_creuse_grand_sud",
        "Entre plateau de Millevaches et vallée de la Creuse, Aubusson, Felletin et 24 "
        "communes : la tapisserie classée à l’Unesco, le lac de Vassivière à une demi-heure, "
        "des écoles à taille humaine. Nos maisons de santé cherchent des renforts ; nous "
        "logeons celles et ceux qui viennent essayer le territoire.",
        [StrongPoint.NATURE, StrongPoint.CULTURE, StrongPoint.SCHOOLS, StrongPoint.SPOUSE_JOBS],
        "Sophie Attractivité",
        "Chargée d’attractivité, référente installation des professionnels de santé",
        ("Aide à la première installation", "jusqu’à 3 000 €",
         "Pour une installation de trois ans au moins sur la communauté de communes."),
        [
            Lodging("Appartement d’accueil de Felletin", HousingKind.FLAT, "23079",
                    "4 place Quinault, Felletin", 2,
                    "Deux pièces meublées à trois minutes à pied de la maison de santé, linge "
                    "fourni."),
            Lodging("Maison des internes d’Aubusson", HousingKind.HOUSE, "23008",
                    "12 rue Vieille, Aubusson", 4,
                    "Quatre chambres, cuisine et salon partagés : internes et docteurs juniors "
                    "de la Creuse Grand Sud y vivent ensemble le temps d’un semestre."),
            Lodging("Maison des internes du Plateau", HousingKind.HOUSE, "23079",
                    "7 rue des Tanneries, Felletin", 6,
                    "Six chambres à cinq minutes de la MSP, cuisine et jardin partagés : la "
                    "maison des docteurs juniors du plateau, louée au semestre à petit loyer.",
                    monthly_rent=120),
        ],
        [
            Outing("Rencontre avec l’équipe de la MSP de Felletin", ActivityKind.HEALTH_MEETING,
                   "Les médecins et infirmières de la maison de santé", "MSP de Felletin", 14,
                   travel_costs_covered=True),
            Outing("Visite de la Cité internationale de la tapisserie", ActivityKind.CULTURE,
                   "Une médiatrice de la Cité", "Aubusson", 21),
            Outing("Tour du territoire avec le maire d’Aubusson", ActivityKind.MAYOR_TOUR,
                   "Le maire et la référente installation", "Mairie d’Aubusson", None),
        ],
    ),
    Welcome(
        "bourganeuf",
        "Bourganeuf, cité de la tour Zizim, à 35 minutes de Limoges : collège, piscine, "
        "marché du mercredi et le lac de Vassivière tout proche.",
        [StrongPoint.NATURE, StrongPoint.SCHOOLS, StrongPoint.SPORT],
        "Julien Mairie",
        "Secrétaire général de mairie",
        ("Loyer offert les trois premiers mois", "jusqu’à 1 200 €",
         "Pour un professionnel de santé qui s’installe sur la commune."),
        [
            Lodging("Studio de la mairie de Bourganeuf", HousingKind.STUDIO, "23030",
                    "Place de l’Hôtel-de-Ville, Bourganeuf", 1,
                    "Studio meublé au-dessus de la médiathèque, prêté aux soignants de passage."),
        ],
        [
            Outing("Sortie voile au lac de Vassivière", ActivityKind.SPORT,
                   "Le club nautique intercommunal", "Base nautique de Vassivière", 30),
        ],
    ),
    Welcome(
        "cc_morvan",
        "Au cœur du parc naturel régional du Morvan : lacs des Settons et de Pannecière, "
        "forêts, Château-Chinon et ses écoles ; Nevers et Autun à une heure.",
        [StrongPoint.NATURE, StrongPoint.SPORT, StrongPoint.SCHOOLS],
        "Claire Accueil",
        "Chargée de mission santé",
        ("Prise en charge des frais de déplacement", "jusqu’à 500 €",
         "Pour un séjour découverte d’une semaine au moins."),
        [
            Lodging("Gîte communal des Settons", HousingKind.HOUSE, "58180",
                    "Route du lac, Montsauche-les-Settons", 3,
                    "Maison de trois chambres au bord du lac, réservée aux soignants."),
        ],
        [
            Outing("Découverte du lac des Settons en canoë", ActivityKind.NATURE,
                   "Un guide du parc naturel régional", "Montsauche-les-Settons", 25),
            Outing("Rencontre avec les médecins de la MSP du Haut-Morvan",
                   ActivityKind.HEALTH_MEETING, "L’équipe de la maison de santé",
                   "Château-Chinon (Ville)", None, travel_costs_covered=True),
        ],
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Backing:
    """An accepted support: the collectivité lends this housing (open for the offer's dates)."""

    offer: str
    collectivity: str
    housing: str
    message: str


SUPPORTS = [
    Backing("felletin_gp_replacement", "cc_creuse_grand_sud", "Appartement d’accueil de Felletin",
            "L’appartement d’accueil est à vous pour le remplacement, et Sophie vous fait "
            "visiter le territoire."),
    Backing("felletin_junior_doctor", "cc_creuse_grand_sud", "Maison des internes d’Aubusson",
            "Une chambre à la maison des internes pour tout le semestre."),
    Backing("bourganeuf_nurse", "bourganeuf", "Studio de la mairie de Bourganeuf",
            "Le studio de la mairie vous attend pendant tout le remplacement."),
    Backing("morvan_gp_replacement", "cc_morvan", "Gîte communal des Settons",
            "Le gîte des Settons est réservé au remplaçant de la maison de santé."),
]  # fmt: skip


@dataclass(frozen=True)
class Testimony:
    went_well: str
    to_improve: str
    would_come_back: str
    would_settle: str


@dataclass(frozen=True)
class Visit:
    """A stay, in the past (with its testimony) or to come; housed in `housing` (accepted)."""

    professional: str
    collectivity: str
    dates: Dates
    housing: str
    offer: str | None = None
    testimony: Testimony | None = None
    settled: bool = False  # answered « installé(e) » at the first installation question


STAYS = [
    Visit("elise", "cc_creuse_grand_sud", Dates(start=-170, days=21),
          "Appartement d’accueil de Felletin",
          testimony=Testimony(
              "Trois semaines de remplacement à Felletin, un appartement prêt à mon arrivée et "
              "une équipe qui m’a tout de suite intégrée. Je m’y suis installée quelques mois plus tard.",
              "Un vélo prêté aurait été bienvenu pour les premiers jours.",
              Answer.YES, Answer.YES),
          settled=True),
    Visit("karim", "cc_creuse_grand_sud", Dates(start=-70, days=14),
          "Appartement d’accueil de Felletin",
          testimony=Testimony(
              "Deux semaines de tournées sur le plateau : des patients attachants, une MSP "
              "organisée, et la randonnée le dimanche. Sophie avait tout préparé.",
              "Le réseau mobile est faible dans certains hameaux : prévoir un téléphone "
              "de service.",
              Answer.YES, Answer.MAYBE)),
    Visit("ines", "cc_creuse_grand_sud", Dates(semester=True), "Maison des internes d’Aubusson",
          offer="felletin_junior_doctor"),
]  # fmt: skip


# Terrains de stage (docteurs juniors) -------------------------------------------------------------


@dataclass(frozen=True)
class Supervision:
    name: str
    speciality: str


@dataclass(frozen=True)
class Practice:
    """A terrain de stage taking the next semester, with `housing` (a Lodging's name) attached
    to it for that semester by `collectivity`."""

    name: str
    organisation: str  # a Place key (health)
    insee: str
    places: int
    supervisors: list[Supervision]
    transport: str
    practice: str
    collectivity: str  # a Place key (collectivity)
    housing: str


TERRAINS = [
    Practice(
        "Terrain de stage de la MSP du Plateau de Millevaches", "msp_felletin", "23079", 2,
        [Supervision("Dr Jean Martin", "médecin généraliste, MSU depuis 2019"),
         Supervision("Dr Anne Roux", "médecin généraliste, gériatrie")],
        "Car régional vers Aubusson et Limoges ; une voiture est conseillée pour les visites.",
        "Trois médecins, deux infirmières Asalée, une sage-femme ; un bureau dédié au docteur "
        "junior, consultations supervisées puis autonomes, visites en EHPAD.",
        "cc_creuse_grand_sud", "Maison des internes du Plateau",
    ),
]  # fmt: skip


# Missions de solidarité territoriale ------------------------------------------------------------
# The Creuse Grand Sud (the EPCI of Aubusson in the base) is marked a zone rouge for the
# demonstration only: the official list is not shipped. The intercommunalité lends a consulting
# room in Aubusson and its Felletin flat for the night; the ARS verified a volunteer's RPPS.

PEOPLE += [
    Person("ars", "Hélène", "Santé", "chargée de mission, ARS Nouvelle-Aquitaine"),
    Person("paul", "Paul", "Volontaire", "médecin généraliste à Bordeaux, volontaire des missions",
           Profession.GENERAL_PRACTITIONER, "installe"),
]  # fmt: skip


@dataclass(frozen=True)
class MissionDay:
    days_ahead: int
    period: str  # SlotPeriod value
    with_housing: bool = False


MISSION_ARRETE = date(2025, 9, 1)
MISSION_ZONE_INSEE = "23008"  # Aubusson: its EPCI is the demonstration's zone rouge
MISSION_PARTNER = Place("ars_na", "ARS Nouvelle-Aquitaine (démonstration)", OrganisationType.ARS,
                        "23008", "33000", "ars")  # fmt: skip
MISSION_SITE_HOST = "cc_creuse_grand_sud"
MISSION_SITE_NAME = "Cabinet intercommunal d’Aubusson (démonstration)"
MISSION_SITE_ADDRESS = "3 rue des Déportés, Aubusson"
MISSION_SITE_EQUIPMENT = "Cabinet équipé (ECG, spiromètre), dossier patient partagé de la MSP."
MISSION_HOUSING = "Appartement d’accueil de Felletin"
MISSION_VOLUNTEER = "paul"
MISSION_VOLUNTEER_RPPS = "10003456786"
MISSION_DAYS = [
    MissionDay(9, "journee", with_housing=True),
    MissionDay(10, "matin"),
    MissionDay(16, "journee", with_housing=True),
    MissionDay(23, "apres_midi"),
    MissionDay(30, "journee"),
]
