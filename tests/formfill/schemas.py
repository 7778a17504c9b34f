"""The five schemas the browser form must handle, with their samples."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from flask import Flask, render_template_string
from flask_babel import Babel
from lxml import etree, html

from app.catalog import load_schema, parse_local
from app.formfill import root_element

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
CORPUS = ROOT.parent / "shared" / "corpus" / "forms-real"
MISSING = f"{CORPUS} is absent: the shared corpus (../shared) must be checked out"
OURS = ("pismo-ogolne", "zameldowanie", "zaswiadczenie-o-niezaleganiu")
FA3 = "ksef-fa3/schemat_FA(3)_v1-0E.xsd"
PCC3 = "edeklaracje-pcc3/schemat.xsd"
FA3_SAMPLES = (
    "FA_3_Przyklad_1_podstawowa.xml",
    "FA_3_Przyklad_1_zaliczkowa.xml",
    "FA_3_Przyklad_4_EUR.xml",
    "FA_3_Przyklad_4_korygujaca.xml",
    "FA_3_Zalacznik_Przyklad_1.xml",
)
_COMPILED: dict[Path, xmlschema.XMLSchema] = {}


@dataclass(frozen=True)
class Case:
    """A schema and one valid sample document of it."""

    schema_path: Path
    sample_path: Path

    def schema(self) -> xmlschema.XMLSchema:
        if not self.schema_path.is_file():
            pytest.fail(MISSING if CORPUS in self.schema_path.parents else "no schema")

        if self.schema_path not in _COMPILED:
            _COMPILED[self.schema_path] = load_schema(self.schema_path)

        return _COMPILED[self.schema_path]

    def sample(self) -> Any:
        return parse_local(self.sample_path)

    def root(self) -> Any:
        name = etree.QName(self.sample())
        return root_element(self.schema(), name.namespace or "", name.localname)


def cases() -> list[Any]:
    """Our three forms, PCC-3 and every valid FA(3) sample, as parameters."""
    ours = [
        pytest.param(
            Case(FORMS / f / "1" / "schema.xsd", FORMS / f / "1" / "sample.xml"), id=f
        )
        for f in OURS
    ]
    pcc3 = CORPUS / "edeklaracje-pcc3/samples/pcc3_valid_anonymised.xml"
    corpus = pytest.mark.corpus
    real = [pytest.param(Case(CORPUS / PCC3, pcc3), id="pcc3", marks=corpus)] + [
        pytest.param(
            Case(CORPUS / FA3, CORPUS / "ksef-fa3/samples" / name),
            id=name,
            marks=corpus,
        )
        for name in FA3_SAMPLES
    ]
    return ours + real


def canonical(xml: bytes | Any) -> str:
    """C14N 2.0 with prefixes rewritten and whitespace-only text dropped."""
    text = xml.decode() if isinstance(xml, bytes) else etree.tostring(xml).decode()
    return str(etree.canonicalize(text, strip_text=True, rewrite_prefixes=True))


@functools.cache
def _render_app() -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "app" / "portal" / "templates"))
    Babel(app)
    return app


def render_fields(model: Any) -> str:
    """The generated form's HTML, as the portal's field macros render it."""
    app = _render_app()
    page = (
        '{% import "portal/_fields.html" as f %}'
        '<form method="post">{{ f.node(model) }}</form>'
    )
    with app.test_request_context():
        return render_template_string(page, model=model)


def browser_values(page: str) -> list[tuple[str, str]]:
    """What a browser posts for the first form of ``page`` (no button pressed)."""
    form = html.fromstring(page).forms[0]
    return [(name, value or "") for name, value in form.form_values()]
