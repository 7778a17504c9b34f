"""Core XMLDSig (RFC 3275): references, digests and the SignatureValue.

This is a lean implementation on lxml and cryptography rather than signxml:
signxml refuses certificates whose key usage is nonRepudiation only (every
Polish qualified certificate) and cannot verify the XPath filter transform
Certum-style tools emit, and it re-serialises and re-parses the document many
times per check (see PERFORMANCE.md).  Here the document is parsed once; each
reference is resolved in that tree, transformed (see :mod:`signing.transforms`)
and digested, and the SignatureValue is verified over the canonical octets of
the very SignedInfo element whose references were checked.

A reference by ``#id`` must name exactly one element (Id, ID or id attribute);
a duplicate is a format failure.  A target inside a ds:Signature must sit
where XMLDSig puts signed things (a ds:Object of that signature, the
SignedProperties of its QualifyingProperties, a SignatureProperty, or a direct
child of the signature); a target hidden deeper — the shape of signature
wrapping attacks — counts as signed data not found.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from lxml import etree

from signing import algorithms as alg
from signing.c14n import (
    Children,
    NodeSet,
    UnsupportedNodeSetError,
    apex_element,
    canonical_element,
    nodes_of,
)
from signing.certs import CertCache, CertFacts
from signing.errors import SigningInputError
from signing.leftout import left_out
from signing.result import SignedObject
from signing.transforms import (
    AmbiguousIdError,
    TransformContext,
    TransformResult,
    apply_transforms,
    inclusive_prefixes,
)
from signing.xades import XADES_NAMESPACES

log = logging.getLogger(__name__)

DS = alg.DSIG
_ID_ATTRIBUTES = ("Id", "ID", "id")
_NS = {"d": DS}
_ID_VALUES = etree.XPath("//@Id | //@ID | //@id")
_KEY_INFO_CERTIFICATES = etree.XPath(
    "d:KeyInfo/d:X509Data/d:X509Certificate/text()", namespaces=_NS
)


class SignatureFormatError(Exception):
    """A ds:Signature whose structure does not allow validation."""


@dataclass(frozen=True)
class Document:
    """The parsed document and what references are resolved against."""

    tree: etree._ElementTree
    ids: Mapping[str, list[etree._Element]]
    detached: Mapping[str, bytes]
    parse: Callable[[bytes], etree._ElementTree]


@dataclass(frozen=True)
class SignatureParts:
    """The pieces of a ds:Signature that validation needs."""

    element: etree._Element
    signed_info: etree._Element
    c14n_method: str
    c14n_prefixes: list[str] | None
    signature_method: str
    signature_value: bytes
    references: tuple[etree._Element, ...]
    certificates: tuple[CertFacts, ...]
    """The parseable X509Certificate values of KeyInfo, in document order."""

    @cached_property
    def signed_info_octets(self) -> bytes:
        """The canonical octets of SignedInfo, which the value signs."""
        return canonical_element(self.signed_info, self.c14n_method, self.c14n_prefixes)


@dataclass(frozen=True)
class ReferenceOutcome:
    """What became of one ds:Reference."""

    uri: str | None
    ref_type: str | None
    status: str
    """``intact``, ``hash-failure``, ``not-found``, ``ambiguous``,
    ``unsupported`` or ``unknown-digest``."""
    detail: str
    digest_name: str | None = None
    targets: tuple[etree._Element, ...] = ()
    """The elements of the parsed document the reference selects."""
    covered: SignedObject | None = None
    octets: bytes | None = field(default=None, repr=False, compare=False)
    """The data after the transforms, as digested (archive time-stamps)."""
    nodes: NodeSet | None = field(default=None, repr=False, compare=False)
    """The final node-set, when the transforms ended with one."""

    @property
    def intact(self) -> bool:
        """Whether the digest matched."""
        return self.status == "intact"


def signatures_of(tree: etree._ElementTree) -> list[etree._Element]:
    """Return every ds:Signature element of a document, in document order."""
    return list(tree.iter(f"{{{DS}}}Signature"))


def index_ids(tree: etree._ElementTree) -> dict[str, list[etree._Element]]:
    """Map every Id/ID/id value to the elements that carry it."""
    found: dict[str, list[etree._Element]] = {}
    for value in nodes_of(_ID_VALUES(tree)):
        element = value.getparent()
        if element is not None:
            found.setdefault(str(value), []).append(element)

    return found


def read_signature(sig: etree._Element, certs: CertCache) -> SignatureParts:
    """Read a ds:Signature's parts, or raise SignatureFormatError."""
    signed_info = _only_child(sig, "SignedInfo")
    c14n = _only_child(signed_info, "CanonicalizationMethod")
    method = _only_child(signed_info, "SignatureMethod").get("Algorithm", "")
    c14n_uri = c14n.get("Algorithm", "")
    if c14n_uri not in alg.C14N_METHODS:
        raise SignatureFormatError("SignedInfo canonicalisation is not a C14N")

    value_text = _only_child(sig, "SignatureValue").text or ""
    try:
        value = base64.b64decode("".join(value_text.split()), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise SignatureFormatError("SignatureValue is not base64") from exc

    references = tuple(signed_info.iterchildren(f"{{{DS}}}Reference"))
    if not references:
        raise SignatureFormatError("SignedInfo has no Reference")

    return SignatureParts(
        sig,
        signed_info,
        c14n_uri,
        inclusive_prefixes(c14n),
        method,
        value,
        references,
        _key_info_certificates(sig, certs),
    )


def _only_child(parent: etree._Element, name: str) -> etree._Element:
    """Return the single ds child of that name, or raise."""
    found = list(parent.iterchildren(f"{{{DS}}}{name}"))
    if len(found) != 1:
        raise SignatureFormatError(f"expected exactly one ds:{name}")

    return found[0]


def _key_info_certificates(
    sig: etree._Element, certs: CertCache
) -> tuple[CertFacts, ...]:
    """Return the certificates of KeyInfo/X509Data that parse."""
    texts = nodes_of(_KEY_INFO_CERTIFICATES(sig))
    loaded = (certs.from_base64(str(t)) for t in texts)
    return tuple(c for c in loaded if c is not None)


def check_reference(
    ref: etree._Element, sig: etree._Element, doc: Document
) -> ReferenceOutcome:
    """Resolve, transform and digest one reference."""
    uri = ref.get("URI")
    ref_type = ref.get("Type")
    try:
        return _check_reference(ref, sig, doc, uri, ref_type)
    except AmbiguousIdError:
        return ReferenceOutcome(uri, ref_type, "ambiguous", "an Id is not unique")
    except UnsupportedNodeSetError as exc:
        return ReferenceOutcome(uri, ref_type, "unsupported", str(exc))
    except SigningInputError as exc:
        detail = f"referenced data is not acceptable XML ({exc.code})"
        return ReferenceOutcome(uri, ref_type, "unsupported", detail)


def _check_reference(
    ref: etree._Element,
    sig: etree._Element,
    doc: Document,
    uri: str | None,
    ref_type: str | None,
) -> ReferenceOutcome:
    """Do the work of :func:`check_reference`; may raise."""
    digest_method = next(ref.iterchildren(f"{{{DS}}}DigestMethod"), None)
    digest_uri = "" if digest_method is None else digest_method.get("Algorithm", "")
    digest_name = alg.DIGESTS.get(digest_uri)
    if digest_name is None:
        return ReferenceOutcome(
            uri, ref_type, "unknown-digest", "unknown digest method"
        )

    data, kind = _dereference(uri, sig, doc)
    if data is None:
        return ReferenceOutcome(
            uri, ref_type, "not-found", kind, digest_name=digest_name
        )

    transforms = [
        transform
        for holder in ref.iterchildren(f"{{{DS}}}Transforms")
        for transform in holder.iterchildren(f"{{{DS}}}Transform")
    ]
    ctx = TransformContext(sig, doc.ids, doc.parse)
    result = apply_transforms(data, transforms, ctx)
    final = result.nodes if result.nodes is not None else data
    targets = _targets(final)
    covered = _covered(uri or "", data, result.nodes, result.octets, doc)
    covered = replace(covered, left_out=_left_out(covered.kind, result))
    status, detail = _compare_digest(ref, digest_name, result.octets)
    return ReferenceOutcome(
        uri,
        ref_type,
        status,
        detail,
        digest_name,
        targets,
        covered,
        result.octets,
        result.nodes if result.final_nodes else None,
    )


_PARTS_OF_SIGNATURES = ("signed-properties", "manifest", "signature-part")


def _left_out(kind: str, result: TransformResult) -> tuple[str, ...]:
    """What was cut out: of the named data, but for the signature's own
    parts (a Filter 2.0 intersect picking SignedProperties out of the
    document) of the part the node-set stands for."""
    nodes = result.nodes
    if kind not in _PARTS_OF_SIGNATURES or nodes is None:
        return result.left_out

    return tuple(left_out(nodes, NodeSet(nodes.tree, list(nodes.apexes))))


def _compare_digest(
    ref: etree._Element, digest_name: str, octets: bytes
) -> tuple[str, str]:
    """Compare the computed digest with DigestValue."""
    value = next(ref.iterchildren(f"{{{DS}}}DigestValue"), None)
    text = "" if value is None else value.text or ""
    try:
        expected = base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error):
        return "hash-failure", "DigestValue is not base64"

    actual = alg.digest(digest_name, octets)
    if hmac.compare_digest(actual, expected):
        return "intact", "digest matches"

    return "hash-failure", "digest does not match the referenced data"


def _dereference(
    uri: str | None, sig: etree._Element, doc: Document
) -> tuple[NodeSet | bytes | None, str]:
    """Resolve a URI to a node-set or octets; (None, reason) if not found."""
    if uri is None:
        if len(doc.detached) == 1:
            return next(iter(doc.detached.values())), "external"

        return None, "reference without URI and no single detached document"

    if uri == "":
        return NodeSet(doc.tree, [doc.tree]), "document"

    if uri.startswith("#xpointer("):
        return _xpointer(uri, sig, doc)

    if uri.startswith("#"):
        return _by_id(uri[1:], sig, doc, with_comments=False)

    payload = doc.detached.get(uri)
    if payload is None:
        payload = doc.detached.get(unquote(uri))

    if payload is None:
        return None, "detached data not supplied"

    return payload, "external"


def _xpointer(
    uri: str, sig: etree._Element, doc: Document
) -> tuple[NodeSet | bytes | None, str]:
    """Resolve the two XPointer forms XMLDSig requires."""
    if uri == "#xpointer(/)":
        return NodeSet(doc.tree, [doc.tree], with_comments=True), "document"

    inner = uri[len("#xpointer(") : -1]
    for quote in ("'", '"'):
        prefix, suffix = f"id({quote}", f"{quote})"
        if inner.startswith(prefix) and inner.endswith(suffix):
            ident = inner[len(prefix) : -len(suffix)]
            return _by_id(ident, sig, doc, with_comments=True)

    raise UnsupportedNodeSetError("unsupported XPointer")


def _by_id(
    ident: str, sig: etree._Element, doc: Document, with_comments: bool
) -> tuple[NodeSet | bytes | None, str]:
    """Resolve a same-document reference by Id."""
    found = doc.ids.get(ident, [])
    if len(found) > 1:
        raise AmbiguousIdError(ident)

    if not found:
        return None, "no element has that Id"

    target = found[0]
    if not _placed_where_signable(target):
        return None, "target lies where a signature cannot reference it"

    return NodeSet(doc.tree, [target], with_comments), "element"


def _placed_where_signable(target: etree._Element) -> bool:
    """Refuse targets hidden inside a ds:Signature (signature wrapping)."""
    chain = []
    node: etree._Element | None = target
    while node is not None and _qname(node) != (DS, "Signature"):
        chain.append(_qname(node))
        node = node.getparent()

    if node is None or node is target:
        return True

    if len(chain) == 1:
        return True

    if len(chain) == 2:
        return chain[1] == (DS, "Object")

    allowed = [
        [(ns, "SignedProperties"), (ns, "QualifyingProperties"), (DS, "Object")]
        for ns in XADES_NAMESPACES
    ]
    allowed.append(
        [(DS, "SignatureProperty"), (DS, "SignatureProperties"), (DS, "Object")]
    )
    return chain in allowed


def _qname(element: etree._Element) -> tuple[str, str]:
    """Return (namespace, local name) of an element."""
    tag = element.tag
    if not isinstance(tag, str):
        return ("", "")

    if tag[0] != "{":
        return ("", tag)

    namespace, _, local = tag[1:].partition("}")
    return (namespace, local)


def _kind(target: etree._Element) -> str:
    """Classify what a same-document reference points at."""
    ns, local = _qname(target)
    if ns in XADES_NAMESPACES and local == "SignedProperties":
        return "signed-properties"

    if ns in XADES_NAMESPACES and local == "QualifyingProperties":
        return "signed-properties"

    if ns == DS and local in ("SignatureProperties", "SignatureProperty"):
        return "signed-properties"

    if ns == DS and local == "Manifest":
        return "manifest"

    if ns == DS and local == "Object":
        return "object"

    if ns == DS or ns in XADES_NAMESPACES:
        return "signature-part"

    return "element"


def _targets(data: NodeSet | bytes) -> tuple[etree._Element, ...]:
    """Return the parsed-document elements a node-set starts from."""
    if not isinstance(data, NodeSet):
        return ()

    found = (apex_element(a) for a in data.apexes)
    return tuple(e for e in found if e is not None)


def _covered(
    uri: str,
    data: NodeSet | bytes,
    nodes: NodeSet | None,
    octets: bytes,
    doc: Document,
) -> SignedObject:
    """Describe what the reference covers, with the element as signed."""
    if isinstance(data, bytes):
        return SignedObject(uri, "external", None, hashlib.sha256(data).hexdigest())

    if nodes is None:
        kind = _kind_of_nodes(data)
        return SignedObject(uri, kind, _parse_octets(octets, doc), _sha(octets))

    kind = _kind_of_nodes(nodes)
    element = _signed_element(nodes)
    if kind == "object" and element is not None:
        element = _object_content(element, doc)

    return SignedObject(uri, kind, element, None)


def _kind_of_nodes(nodes: NodeSet) -> str:
    """Classify a node-set by what it starts from in the parsed document."""
    if len(nodes.apexes) == 1 and isinstance(nodes.apexes[0], etree._ElementTree):
        return "document"

    targets = _targets(nodes)
    if len(targets) != 1:
        return "element"

    return _kind(targets[0])


def _signed_element(nodes: NodeSet) -> etree._Element | None:
    """Return the single element a node-set stands for, as signed."""
    apexes = nodes.materialise()
    if len(apexes) != 1:
        return None

    apex = apexes[0]
    if isinstance(apex, Children):
        elements = [c for c in apex.parent if isinstance(c.tag, str)]
        return elements[0] if len(elements) == 1 else None

    return apex_element(apex)


def _object_content(obj: etree._Element, doc: Document) -> etree._Element:
    """Return the one element inside a ds:Object (decoding a base64 object),
    else the object itself."""
    if _qname(obj) != (DS, "Object"):
        return obj

    elements = [c for c in obj if isinstance(c.tag, str)]
    if len(elements) == 1:
        return elements[0]

    if not elements and obj.get("Encoding") == alg.BASE64:
        decoded = _decode_base64_text(obj.text or "")
        parsed = None if decoded is None else _parse_octets(decoded, doc)
        if parsed is not None:
            return parsed

    return obj


def _decode_base64_text(text: str) -> bytes | None:
    """Decode base64 text, ``None`` if it is not base64."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error):
        return None


def _parse_octets(octets: bytes, doc: Document) -> etree._Element | None:
    """Parse decoded octets (e.g. base64 content) if they are XML."""
    if not octets.lstrip().startswith(b"<"):
        return None

    try:
        return doc.parse(octets).getroot()
    except SigningInputError:
        return None


def _sha(octets: bytes) -> str:
    """Return the hex SHA-256 of octets."""
    return hashlib.sha256(octets).hexdigest()


def verify_signature_value(parts: SignatureParts, cert: CertFacts) -> bool:
    """Verify SignatureValue over the canonical SignedInfo with a cert's key."""
    method = alg.SIGNATURE_METHODS.get(parts.signature_method)
    if method is None:
        return False

    data = parts.signed_info_octets
    key = cert.public_key
    try:
        _verify(key, method, parts.signature_value, data)
    except (InvalidSignature, ValueError, TypeError):
        return False

    return True


def _verify(
    key: object, method: alg.SignatureAlgorithm, value: bytes, data: bytes
) -> None:
    """Verify one signature; raise InvalidSignature (or ValueError) if bad."""
    chosen = method.hash_algorithm()
    if method.key_type == "rsa" and isinstance(key, rsa.RSAPublicKey):
        key.verify(value, data, padding.PKCS1v15(), chosen)
    elif method.key_type == "rsa-pss" and isinstance(key, rsa.RSAPublicKey):
        pss = padding.PSS(padding.MGF1(chosen), chosen.digest_size)
        key.verify(value, data, pss, chosen)
    elif method.key_type == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(_ecdsa_der(value, key), data, ec.ECDSA(chosen))
    else:
        raise InvalidSignature("key type does not match the signature method")


def _ecdsa_der(value: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    """Convert XMLDSig's fixed-width r‖s into DER for cryptography."""
    size = (key.curve.key_size + 7) // 8
    if len(value) != 2 * size:
        raise InvalidSignature("ECDSA value has the wrong length")

    r = int.from_bytes(value[:size], "big")
    s = int.from_bytes(value[size:], "big")
    return utils.encode_dss_signature(r, s)
