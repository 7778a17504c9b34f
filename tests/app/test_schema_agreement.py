"""libxml2 says "valid" only where xmlschema does (app.schemafast).

Both validators judge every form's sample and blank, the real schemas'
samples from ../shared/corpus/forms-real, and documents mutated from them:
values that break enumerations, patterns, lengths, ranges and types,
elements removed, doubled, swapped, renamed or added, attributes added or
dropped. The catalog takes libxml2's "valid" without asking xmlschema, so a
single document libxml2 passes and xmlschema refuses fails the test.
"""

from __future__ import annotations

import copy
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from app.catalog import Catalog, load_schema, parse_local, validate_element
from app.schemafast import compile_libxml

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
CORPUS = ROOT.parent / "shared" / "corpus" / "forms-real"
REAL = {
    "ksef-fa3": "schemat_FA(3)_v1-0E.xsd",
    "edeklaracje-pcc3": "schemat.xsd",
    "jpk-v7m2": "schemat_JPK_V7M(2)_v1-0E.xsd",
}
# Values that break enumerations, patterns, lengths, ranges, numbers, dates,
# booleans and whitespace rules; Arabic-Indic digits test what \d means.
BAD_VALUES = (
    "",
    " ",
    "ZZ-not-listed",
    "x" * 513,
    "-1",
    "0",
    "1.5",
    "12345678901234567890123",
    "2026-02-30",
    "2026-13-01T25:61:00",
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661",
    "00-00",
    "true ",
    "a\u00a0b",
)
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
MAX_LEAVES = 30  # per document; large invoices are spread over, not truncated


@dataclass(frozen=True)
class Case:
    """A schema and the documents of it that both validators judge."""

    name: str
    schema_path: Path
    documents: tuple[Path, ...]


def cases() -> list[object]:
    """Every form of the catalog, then the real schemas of the corpus."""
    found = []
    for schema in sorted(FORMS.glob("*/*/schema.xsd")):
        folder = schema.parent
        documents = (folder / "sample.xml", folder / "blank.xml")
        name = f"{folder.parent.name}-{folder.name}"
        found.append(pytest.param(Case(name, schema, documents), id=name))

    for folder, schema_name in REAL.items():
        schema = CORPUS / folder / schema_name
        documents = tuple(sorted((CORPUS / folder / "samples").glob("*.xml")))
        case = Case(folder, schema, documents)
        found.append(pytest.param(case, id=folder, marks=pytest.mark.corpus))

    return found


@pytest.mark.parametrize("case", cases())
def test_libxml2_never_passes_what_xmlschema_refuses(case: Case) -> None:
    if not case.schema_path.is_file():
        pytest.fail(f"{case.schema_path} is missing: the shared corpus is needed")

    schema = load_schema(case.schema_path)
    fast = compile_libxml(schema, case.schema_path)
    assert fast is not None, "libxml2 compiles every schema the catalog uses"

    judged = refused = 0
    for label, element, mutated in _documents(schema, case.documents):
        by_libxml = fast.passes(element)
        judged += 1
        refused += not by_libxml
        # Where libxml2 refuses, the catalog asks xmlschema anyway; the files
        # as published must get the same verdict from both.
        if by_libxml or not mutated:
            by_xmlschema = not validate_element(schema, element)
            assert by_xmlschema == by_libxml, f"the validators differ on {label}"

    # The mutations must really produce invalid documents, else this proves
    # nothing.
    assert judged > 100 and refused > judged // 3


def test_an_element_inside_a_wrapper_is_judged_as_a_document_root() -> None:
    # Enveloping signatures hand the catalog the form inside a ds:Object.
    folder = FORMS / "pismo-ogolne" / "1"
    schema = load_schema(folder / "schema.xsd")
    fast = compile_libxml(schema, folder / "schema.xsd")
    assert fast is not None
    wrapper = etree.Element("{http://www.w3.org/2000/09/xmldsig#}Object")
    form = parse_local(folder / "sample.xml")
    wrapper.append(form)

    assert fast.passes(form) and not validate_element(schema, form)
    for leaf in _leaves(form)[:5]:
        leaf.text = "x" * 513

    assert not fast.passes(form) and validate_element(schema, form)


def test_an_import_outside_the_loaded_files_leaves_libxml2_out(
    tmp_path: Path,
) -> None:
    # xmlschema compiled the folder's own files; libxml2 then gets a schema
    # that imports a file xmlschema never read: it must not read it either.
    (tmp_path / "a.xsd").write_text(_schema("urn:a", ""), encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.xsd"
    outside.write_text(_schema("urn:o", ""), encoding="utf-8")
    schema = load_schema(tmp_path / "a.xsd")
    sneaky = tmp_path / "sneaky.xsd"
    sneaky.write_text(_schema("urn:a", _import("urn:o", outside)), encoding="utf-8")

    assert compile_libxml(schema, tmp_path / "a.xsd") is not None
    assert compile_libxml(schema, sneaky) is None


def test_a_form_whose_sample_libxml2_refuses_is_left_to_xmlschema(
    tmp_path: Path,
) -> None:
    # xmlschema reads Arabic-Indic digits as a number, libxml2 does not: the
    # catalog then keeps no libxml2 copy, and xmlschema judges every form.
    form_id = "zaswiadczenie-o-niezaleganiu"
    folder = tmp_path / "forms" / form_id / "1"
    shutil.copytree(FORMS / form_id / "1", folder)
    sample = folder / "sample.xml"
    text = sample.read_text(encoding="utf-8")
    digit = "<LiczbaEgzemplarzy>\u0661</LiczbaEgzemplarzy>"
    text = text.replace("<LiczbaEgzemplarzy>1</LiczbaEgzemplarzy>", digit)
    sample.write_text(text, encoding="utf-8")

    catalog = Catalog.load(tmp_path / "forms")
    form = catalog.get(form_id)

    assert form.libxml_schema() is None
    assert catalog.validate(form, parse_local(sample)) == []
    broken = parse_local(sample)
    broken.find(f"{{{form.namespace}}}LiczbaEgzemplarzy").text = "11"  # type: ignore[union-attr]
    assert catalog.validate(form, broken)


def test_the_catalog_keeps_libxml2_for_every_form_of_ours() -> None:
    catalog = Catalog.load(FORMS)

    assert all(form.libxml_schema() is not None for form in catalog.forms())


def test_a_schema_location_in_the_document_fetches_nothing() -> None:
    # A sender's xsi:schemaLocation must not make libxml2 read a schema.
    folder = FORMS / "pismo-ogolne" / "1"
    schema = load_schema(folder / "schema.xsd")
    fast = compile_libxml(schema, folder / "schema.xsd")
    assert fast is not None
    asked: list[str] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_error(404)

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        form = parse_local(folder / "sample.xml")
        where = f"http://127.0.0.1:{server.server_port}/evil.xsd"
        form.set(f"{{{XSI}}}schemaLocation", f"{form.nsmap[None]} {where}")
        form.set(f"{{{XSI}}}noNamespaceSchemaLocation", where)
        verdict = fast.passes(form)
        server.shutdown()

    assert asked == []
    assert verdict is (not validate_element(schema, form))


def _schema(namespace: str, imports: str) -> str:
    return (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="{namespace}">{imports}'
        '<xs:element name="R" type="xs:string"/></xs:schema>'
    )


def _import(namespace: str, path: Path) -> str:
    return f'<xs:import namespace="{namespace}" schemaLocation="{path.as_uri()}"/>'


def _documents(
    schema: xmlschema.XMLSchema, paths: tuple[Path, ...]
) -> Iterator[tuple[str, etree._Element, bool]]:
    """Each document whose root the schema declares, then its mutations."""
    for path in paths:
        root = parse_local(path)
        if not isinstance(root.tag, str) or root.tag not in schema.maps.elements:
            continue

        yield path.name, root, False
        for label, mutate in _mutations(root):
            changed = copy.deepcopy(root)
            mutate(changed)
            yield f"{path.name}: {label}", changed, True


Mutation = Callable[[etree._Element], None]


def _mutations(root: etree._Element) -> Iterator[tuple[str, Mutation]]:
    """Named changes to a copy of ``root``, addressed by element position."""
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    leaves = _spread(_leaves(root), MAX_LEAVES)
    inner = _spread([el for el in elements[1:] if el not in leaves], MAX_LEAVES)

    for leaf in leaves:
        at = elements.index(leaf)
        for value in BAD_VALUES:
            yield f"{leaf.tag}={value[:12]!r}", _set_text(at, value)

        yield f"{leaf.tag} padded", _pad_text(at)
        yield f"{leaf.tag} nil", _set_xsi(at, "nil", "true")
        yield f"{leaf.tag} typed any", _set_xsi(at, "type", "xs:anyType")
        yield f"{leaf.tag} typed string", _set_xsi(at, "type", "xs:string")
        yield f"{leaf.tag} child", _add_child(at)

    for element in leaves + inner:
        at = elements.index(element)
        yield f"{element.tag} removed", _remove(at)
        yield f"{element.tag} doubled", _double(at)
        yield f"{element.tag} swapped", _swap(at)
        yield f"{element.tag} renamed", _rename(at)
        yield f"{element.tag} unknown attribute", _attribute(at)
        yield f"{element.tag} attributes dropped", _drop_attributes(at)

    yield "unknown last child", _add_child(0)
    yield "root text", _set_root_text


def _leaves(root: etree._Element) -> list[etree._Element]:
    return [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and el is not root and len(el) == 0
    ]


def _spread(items: list[etree._Element], limit: int) -> list[etree._Element]:
    step = max(1, -(-len(items) // limit))
    return items[::step]


def _nth(root: etree._Element, at: int) -> etree._Element:
    return [el for el in root.iter() if isinstance(el.tag, str)][at]


def _set_text(at: int, value: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        _nth(root, at).text = value

    return mutate


def _pad_text(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        element.text = "  " + (element.text or "") + "\n\t"

    return mutate


def _set_xsi(at: int, name: str, value: str) -> Mutation:
    # xsi:type and xsi:nil switch a schema's rules; both must refuse alike.
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        with_xs = etree.Element(element.tag, nsmap={"xs": XS, "xsi": XSI})
        with_xs.text, with_xs.tail = element.text, element.tail
        with_xs.attrib.update(element.attrib)
        with_xs.set(f"{{{XSI}}}{name}", value)
        element.getparent().replace(element, with_xs)  # type: ignore[union-attr]

    return mutate


def _add_child(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        etree.SubElement(element, _sibling_tag(element, "Extra"))

    return mutate


def _remove(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        element.getparent().remove(element)  # type: ignore[union-attr]

    return mutate


def _double(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        element.addnext(copy.deepcopy(element))

    return mutate


def _swap(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        following = element.getnext()
        if following is not None:
            following.addnext(element)
        else:
            element.getparent().insert(0, element)  # type: ignore[union-attr]

    return mutate


def _rename(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = _nth(root, at)
        element.tag = _sibling_tag(element, etree.QName(element).localname + "X")

    return mutate


def _attribute(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        _nth(root, at).set("unexpected", "1")

    return mutate


def _drop_attributes(at: int) -> Mutation:
    def mutate(root: etree._Element) -> None:
        _nth(root, at).attrib.clear()

    return mutate


def _set_root_text(root: etree._Element) -> None:
    root.text = "loose text"


def _sibling_tag(element: etree._Element, local: str) -> str:
    namespace = etree.QName(element).namespace
    return f"{{{namespace}}}{local}" if namespace else local
