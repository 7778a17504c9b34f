"""English labels for our forms from labels.en.toml; outside schemas stay Polish.

Our schemas are pinned and documented in Polish, so English words come from
a labels file per form version. Every element, attribute and enumeration
value must have English words there; outside schemas (PCC-3, KSeF FA(3))
have none, so their Polish words stay and are marked lang="pl".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import html

from app.catalog import Catalog, CatalogError
from app.formfill import (
    Block,
    Choice,
    Field,
    Repeat,
    iter_nodes,
    layout,
    load_labels,
    values_from_document,
)
from app.formfill.hints import enumeration_options
from app.formfill.labels import label_path, schema_paths
from app.formfill.nodes import SHORT_LABEL, describe
from tests.formfill.schemas import CORPUS, FORMS, OURS, PCC3, Case, render_fields

LABELLED = (Block, Field, Choice, Repeat)


def ours(form_id: str) -> Case:
    folder = FORMS / form_id / "1"
    return Case(folder / "schema.xsd", folder / "sample.xml")


def english(form_id: str) -> Any:
    return load_labels(FORMS / form_id / "1" / "labels.en.toml", "en")


@pytest.mark.parametrize("form_id", OURS)
def test_every_element_of_our_forms_has_english_words(form_id: str) -> None:
    labels = english(form_id)
    missing, untold, unnamed = [], [], []
    for path, component in schema_paths(ours(form_id).root()):
        entry = labels.get(path)
        if entry is None:
            missing.append(path)
            continue

        if describe(component)[1] and not entry.help:
            untold.append(path)  # the Polish help would show on English pages

        stype = getattr(component, "type", None)
        values = [v for v, _ in enumeration_options(stype)] if stype else []
        unnamed += [f"{path}={v}" for v in values if v not in entry.options]

    assert missing == [], f"no English label for {missing}"
    assert untold == [], f"no English help for {untold}"
    assert unnamed == [], f"no English words for the values {unnamed}"


@pytest.mark.parametrize("form_id", OURS)
def test_every_english_entry_names_an_element_of_the_schema(form_id: str) -> None:
    known = {path for path, _ in schema_paths(ours(form_id).root())}
    labels = english(form_id)

    assert sorted(set(labels.entries) - known) == []
    for entry in labels.entries.values():
        assert len(entry.label) <= SHORT_LABEL + 10, entry.label


@pytest.mark.parametrize("form_id", OURS)
def test_the_english_page_shows_english_words_and_the_polish_page_polish(
    form_id: str,
) -> None:
    case = ours(form_id)
    values = values_from_document(case.root(), case.sample())
    labels = english(form_id)
    root_name = str(case.root().local_name)

    shown = layout(case.root(), values, lang="en", labels=labels)
    polish = layout(case.root(), values)

    for node in iter_nodes(shown):
        if isinstance(node, (Block, Field)):
            assert node.lang is None
            assert node.label == labels.entries[label_path(root_name, node.key)].label

    assert [n.label for n in iter_nodes(shown) if isinstance(n, LABELLED)] != [
        n.label for n in iter_nodes(polish) if isinstance(n, LABELLED)
    ]
    assert all(n.lang is None for n in iter_nodes(polish) if isinstance(n, LABELLED))


def test_enumerations_and_choices_are_named_in_english() -> None:
    case = ours("zameldowanie")
    values = values_from_document(case.root(), case.sample())
    model = layout(case.root(), values, lang="en", labels=english("zameldowanie"))
    nodes = list(iter_nodes(model))
    kind = next(n for n in nodes if isinstance(n, Field) and n.code == "RodzajPobytu")
    choice = next(n for n in nodes if isinstance(n, Choice))
    repeat = next(
        n for n in nodes if isinstance(n, Repeat) and n.key.endswith("Obywatelstwo")
    )

    assert dict(kind.hints.options) == {
        "staly": "Permanent residence",
        "czasowy": "Temporary residence",
    }
    assert [label for _n, label in choice.options] == [
        "Previous address in Poland",
        "Previous address abroad",
    ]
    assert repeat.label == "Citizenship"


@pytest.mark.corpus
def test_an_outside_schema_keeps_polish_words_marked_as_polish() -> None:
    case = Case(
        CORPUS / PCC3, CORPUS / "edeklaracje-pcc3/samples/pcc3_valid_anonymised.xml"
    )
    values = values_from_document(case.root(), case.sample())
    polish = layout(case.root(), values)
    shown = layout(case.root(), values, lang="en", labels=None)

    labelled = [n for n in iter_nodes(shown) if isinstance(n, (Block, Field))]
    assert {n.lang for n in labelled} == {"pl"}
    assert [n.label for n in labelled] == [
        n.label for n in iter_nodes(polish) if isinstance(n, (Block, Field))
    ]
    page = html.fromstring(render_fields(shown))
    for label in page.iter("label", "legend"):
        spans = label.findall("span[@lang='pl']")
        assert spans, html.tostring(label)[:200]
    buttons = page.xpath("//button[starts-with(@value, 'add:')]")
    assert buttons and all(b.findall("span[@lang='pl']") for b in buttons)


def test_label_paths_drop_indices_and_groups() -> None:
    assert label_path("R", "") == "/R"
    assert label_path("R", "A.0/B~2.3/~1.0/C.1") == "/R/A/B/C"
    assert label_path("R", "A.0/@Id") == "/R/A/@Id"
    assert label_path("R", "A.0/Obywatelstwo") == "/R/A/Obywatelstwo"


def test_a_broken_labels_file_stops_the_catalog(tmp_path: Path) -> None:
    folder = tmp_path / "zameldowanie" / "1"
    folder.mkdir(parents=True)
    for source in (FORMS / "zameldowanie" / "1").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "labels.en.toml").write_text('["/ZgloszeniePobytu"]\nhelp = "x"\n')

    with pytest.raises(CatalogError, match="no label"):
        Catalog.load(tmp_path)
