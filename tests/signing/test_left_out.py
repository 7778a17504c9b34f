"""What a reference's transforms leave out is reported (review F1).

A ``URI=""`` reference whose XPath filter or Filter 2.0 transform cuts an
element out still verifies; the result must say the element is not signed,
and never that the whole document is. Forms are signed by xmlsec1; the
node-set bookkeeping is also checked on hand-made node-sets and chains.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from signing import pki
from signing.c14n import Children, NodeSet
from signing.leftout import MAX_LISTED, left_out
from signing.policy import ValidationPolicy
from signing.result import Indication
from signing.safexml import parse_xml
from signing.transforms import TransformContext, apply_transforms
from signing.trust import TrustStore
from signing.validate import validate_xml
from tests.signing.conftest import shared_path
from tests.signing.xpathsign import (
    DS,
    ENVELOPED,
    EXC,
    PISMO,
    XPATH,
    Xmlsec1Signer,
    filter2,
    template,
    xpath,
)

ROOT = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "signing", "validate")
FORM = (ROOT / "forms" / "pismo-ogolne" / "1" / "sample.xml").read_bytes()


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Xmlsec1Signer, Path]:
    """An xmlsec1 signer under a throw-away root, and that root's PEM."""
    root = pki.make_root("Testowe Centrum Filtrów")
    inter = pki.make_intermediate(root, "Testowy CA Filtrów")
    citizen = pki.make_citizen(
        inter, given_name="Jan", surname="Testowy", pesel="44051401458"
    )
    folder = tmp_path_factory.mktemp("leftout")
    anchor = folder / "root.pem"
    anchor.write_bytes(root.certificate.public_bytes(Encoding.PEM))
    return Xmlsec1Signer(citizen, folder), anchor


def _policy(anchor: Path) -> ValidationPolicy:
    return ValidationPolicy(TrustStore.from_file(anchor))


def test_filter2_subtract_of_content_is_reported_as_left_out(
    setting: tuple[Xmlsec1Signer, Path],
) -> None:
    signer, anchor = setting
    signed = signer.sign(template(FORM, ENVELOPED + filter2(("subtract", "//p:Tresc"))))

    result = validate_xml(signed, _policy(anchor))

    covered = result.signatures[0].covered[0]
    assert result.signatures[0].indication is not Indication.TOTAL_FAILED
    assert (covered.kind, covered.left_out) == ("document", ("/PismoOgolne/Tresc",))
    assert covered.element is not None
    assert covered.element.find(f"{{{PISMO}}}Tresc") is None
    as_json = result.to_json()["signatures"][0]["covered"][0]
    assert as_json["left_out"] == ["/PismoOgolne/Tresc"]


@pytest.mark.parametrize(
    "transforms",
    [
        ENVELOPED,
        ENVELOPED + xpath("not(ancestor-or-self::ds:Signature)", "ds", DS),
        filter2(("subtract", "//ds:Signature"), prefix="ds", ns=DS),
    ],
    ids=["enveloped", "xpath-not-signature", "filter2-subtract-signature"],
)
def test_cutting_only_the_signature_leaves_nothing_out(
    setting: tuple[Xmlsec1Signer, Path], transforms: str
) -> None:
    signer, anchor = setting
    signed = signer.sign(template(FORM, transforms))

    result = validate_xml(signed, _policy(anchor))

    assert result.indication is not Indication.TOTAL_FAILED
    assert result.signatures[0].covered[0].left_out == ()


def test_cli_says_what_the_signature_left_out(
    setting: tuple[Xmlsec1Signer, Path], tmp_path: Path
) -> None:
    signer, anchor = setting
    filtered = xpath("not(ancestor-or-self::p:Zalaczniki)", "p", PISMO)
    signed = tmp_path / "pismo.xml"
    signed.write_bytes(signer.sign(template(FORM, ENVELOPED + filtered)))

    done = subprocess.run(
        [*CLI, str(signed), "--trust", str(anchor)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "  covers: document, except what its transforms left out" in done.stdout
    assert "    left out: /PismoOgolne/Zalaczniki" in done.stdout


def _tree() -> etree._ElementTree:
    return parse_xml(b'<a xmlns="urn:t" x="1">t<b><c/><c/></b><d>text</d><e/></a>')


def test_children_apex_leaves_out_the_start_tag_only() -> None:
    tree = _tree()

    found = left_out(NodeSet(tree, [Children(tree.getroot())]), NodeSet(tree, [tree]))

    assert found == ["/a (start tag)"]


def test_a_part_alone_leaves_out_its_parent_and_siblings() -> None:
    tree = _tree()
    d = tree.getroot()[1]

    found = left_out(NodeSet(tree, [d]), NodeSet(tree, [tree]))

    assert found == ["/a (start tag and text)", "/a/b", "/a/e"]


def test_a_repeated_name_is_numbered_and_signatures_are_not_listed() -> None:
    tree = parse_xml(
        b'<a><b><c/><c/></b><s:Signature xmlns:s="' + DS.encode() + b'"/></a>'
    )
    root = tree.getroot()
    cuts = [root[0][1], root[1]]

    found = left_out(NodeSet(tree, [tree], removed=cuts), NodeSet(tree, [tree]))

    assert found == ["/a/b/c[2]"]


def test_the_list_is_bounded() -> None:
    many = b"<a>" + b"<b/>" * (MAX_LISTED + 5) + b"</a>"
    tree = parse_xml(many)
    cuts = list(tree.getroot())

    found = left_out(NodeSet(tree, [tree], removed=cuts), NodeSet(tree, [tree]))

    assert len(found) == MAX_LISTED + 1
    assert found[-1] == "(and 5 more)"


def test_a_cut_made_after_canonicalising_and_reparsing_is_still_seen() -> None:
    """XPath, then C14N to octets, then a second XPath on the reparsed
    octets: both cuts count, though the second is on another tree."""
    tree = _tree()
    chain = etree.fromstring(
        f'<T xmlns:ds="{DS}">'
        f'<ds:Transform Algorithm="{XPATH}"><ds:XPath xmlns:t="urn:t">'
        "not(ancestor-or-self::t:e)</ds:XPath></ds:Transform>"
        f'<ds:Transform Algorithm="{EXC}"/>'
        f'<ds:Transform Algorithm="{XPATH}"><ds:XPath xmlns:t="urn:t">'
        "not(ancestor-or-self::t:d)</ds:XPath></ds:Transform>"
        "</T>"
    )
    ctx = TransformContext(etree.Element("x"), {}, parse_xml)

    result = apply_transforms(NodeSet(tree, [tree]), list(chain), ctx)

    assert result.left_out == ("/a/e", "/a/d")
    assert b"text" not in result.octets


def test_filter2_picking_signed_properties_out_of_the_document_is_no_cut() -> None:
    """DSS's XAdES 1.1.1 file digests SignedProperties through ``URI=""`` and
    a Filter 2.0 intersect: that reference stands for SignedProperties, and
    nothing of them is cut; its document reference leaves nothing out."""
    data = shared_path("corpus", "dss", "xades", "qes-xades111-filter2.xml")
    policy = ValidationPolicy(TrustStore.from_certificates([]))

    result = validate_xml(data.read_bytes(), policy)

    kinds = [(c.kind, c.left_out) for c in result.signatures[0].covered]
    assert kinds == [("document", ()), ("signed-properties", ())]


def _filter2_octets(*steps: tuple[str, str]) -> bytes:
    """What a ``URI=""`` reference with one Filter 2.0 transform digests."""
    tree = parse_xml(template(FORM, ""))
    chain = etree.fromstring(
        f'<T xmlns:ds="{DS}">{filter2(*steps, prefix="ds", ns=DS)}</T>'
    )
    ctx = TransformContext(etree.Element("x"), {}, parse_xml)
    return apply_transforms(NodeSet(tree, [tree]), list(chain), ctx).octets


@pytest.mark.parametrize("operation", ["intersect", "union"])
def test_filter2_document_node_stands_for_the_whole_document(operation: str) -> None:
    """Filter 2.0 over ``/``: the document node's subtree is everything, so
    intersecting or uniting with it and subtracting the signature digests
    what subtracting the signature alone does (lxml gives no node for ``/``,
    which once made the intersection empty)."""
    alone = _filter2_octets(("subtract", "//ds:Signature"))

    with_root = _filter2_octets((operation, "/"), ("subtract", "//ds:Signature"))

    assert with_root == alone
    assert b"Tresc" in with_root


def test_xmlsec1_intersect_document_node_signs_nothing_file_is_wrong(
    setting: tuple[Xmlsec1Signer, Path],
) -> None:
    """xmlsec1 (libxml2) digests an empty node-set for ``intersect "/"``:
    its DigestValue is SHA-256 of no octets. The recommendation makes that
    the whole document, so the signature does not match the form: ours says
    so, rather than passing a signature over nothing."""
    signer, anchor = setting
    steps = (("intersect", "/"), ("subtract", "//ds:Signature"))
    signed = signer.sign(template(FORM, filter2(*steps, prefix="ds", ns=DS)))
    empty = base64.b64encode(hashlib.sha256(b"").digest())
    assert b"<ds:DigestValue>" + empty + b"</ds:DigestValue>" in signed

    result = validate_xml(signed, _policy(anchor))

    assert result.signatures[0].indication is Indication.TOTAL_FAILED
    failed = [c.name for c in result.signatures[0].checks if not c.passed]
    assert "reference-digest" in failed
