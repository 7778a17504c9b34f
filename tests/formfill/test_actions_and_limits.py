"""Add and remove without JavaScript; absurd sizes refused with a message."""

from __future__ import annotations

import pytest

from app.formfill import FormLimitError, Limits, apply_action, layout
from tests.formfill.schemas import FORMS, Case

ZAMELDOWANIE = Case(
    FORMS / "zameldowanie/1/schema.xsd", FORMS / "zameldowanie/1/sample.xml"
)


def test_add_counts_one_more_instance() -> None:
    values = apply_action({"_n:Osoba.0/Obywatelstwo": "1"}, "add:Osoba.0/Obywatelstwo")

    assert values["_n:Osoba.0/Obywatelstwo"] == "2"


def test_remove_drops_the_instance_and_renumbers_the_rest() -> None:
    values = {
        "_n:Osoba.0/Obywatelstwo": "3",
        "Osoba.0/Obywatelstwo.0": "PL",
        "Osoba.0/Obywatelstwo.1": "DE",
        "Osoba.0/Obywatelstwo.2": "UA",
        "Osoba.0/Imie.0": "Jan",
    }

    after = apply_action(values, "remove:Osoba.0/Obywatelstwo.1")

    assert after == {
        "_n:Osoba.0/Obywatelstwo": "2",
        "Osoba.0/Obywatelstwo.0": "PL",
        "Osoba.0/Obywatelstwo.1": "UA",
        "Osoba.0/Imie.0": "Jan",
    }


def test_remove_renumbers_nested_keys_and_their_markers() -> None:
    values = {
        "_n:Fa.0/FaWiersz": "2",
        "Fa.0/FaWiersz.0/P_7.0": "first",
        "Fa.0/FaWiersz.1/P_7.0": "second",
        "_c:Fa.0/FaWiersz.1": "1",
        "Fa.0/FaWiersz.1/@Id": "x",
        "Fa.0/FaWiersz.10/P_7.0": "eleventh",
    }

    after = apply_action(values, "remove:Fa.0/FaWiersz.0")

    assert after["Fa.0/FaWiersz.0/P_7.0"] == "second"
    assert after["_c:Fa.0/FaWiersz.0"] == "1"
    assert after["Fa.0/FaWiersz.0/@Id"] == "x"
    assert after["Fa.0/FaWiersz.9/P_7.0"] == "eleventh"
    assert after["_n:Fa.0/FaWiersz"] == "1"


def test_unknown_action_changes_nothing() -> None:
    assert apply_action({"a.0": "1"}, "drop-table") == {"a.0": "1"}


def test_a_count_beyond_the_schema_is_refused() -> None:
    with pytest.raises(FormLimitError, match="at most 3 times"):
        layout(ZAMELDOWANIE.root(), {"_n:Osoba.0/Obywatelstwo": "4"})


def test_an_absurd_count_is_refused_before_anything_is_laid_out() -> None:
    with pytest.raises(FormLimitError, match="at most"):
        layout(ZAMELDOWANIE.root(), {"_n:Osoba.0/Obywatelstwo": "9" * 40})


def test_a_form_beyond_the_field_limit_is_refused() -> None:
    with pytest.raises(FormLimitError, match="more than 10 fields"):
        layout(ZAMELDOWANIE.root(), {}, Limits(fields=10))


def test_a_form_beyond_the_depth_limit_is_refused() -> None:
    with pytest.raises(FormLimitError, match="nested too deeply"):
        layout(ZAMELDOWANIE.root(), {}, Limits(depth=1))


def test_unbounded_repeats_stop_at_the_page_limit() -> None:
    from tests.formfill.schemas import CORPUS, FA3

    fa3 = Case(CORPUS / FA3, CORPUS / "ksef-fa3/samples/FA_3_Przyklad_4_EUR.xml")

    with pytest.raises(FormLimitError, match="at most 5 times"):
        layout(fa3.root(), {"_n:Fa.0/FaWiersz": "6"}, Limits(repeat=5))
