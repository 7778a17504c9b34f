"""The safe parser refuses DTDs, entities, XInclude, depth and size bombs."""

from __future__ import annotations

import pytest

from signing.errors import ForbiddenXMLError, MalformedXMLError
from signing.safexml import parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""


def test_billion_laughs_is_refused():
    with pytest.raises(ForbiddenXMLError):
        parse_xml(BILLION_LAUGHS)


def test_external_entity_is_refused():
    with pytest.raises(ForbiddenXMLError):
        parse_xml(EXTERNAL_ENTITY)


def test_plain_doctype_is_refused():
    with pytest.raises(ForbiddenXMLError):
        parse_xml(b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd"><r/>')


def test_doctype_after_a_long_comment_is_refused():
    data = b"<!--" + b"x" * 5000 + b"--><!DOCTYPE r [<!ENTITY a 'b'>]><r/>"
    with pytest.raises(ForbiddenXMLError):
        parse_xml(data)


def test_undeclared_entity_reference_is_refused():
    with pytest.raises((ForbiddenXMLError, MalformedXMLError)):
        parse_xml(b"<r>&undeclared;</r>")


def test_xinclude_element_is_refused():
    data = (
        b'<r xmlns:xi="http://www.w3.org/2001/XInclude">'
        b'<xi:include href="file:///etc/passwd" parse="text"/></r>'
    )
    with pytest.raises(ForbiddenXMLError):
        parse_xml(data)


def test_deep_nesting_is_refused():
    with pytest.raises(ForbiddenXMLError):
        parse_xml(b"<a>" * 300 + b"</a>" * 300)


def test_oversized_document_is_refused():
    with pytest.raises(ForbiddenXMLError):
        parse_xml(b"<r>" + b"x" * 200 + b"</r>", max_bytes=100)


def test_malformed_xml_is_malformed():
    with pytest.raises(MalformedXMLError):
        parse_xml(b"<r><unclosed></r>")


def test_utf8_bom_is_accepted():
    tree = parse_xml(b"\xef\xbb\xbf<r>\xc5\x81\xc3\xb3d\xc5\xba</r>")
    assert tree.getroot().text == "Łódź"


@pytest.mark.parametrize("encoding", ["windows-1250", "ISO-8859-2"])
def test_polish_single_byte_encodings_are_accepted(encoding):
    text = f'<?xml version="1.0" encoding="{encoding}"?><r>Łódź żółć</r>'
    tree = parse_xml(text.encode(encoding))
    assert tree.getroot().text == "Łódź żółć"


def test_namespace_flood_is_refused_before_parsing() -> None:
    declarations = " ".join(f'xmlns:n{i}="urn:n:{i}"' for i in range(2000))
    data = f"<a {declarations}/>".encode()

    with pytest.raises(ForbiddenXMLError, match="namespace"):
        parse_xml(data)


def test_namespace_flood_in_utf16_is_refused() -> None:
    declarations = " ".join(f'xmlns:n{i}="urn:n:{i}"' for i in range(2000))
    data = f"<a {declarations}/>".encode("utf-16")

    with pytest.raises(ForbiddenXMLError, match="namespace"):
        parse_xml(data)
