"""The rural criterion ("zrr" in the URL): FRR once imported, else the 2017 ZRR classification,
never presented as current nor with a promise of tax measures."""

import pytest

from tests.matching.builders import commune, indicator
from tremplin.core.professions import Profession
from tremplin.matching.criteria import CRITERIA, criteria_build
from tremplin.matching.selectors import matching_search
from tremplin.matching.store import matrix_current

pytestmark = pytest.mark.django_db


def search() -> object:
    return matching_search(
        criteria=criteria_build(profession=Profession.NURSE, stated={"zrr": "important"}),
        scale="communes",
    )


def names(result: object) -> list[str]:
    return [item.name for item in result.results]  # type: ignore[attr-defined]


@pytest.fixture
def communes() -> dict:
    return {
        "classed_2017": commune("23001", "Classée en 2017", 46.0, 2.0),
        "classed_frr": commune("23002", "Classée en FRR", 46.1, 2.0),
    }


def test_without_frr_it_reads_the_2017_zrr_and_says_so(communes: dict) -> None:
    indicator(communes["classed_2017"], "zrr", 1.0, category="Classée en ZRR")
    indicator(communes["classed_frr"], "zrr", 0.0, category="Non classée")

    result = search()

    assert matrix_current().rural_scheme == "zrr"
    assert names(result)[0] == "Classée en 2017"
    explanation = result.results[0].explanation  # type: ignore[attr-defined]
    assert "classée en ZRR en 2017 (classement remplacé par FRR le 1er juillet 2024)" in explanation
    assert "exonération" not in explanation.lower()


def test_once_frr_is_imported_it_reads_frr(communes: dict) -> None:
    indicator(communes["classed_2017"], "zrr", 1.0, category="Classée en ZRR")
    indicator(communes["classed_frr"], "zrr", 0.0, category="Non classée")
    indicator(communes["classed_2017"], "frr", 0.0, category="NC")
    indicator(communes["classed_frr"], "frr", 1.0, category="FRR")

    result = search()

    assert matrix_current().rural_scheme == "frr"
    assert names(result)[0] == "Classée en FRR"
    explanation = result.results[0].explanation  # type: ignore[attr-defined]
    assert "France Ruralités Revitalisation (FRR)" in explanation
    assert "ZRR" not in explanation


def test_the_criterion_promises_no_tax_measure() -> None:
    texts = [str(CRITERIA["zrr"].label), str(CRITERIA["zrr"].help_text)]
    assert all("exonération" not in text.lower() for text in texts)
    assert "FRR" in texts[0]
