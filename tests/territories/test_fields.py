"""The commune field every form uses: what it accepts, what it refuses and how it says so."""

import pytest
from django import forms

from tests.territories.factories import CommuneAliasFactory, CommuneFactory
from tremplin.core.forms import BaseForm
from tremplin.territories.fields import CommuneField, CommuneListField
from tremplin.territories.models import Commune, PostalCode
from tremplin.territories.text import normalise_name

pytestmark = pytest.mark.django_db


def commune(insee: str, name: str, postal: str = "", population: int = 1000) -> Commune:
    created = CommuneFactory(insee=insee, name=name, population=population, postal_codes=postal)
    for code in postal.split():
        PostalCode.objects.create(code=code, commune=created)
    return created


@pytest.fixture
def gueret():
    return commune("23096", "Guéret", "23000", population=13161)


class OneCommune(BaseForm):
    commune = CommuneField(label="Commune")


class MaybeCommune(BaseForm):
    commune = CommuneField(label="Commune", required=False)


class SeveralCommunes(BaseForm):
    communes = CommuneListField(label="Communes", required=False, max_communes=3)


def cleaned(text: str) -> Commune:
    form = OneCommune({"commune": text})
    assert form.is_valid(), form.errors
    return form.cleaned_data["commune"]


def error(text: str, form_class: type[forms.Form] = OneCommune) -> str:
    form = form_class({"commune": text})
    assert not form.is_valid()
    return " ".join(form.errors["commune"])


@pytest.mark.parametrize(
    "typed", ["Guéret", "gueret", "GUÉRET", "  Guéret ", "Guéret (23)", "guéret(23", "23096"]
)
def test_it_finds_a_commune_by_its_name_however_written_or_its_insee_code(gueret, typed):
    assert cleaned(typed) == gueret


def test_it_reads_st_as_saint_and_ignores_hyphens_and_apostrophes():
    junien = commune("87154", "Saint-Junien")
    hay = commune("94038", "L'Haÿ-les-Roses")

    assert cleaned("St Junien") == junien
    assert cleaned("st-junien") == junien
    assert cleaned("l hay les roses") == hay
    assert normalise_name("Ste-Foy") == "sainte foy"


def test_a_postal_code_of_one_commune_finds_it(gueret):
    assert cleaned("23000") == gueret


def test_a_postal_code_shared_by_several_communes_asks_which(gueret):
    commune("23177", "Saint-Fiel", "23000", population=1100)

    message = error("23000")

    assert message.startswith("Plusieurs communes ont le code postal « 23000 ».")
    assert "Vouliez-vous dire : « Guéret (23) », « Saint-Fiel (23) » ?" in message


def test_a_name_and_a_postal_code_settle_a_shared_postal_code(gueret):
    saint_fiel = commune("23177", "Saint-Fiel", "23000")

    assert cleaned("Saint-Fiel (23000)") == saint_fiel


def test_a_former_commune_is_found_by_its_code_or_its_name(gueret):
    CommuneAliasFactory(code="23199", commune=gueret, name="Sainte-Feyre-la-Montagne")

    assert cleaned("23199") == gueret
    assert cleaned("Ste Feyre la Montagne") == gueret


def test_a_typo_is_refused_with_the_closest_communes(gueret):
    commune("87085", "Limoges", population=129000)

    message = error("Gueert")

    assert message == (
        "« Gueert » ne correspond exactement à aucune commune. "
        "Vouliez-vous dire : « Guéret (23) » ?"
    )


def test_homonyms_are_refused_with_each_of_them_by_departement():
    commune("93066", "Saint-Denis", population=113000)
    commune("97411", "Saint-Denis", population=153000)

    message = error("saint denis")

    assert message == (
        "Plusieurs communes correspondent à « saint denis ». "
        "Vouliez-vous dire : « Saint-Denis (974) », « Saint-Denis (93) » ?"
    )
    assert cleaned("Saint-Denis (93)").insee == "93066"
    assert cleaned("Saint-Denis (974)").insee == "97411"


def test_homonyms_of_one_departement_are_told_apart_by_their_insee_code():
    first = commune("23010", "Bord")
    second = commune("23020", "Bord")

    assert "« Bord (23010) », « Bord (23020) »" in error("Bord")
    assert "« Bord (23) »" in error("Bord (23)")
    assert cleaned("Bord (23020)") == second
    assert OneCommune(initial={"commune": first})["commune"].value() == "Bord (23010)"


def test_nothing_matching_is_said_in_french():
    assert error("99999") == "Aucune commune ne correspond à « 99999 »."
    assert error("Xyzzy") == "Aucune commune ne correspond à « Xyzzy »."


def test_an_empty_field_is_required_or_none(gueret):
    assert error("   ") == "Ce champ est obligatoire."
    form = MaybeCommune({"commune": ""})
    assert form.is_valid()
    assert form.cleaned_data["commune"] is None


def test_a_commune_outside_the_area_is_refused(gueret):
    felletin = commune("23079", "Felletin")
    form = OneCommune({"commune": "Guéret"})
    form.fields["commune"].area = Commune.objects.filter(insee=felletin.insee)  # type: ignore[attr-defined]

    assert not form.is_valid()
    assert form.errors["commune"] == ["« Guéret » n’est pas une commune de votre territoire."]


def test_a_commune_found_is_shown_by_its_name_and_what_was_not_as_typed(gueret):
    found = OneCommune({"commune": "23096"})
    found.is_valid()
    refused = OneCommune({"commune": "Gueert"})
    refused.is_valid()

    assert found["commune"].value() == "Guéret (23)"
    assert 'value="Guéret (23)"' in str(found["commune"])
    assert refused["commune"].value() == "Gueert"
    assert OneCommune(initial={"commune": gueret})["commune"].value() == "Guéret (23)"


def test_the_input_is_a_text_field_marked_for_the_autocomplete(gueret):
    html = str(OneCommune()["commune"])

    assert 'type="text"' in html
    assert 'data-commune-autocomplete="/territoires/communes/suggestions/"' in html
    assert 'autocomplete="off"' in html
    # The ARIA combobox is the script's: without it, a plain text field.
    assert 'role="combobox"' not in html
    assert "territories/commune-autocomplete.js" in html


def test_a_list_reads_names_and_codes_separated_by_commas_without_repeats(gueret):
    felletin = commune("23079", "Felletin")
    form = SeveralCommunes({"communes": "Guéret, 23079; felletin"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["communes"] == [gueret, felletin]
    assert form["communes"].value() == "Guéret (23), Felletin (23), Felletin (23)"
    assert 'data-commune-separator=","' in str(form["communes"])


def test_a_list_reads_insee_codes_separated_by_spaces(gueret):
    felletin = commune("23079", "Felletin")
    form = SeveralCommunes({"communes": "23096 23079"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["communes"] == [gueret, felletin]


def test_a_list_says_what_is_wrong_with_each_place_and_how_many_are_allowed(gueret):
    refused = SeveralCommunes({"communes": "Gueert, Guéret, 99999"})
    too_many = SeveralCommunes({"communes": "a, b, c, d"})

    assert not refused.is_valid()
    assert refused.errors["communes"] == [
        "« Gueert » ne correspond exactement à aucune commune. Vouliez-vous dire : « Guéret (23) » ?",
        "Aucune commune ne correspond à « 99999 ».",
    ]
    assert refused["communes"].value() == "Gueert, Guéret, 99999"
    assert not too_many.is_valid()
    assert too_many.errors["communes"] == ["3 communes au plus, séparées par des virgules."]
