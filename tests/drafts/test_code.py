"""Draft codes: readable symbols, and a check symbol that catches typing slips."""

from __future__ import annotations

import itertools

from app.drafts.code import (
    ALPHABET,
    LENGTH,
    CodeProblem,
    code_problem,
    format_code,
    new_code,
    normalise_code,
)


def test_new_codes_have_ten_unambiguous_symbols_and_pass_their_check() -> None:
    codes = {new_code() for _ in range(200)}

    assert len(codes) == 200
    for code in codes:
        assert len(code) == LENGTH == 10
        assert not set(code) & set("01IOU")
        assert normalise_code(code) == code


def test_printed_form_with_dash_spaces_and_lower_case_is_understood() -> None:
    code = new_code()

    assert normalise_code(f" {format_code(code).lower()} ") == code
    assert normalise_code(f"{code[:3]} {code[3:6]} {code[6:]}") == code


def test_every_single_wrong_symbol_is_caught() -> None:
    code = new_code()

    for position, symbol in itertools.product(range(LENGTH), ALPHABET):
        if symbol != code[position]:
            typo = code[:position] + symbol + code[position + 1 :]
            assert normalise_code(typo) is None, typo


def test_every_swap_of_two_different_neighbours_is_caught() -> None:
    for _ in range(50):
        code = new_code()
        for n in range(LENGTH - 1):
            if code[n] != code[n + 1]:
                swapped = code[:n] + code[n + 1] + code[n] + code[n + 2 :]
                assert normalise_code(swapped) is None, swapped


def test_what_is_not_a_code_is_refused() -> None:
    for typed in ("", "ABC", "O" * 10, new_code() + "2", "ĄĘÓŁŚŻŹĆŃX"):
        assert normalise_code(typed) is None


def test_a_code_typed_with_other_blanks_and_dashes_is_understood() -> None:
    code = new_code()
    typed = f"\u00a0{code[:5].lower()}\u2013{code[5:]}\t"

    assert normalise_code(typed) == code
    assert code_problem(typed) is None


def test_what_is_wrong_with_a_typed_code_is_told_apart() -> None:
    code = new_code()
    slipped = code[:-1] + next(ch for ch in ALPHABET if ch != code[-1])
    lookalike = "O" + code[1:]

    assert code_problem(" - ") is CodeProblem.EMPTY
    assert code_problem(code[:-1]) is CodeProblem.LENGTH
    assert code_problem(code + "2") is CodeProblem.LENGTH
    assert code_problem(lookalike) is CodeProblem.SYMBOL
    assert code_problem(slipped) is CodeProblem.CHECK
    assert normalise_code(slipped) is None
