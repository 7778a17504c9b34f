"""Browser hints and the same checks on the server, with plain sentences."""

from __future__ import annotations

from typing import Any

import pytest

from app.formfill import (
    Block,
    Choice,
    Field,
    Repeat,
    fill_document,
    iter_nodes,
    layout,
    values_from_document,
)
from tests.formfill.schemas import FORMS, Case, canonical

ZAMELDOWANIE = Case(
    FORMS / "zameldowanie/1/schema.xsd", FORMS / "zameldowanie/1/sample.xml"
)


def sample_values() -> dict[str, str]:
    return values_from_document(ZAMELDOWANIE.root(), ZAMELDOWANIE.sample())


def field(model: Block, key: str) -> Field:
    found = [n for n in iter_nodes(model) if isinstance(n, Field) and n.key == key]
    assert found, f"no field {key}"
    return found[0]


def compose_with(**changes: str) -> tuple[Block, Any]:
    values = sample_values()
    values.update({k.replace("__", "/"): v for k, v in changes.items()})
    return fill_document(ZAMELDOWANIE.schema(), ZAMELDOWANIE.root(), values)


def test_facets_become_browser_hints() -> None:
    model = layout(ZAMELDOWANIE.root(), {})

    pesel = field(model, "Osoba.0/PESEL.0")
    name = field(model, "Osoba.0/Imie.0")
    born = field(model, "Osoba.0/DataUrodzenia.0")
    stay = field(model, "RodzajPobytu.0")

    assert (pesel.required, pesel.hints.kind, pesel.hints.pattern) == (
        True,
        "text",
        r"\d{11}",
    )
    assert (name.hints.maxlength, name.hints.minlength) == (60, 1)
    assert born.hints.kind == "date"
    assert stay.hints.kind == "radio"
    assert stay.hints.options == (
        ("staly", "Pobyt stały"),
        ("czasowy", "Pobyt czasowy"),
    )
    assert stay.label == "Rodzaj zgłaszanego pobytu: stały albo czasowy"


def test_optional_element_is_not_required_and_left_out_when_empty() -> None:
    model, composed = compose_with(**{"Osoba.0__DrugieImie.0": ""})

    assert field(model, "Osoba.0/DrugieImie.0").required is False
    assert composed.xml is not None and b"DrugieImie" not in composed.xml


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "Osoba.0/PESEL.0",
            "1234",
            "The value does not have the required form; see the hint.",
        ),
        ("Osoba.0/Imie.0", "x" * 61, "Type at most 60 characters."),
        ("Osoba.0/DataUrodzenia.0", "14.05.1944", "Enter a date as YYYY-MM-DD."),
        ("RodzajPobytu.0", "na-zawsze", "Choose one of the offered values."),
        ("Osoba.0/Nazwisko.0", "", "Fill in this field."),
        (
            "PotwierdzenieWlasciciela.0/PotwierdzamPobyt.0",
            "false",
            "This value is fixed by the form: true.",
        ),
    ],
)
def test_server_refuses_what_the_schema_refuses_next_to_the_field(
    key: str, value: str, message: str
) -> None:
    values = sample_values()
    values[key] = value

    model, composed = fill_document(ZAMELDOWANIE.schema(), ZAMELDOWANIE.root(), values)

    broken = field(model, key)
    assert composed.xml is None
    assert broken.error == message
    assert composed.errors == [(broken.html_id, broken.label, message)]


def test_numbers_get_bounds_and_steps_from_facets() -> None:
    from tests.formfill.schemas import CORPUS, PCC3

    pcc3 = Case(
        CORPUS / PCC3, CORPUS / "edeklaracje-pcc3/samples/pcc3_valid_anonymised.xml"
    )
    values = values_from_document(pcc3.root(), pcc3.sample())
    model = layout(pcc3.root(), values)

    whole = field(model, "PozycjeSzczegolowe.0/~14.0/P_49.0")
    amount = field(model, "PozycjeSzczegolowe.0/~14.0/P_51.0")
    date = field(model, "Naglowek.0/Data.0")
    office = field(model, "Naglowek.0/KodUrzedu.0")

    assert (whole.hints.kind, whole.hints.minimum, whole.hints.step) == (
        "number",
        "0",
        "1",
    )
    assert (amount.hints.kind, amount.hints.step) == ("number", "0.01")
    assert (date.hints.kind, date.hints.minimum) == ("date", "2024-01-01")
    assert office.hints.kind == "select" and len(office.hints.options) > 300


def test_choice_offers_each_branch_and_lays_out_the_chosen_one() -> None:
    values = sample_values()
    values["_c:AdresPoprzedni.0"] = "1"

    model = layout(ZAMELDOWANIE.root(), values)
    choice = next(
        n
        for n in iter_nodes(model)
        if isinstance(n, Choice) and n.key == "AdresPoprzedni.0"
    )

    assert [label for _n, label in choice.options] == [
        "Poprzedni adres w Polsce",
        "Poprzedni adres za granicą",
    ]
    assert choice.selected == 1
    keys = {n.key for n in iter_nodes(choice) if isinstance(n, Field)}
    assert keys == {
        "AdresPoprzedni.0/AdresZaGranica.0/Kraj.0",
        "AdresPoprzedni.0/AdresZaGranica.0/Adres.0",
    }


def test_choosing_the_other_branch_composes_the_other_element() -> None:
    _model, composed = compose_with(
        **{
            "_c:AdresPoprzedni.0": "1",
            "AdresPoprzedni.0__AdresZaGranica.0__Kraj.0": "DE",
            "AdresPoprzedni.0__AdresZaGranica.0__Adres.0": "Beispielstraße 1, Berlin",
        }
    )

    assert composed.xml is not None, composed.errors
    assert b"<AdresZaGranica>" in composed.xml and b"<AdresWPolsce>" not in composed.xml


def test_repeated_element_is_a_repeat_within_its_bounds() -> None:
    model = layout(ZAMELDOWANIE.root(), {"_n:Osoba.0/Obywatelstwo": "3"})

    repeat = next(
        n
        for n in iter_nodes(model)
        if isinstance(n, Repeat) and n.key == "Osoba.0/Obywatelstwo"
    )
    assert (repeat.count, repeat.minimum, repeat.maximum) == (3, 1, 3)
    assert not repeat.can_add and repeat.can_remove


def test_element_order_follows_the_schema_not_the_post() -> None:
    values = dict(reversed(list(sample_values().items())))

    _, composed = fill_document(ZAMELDOWANIE.schema(), ZAMELDOWANIE.root(), values)

    assert composed.xml is not None
    assert canonical(composed.xml) == canonical(ZAMELDOWANIE.sample())


def test_printed_rows_show_labels_of_codes_and_yes_for_ticks() -> None:
    from app.formfill.summary import summary_rows
    from tests.formfill.schemas import CORPUS, PCC3

    pcc3 = Case(
        CORPUS / PCC3, CORPUS / "edeklaracje-pcc3/samples/pcc3_valid_anonymised.xml"
    )
    model = layout(pcc3.root(), values_from_document(pcc3.root(), pcc3.sample()))
    rows = {(r.label, r.value) for r in summary_rows(model)}

    assert ("Kod urzedu", "DRUGI MAZOWIECKI URZĄD SKARBOWY W WARSZAWIE (1472)") in rows
    assert ("Kod formularza", "PCC-3") in rows, "a one-value list shows its value"
    assert ("P_21", "1") in rows
    assert ("Nazwisko", "TESTOWY") in rows
    assert ("Osoba fizyczna", None) in rows

    ours = layout(ZAMELDOWANIE.root(), sample_values())
    statement = [r for r in summary_rows(ours) if r.label.startswith("Oświadczenie")]
    assert [r.value for r in statement] == ["tak / yes"]


def test_a_required_one_value_code_is_filled_in_and_a_tick_is_asked() -> None:
    from tests.formfill.schemas import CORPUS, FA3

    fa3 = Case(CORPUS / FA3, CORPUS / "ksef-fa3/samples/FA_3_Przyklad_1_podstawowa.xml")
    model = layout(fa3.root(), {})

    code = field(model, "Naglowek.0/KodFormularza.0")
    statement = field(
        blank_zameldowanie(), "PotwierdzenieWlasciciela.0/PotwierdzamPobyt.0"
    )

    assert (code.fixed, code.value) == ("FA", "FA")
    assert (statement.fixed, statement.value, statement.hints.kind) == (
        "true",
        "",
        "boolean",
    ), "a statement is not ticked for the person"


def blank_zameldowanie() -> Block:
    return layout(ZAMELDOWANIE.root(), {})
