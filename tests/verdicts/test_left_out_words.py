"""The report never says "the whole signed document" when a transform cut
part of it out (review F1): it names the parts, in both languages."""

from __future__ import annotations

from app.verdicts.sentences import covered


def _signature(left_out: list[str]) -> dict[str, object]:
    return {"covered": [{"uri": "", "kind": "document", "left_out": left_out}]}


def test_a_document_with_a_part_left_out_is_not_called_whole() -> None:
    english = covered(_signature(["/PismoOgolne/Tresc"]), "en")
    polish = covered(_signature(["/PismoOgolne/Tresc"]), "pl")

    assert english == [
        "the signed document, except what the signature left out: /PismoOgolne/Tresc"
    ]
    assert polish == [
        "podpisany dokument, z wyjątkiem tego, co podpis pominął: /PismoOgolne/Tresc"
    ]


def test_a_whole_document_and_an_older_report_are_still_whole() -> None:
    older = {"covered": [{"uri": "", "kind": "document"}]}

    assert covered(_signature([]), "en") == ["the whole signed document"]
    assert covered(older, "pl") == ["cały podpisany dokument"]
