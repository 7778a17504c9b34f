"""XSD → HTML form → XML on our three forms and the real FA(3) and PCC-3.

Each sample is read into form values, the page is rendered from the
schema, the values a browser would post are collected from that HTML and
composed back into XML, which must validate and equal the sample
canonically. No form has a template of its own.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.catalog import validate_element
from app.formfill import (
    Field,
    fill_document,
    iter_nodes,
    layout,
    values_from_document,
    values_from_post,
)
from tests.formfill.schemas import Case, browser_values, canonical, cases, render_fields


@pytest.mark.parametrize("case", cases())
def test_sample_read_into_the_form_composes_back_to_the_same_document(
    case: Case,
) -> None:
    values = values_from_document(case.root(), case.sample())

    _model, composed = fill_document(case.schema(), case.root(), values)

    assert composed.errors == []
    assert composed.xml is not None
    assert canonical(composed.xml) == canonical(case.sample())


@pytest.mark.parametrize("case", cases())
def test_what_the_rendered_page_posts_composes_back_to_the_sample(
    case: Case,
) -> None:
    values = values_from_document(case.root(), case.sample())
    page = render_fields(layout(case.root(), values))

    posted = values_from_post(MultiDict(browser_values(page)))
    _, composed = fill_document(case.schema(), case.root(), posted)

    assert composed.xml is not None, composed.errors
    assert canonical(composed.xml) == canonical(case.sample())


@pytest.mark.parametrize("case", cases())
def test_composed_document_validates_against_the_pinned_schema(case: Case) -> None:
    from lxml import etree

    values = values_from_document(case.root(), case.sample())
    _, composed = fill_document(case.schema(), case.root(), values)
    assert composed.xml is not None

    assert validate_element(case.schema(), etree.fromstring(composed.xml)) == []


@pytest.mark.parametrize("case", cases())
def test_blank_form_is_refused_with_an_error_on_each_required_field(
    case: Case,
) -> None:
    model, composed = fill_document(case.schema(), case.root(), {})

    required = [
        f
        for f in iter_nodes(model)
        if isinstance(f, Field) and f.required and not f.value
    ]
    assert composed.xml is None
    assert required, "a blank form should have required fields to fill"
    assert {target for target, _l, _m in composed.errors} >= {
        f.html_id for f in required
    }
    assert all(f.error == "Fill in this field." for f in required)


@pytest.mark.parametrize("case", cases())
def test_every_control_has_a_label_and_a_unique_id(case: Case) -> None:
    from lxml import html

    values = values_from_document(case.root(), case.sample())
    tree = html.fromstring(render_fields(layout(case.root(), values)))

    controls = tree.xpath("//input[not(@type='hidden')]|//select|//textarea|//button")
    ids = [c.get("id") for c in tree.xpath("//*[@id]")]
    unlabelled = [
        c.get("name")
        for c in controls
        if c.tag != "button"
        and not c.xpath("ancestor::label")
        and not tree.xpath(f'//label[@for="{c.get("id")}"]')
    ]
    assert controls
    assert unlabelled == []
    assert len(ids) == len(set(ids))
    assert all((b.text_content() or "").strip() for b in tree.xpath("//button"))
