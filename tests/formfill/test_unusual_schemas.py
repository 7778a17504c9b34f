"""Schemas built for the test: recursion, wildcards, attributes, odd input."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema

from app.catalog import load_schema
from app.formfill import (
    Field,
    FormLimitError,
    FormModelError,
    Limits,
    apply_action,
    fill_document,
    iter_nodes,
    layout,
    root_element,
)

NS = "urn:kancelaria:test:formfill"
HEAD = (
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    f'xmlns="{NS}" targetNamespace="{NS}" elementFormDefault="qualified">'
)
TREE = """
  <xs:element name="Wezel" type="TWezel"/>
  <xs:complexType name="TWezel">
    <xs:sequence>
      <xs:element name="Nazwa" type="xs:string"/>
      <xs:element name="Wezel" type="TWezel" minOccurs="0" maxOccurs="unbounded"/>
      <xs:any namespace="##other" minOccurs="0" processContents="lax"/>
    </xs:sequence>
    <xs:attribute name="rodzaj" use="required">
      <xs:simpleType>
        <xs:restriction base="xs:string">
          <xs:enumeration value="a"/><xs:enumeration value="b"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:attribute>
    <xs:attribute name="wersja" type="xs:string" fixed="1" use="required"/>
  </xs:complexType>
"""
ANY = """
  <xs:element name="Koperta">
    <xs:complexType><xs:sequence><xs:any namespace="##other"/></xs:sequence>
    </xs:complexType>
  </xs:element>
"""


def compiled(tmp_path: Path, body: str) -> xmlschema.XMLSchema:
    path = tmp_path / "schema.xsd"
    path.write_text(f"{HEAD}{body}</xs:schema>", encoding="utf-8")
    return load_schema(path)


def test_recursive_type_grows_only_as_far_as_asked(tmp_path: Path) -> None:
    schema = compiled(tmp_path, TREE)
    root = root_element(schema, NS, "Wezel")
    values = {"@rodzaj": "a", "Nazwa.0": "korzeń"}
    values = apply_action(values, "add:Wezel")
    values.update({"Wezel.0/@rodzaj": "b", "Wezel.0/Nazwa.0": "liść"})

    _, composed = fill_document(schema, root, values)

    assert composed.xml is not None, composed.errors
    assert composed.xml.count(b"<Wezel") == 2
    assert b'wersja="1"' in composed.xml, "a fixed attribute is filled in"


def test_recursion_beyond_the_depth_limit_is_refused(tmp_path: Path) -> None:
    schema = compiled(tmp_path, TREE)
    root = root_element(schema, NS, "Wezel")
    key, values = "", {}
    for _ in range(30):
        values[f"_n:{key}{'/' if key else ''}Wezel"] = "1"
        key = f"{key}{'/' if key else ''}Wezel.0"

    with pytest.raises(FormLimitError, match="nested too deeply"):
        layout(root, values, Limits(depth=24))


def test_optional_wildcard_is_left_out_and_a_required_one_refused(
    tmp_path: Path,
) -> None:
    tree = compiled(tmp_path, TREE)
    fields = [
        n.key
        for n in iter_nodes(layout(root_element(tree, NS, "Wezel"), {}))
        if isinstance(n, Field)
    ]
    envelope = compiled(tmp_path, ANY)

    assert fields == ["@rodzaj", "@wersja", "Nazwa.0"]
    with pytest.raises(FormModelError, match="xs:any"):
        layout(root_element(envelope, NS, "Koperta"), {})


@pytest.mark.parametrize("value", ["nazwa\x00", "\x1b[31m", "\ud800"])
def test_characters_xml_cannot_hold_get_a_field_error(
    tmp_path: Path, value: str
) -> None:
    schema = compiled(tmp_path, TREE)

    _model, composed = fill_document(
        schema, root_element(schema, NS, "Wezel"), {"@rodzaj": "a", "Nazwa.0": value}
    )

    assert composed.xml is None
    assert composed.errors[0][2] == (
        "Remove the special characters this field cannot hold."
    )


def test_enumerated_attribute_is_offered_as_choices(tmp_path: Path) -> None:
    schema = compiled(tmp_path, TREE)

    model = layout(root_element(schema, NS, "Wezel"), {})

    kind = next(n for n in iter_nodes(model) if isinstance(n, Field))
    assert (kind.key, kind.node, kind.required) == ("@rodzaj", "attribute", True)
    assert kind.hints.kind == "radio" and kind.hints.options == (("a", "a"), ("b", "b"))
