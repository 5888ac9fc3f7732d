"""Reading what the providers say about a person: only the claims Tremplin uses.

Pro Santé Connect (ANS): `SubjectNameID` is the national identifier of the professional,
« 8 » followed by the 11-digit RPPS for those registered in the RPPS (an ADELI-registered
professional's starts otherwise and carries no RPPS); `SubjectRefPro.exercices` lists their
professions, each with `codeProfession` (ANS nomenclature TRE_G15) and, for physicians,
`codeSavoirFaire` (TRE_R38 / TRE_R39). ProConnect (DINUM): `email`, `given_name`, `usual_name`
and `siret` of the agent's organisation. docs/identity.md says what each one is used for.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tremplin.core.professions import Profession
from tremplin.core.validators import validate_rpps, validate_siret

# TRE_G15-ProfessionSante → the profession Tremplin knows. A physician (10) is refined by the
# savoir-faire below; an unknown code is « autre profession de santé ».
PROFESSION_CODES: dict[str, str] = {
    "10": Profession.OTHER_PHYSICIAN,
    "21": Profession.PHARMACIST,
    "26": Profession.AUDIOLOGIST,
    "28": Profession.OPTICIAN,
    "35": Profession.CARE_ASSISTANT,
    "39": Profession.PHARMACY_TECHNICIAN,
    "40": Profession.DENTIST,
    "50": Profession.MIDWIFE,
    "60": Profession.NURSE,
    "70": Profession.PHYSIOTHERAPIST,
    "80": Profession.PODIATRIST,
    "86": Profession.LAB_TECHNICIAN,
    "91": Profession.SPEECH_THERAPIST,
    "92": Profession.ORTHOPTIST,
    "93": Profession.PSYCHOLOGIST,
    "94": Profession.OCCUPATIONAL_THERAPIST,
    "95": Profession.DIETITIAN,
    "96": Profession.PSYCHOMOTOR_THERAPIST,
    "98": Profession.RADIOGRAPHER,
}
# A physician's qualification (savoir-faire) → speciality. Only general practice is mapped
# (qualified in, specialist in, general medicine): it is what the missions look for; any
# other physician is « médecin, autre spécialité » and may refine it on their profile.
PHYSICIAN_SPECIALITIES: dict[str, str] = {
    "SM26": Profession.GENERAL_PRACTITIONER,
    "SM53": Profession.GENERAL_PRACTITIONER,
    "SM54": Profession.GENERAL_PRACTITIONER,
}


class ClaimsRefused(Exception):
    """What the provider sent cannot be used; the message is for the person, in French."""


@dataclass(frozen=True)
class ProSanteConnectIdentity:
    subject: str
    rpps: str
    professions: list[str]
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class ProConnectIdentity:
    subject: str
    email: str
    siret: str
    first_name: str = ""
    last_name: str = ""
    siren: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "siren", self.siret[:9])


def _text(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def _exercices(claims: dict) -> list[dict]:
    ref_pro = claims.get("SubjectRefPro")
    if isinstance(ref_pro, dict):
        exercices = ref_pro.get("exercices")
        if isinstance(exercices, list):
            return [item for item in exercices if isinstance(item, dict)]
    return []


def profession_of(exercice: dict) -> str:
    code = str(exercice.get("codeProfession") or "").strip()
    if code == "10":
        speciality = str(exercice.get("codeSavoirFaire") or "").strip().upper()
        return PHYSICIAN_SPECIALITIES.get(speciality, Profession.OTHER_PHYSICIAN)
    return PROFESSION_CODES.get(code, Profession.OTHER)


def pro_sante_connect_identity(claims: dict) -> ProSanteConnectIdentity:
    subject = _text(claims, "sub")
    national_id = _text(claims, "SubjectNameID")
    exercices = _exercices(claims)
    if not subject or not national_id or not exercices:
        raise ClaimsRefused(
            _(
                "Pro Santé Connect n’a pas transmis votre identifiant national ou vos activités : "
                "la connexion n’a pas abouti et rien n’a été enregistré."
            )
        )
    rpps = national_id[1:] if national_id.startswith("8") else ""
    try:
        validate_rpps(rpps)
    except ValidationError:
        raise ClaimsRefused(
            _(
                "Votre identifiant Pro Santé Connect ne contient pas de numéro RPPS : Tremplin "
                "ne peut pas le vérifier. Connectez-vous avec votre adresse e-mail."
            )
        ) from None
    professions: list[str] = []
    for exercice in exercices:
        profession = profession_of(exercice)
        if profession not in professions:
            professions.append(profession)
    return ProSanteConnectIdentity(
        subject=subject,
        rpps=rpps,
        professions=professions,
        email=_text(claims, "email").lower(),
        first_name=_text(claims, "given_name"),
        last_name=_text(claims, "family_name"),
    )


def proconnect_identity(claims: dict) -> ProConnectIdentity:
    subject = _text(claims, "sub")
    email = _text(claims, "email").lower()
    siret = "".join(_text(claims, "siret").split())
    if not subject or not email or not siret:
        raise ClaimsRefused(
            _(
                "ProConnect n’a pas transmis votre adresse e-mail ou le SIRET de votre "
                "organisation : la connexion n’a pas abouti et rien n’a été enregistré."
            )
        )
    try:
        validate_siret(siret)
    except ValidationError:
        raise ClaimsRefused(
            _("Le SIRET transmis par ProConnect n’est pas valide : la connexion n’a pas abouti.")
        ) from None
    return ProConnectIdentity(
        subject=subject,
        email=email,
        siret=siret,
        first_name=_text(claims, "given_name"),
        last_name=_text(claims, "usual_name"),
    )
