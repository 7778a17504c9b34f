"""Tests of the XAdES-BES sealer, checked by outside verifiers, and of the
receipt schema."""

from __future__ import annotations

import base64
import hashlib
import shutil
import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from lxml import etree
from signxml.exceptions import InvalidDigest
from signxml.exceptions import InvalidSignature as XMLInvalidSignature
from signxml.verifier import XMLVerifier
from signxml.xades.xades import XAdESSignatureConfiguration, XAdESVerifier

from signing import pki
from signing.errors import ForbiddenXMLError, MalformedXMLError
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.seal import XadesSigner
from signing.trust import TrustStore
from signing.validate import validate_xml

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
RECEIPT_NS = "urn:kancelaria:receipt:1"
NS = {"ds": DS, "xades": XADES, "r": RECEIPT_NS}
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "receipt.xsd"

DOCUMENT = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<!-- before the root -->\n"
    '<wn:Wniosek xmlns:wn="urn:example:wniosek" xmlns="urn:example:default" '
    'Id="wniosek">'
    "<wn:Wnioskodawca>Jan Testowy</wn:Wnioskodawca>"
    "<wn:Pesel>44051401458</wn:Pesel>"
    "<!-- a comment inside -->"
    "<wn:Tresc>Zażółć gęślą jaźń &amp; &lt;więcej&gt;</wn:Tresc>"
    "<Pusty/>\n"
    "</wn:Wniosek>\n"
).encode()


@pytest.fixture(scope="session")
def root() -> pki.Issued:
    return pki.make_root("Seal Test Root CA")


@pytest.fixture(scope="session")
def inter(root: pki.Issued) -> pki.Issued:
    return pki.make_intermediate(root, "Seal Test Qualified CA")


@pytest.fixture(scope="session")
def rsa_seal(inter: pki.Issued) -> pki.Issued:
    return pki.make_seal(inter, office_name="Urząd Miasta Testowo", nip="1234563218")


@pytest.fixture(scope="session")
def ec_seal(inter: pki.Issued) -> pki.Issued:
    return pki.make_seal(
        inter, office_name="Urząd Miasta Testowo", nip="1234563218", key_type="ec"
    )


@pytest.fixture(params=["rsa", "ec"])
def sealer(request: pytest.FixtureRequest) -> pki.Issued:
    issued: pki.Issued = request.getfixturevalue(f"{request.param}_seal")
    return issued


@pytest.fixture(scope="session")
def root_pem(root: pki.Issued, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trust") / "root.pem"
    path.write_bytes(root.certificate.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="session")
def xmlsec1() -> str:
    found = shutil.which("xmlsec1")
    assert found, "xmlsec1 is missing: apt-get install -y xmlsec1 (Debian package)"
    return found


def _pem(issued: pki.Issued) -> str:
    return issued.certificate.public_bytes(serialization.Encoding.PEM).decode()


def _signxml_verify(signed: bytes, issued: pki.Issued) -> None:
    XMLVerifier().verify(signed, x509_cert=_pem(issued), expect_references=2)


def _xades_verify(signed: bytes, issued: pki.Issued) -> None:
    config = XAdESSignatureConfiguration(expect_references=2)
    XAdESVerifier().verify(signed, x509_cert=_pem(issued), expect_config=config)


def _xmlsec1_verify(
    xmlsec1: str, signed: bytes, root_pem: Path, folder: Path
) -> subprocess.CompletedProcess[str]:
    path = folder / "signed.xml"
    path.write_bytes(signed)
    command = [
        xmlsec1,
        "--verify",
        "--trusted-pem",
        str(root_pem),
        "--id-attr:Id",
        f"{XADES}:SignedProperties",
        str(path),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def _tamper_text(signed: bytes, old: str, new: str) -> bytes:
    text = signed.decode()
    assert text.count(old) == 1
    return text.replace(old, new).encode()


# --- shape ------------------------------------------------------------------


def test_signature_is_last_child_of_document_element(rsa_seal: pki.Issued) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    assert signed.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(signed)
    assert root[-1].tag == f"{{{DS}}}Signature"
    assert len(root.findall(".//ds:Signature", NS)) == 1


def test_signed_info_has_document_and_signed_properties_references(
    rsa_seal: pki.Issued,
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    signature = etree.fromstring(signed).find("ds:Signature", NS)
    assert signature is not None
    refs = signature.findall("ds:SignedInfo/ds:Reference", NS)
    assert [r.get("URI") for r in refs] == ["", "#" + _sp_id(signature)]
    assert refs[1].get("Type") == "http://uri.etsi.org/01903#SignedProperties"
    transforms = [t.get("Algorithm") for t in refs[0].iterfind(".//ds:Transform", NS)]
    assert transforms == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
    ]
    for ref in refs:
        method = ref.find("ds:DigestMethod", NS)
        assert method is not None
        assert method.get("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256"


def test_signature_method_follows_key_type(
    rsa_seal: pki.Issued, ec_seal: pki.Issued
) -> None:
    methods = []
    for issued in (rsa_seal, ec_seal):
        signed = XadesSigner.from_issued(issued).sign_enveloped(DOCUMENT)
        method = etree.fromstring(signed).find(".//ds:SignatureMethod", NS)
        assert method is not None
        methods.append(method.get("Algorithm"))
    assert methods == [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    ]


def test_signed_properties_carry_utc_time_and_certificate_digest(
    rsa_seal: pki.Issued,
) -> None:
    moment = datetime(2026, 3, 4, 13, 5, 6, 789, tzinfo=timezone(timedelta(hours=1)))
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(
        DOCUMENT, signing_time=moment
    )
    props = etree.fromstring(signed).find(".//xades:SignedProperties", NS)
    assert props is not None
    assert props.findtext(".//xades:SigningTime", namespaces=NS) == (
        "2026-03-04T12:05:06Z"
    )
    digest = props.findtext(
        "xades:SignedSignatureProperties/xades:SigningCertificateV2/xades:Cert/"
        "xades:CertDigest/ds:DigestValue",
        namespaces=NS,
    )
    assert digest is not None
    assert base64.b64decode(digest) == rsa_seal.certificate.fingerprint(hashes.SHA256())
    assert props.findtext(".//xades:MimeType", namespaces=NS) == "text/xml"


def test_key_info_carries_certificate_then_chain(rsa_seal: pki.Issued) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    values = etree.fromstring(signed).findall(".//ds:X509Certificate", NS)
    certs = [
        x509.load_der_x509_certificate(base64.b64decode(v.text or "")) for v in values
    ]
    assert certs == [rsa_seal.certificate, *rsa_seal.chain]
    assert len(certs) == 2


def test_qualifying_properties_target_the_signature(rsa_seal: pki.Issued) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    signature = etree.fromstring(signed).find("ds:Signature", NS)
    assert signature is not None
    qualifying = signature.find("ds:Object/xades:QualifyingProperties", NS)
    assert qualifying is not None
    assert qualifying.get("Target") == "#" + (signature.get("Id") or "missing")


def test_two_seals_of_same_document_have_distinct_ids(rsa_seal: pki.Issued) -> None:
    signer = XadesSigner.from_issued(rsa_seal)
    first = etree.fromstring(signer.sign_enveloped(DOCUMENT))[-1].get("Id")
    second = etree.fromstring(signer.sign_enveloped(DOCUMENT))[-1].get("Id")
    assert first and second and first != second


# --- our own independent check: lxml C14N + cryptography ----------------------


def test_digests_and_signature_value_match_lxml_canonical_forms(
    sealer: pki.Issued,
) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    root = etree.fromstring(signed)
    signature = root[-1]
    signed_info = signature.find("ds:SignedInfo", NS)
    props = signature.find(".//xades:SignedProperties", NS)
    assert signed_info is not None and props is not None
    digests = [d.text or "" for d in signed_info.iterfind(".//ds:DigestValue", NS)]

    root.remove(signature)
    document = etree.tostring(
        root.getroottree(), method="c14n", exclusive=True, with_comments=False
    )
    assert _b64_sha256(document) == digests[0]
    assert _b64_sha256(_exc_c14n(props)) == digests[1]
    _verify_signature_value(sealer, signature, _exc_c14n(signed_info))


def _sp_id(signature: etree._Element) -> str:
    props = signature.find(".//xades:SignedProperties", NS)
    assert props is not None
    return props.get("Id") or ""


def _exc_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _verify_signature_value(
    issued: pki.Issued, signature: etree._Element, signed_info: bytes
) -> None:
    value = base64.b64decode(
        signature.findtext("ds:SignatureValue", namespaces=NS) or ""
    )
    public_key = issued.certificate.public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(value, signed_info, padding.PKCS1v15(), hashes.SHA256())
        return

    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert len(value) == 64
    r, s = int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big")
    der = encode_dss_signature(r, s)
    public_key.verify(der, signed_info, ec.ECDSA(hashes.SHA256()))


def test_tampered_signature_value_fails_independent_check(rsa_seal: pki.Issued) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    signature = etree.fromstring(signed)[-1]
    signed_info = signature.find("ds:SignedInfo", NS)
    assert signed_info is not None
    tampered = _exc_c14n(signed_info).replace(b'URI=""', b'URI="#x"')
    with pytest.raises(InvalidSignature):
        _verify_signature_value(rsa_seal, signature, tampered)


# --- outside verifiers: signxml ------------------------------------------------


def test_signxml_verifies_seal_with_pinned_certificate(sealer: pki.Issued) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    _signxml_verify(signed, sealer)


def test_signxml_xades_verifier_checks_signing_certificate_digest(
    sealer: pki.Issued,
) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    _xades_verify(signed, sealer)


def test_signxml_refuses_document_with_one_text_node_changed(
    sealer: pki.Issued,
) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    tampered = _tamper_text(signed, "Jan Testowy<", "Jan Testowa<")
    with pytest.raises(InvalidDigest):
        _signxml_verify(tampered, sealer)


def test_signxml_refuses_changed_signing_time(rsa_seal: pki.Issued) -> None:
    moment = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(
        DOCUMENT, signing_time=moment
    )
    tampered = _tamper_text(signed, "2026-03-04T12:00:00Z", "2026-03-04T11:00:00Z")
    with pytest.raises(InvalidDigest):
        _xades_verify(tampered, rsa_seal)


def test_signxml_refuses_seal_checked_against_other_certificate(
    rsa_seal: pki.Issued, inter: pki.Issued
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    with pytest.raises(XMLInvalidSignature):
        _signxml_verify(signed, inter)


# --- outside verifiers: xmlsec1 -----------------------------------------------


def test_xmlsec1_verifies_seal_against_trusted_root(
    sealer: pki.Issued, root_pem: Path, xmlsec1: str, tmp_path: Path
) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    done = _xmlsec1_verify(xmlsec1, signed, root_pem, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "SignedInfo References (ok/all): 2/2" in done.stderr


def test_xmlsec1_refuses_document_with_one_text_node_changed(
    sealer: pki.Issued, root_pem: Path, xmlsec1: str, tmp_path: Path
) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    tampered = _tamper_text(signed, "44051401458<", "44051401459<")
    done = _xmlsec1_verify(xmlsec1, tampered, root_pem, tmp_path)
    assert done.returncode != 0
    assert "FAIL" in done.stderr or "ERROR" in done.stderr


def test_xmlsec1_refuses_seal_under_untrusted_root(
    rsa_seal: pki.Issued, xmlsec1: str, tmp_path: Path
) -> None:
    other = pki.make_root("Some Other Root", key=rsa_seal.key)
    other_pem = tmp_path / "other.pem"
    other_pem.write_text(_pem(other))
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    done = _xmlsec1_verify(xmlsec1, signed, other_pem, tmp_path)
    assert done.returncode != 0


# --- outside verifiers: xadesjs (JavaScript, its own C14N and WebCrypto) ------

NODE_MODULES = Path(__file__).resolve().parents[2] / "tools" / "node" / "node_modules"

XADESJS_VERIFY = """
'use strict';
const fs = require('fs');
const xmldom = require('@xmldom/xmldom');
const xpath = require('xpath');
const xadesjs = require('xadesjs');
const { Crypto } = require('@peculiar/webcrypto');

async function main() {
  xadesjs.Application.setEngine('NodeJS', new Crypto());
  xadesjs.setNodeDependencies({
    XMLSerializer: xmldom.XMLSerializer,
    DOMParser: xmldom.DOMParser,
    DOMImplementation: xmldom.DOMImplementation,
    xpath,
  });
  const doc = xadesjs.Parse(fs.readFileSync(process.argv[2], 'utf8'));
  const sigs = doc.getElementsByTagNameNS(
    'http://www.w3.org/2000/09/xmldsig#', 'Signature');
  if (sigs.length !== 1) throw new Error(`${sigs.length} signatures`);
  const signed = new xadesjs.SignedXml(doc);
  signed.LoadXml(sigs[0]);
  const ok = await signed.Verify();
  console.log(ok ? 'VALID' : 'INVALID');
  process.exit(ok ? 0 : 1);
}
main().catch((e) => { console.log(`ERROR ${e.message}`); process.exit(2); });
"""


@pytest.fixture(scope="session")
def xadesjs_verify(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    node = shutil.which("node")
    assert node, "node is missing: apt-get install -y nodejs npm"
    assert (NODE_MODULES / "xadesjs").is_dir(), (
        f"xadesjs is missing from {NODE_MODULES}: run tools/install-node-deps.sh"
    )
    script = tmp_path_factory.mktemp("xadesjs") / "verify.js"
    script.write_text(XADESJS_VERIFY)
    return [node, str(script)]


def _xadesjs(command: list[str], signed: bytes, folder: Path) -> str:
    path = folder / "signed.xml"
    path.write_bytes(signed)
    env = {"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    return done.stdout.strip() or done.stderr.strip()


def test_xadesjs_verifies_rsa_seal_with_chain(
    rsa_seal: pki.Issued, xadesjs_verify: list[str], tmp_path: Path
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    assert _xadesjs(xadesjs_verify, signed, tmp_path) == "VALID"


def test_xadesjs_verifies_ec_seal_without_chain(
    ec_seal: pki.Issued, xadesjs_verify: list[str], tmp_path: Path
) -> None:
    signer = XadesSigner(ec_seal.key, ec_seal.certificate)
    signed = signer.sign_enveloped(DOCUMENT)
    assert _xadesjs(xadesjs_verify, signed, tmp_path) == "VALID"


def test_xadesjs_fails_ec_seal_with_rsa_ca_in_key_info_tool_limitation(
    ec_seal: pki.Issued, xadesjs_verify: list[str], tmp_path: Path
) -> None:
    # The seal is right (signxml and xmlsec1 verify it, above); xmldsigjs
    # imports every X509Certificate with the signature's algorithm, so an RSA
    # CA next to an EC signer stops it before any check is made.
    signed = XadesSigner.from_issued(ec_seal).sign_enveloped(DOCUMENT)
    outcome = _xadesjs(xadesjs_verify, signed, tmp_path)
    assert outcome.startswith("ERROR Cannot get Curved name"), outcome
    _signxml_verify(signed, ec_seal)


def test_xadesjs_refuses_document_with_one_text_node_changed(
    rsa_seal: pki.Issued, xadesjs_verify: list[str], tmp_path: Path
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    tampered = _tamper_text(signed, "Jan Testowy<", "Jan Testowa<")
    outcome = _xadesjs(xadesjs_verify, tampered, tmp_path)
    assert outcome.startswith("ERROR") and "Invalid digest" in outcome, outcome


# --- our own validator (signing.validate) agrees ------------------------------


def test_project_validator_passes_seal_and_reads_seal_identity(
    sealer: pki.Issued, root: pki.Issued
) -> None:
    signed = XadesSigner.from_issued(sealer).sign_enveloped(DOCUMENT)
    result = validate_xml(signed, _policy(root))
    assert result.indication is Indication.TOTAL_PASSED, result.to_json()
    signature = result.primary
    assert signature.form == "XAdES-BES"
    assert signature.signer is not None
    assert signature.signer.identifier == "VATPL-1234563218"
    assert [c.kind for c in signature.covered] == ["document", "signed-properties"]


def test_project_validator_fails_seal_with_one_text_node_changed(
    rsa_seal: pki.Issued, root: pki.Issued
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(DOCUMENT)
    tampered = _tamper_text(signed, "Jan Testowy<", "Jan Testowa<")
    result = validate_xml(tampered, _policy(root))
    assert result.indication is Indication.TOTAL_FAILED
    assert result.subindication is SubIndication.HASH_FAILURE


def _policy(root: pki.Issued) -> ValidationPolicy:
    return ValidationPolicy(trust=TrustStore.from_certificates([root.certificate]))


# --- input handling -------------------------------------------------------------


def test_element_input_is_sealed_and_left_unchanged(rsa_seal: pki.Issued) -> None:
    element = etree.fromstring(DOCUMENT)
    before = etree.tostring(element)
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(element)
    assert etree.tostring(element) == before
    _signxml_verify(signed, rsa_seal)


def test_document_binding_ds_prefix_to_other_namespace_still_verifies(
    rsa_seal: pki.Issued,
) -> None:
    document = b'<ds:a xmlns:ds="urn:not-dsig"><ds:b>x</ds:b></ds:a>'
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(document)
    _signxml_verify(signed, rsa_seal)
    assert etree.fromstring(signed)[-1].tag == f"{{{DS}}}Signature"


def test_empty_root_element_is_sealed(rsa_seal: pki.Issued) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(b"<empty/>")
    _signxml_verify(signed, rsa_seal)


def test_document_with_doctype_is_refused(rsa_seal: pki.Issued) -> None:
    document = b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(ForbiddenXMLError):
        XadesSigner.from_issued(rsa_seal).sign_enveloped(document)


def test_malformed_document_is_refused(rsa_seal: pki.Issued) -> None:
    with pytest.raises(MalformedXMLError):
        XadesSigner.from_issued(rsa_seal).sign_enveloped(b"<a><b></a>")


def test_naive_signing_time_is_refused(rsa_seal: pki.Issued) -> None:
    with pytest.raises(ValueError, match="timezone"):
        XadesSigner.from_issued(rsa_seal).sign_enveloped(
            DOCUMENT, signing_time=datetime(2026, 1, 1)
        )


def test_media_type_with_markup_is_refused(rsa_seal: pki.Issued) -> None:
    with pytest.raises(ValueError, match="media type"):
        XadesSigner.from_issued(rsa_seal).sign_enveloped(
            DOCUMENT, media_type='text/xml"><x'
        )


def test_key_of_other_certificate_is_refused(
    rsa_seal: pki.Issued, inter: pki.Issued
) -> None:
    with pytest.raises(ValueError, match="does not belong"):
        XadesSigner(inter.key, rsa_seal.certificate)


def test_signer_from_p12_seals_verifiably(rsa_seal: pki.Issued, tmp_path: Path) -> None:
    path = tmp_path / "seal.p12"
    pki.write_p12(rsa_seal, path, b"pass", "seal")
    signer = XadesSigner.from_p12(path, b"pass")
    assert signer.certificate == rsa_seal.certificate
    _xades_verify(signer.sign_enveloped(DOCUMENT), rsa_seal)


def test_one_signer_shared_by_threads_makes_valid_seals(ec_seal: pki.Issued) -> None:
    signer = XadesSigner.from_issued(ec_seal)
    documents = [f"<d><n>{i}</n></d>".encode() for i in range(40)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        sealed = list(pool.map(signer.sign_enveloped, documents))

    for i, signed in enumerate(sealed):
        assert etree.fromstring(signed).findtext("n") == str(i)
        _signxml_verify(signed, ec_seal)


def test_demo_citizen_signs_form_verifiable_by_xmlsec1(
    tmp_path: Path, xmlsec1: str
) -> None:
    demo = pki.ensure_demo_pki(tmp_path / "demo", "Urząd Miasta Testowo")
    signer = XadesSigner.from_p12(demo.citizen_p12, demo.password)
    signed = signer.sign_enveloped(DOCUMENT)
    done = _xmlsec1_verify(xmlsec1, signed, demo.root_pem, tmp_path)
    assert done.returncode == 0, done.stderr


# --- the receipt schema -----------------------------------------------------------


@pytest.fixture(scope="module")
def no_network() -> Iterator[None]:
    # Any socket opened while the schema loads or validates fails loudly,
    # however the library reaches the network.
    def refuse(self: socket.socket, address: Any) -> None:
        raise AssertionError(f"network access attempted: {address!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        yield


@pytest.fixture(scope="module")
def receipt_schema(no_network: None) -> xmlschema.XMLSchema10:
    assert SCHEMA.is_file(), f"{SCHEMA} is missing"
    return xmlschema.XMLSchema10(str(SCHEMA), allow="sandbox", defuse="always")


def _instance(signed: bytes) -> xmlschema.XMLResource:
    # The instance may name no schema or file: no URL at all is opened.
    return xmlschema.XMLResource(signed, allow="none", defuse="always")


def _receipt(**changes: str | None) -> etree._Element:
    fields: dict[str, str | None] = {
        "Office/Name": "Urząd Miasta Testowo",
        "Office/Identifier": "VATPL-1234563218",
        "RegistryNumber": "RPW/123/2026",
        "ReceivedAt": "2026-12-04T15:22:00.771Z",
        "Channel": "portal",
        "Document/SHA256": hashlib.sha256(DOCUMENT).hexdigest(),
        "Document/Size": str(len(DOCUMENT)),
        "Document/MediaType": "application/xml",
        "Form/Id": "wniosek-o-dowod",
        "Form/Version": "1.0",
        "Form/Namespace": "urn:example:wniosek",
        "Form/SchemaSHA256": "0" * 64,
        "Signer/Name": "Jan Testowy",
        "Signer/Identifier": "PNOPL-44051401458",
        "Signer/CertificateSHA256": "ab" * 32,
        "Signer/SigningTime": "2026-12-04T15:21:00Z",
        "Validation/Indication": "TOTAL_PASSED",
        "AccessCode": "ABCDEFGHJKMN2345",
        "JournalPosition": "42",
    }
    fields.update(changes)
    root = etree.fromstring(f'<Receipt xmlns="{RECEIPT_NS}"/>')
    root.set("Id", "receipt-RPW-123-2026")
    for path, text in fields.items():
        if text is None:
            continue
        parent = root
        for name in path.split("/"):
            child = parent.find(f"{{{RECEIPT_NS}}}{name}")
            if child is None:
                child = etree.SubElement(parent, f"{{{RECEIPT_NS}}}{name}")
            parent = child
        parent.text = text
    return root


def test_sealed_receipt_is_valid_against_receipt_schema(
    receipt_schema: xmlschema.XMLSchema10, rsa_seal: pki.Issued
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(_receipt())
    receipt_schema.validate(_instance(signed))
    _xades_verify(signed, rsa_seal)


def test_sealed_minimal_receipt_without_optional_parts_is_valid(
    receipt_schema: xmlschema.XMLSchema10, rsa_seal: pki.Issued
) -> None:
    receipt = _receipt(
        **{
            "Office/Identifier": None,
            "Form/SchemaSHA256": None,
            "Signer/Name": None,
            "Signer/Identifier": None,
            "Signer/CertificateSHA256": None,
            "Signer/SigningTime": None,
            "AccessCode": None,
            "JournalPosition": None,
            "Channel": "desk",
            "Validation/Indication": "INDETERMINATE",
            "Validation/SubIndication": "NO_CERTIFICATE_CHAIN_FOUND",
        }
    )
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(receipt)
    receipt_schema.validate(_instance(signed))


def test_unsealed_receipt_is_invalid_against_receipt_schema(
    receipt_schema: xmlschema.XMLSchema10,
) -> None:
    assert not receipt_schema.is_valid(_instance(etree.tostring(_receipt())))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("RegistryNumber", "RPW/0/2026"),
        ("RegistryNumber", "RPW/12/26"),
        ("ReceivedAt", "2026-12-04T15:22:00"),
        ("Channel", "fax"),
        ("Document/SHA256", "AB" * 32),
        ("Document/Size", "-1"),
        ("Validation/Indication", "PASSED"),
        ("Signer/CertificateSHA256", "abc"),
        ("AccessCode", "a b"),
    ],
)
def test_receipt_with_bad_field_is_invalid_against_receipt_schema(
    receipt_schema: xmlschema.XMLSchema10, rsa_seal: pki.Issued, path: str, value: str
) -> None:
    signed = XadesSigner.from_issued(rsa_seal).sign_enveloped(_receipt(**{path: value}))
    assert not receipt_schema.is_valid(_instance(signed))


def test_receipt_schema_accepts_every_subindication_we_emit(
    receipt_schema: xmlschema.XMLSchema10,
) -> None:
    simple = receipt_schema.types["SubIndicationType"]
    assert isinstance(simple, xmlschema.validators.XsdAtomicRestriction)
    allowed = simple.enumeration
    assert allowed is not None
    missing = {v.value for v in SubIndication} - set(allowed)
    assert not missing


def test_receipt_schema_names_no_other_schema_file() -> None:
    tree = etree.parse(str(SCHEMA))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    for tag in ("import", "include", "redefine", "override"):
        assert not tree.getroot().findall(f".//{xs}{tag}"), tag
    assert b"schemaLocation" not in SCHEMA.read_bytes()


def test_schema_loading_settings_refuse_remote_import(
    no_network: None, tmp_path: Path
) -> None:
    # The same settings as receipt_schema, on a copy that imports over HTTP.
    text = SCHEMA.read_text(encoding="utf-8")
    remote = (
        '<xs:import namespace="http://www.w3.org/2000/09/xmldsig#" '
        'schemaLocation="http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd"/>'
    )
    copy = tmp_path / "receipt-remote.xsd"
    copy.write_text(text.replace("<xs:annotation>", remote + "<xs:annotation>", 1))
    warning = xmlschema.XMLSchemaImportWarning
    with pytest.warns(warning, match="block access to remote resource"):
        xmlschema.XMLSchema10(str(copy), allow="sandbox", defuse="always")


def test_receipt_schema_has_polish_and_english_documentation() -> None:
    tree = etree.parse(str(SCHEMA))
    found = tree.xpath(
        "//xs:documentation/@xml:lang",
        namespaces={"xs": "http://www.w3.org/2001/XMLSchema"},
    )
    assert isinstance(found, list)
    langs = [str(lang) for lang in found]
    assert set(langs) == {"pl", "en"}
    assert langs.count("pl") == langs.count("en")
