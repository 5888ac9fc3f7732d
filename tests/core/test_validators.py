import pytest
from django.core.exceptions import ValidationError

from tremplin.core.validators import luhn_is_valid, validate_rpps, validate_siren, validate_siret


def test_it_computes_the_luhn_key():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")


@pytest.mark.parametrize("value", ["10003456786", "1001 2345 673"])
def test_it_accepts_a_well_formed_rpps(value):
    validate_rpps(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1000345678", "rpps_shape"),
        ("100034567861", "rpps_shape"),
        ("1000345678A", "rpps_shape"),
        ("10003456787", "rpps_key"),
    ],
)
def test_it_refuses_a_malformed_rpps_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_rpps(value)
    assert error.value.code == code
    assert "RPPS" in str(error.value.messages[0])


def test_it_accepts_a_valid_siret_and_siren():
    validate_siret("732 829 320 00074")
    validate_siren("732829320")


@pytest.mark.parametrize(
    ("value", "code"),
    [("7328293200007", "siret_shape"), ("73282932000075", "siret_key")],
)
def test_it_refuses_a_wrong_siret(value, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == code


def test_it_applies_la_poste_rule_to_its_establishments():
    # Not a Luhn number, but its digits add up to a multiple of 5: valid for La Poste.
    assert not luhn_is_valid("35600000049837")
    validate_siret("35600000049837")
    with pytest.raises(ValidationError):
        validate_siret("35600000049838")


def test_it_refuses_a_siren_with_a_wrong_key():
    with pytest.raises(ValidationError):
        validate_siren("732829321")


def test_la_poste_head_office_keeps_the_luhn_key():
    # 356 000 000 00048: its digits add up to 26, not a multiple of 5, but its Luhn key is right.
    assert luhn_is_valid("35600000000048")
    validate_siret("356 000 000 00048")
