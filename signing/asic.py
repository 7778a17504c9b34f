"""ASiC containers (ETSI EN 319 162-1) and ODF signed documents.

A container is a ZIP (read by :mod:`signing.ziparchive`, which refuses
bombs, unsafe or duplicate names and huge member counts) with an optional
``mimetype`` first member, its data objects at any path outside
``META-INF/``, and its signatures in ``META-INF/``:

* XAdES (``META-INF/*signatures*.xml``: ASiC-S ``signatures.xml``, ASiC-E
  ``signatures001.xml`` …, ODF ``documentsignatures.xml``): validated by
  :func:`signing.validate.validate_xml` with every member offered as
  detached data, the references naming members by path;
* CAdES (``META-INF/*signature*.p7s``): in ASiC-S over the one data
  object; in ASiC-E over the ``META-INF/ASiCManifest*.xml`` whose
  ``SigReference`` names it, and the manifest's ``DataObjectReference``
  digests are then checked one by one.

Time-stamp tokens (``META-INF/timestamp*.tst``) are checked by
:mod:`signing.asictimestamp` and reported after the signatures, as proofs
of existence; a container holding time-stamps and no signature is not
signed.  A verified token whose manifest (an ``ASiCArchiveManifest``)
covers a signature file is that signature's proof of existence
(:mod:`signing.asicpoe`).

Every signature of every signature file is reported.  ``uncovered`` lists
the data objects no signature covers (time-stamps do not count), and the
files under ``META-INF/`` that no signature covers and that are not the
standard's own (EN 319 162-1 and ODF: ``manifest.xml``, ``*signatures*.xml``,
``*signature*.p7s``, ``ASiCManifest*.xml``, ``ASiCArchiveManifest*.xml``,
``ASiCEvidenceRecordManifest*.xml``, ``*timestamp*.tst``,
``evidencerecord*``): the standard lets META-INF hold other files, but a
clerk unzipping the original would see them, and nobody signed them.  The
caller decides (intake refuses a container with unsigned content, as it
does for XML).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import unquote

from lxml import etree

from signing import algorithms as alg
from signing.asicpoe import ContainerProof, covering_proofs, is_signature_file, noted
from signing.asictimestamp import is_timestamp_file, validate_timestamp_file
from signing.cades import validate_cms
from signing.errors import NotSignedError, SigningInputError
from signing.policy import ValidationPolicy
from signing.result import (
    Check,
    Indication,
    SignatureResult,
    SignedObject,
    SubIndication,
    ValidationResult,
    summarise,
)
from signing.safexml import parse_xml
from signing.validate import validate_xml
from signing.ziparchive import Member, read_members

ASIC_NS = "http://uri.etsi.org/02918/v1.2.1#"
ASIC_S = "application/vnd.etsi.asic-s+zip"
ASIC_E = "application/vnd.etsi.asic-e+zip"
META = "META-INF/"
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,62}/[a-z0-9][a-z0-9.+-]{0,62}")


@dataclass(frozen=True)
class ContainerResult:
    """The validation of a container and what its signatures cover."""

    container: str
    """``ASiC-S``, ``ASiC-E``, ``ODF`` or ``ZIP`` (no or another mimetype)."""
    validation: ValidationResult
    data_objects: tuple[tuple[str, str], ...]
    """Every data object: (path, SHA-256 hex)."""
    uncovered: tuple[str, ...]
    """Data objects that no signature covers."""
    mimetype: str = ""
    """The ``mimetype`` member's content, when it is a plain media type."""


def validate_container(data: bytes, policy: ValidationPolicy) -> ContainerResult:
    """Validate every signature of a ZIP-based container."""
    members = read_members(data)
    by_name = {m.name: m.data for m in members}
    mimetype = by_name.get("mimetype", b"").decode("ascii", "replace").strip()
    objects = {n: d for n, d in by_name.items() if _is_data_object(n)}
    stamps = _validate_timestamps(members, by_name, objects, policy)
    proofs = covering_proofs(stamps, (n for n in by_name if is_signature_file(n)))
    results: list[SignatureResult] = []
    for member in members:
        proof = proofs.get(member.name)
        found = _validate_signature_file(member, by_name, objects, policy, proof)
        results.extend(noted(found, proof))

    if not results:
        raise NotSignedError("the container carries no signature")

    covered = {c.uri for s in results for c in s.covered if c.kind == "external"}
    signatures = (*results, *stamps)
    indication, sub = summarise(signatures)
    moment = policy.effective_time()
    validation = ValidationResult(indication, sub, signatures, moment)
    return ContainerResult(
        container=_container_kind(mimetype, by_name),
        validation=validation,
        data_objects=tuple(
            (n, hashlib.sha256(d).hexdigest()) for n, d in objects.items()
        ),
        uncovered=tuple(n for n in objects if n not in covered)
        + tuple(n for n in by_name if _extra_meta(n) and n not in covered),
        mimetype=mimetype if _MEDIA_TYPE.fullmatch(mimetype) else "",
    )


def _is_data_object(name: str) -> bool:
    return name != "mimetype" and not name.startswith(META) and not name.endswith("/")


_MANIFESTS = ("ASiCManifest", "ASiCArchiveManifest", "ASiCEvidenceRecordManifest")


def _extra_meta(name: str) -> bool:
    """A file under META-INF/ that is none of the standard's own files."""
    if not name.startswith(META) or name.endswith("/"):
        return False

    if is_signature_file(name) or is_timestamp_file(name):
        return False

    base = name[len(META) :]
    lower = base.lower()
    if "/" in base:
        return True

    if lower == "manifest.xml":
        return False

    if base.startswith(_MANIFESTS) and lower.endswith(".xml"):
        return False

    return not (lower.startswith("evidencerecord") and lower.endswith((".ers", ".xml")))


def _container_kind(mimetype: str, members: dict[str, bytes]) -> str:
    if mimetype == ASIC_S:
        return "ASiC-S"
    if mimetype == ASIC_E:
        return "ASiC-E"
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return "ODF"
    return "ZIP"


def _validate_signature_file(
    member: Member,
    by_name: dict[str, bytes],
    objects: dict[str, bytes],
    policy: ValidationPolicy,
    proof: ContainerProof | None,
) -> list[SignatureResult]:
    name = member.name
    if not is_signature_file(name):
        return []

    proven_at = None if proof is None else proof.time
    if name.lower().endswith(".xml"):
        others = {n: d for n, d in by_name.items() if n != name}
        found = validate_xml(member.data, policy, detached=others, proven_at=proven_at)
        return list(found.signatures)

    return _validate_cades(
        name, member.data, by_name, objects, policy, proven_at=proven_at
    )


def _validate_timestamps(
    members: list[Member],
    by_name: dict[str, bytes],
    objects: dict[str, bytes],
    policy: ValidationPolicy,
) -> list[SignatureResult]:
    """Check every time-stamp token: over its manifest, or the one object.

    A token's manifest may name any member, signature files included
    (an ``ASiCArchiveManifest`` does): that is how a token covers them."""
    found = []
    members_named = {n: d for n, d in by_name.items() if n != "mimetype"}
    for member in members:
        if not is_timestamp_file(member.name):
            continue

        manifest_name = _manifest_for(member.name, by_name, archive=True)
        if manifest_name is not None:
            manifest = (manifest_name, by_name[manifest_name])

            def check(result: SignatureResult, data: bytes) -> SignatureResult:
                return _check_manifest(result, data, members_named)

            found.append(
                validate_timestamp_file(
                    member.name, member.data, manifest, policy, check
                )
            )
            continue

        only = next(iter(objects.items())) if len(objects) == 1 else None
        found.append(validate_timestamp_file(member.name, member.data, only, policy))

    return found


def _validate_cades(
    name: str,
    data: bytes,
    by_name: dict[str, bytes],
    objects: dict[str, bytes],
    policy: ValidationPolicy,
    *,
    proven_at: datetime | None,
) -> list[SignatureResult]:
    """Every signer of a ``.p7s`` and its counter-signatures; ``proven_at``
    is a container time-stamp's proof that the ``.p7s`` existed."""
    manifest_name = _manifest_for(name, by_name)
    if manifest_name is None:
        if len(objects) != 1:
            return [
                _broken(
                    name,
                    "a CAdES signature without ASiCManifest needs one data object",
                )
            ]
        target, payload = next(iter(objects.items()))
        return list(validate_cms(data, policy, payload, target, proven_at).signatures)

    manifest = by_name[manifest_name]
    found = validate_cms(data, policy, manifest, manifest_name, proven_at).signatures
    return [
        s if s.counter_signature_of else _check_manifest(s, manifest, objects)
        for s in found
    ]


def _manifest_for(
    signature: str, by_name: dict[str, bytes], *, archive: bool = False
) -> str | None:
    """The ASiCManifest whose SigReference names this signature file (for a
    time-stamp token, ``archive``, an ASiCArchiveManifest too)."""
    prefixes = ("ASiCManifest", "ASiCArchiveManifest") if archive else ("ASiCManifest",)
    for name, data in by_name.items():
        base = name[len(META) :] if name.startswith(META) else ""
        if not base.startswith(prefixes) or not base.endswith(".xml"):
            continue
        root = _parse(data)
        refs = root.findall(f"{{{ASIC_NS}}}SigReference") if root is not None else []
        if any(unquote(r.get("URI", "")) == signature for r in refs):
            return name

    return None


def _check_manifest(
    signed: SignatureResult, manifest: bytes, objects: dict[str, bytes]
) -> SignatureResult:
    """Check every DataObjectReference digest of a signed ASiCManifest."""
    root = _parse(manifest)
    checks = list(signed.checks)
    covered = list(signed.covered)
    worst: SubIndication | None = None
    refs = [] if root is None else root.findall(f"{{{ASIC_NS}}}DataObjectReference")
    for ref in refs:
        uri = unquote(ref.get("URI", ""))
        ok, detail = _reference_holds(ref, objects.get(uri))
        checks.append(Check("manifest-reference", ok, f"{uri[:80]!r}: {detail}"))
        if ok:
            covered.append(
                SignedObject(
                    uri, "external", None, hashlib.sha256(objects[uri]).hexdigest()
                )
            )
        elif worst is None:
            worst = (
                SubIndication.SIGNED_DATA_NOT_FOUND
                if uri not in objects
                else SubIndication.HASH_FAILURE
            )

    if not refs:
        checks.append(
            Check("manifest-reference", False, "the manifest lists no data object")
        )
        worst = SubIndication.SIGNED_DATA_NOT_FOUND

    result = replace(signed, checks=tuple(checks), covered=tuple(covered))
    if worst is None or signed.indication is Indication.TOTAL_FAILED:
        return result

    failed = (
        Indication.TOTAL_FAILED
        if worst is SubIndication.HASH_FAILURE
        else Indication.INDETERMINATE
    )
    return replace(result, indication=failed, subindication=worst)


def _reference_holds(ref: etree._Element, data: bytes | None) -> tuple[bool, str]:
    if data is None:
        return False, "not in the container"

    method = ref.find(f"{{{alg.DSIG}}}DigestMethod")
    value = ref.find(f"{{{alg.DSIG}}}DigestValue")
    name = None if method is None else alg.DIGESTS.get(method.get("Algorithm", ""))
    if name is None or value is None:
        return False, "digest method not supported"

    try:
        expected = base64.b64decode("".join((value.text or "").split()), validate=True)
    except (ValueError, binascii.Error):
        return False, "digest value unreadable"

    if hmac.compare_digest(hashlib.new(name, data).digest(), expected):
        return True, "digest matches"

    return False, "digest does not match"


def _parse(data: bytes) -> etree._Element | None:
    try:
        return parse_xml(data).getroot()
    except SigningInputError:
        return None


def _broken(name: str, detail: str) -> SignatureResult:
    return SignatureResult(
        signature_id=name,
        indication=Indication.TOTAL_FAILED,
        subindication=SubIndication.FORMAT_FAILURE,
        form="CAdES",
        signer=None,
        signing_time=None,
        covered=(),
        checks=(Check("container-structure", False, detail),),
    )
