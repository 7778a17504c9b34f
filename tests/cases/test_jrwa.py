"""The JRWA list in the NDAP exchange format: read, stored, bad files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from sqlalchemy.orm import Session, sessionmaker

from app.cases import writing
from app.cases.jrwa import (
    DEMO_LIST,
    JrwaFormatError,
    case_classes,
    load_jrwa,
    read_jrwa,
)
from app.cases.models import JrwaClass

SHARED_XSD = (
    Path(__file__).resolve().parents[3]
    / "shared/corpus/forms-real/ezd-registry/schemas/WykazAkt.xsd"
)
NDAP = 'xmlns="http://www.mswia.gov.pl/standardy/ndap"'


def _wykaz(*akta: str) -> bytes:
    return f"<wykaz {NDAP}>{''.join(akta)}</wykaz>".encode()


def _akta(symbol: str, title: str = "Sprawy", category: str | None = "B5") -> str:
    kind = f"<kategoriaMerytoryczna>{category}</kategoriaMerytoryczna>"
    extra = kind if category else ""
    return f"<akta><symbol>{symbol}</symbol><haslo>{title}</haslo>{extra}</akta>"


@pytest.mark.corpus
def test_the_demo_list_is_valid_against_the_ndap_schema() -> None:
    if not SHARED_XSD.is_file():
        pytest.fail(f"the NDAP schema is missing: {SHARED_XSD} (../shared absent?)")

    xmlschema.XMLSchema(SHARED_XSD).validate(DEMO_LIST)


def test_the_demo_list_has_groups_and_case_classes() -> None:
    entries = {entry.symbol: entry for entry in read_jrwa(DEMO_LIST.read_bytes())}

    assert entries["5360"].category == "BE10"
    assert entries["0153"].other_category == "B5"
    assert entries["536"].category is None


def test_loading_twice_adds_once_and_updates_changed_titles(
    sessions: sessionmaker[Session],
) -> None:
    with writing(sessions) as session:
        assert load_jrwa(session, read_jrwa(DEMO_LIST.read_bytes())) == (13, 0)
        changed = read_jrwa(_wykaz(_akta("5360", "Meldunki nowe", "B10")))
        assert load_jrwa(session, changed) == (0, 1)

    with sessions() as session:
        assert session.get_one(JrwaClass, "5360").title == "Meldunki nowe"
        symbols = [row.symbol for row in case_classes(session)]
        assert symbols == ["0152", "0153", "3120", "5360"]


@pytest.mark.parametrize(
    "data",
    [
        b"<wykaz/>",
        _wykaz(),
        _wykaz(_akta("12345")),
        _wykaz(_akta("ab")),
        _wykaz(_akta("1", title="")),
        _wykaz(_akta("1"), _akta("1")),
        _wykaz(_akta("1", category="Z9")),
        b"<wykaz",
        (b'<!DOCTYPE wykaz [<!ENTITY x "Sprawy">]>' + _wykaz(_akta("1", title="&x;"))),
    ],
    ids=[
        "no-namespace",
        "empty",
        "long-symbol",
        "letters",
        "no-title",
        "twice",
        "bad-category",
        "not-xml",
        "dtd-entity",
    ],
)
def test_a_malformed_list_is_refused(data: bytes) -> None:
    with pytest.raises(JrwaFormatError):
        read_jrwa(data)
