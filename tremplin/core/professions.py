"""Reference list of health professions, shared by profiles, offers and matching.

Grouped as users expect them in a select box; identifiers are stable (stored in the database).
"""

from collections.abc import Sequence

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    GENERAL_PRACTITIONER = "medecin_generaliste", _("Médecin généraliste")
    ALLERGOLOGIST = "allergologue", _("Allergologue")
    ANAESTHETIST = "anesthesiste", _("Anesthésiste-réanimateur")
    CARDIOLOGIST = "cardiologue", _("Cardiologue")
    DERMATOLOGIST = "dermatologue", _("Dermatologue")
    ENDOCRINOLOGIST = "endocrinologue", _("Endocrinologue")
    EMERGENCY_PHYSICIAN = "urgentiste", _("Médecin urgentiste")
    GASTROENTEROLOGIST = "gastro_enterologue", _("Gastro-entérologue")
    GERIATRICIAN = "geriatre", _("Gériatre")
    GYNAECOLOGIST = "gynecologue", _("Gynécologue")
    NEPHROLOGIST = "nephrologue", _("Néphrologue")
    NEUROLOGIST = "neurologue", _("Neurologue")
    ONCOLOGIST = "oncologue", _("Oncologue")
    OPHTHALMOLOGIST = "ophtalmologue", _("Ophtalmologue")
    ENT_SPECIALIST = "orl", _("Oto-rhino-laryngologiste (ORL)")
    PAEDIATRICIAN = "pediatre", _("Pédiatre")
    PULMONOLOGIST = "pneumologue", _("Pneumologue")
    PSYCHIATRIST = "psychiatre", _("Psychiatre")
    RADIOLOGIST = "radiologue", _("Radiologue")
    RHEUMATOLOGIST = "rhumatologue", _("Rhumatologue")
    PHYSICAL_MEDICINE = "medecin_mpr", _("Médecin de médecine physique et de réadaptation")
    OCCUPATIONAL_PHYSICIAN = "medecin_du_travail", _("Médecin du travail")
    SURGEON = "chirurgien", _("Chirurgien")
    OTHER_PHYSICIAN = "medecin_autre_specialite", _("Médecin, autre spécialité")
    DENTIST = "chirurgien_dentiste", _("Chirurgien-dentiste")
    MIDWIFE = "sage_femme", _("Sage-femme")
    PHARMACIST = "pharmacien", _("Pharmacien")
    NURSE = "infirmier", _("Infirmier")
    ADVANCED_PRACTICE_NURSE = "infirmier_pratique_avancee", _("Infirmier en pratique avancée (IPA)")
    PHYSIOTHERAPIST = "masseur_kinesitherapeute", _("Masseur-kinésithérapeute")
    SPEECH_THERAPIST = "orthophoniste", _("Orthophoniste")
    ORTHOPTIST = "orthoptiste", _("Orthoptiste")
    PODIATRIST = "pedicure_podologue", _("Pédicure-podologue")
    PSYCHOLOGIST = "psychologue", _("Psychologue")
    OCCUPATIONAL_THERAPIST = "ergotherapeute", _("Ergothérapeute")
    PSYCHOMOTOR_THERAPIST = "psychomotricien", _("Psychomotricien")
    DIETITIAN = "dieteticien", _("Diététicien")
    RADIOGRAPHER = "manipulateur_radio", _("Manipulateur en électroradiologie médicale")
    LAB_TECHNICIAN = "technicien_laboratoire", _("Technicien de laboratoire médical")
    CARE_ASSISTANT = "aide_soignant", _("Aide-soignant")
    PHARMACY_TECHNICIAN = "preparateur_pharmacie", _("Préparateur en pharmacie")
    AUDIOLOGIST = "audioprothesiste", _("Audioprothésiste")
    OPTICIAN = "opticien", _("Opticien-lunetier")
    MEDICAL_ASSISTANT = "assistant_medical", _("Assistant médical")
    OTHER = "autre", _("Autre profession de santé")


PHYSICIANS = frozenset(
    {
        Profession.GENERAL_PRACTITIONER,
        Profession.ALLERGOLOGIST,
        Profession.ANAESTHETIST,
        Profession.CARDIOLOGIST,
        Profession.DERMATOLOGIST,
        Profession.ENDOCRINOLOGIST,
        Profession.EMERGENCY_PHYSICIAN,
        Profession.GASTROENTEROLOGIST,
        Profession.GERIATRICIAN,
        Profession.GYNAECOLOGIST,
        Profession.NEPHROLOGIST,
        Profession.NEUROLOGIST,
        Profession.ONCOLOGIST,
        Profession.OPHTHALMOLOGIST,
        Profession.ENT_SPECIALIST,
        Profession.PAEDIATRICIAN,
        Profession.PULMONOLOGIST,
        Profession.PSYCHIATRIST,
        Profession.RADIOLOGIST,
        Profession.RHEUMATOLOGIST,
        Profession.PHYSICAL_MEDICINE,
        Profession.OCCUPATIONAL_PHYSICIAN,
        Profession.SURGEON,
        Profession.OTHER_PHYSICIAN,
    }
)


def profession_grouped_choices() -> list[tuple[Promise, Sequence[tuple[str, Promise]]]]:
    """Choices grouped for a <select> with <optgroup>: physicians first, then the others."""
    physicians = [(p.value, p.label) for p in Profession if p in PHYSICIANS]
    others = [(p.value, p.label) for p in Profession if p not in PHYSICIANS]
    return [(_("Médecins"), physicians), (_("Autres professions de santé"), others)]
