"""RFC 3161 time-stamps: the local and HTTP TSAs, token checks, XAdES-T seals."""

from __future__ import annotations

import base64
import hashlib
import shutil
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from asn1crypto import cms, core, tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import etree

from signing import pki
from signing.policy import ValidationPolicy
from signing.result import Indication
from signing.seal import XadesSigner
from signing.sigtimestamp import (
    SignatureTimestampError,
    check_signature_timestamp,
    signature_timestamps,
)
from signing.trust import TrustStore
from signing.tsp import (
    HttpTimestamper,
    LocalTimestamper,
    TimestampError,
    verify_timestamp,
)
from signing.validate import validate_xml
from tests.signing.tsaserver import serve_tsa

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}
DATA = b"<SignatureValue>what the token covers</SignatureValue>"
_DATA_ARGS = ("-data", "data", "-CAfile", "root.pem")
_XMLSEC_ARGS = ("--id-attr:Id", "SignedProperties", "t.xml")
_DIGEST_ARGS = ("-CAfile", "root.pem", "-digest")


@pytest.fixture(scope="module")
def root() -> pki.Issued:
    return pki.make_root("Test TSA Root")


@pytest.fixture(scope="module")
def tsa_issued(root: pki.Issued) -> pki.Issued:
    return pki.make_tsa(root)


@pytest.fixture(scope="module")
def tsa(tsa_issued: pki.Issued) -> LocalTimestamper:
    return LocalTimestamper.from_issued(tsa_issued)


@pytest.fixture(scope="module")
def trust(root: pki.Issued) -> TrustStore:
    return TrustStore.from_certificates([root.certificate])


def _token(tsa: LocalTimestamper, data: bytes = DATA) -> bytes:
    return tsa.timestamp(hashlib.sha256(data).digest())


# --- the TSA certificate -------------------------------------------------


def test_tsa_certificate_has_critical_timestamping_eku_and_digital_signature(
    tsa_issued: pki.Issued,
) -> None:
    cert = tsa_issued.certificate
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert eku.critical
    assert list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert usage.critical and usage.value.digital_signature
    assert not usage.value.content_commitment


def test_certificate_without_timestamping_eku_cannot_run_a_tsa(
    root: pki.Issued,
) -> None:
    seal = pki.make_seal(root, office_name="Urząd Testowo", nip=pki.DEMO_NIP)
    with pytest.raises(ValueError, match="time-stamping"):
        LocalTimestamper.from_issued(seal)


def test_new_demo_pki_has_tsa_issued_by_its_root(tmp_path: Path) -> None:
    demo = pki.ensure_demo_pki(tmp_path / "demo", "Urząd Miasta Testowo")
    assert demo.tsa.certificate.issuer == demo.root.subject
    assert demo.tsa_root == demo.root
    assert demo.anchors == (demo.root,)
    assert pki.load_p12(demo.tsa_p12, demo.password).certificate == (
        demo.tsa.certificate
    )


def test_demo_pki_made_before_the_tsa_gets_one_under_its_own_root(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    first = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    for name in ("tsa.p12", "tsa.pem", "README.txt"):
        (folder / name).unlink()

    again = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    assert again.seal.certificate == first.seal.certificate
    assert again.tsa_root != again.root
    assert again.tsa.certificate.issuer == again.tsa_root.subject
    assert set(again.anchors) == {again.root, again.tsa_root}
    third = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    assert third.tsa.certificate == again.tsa.certificate


def test_demo_pki_with_half_a_tsa_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    (folder / "tsa.pem").unlink()
    with pytest.raises(pki.PKIError, match="incomplete"):
        pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")


# --- tokens and their checks ----------------------------------------------


def test_local_token_verifies_against_trusted_root(
    tsa: LocalTimestamper, tsa_issued: pki.Issued, trust: TrustStore
) -> None:
    before = datetime.now(UTC)
    result = verify_timestamp(_token(tsa), DATA, trust)
    assert result.passed, result.problems
    assert result.gen_time is not None
    assert before - timedelta(seconds=1) <= result.gen_time <= datetime.now(UTC)
    fingerprint = hashlib.sha256(
        tsa_issued.certificate.public_bytes(Encoding.DER)
    ).hexdigest()
    assert result.tsa_certificate_sha256 == fingerprint
    assert result.tsa_name is not None and "Kancelaria Demo TSA" in result.tsa_name


def test_local_token_verifies_with_openssl_ts(
    tsa: LocalTimestamper, root: pki.Issued, tmp_path: Path
) -> None:
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed as the outside verifier of tokens"
    (tmp_path / "token.der").write_bytes(_token(tsa))
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "root.pem").write_bytes(root.certificate.public_bytes(Encoding.PEM))
    done = subprocess.run(
        [openssl, "ts", "-verify", "-token_in", "-in", "token.der", *_DATA_ARGS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Verification: OK" in done.stdout


def test_token_over_other_data_is_refused_for_its_imprint(
    tsa: LocalTimestamper, trust: TrustStore
) -> None:
    result = verify_timestamp(_token(tsa), DATA + b" ", trust)
    assert not result.imprint_ok
    assert result.signature_ok and result.chain_ok
    assert not result.passed


def test_tampered_token_is_refused_for_its_signature(
    tsa: LocalTimestamper, trust: TrustStore
) -> None:
    token = bytearray(_token(tsa))
    token[-5] ^= 0x01  # inside the SignerInfo's signature value
    result = verify_timestamp(bytes(token), DATA, trust)
    assert result.imprint_ok
    assert not result.signature_ok
    assert not result.passed


def test_token_with_changed_gen_time_is_refused(
    tsa: LocalTimestamper, trust: TrustStore
) -> None:
    token = _token(tsa)
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"]
    gen_time = info.parsed["gen_time"].contents
    year = gen_time[:4]
    forged = token.replace(gen_time, str(int(year) - 1).encode() + gen_time[4:], 1)
    assert forged != token
    result = verify_timestamp(forged, DATA, trust)
    assert not result.signature_ok
    assert not result.passed


def test_token_of_untrusted_tsa_is_refused_for_its_chain(
    tsa: LocalTimestamper,
) -> None:
    stranger = pki.make_root("Some Other Root")
    other = TrustStore.from_certificates([stranger.certificate])
    result = verify_timestamp(_token(tsa), DATA, other)
    assert result.signature_ok and result.imprint_ok
    assert not result.chain_ok
    assert "does not chain" in " ".join(result.problems)


def test_empty_trust_store_never_trusts_the_tsa_it_carries(
    tsa: LocalTimestamper,
) -> None:
    result = verify_timestamp(_token(tsa), DATA, TrustStore.empty())
    assert not result.chain_ok
    assert not result.passed


def test_token_of_expired_tsa_is_refused_for_its_chain(
    root: pki.Issued, trust: TrustStore
) -> None:
    start = datetime.now(UTC) - timedelta(days=30)
    expired = pki.make_tsa(root, not_before=start, not_after=start + timedelta(days=10))
    token = LocalTimestamper.from_issued(expired).timestamp(
        hashlib.sha256(DATA).digest()
    )
    assert not verify_timestamp(token, DATA, trust).chain_ok
    assert verify_timestamp(token, DATA, trust, at=start + timedelta(days=1)).passed


def test_garbage_is_not_a_readable_token(trust: TrustStore) -> None:
    result = verify_timestamp(b"\x30\x03\x02\x01\x00", DATA, trust)
    assert not result.passed
    assert result.gen_time is None
    assert "not a readable" in result.problems[0]


def test_ec_tsa_token_verifies(root: pki.Issued, trust: TrustStore) -> None:
    ec_tsa = LocalTimestamper.from_issued(pki.make_tsa(root, key_type="ec"))
    assert verify_timestamp(_token(ec_tsa), DATA, trust).passed


def test_tsa_rejects_request_with_sha1_imprint(tsa: LocalTimestamper) -> None:
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha1"},
                "hashed_message": hashlib.sha1(DATA).digest(),
            },
            "cert_req": True,
        }
    )
    # asn1crypto cannot load a TimeStampResp without a token: read the status.
    answer = core.Sequence.load(tsa.respond(request.dump()))
    status = tsp.PKIStatusInfo.load(answer[0].dump())
    assert len(answer) == 1
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {"bad_alg"}


@pytest.mark.parametrize("algorithm", ["sha256", "sha384", "sha512"])
def test_local_token_imprint_names_the_hash_and_carries_the_digest(
    tsa: LocalTimestamper, algorithm: str
) -> None:
    # The imprint's DER is assembled from a cached head; asn1crypto reads it.
    digest = hashlib.new(algorithm, DATA).digest()
    token = cms.ContentInfo.load(tsa.timestamp(digest, algorithm))
    info = token["content"]["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]

    assert imprint["hash_algorithm"]["algorithm"].native == algorithm
    assert imprint["hashed_message"].native == digest


def test_local_timestamper_refuses_a_digest_of_the_wrong_size(
    tsa: LocalTimestamper,
) -> None:
    with pytest.raises(ValueError, match="sha256"):
        tsa.timestamp(b"too short")


# --- the HTTP client on loopback ------------------------------------------


def test_http_tsa_on_loopback_gives_a_verifiable_token(
    tsa: LocalTimestamper, trust: TrustStore
) -> None:
    with serve_tsa(tsa) as server:
        token = HttpTimestamper(server.url).timestamp(hashlib.sha256(DATA).digest())

    assert len(server.requests) == 1
    request = tsp.TimeStampReq.load(server.requests[0])
    assert request["nonce"].native is not None
    assert verify_timestamp(token, DATA, trust).passed


def test_http_tsa_answering_503_raises_timestamp_error(
    tsa: LocalTimestamper,
) -> None:
    with serve_tsa(tsa) as server:
        server.down = True
        with pytest.raises(TimestampError):
            HttpTimestamper(server.url).timestamp(hashlib.sha256(DATA).digest())


def test_http_tsa_not_listening_raises_timestamp_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    client = HttpTimestamper(f"http://127.0.0.1:{port}/tsa", timeout=2)
    with pytest.raises(TimestampError):
        client.timestamp(hashlib.sha256(DATA).digest())


def test_http_timestamper_refuses_a_url_that_is_not_http() -> None:
    with pytest.raises(ValueError, match="http"):
        HttpTimestamper("file:///etc/passwd")


# --- XAdES-T seals --------------------------------------------------------


@pytest.fixture(scope="module")
def sealer(root: pki.Issued) -> XadesSigner:
    return XadesSigner.from_issued(
        pki.make_seal(root, office_name="Urząd Testowo", nip=pki.DEMO_NIP)
    )


@pytest.fixture(scope="module")
def sealed_t(sealer: XadesSigner, tsa: LocalTimestamper) -> bytes:
    sealed = sealer.sign_enveloped(
        b'<r:Receipt xmlns:r="urn:x"><r:N>1</r:N></r:Receipt>'
    )
    return sealer.add_signature_timestamp(sealed, tsa)


def _signature(xml: bytes) -> etree._Element:
    found = etree.fromstring(xml).find("ds:Signature", NS)
    assert found is not None
    return found


def test_signature_timestamp_imprint_is_over_exclusive_c14n_of_signature_value(
    sealed_t: bytes,
) -> None:
    signature = _signature(sealed_t)
    stamp = signature.find(
        "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties"
        "/xades:UnsignedSignatureProperties/xades:SignatureTimeStamp",
        NS,
    )
    assert stamp is not None
    method = stamp.find("ds:CanonicalizationMethod", NS)
    assert method is not None
    assert method.get("Algorithm") == "http://www.w3.org/2001/10/xml-exc-c14n#"

    encapsulated = stamp.findtext("xades:EncapsulatedTimeStamp", namespaces=NS)
    token = cms.ContentInfo.load(base64.b64decode(encapsulated or ""))
    info = token["content"]["encap_content_info"]["content"].parsed
    value = signature.find("ds:SignatureValue", NS)
    octets = etree.tostring(value, method="c14n", exclusive=True)
    assert octets.startswith(b"<ds:SignatureValue xmlns:ds=")
    imprint = info["message_imprint"]["hashed_message"].native
    assert imprint == hashlib.sha256(octets).digest()


def test_timestamped_seal_validates_and_its_timestamp_verifies(
    sealed_t: bytes, trust: TrustStore
) -> None:
    result = validate_xml(sealed_t, ValidationPolicy(trust))
    assert result.indication is Indication.TOTAL_PASSED
    stamp = check_signature_timestamp(_signature(sealed_t), trust)
    assert stamp is not None and stamp.passed, stamp


def test_timestamped_seal_still_verifies_with_xmlsec1(
    sealed_t: bytes, root: pki.Issued, sealer: XadesSigner, tmp_path: Path
) -> None:
    xmlsec1 = shutil.which("xmlsec1")
    assert xmlsec1, "xmlsec1 is needed as the outside XMLDSig verifier"
    (tmp_path / "t.xml").write_bytes(sealed_t)
    (tmp_path / "root.pem").write_bytes(root.certificate.public_bytes(Encoding.PEM))
    done = subprocess.run(
        [xmlsec1, "--verify", "--trusted-pem", "root.pem", *_XMLSEC_ARGS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "SignedInfo References (ok/all): 2/2" in done.stderr


def test_signxml_xades_verifier_passes_a_broken_signature_timestamp_unchecked(
    sealed_t: bytes, sealer: XadesSigner, tsa: LocalTimestamper, trust: TrustStore
) -> None:
    # Finding: signxml 5.2 verifies the XMLDSig and signed XAdES parts only;
    # a time-stamp over other data passes it. Our check refuses it.
    from signxml.xades import XAdESVerifier

    forged = _with_token(sealed_t, _token(tsa, b"something else"))
    pem = sealer.certificate.public_bytes(Encoding.PEM).decode()
    XAdESVerifier().verify(forged, x509_cert=pem, expect_references=2)
    stamp = check_signature_timestamp(_signature(forged), trust)
    assert stamp is not None and not stamp.imprint_ok


def test_second_signature_timestamp_is_refused(
    sealed_t: bytes, sealer: XadesSigner, tsa: LocalTimestamper
) -> None:
    with pytest.raises(SignatureTimestampError, match="already"):
        sealer.add_signature_timestamp(sealed_t, tsa)


def test_bes_seal_has_no_signature_timestamp(
    sealer: XadesSigner, trust: TrustStore
) -> None:
    sealed = sealer.sign_enveloped(b"<a/>")
    assert signature_timestamps(_signature(sealed)) == []
    assert check_signature_timestamp(_signature(sealed), trust) is None


def test_failing_tsa_leaves_the_document_unchanged(sealer: XadesSigner) -> None:
    class DownTsa:
        def timestamp(self, digest: bytes, algorithm: str = "sha256") -> bytes:
            raise TimestampError("down")

    sealed = sealer.sign_enveloped(b"<a/>")
    with pytest.raises(TimestampError):
        sealer.add_signature_timestamp(sealed, DownTsa())


class _RecordingTsa:
    """Answers every digest with the same made-up token and keeps the digests."""

    def __init__(self) -> None:
        self.digests: list[bytes] = []

    def timestamp(self, digest: bytes, algorithm: str = "sha256") -> bytes:
        assert algorithm == "sha256"
        self.digests.append(digest)
        return b"token"


@pytest.mark.parametrize(
    "document",
    [
        b'<r:Receipt xmlns:r="urn:x"><r:N>1</r:N></r:Receipt>',
        b"<a/>",
        b'<?xml version="1.0"?><!-- c --><R xmlns="urn:y">\n <N>\xc3\xb3</N>\n</R>',
    ],
)
def test_seal_stamped_as_written_is_the_two_step_seal(
    sealer: XadesSigner, document: bytes
) -> None:
    # The one-pass -T receipt must be what stamping the -BES receipt gives:
    # the same document (lxml writes empty elements shorter when it
    # re-serialises, so compared canonically) and the same digest sent to
    # the TSA (the SignatureValue's C14N).
    sealed = sealer.seal_enveloped(document)
    one_pass, two_step = _RecordingTsa(), _RecordingTsa()

    stamped = sealed.timestamped(one_pass)

    expected = sealer.add_signature_timestamp(sealed.xml(), two_step)
    assert _canonical(stamped) == _canonical(expected)
    assert one_pass.digests == two_step.digests
    value = _signature(stamped).find("ds:SignatureValue", NS)
    octets = etree.tostring(value, method="c14n", exclusive=True)
    assert one_pass.digests == [hashlib.sha256(octets).digest()]


def test_seal_stamped_as_written_validates_as_xades_t(
    sealer: XadesSigner, tsa: LocalTimestamper, trust: TrustStore
) -> None:
    stamped = sealer.seal_enveloped(b'<R xmlns="urn:y"><N>1</N></R>').timestamped(tsa)

    result = validate_xml(stamped, ValidationPolicy(trust))

    assert result.indication is Indication.TOTAL_PASSED
    assert result.signatures[0].form == "XAdES-T"
    stamp = check_signature_timestamp(_signature(stamped), trust)
    assert stamp is not None and stamp.passed, stamp


def test_failing_tsa_leaves_the_sealed_parts_a_bes_seal(
    sealer: XadesSigner, trust: TrustStore
) -> None:
    class DownTsa:
        def timestamp(self, digest: bytes, algorithm: str = "sha256") -> bytes:
            raise TimestampError("down")

    sealed = sealer.seal_enveloped(b"<a/>")
    with pytest.raises(TimestampError):
        sealed.timestamped(DownTsa())

    assert signature_timestamps(_signature(sealed.xml())) == []
    result = validate_xml(sealed.xml(), ValidationPolicy(trust))
    assert result.signatures[0].form == "XAdES-BES"


def _canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml).getroottree(), method="c14n")


def _with_token(xml: bytes, token: bytes) -> bytes:
    tree = etree.fromstring(xml)
    found = tree.find(".//xades:EncapsulatedTimeStamp", NS)
    assert found is not None
    found.text = base64.b64encode(token).decode()
    return etree.tostring(tree)


# --- the validator and XAdES-T ----------------------------------------------


def _check_named(result: object, name: str) -> object:
    checks = result.signatures[0].checks  # type: ignore[attr-defined]
    found = [c for c in checks if c.name == name]
    assert len(found) == 1, checks
    return found[0]


def test_validator_names_timestamped_seal_xades_t_with_its_gen_time(
    sealed_t: bytes, trust: TrustStore
) -> None:
    result = validate_xml(sealed_t, ValidationPolicy(trust))
    signature = result.signatures[0]
    assert signature.form == "XAdES-T"
    assert result.indication is Indication.TOTAL_PASSED
    check = _check_named(result, "signature-timestamp")
    stamp = check_signature_timestamp(_signature(sealed_t), trust)
    assert stamp is not None and stamp.gen_time is not None
    assert check.passed  # type: ignore[attr-defined]
    assert stamp.gen_time.isoformat() in check.detail  # type: ignore[attr-defined]


def test_validator_does_not_use_a_timestamp_over_other_data(
    sealed_t: bytes, tsa: LocalTimestamper, trust: TrustStore
) -> None:
    forged = _with_token(sealed_t, _token(tsa, b"something else"))
    result = validate_xml(forged, ValidationPolicy(trust))
    assert result.signatures[0].form == "XAdES-BES"
    check = _check_named(result, "signature-timestamp")
    assert not check.passed  # type: ignore[attr-defined]
    assert "not used" in check.detail  # type: ignore[attr-defined]
    # Judged as if it had no time-stamp: the seal itself is intact.
    assert result.indication is Indication.TOTAL_PASSED


def test_validator_does_not_use_a_timestamp_of_an_untrusted_tsa(
    sealer: XadesSigner, trust: TrustStore
) -> None:
    stranger = LocalTimestamper.from_issued(pki.make_tsa(pki.make_root("Stranger")))
    stamped = sealer.add_signature_timestamp(sealer.sign_enveloped(b"<a/>"), stranger)
    result = validate_xml(stamped, ValidationPolicy(trust))
    assert result.signatures[0].form == "XAdES-BES"
    assert not _check_named(result, "signature-timestamp").passed  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def old_root() -> pki.Issued:
    return pki.make_root("Old Root", now=datetime.now(UTC) - timedelta(days=100))


@pytest.fixture(scope="module")
def old_trust(old_root: pki.Issued) -> TrustStore:
    return TrustStore.from_certificates([old_root.certificate])


@pytest.fixture(scope="module")
def expired_seal(old_root: pki.Issued) -> XadesSigner:
    start = datetime.now(UTC) - timedelta(days=30)
    issued = pki.make_seal(
        old_root,
        office_name="Urząd Testowo",
        nip=pki.DEMO_NIP,
        not_before=start,
        not_after=start + timedelta(days=20),
    )
    return XadesSigner.from_issued(issued)


def _tsa_at(root: pki.Issued, moment: datetime) -> LocalTimestamper:
    issued = pki.make_tsa(root, not_before=datetime.now(UTC) - timedelta(days=60))
    return LocalTimestamper(
        issued.key, issued.certificate, issued.chain, clock=lambda: moment
    )


def test_expired_seal_time_stamped_while_valid_passes_on_the_tokens_time(
    expired_seal: XadesSigner, old_root: pki.Issued, old_trust: TrustStore
) -> None:
    then = datetime.now(UTC) - timedelta(days=25)
    sealed = expired_seal.sign_enveloped(b"<a/>", signing_time=then)
    bes = validate_xml(sealed, ValidationPolicy(old_trust))
    assert bes.indication is Indication.INDETERMINATE
    assert bes.subindication is not None
    assert bes.subindication.value == "OUT_OF_BOUNDS_NO_POE"

    stamped = expired_seal.add_signature_timestamp(
        sealed, _tsa_at(old_root, then + timedelta(minutes=1))
    )
    result = validate_xml(stamped, ValidationPolicy(old_trust))
    assert result.indication is Indication.TOTAL_PASSED, result.signatures[0].checks
    assert result.signatures[0].form == "XAdES-T"
    path = _check_named(result, "certificate-path")
    assert "time-stamp" in path.detail  # type: ignore[attr-defined]


def test_expired_seal_time_stamped_after_expiry_stays_out_of_bounds(
    expired_seal: XadesSigner, old_root: pki.Issued, old_trust: TrustStore
) -> None:
    then = datetime.now(UTC) - timedelta(days=25)
    sealed = expired_seal.sign_enveloped(b"<a/>", signing_time=then)
    late = datetime.now(UTC) - timedelta(days=2)
    stamped = expired_seal.add_signature_timestamp(sealed, _tsa_at(old_root, late))
    result = validate_xml(stamped, ValidationPolicy(old_trust))
    assert result.indication is Indication.INDETERMINATE
    assert result.subindication is not None
    assert result.subindication.value == "OUT_OF_BOUNDS_NO_POE"


# --- real XAdES-T files of another producer (EU DSS test corpus) -----------

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dss"


def _corpus_signature(name: str) -> etree._Element:
    path = CORPUS / "xades" / name
    if not path.exists():
        pytest.fail(f"{path} is missing; the ../shared DSS corpus is needed")

    root = etree.fromstring(path.read_bytes())
    stamped = [s for s in root.iter(f"{{{DS}}}Signature") if signature_timestamps(s)]
    assert len(stamped) == 1
    return stamped[0]


@pytest.mark.corpus
def test_dss_xades_t_token_imprint_matches_our_signature_value_c14n() -> None:
    # DSS time-stamped exc-C14N(SignatureValue) with SHA-256: our imprint
    # computation agrees with another producer's, and the token's signature
    # verifies; its Belgian chain (2013, SHA-1 roots) is refused by policy.
    signature = _corpus_signature("Signature-X-BE_ECON-3.xml")
    stamp = check_signature_timestamp(signature, TrustStore.empty())
    assert stamp is not None and stamp.gen_time is not None
    assert stamp.imprint_ok and stamp.signature_ok
    assert stamp.gen_time == datetime(2014, 11, 12, 7, 3, 15, tzinfo=UTC)
    assert stamp.tsa_name is not None and "Time Stamping Authority" in stamp.tsa_name

    token = signature_timestamps(signature)[0].token
    certificates = cms.ContentInfo.load(token)["content"]["certificates"]
    roots = [
        x509.load_der_x509_certificate(c.chosen.dump())
        for c in certificates
        if c.chosen.self_signed == "maybe" or c.chosen.self_signed == "yes"
    ]
    assert roots
    trusted = TrustStore.from_certificates(roots)
    old = check_signature_timestamp(signature, trusted, at=stamp.gen_time)
    assert old is not None and not old.chain_ok
    assert "algorithm" in " ".join(old.problems)


@pytest.mark.corpus
def test_dss_timestamp_with_sha1_imprint_is_refused_for_its_imprint() -> None:
    signature = _corpus_signature("Signature-X-RO_TRA-4.xml")
    stamp = check_signature_timestamp(signature, TrustStore.empty())
    assert stamp is not None and not stamp.imprint_ok
    assert "sha1" in stamp.problems[0]


def test_signature_timestamp_verifies_with_stdlib_c14n_and_openssl_ts(
    sealed_t: bytes, root: pki.Issued, tmp_path: Path
) -> None:
    # Without libxml2 or our code: Python's own C14N 2.0 writer (which for
    # this element, one prefix used on itself, gives the exclusive C14N
    # octets) and openssl checking the token over their SHA-256.
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed as the outside verifier of tokens"
    signature = _signature(sealed_t)
    value = etree.tostring(signature.find("ds:SignatureValue", NS)).decode()
    encapsulated = signature.findtext(".//xades:EncapsulatedTimeStamp", namespaces=NS)
    (tmp_path / "token.der").write_bytes(base64.b64decode(encapsulated or ""))
    (tmp_path / "root.pem").write_bytes(root.certificate.public_bytes(Encoding.PEM))

    c14n = ElementTree.canonicalize(value).encode("utf-8")
    digest = hashlib.sha256(c14n).hexdigest()
    command = [openssl, "ts", "-verify", "-token_in", "-in", "token.der"]
    done = subprocess.run(
        [*command, *_DIGEST_ARGS, digest],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verification: OK" in done.stdout
