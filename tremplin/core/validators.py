"""Checks of French identifiers: shape first, then their control key."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share this SIREN; their SIRET keys use a sum-of-digits rule, except
# the head office's, which keeps the Luhn key.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"


def luhn_is_valid(digits: str) -> bool:
    """Luhn (mod 10) check over a string of digits, key included as the last digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_digits(value: str) -> str:
    return "".join(value.split())


def validate_rpps(value: str) -> None:
    digits = normalise_digits(value)
    if len(digits) != 11 or not digits.isdigit():
        raise ValidationError(
            _("Le numéro RPPS compte 11 chiffres (vous en avez saisi %(count)s)."),
            code="rpps_shape",
            params={"count": sum(c.isdigit() for c in digits)},
        )
    if not luhn_is_valid(digits):
        raise ValidationError(
            _(
                "Ce numéro RPPS n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le."
            ),
            code="rpps_key",
        )


def validate_siren(value: str) -> None:
    digits = normalise_digits(value)
    if len(digits) != 9 or not digits.isdigit():
        raise ValidationError(_("Le numéro SIREN compte 9 chiffres."), code="siren_shape")
    if not luhn_is_valid(digits):
        raise ValidationError(
            _("Ce numéro SIREN n’est pas valide : sa clé de contrôle ne correspond pas."),
            code="siren_key",
        )


def validate_siret(value: str) -> None:
    digits = normalise_digits(value)
    if len(digits) != 14 or not digits.isdigit():
        raise ValidationError(
            _("Le numéro SIRET compte 14 chiffres (9 pour le SIREN, 5 pour l’établissement)."),
            code="siret_shape",
        )
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_HEAD_OFFICE_SIRET:
        valid = sum(int(c) for c in digits) % 5 == 0
    else:
        valid = luhn_is_valid(digits)
    if not valid:
        raise ValidationError(
            _(
                "Ce numéro SIRET n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le."
            ),
            code="siret_key",
        )
