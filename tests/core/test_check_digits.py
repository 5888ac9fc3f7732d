"""Every wrong key, and every single wrong digit, of valid RPPS, SIREN and SIRET numbers.

The Luhn key catches any one digit typed wrong: a rule that lets one through (a key accepted off
by a remainder other than zero, a position not doubled) fails here."""

import pytest
from django.core.exceptions import ValidationError

from tremplin.core.validators import (
    luhn_is_valid,
    normalise_digits,
    validate_rpps,
    validate_siren,
    validate_siret,
)

VALID = {
    validate_rpps: ["10003456786", "10012345673", "81000000000", "29999999997"],
    validate_siren: ["732829320", "552100554", "130025265", "000000000"],
    validate_siret: ["73282932000074", "55210055400013", "13002526500013"],
}
CODES = {validate_rpps: "rpps_key", validate_siren: "siren_key", validate_siret: "siret_key"}
CASES = [(check, number) for check, numbers in VALID.items() for number in numbers]


def ids(case: tuple) -> str:
    check, number = case
    return f"{check.__name__.removeprefix('validate_')}-{number}"


def substitutions(number: str, position: int) -> list[str]:
    return [
        number[:position] + digit + number[position + 1 :]
        for digit in "0123456789"
        if digit != number[position]
    ]


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_the_valid_numbers_are_accepted(case):
    check, number = case
    check(number)
    assert luhn_is_valid(number)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_each_of_the_nine_other_keys_is_refused(case):
    check, number = case
    wrong = substitutions(number, len(number) - 1)
    assert len(wrong) == 9
    for value in wrong:
        with pytest.raises(ValidationError) as error:
            check(value)
        assert error.value.code == CODES[check], value


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_any_single_digit_typed_wrong_is_refused(case):
    check, number = case
    for position in range(len(number) - 1):
        for value in substitutions(number, position):
            with pytest.raises(ValidationError) as error:
                check(value)
            assert error.value.code == CODES[check], value


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_spaces_typed_between_the_digits_are_ignored(case):
    check, number = case
    check(" ".join([number[:3], number[3:6], number[6:]]))
    check(f"\t{number}\n")
    assert normalise_digits(f" {number[:4]} {number[4:]} ") == number


def test_the_luhn_key_of_a_known_number():
    # The textbook example: 7992739871 has the key 3, and only 3.
    assert [d for d in "0123456789" if luhn_is_valid("7992739871" + d)] == ["3"]
    # Doubling a digit above 4 subtracts 9: 5 → 1, 9 → 9; an odd position is not doubled.
    assert luhn_is_valid("59")
    assert luhn_is_valid("91")
    assert luhn_is_valid("0")
    assert not luhn_is_valid("1")
    assert luhn_is_valid("18")
    assert not luhn_is_valid("81")


# La Poste: its establishments' SIRET add up to a multiple of 5, a rule that a change of 5 in one
# digit does not catch; its head office keeps the Luhn key.
LA_POSTE = "35600000049837"  # digits adding up to 45


def test_only_la_poste_keys_keeping_a_multiple_of_5_are_accepted():
    accepted = []
    for digit in "0123456789":
        try:
            validate_siret(LA_POSTE[:-1] + digit)
        except ValidationError as error:
            assert error.code == "siret_key"
        else:
            accepted.append(digit)
    assert accepted == ["2", "7"]


def test_the_la_poste_rule_is_for_la_poste_only():
    # Another SIREN with the same establishment digits: Luhn applies, whose key here is 7.
    looks_alike = "4560000004983"
    assert [d for d in "0123456789" if luhn_is_valid(looks_alike + d)] == ["7"]
    validate_siret(looks_alike + "7")
    with pytest.raises(ValidationError):
        validate_siret(looks_alike + "6")  # digits adding up to 45, but not La Poste's


def test_la_poste_head_office_is_checked_by_luhn():
    validate_siret("35600000000048")
    # Its neighbour by one key is an ordinary establishment: the sum rule (3+5+6+4+7 = 25).
    validate_siret("35600000000047")
    with pytest.raises(ValidationError):
        validate_siret("35600000000049")


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (validate_rpps, "1000345678", "Le numéro RPPS compte 11 chiffres (vous en avez saisi 10)."),
        (
            validate_rpps,
            "1000345678A",
            "Le numéro RPPS compte 11 chiffres (vous en avez saisi 10).",
        ),
        (
            validate_rpps,
            "100034567861",
            "Le numéro RPPS compte 11 chiffres (vous en avez saisi 12).",
        ),
        (validate_rpps, "", "Le numéro RPPS compte 11 chiffres (vous en avez saisi 0)."),
        (validate_siren, "73282932", "Le numéro SIREN compte 9 chiffres."),
        (validate_siren, "7328293200", "Le numéro SIREN compte 9 chiffres."),
        (validate_siren, "73282932O", "Le numéro SIREN compte 9 chiffres."),
        (
            validate_siret,
            "7328293200007",
            "Le numéro SIRET compte 14 chiffres (9 pour le SIREN, 5 pour l’établissement).",
        ),
        (
            validate_siret,
            "732829320000740",
            "Le numéro SIRET compte 14 chiffres (9 pour le SIREN, 5 pour l’établissement).",
        ),
        (
            validate_siret,
            "7328293200007A",
            "Le numéro SIRET compte 14 chiffres (9 pour le SIREN, 5 pour l’établissement).",
        ),
    ],
)
def test_a_number_of_the_wrong_shape_is_refused_with_its_length(check, value, message):
    with pytest.raises(ValidationError) as error:
        check(value)
    assert error.value.code == CODES[check].replace("_key", "_shape")
    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (
            validate_rpps,
            "10003456787",
            "Ce numéro RPPS n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le.",
        ),
        (
            validate_siren,
            "732829321",
            "Ce numéro SIREN n’est pas valide : sa clé de contrôle ne correspond pas.",
        ),
        (
            validate_siret,
            "73282932000075",
            "Ce numéro SIRET n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le.",
        ),
    ],
)
def test_a_wrong_key_is_refused_with_a_reason(check, value, message):
    with pytest.raises(ValidationError) as error:
        check(value)
    assert error.value.messages == [message]
