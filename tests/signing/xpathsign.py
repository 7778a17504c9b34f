"""Sign forms with XPath and XPath Filter 2.0 transforms, by xmlsec1.

xmlsec1 is a producer we did not write: what it digests for a transform is
what the XMLDSig and Filter 2.0 recommendations say, so our reading of the
same transform is checked against an outside implementation.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from signing.pki import Issued
from tests.outside.producers import require_program

DS = "http://www.w3.org/2000/09/xmldsig#"
F2 = "http://www.w3.org/2002/06/xmldsig-filter2"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = f'<ds:Transform Algorithm="{DS}enveloped-signature"/>'
PISMO = "urn:kancelaria:forms:pismo-ogolne:1"
ZAM = "urn:kancelaria:forms:zameldowanie:1"


def xpath(expr: str, prefix: str, namespace: str) -> str:
    """An XMLDSig XPath filter transform."""
    return (
        f'<ds:Transform Algorithm="{XPATH}"><ds:XPath xmlns:{prefix}="{namespace}">'
        f"{expr}</ds:XPath></ds:Transform>"
    )


def filter2(*steps: tuple[str, str], prefix: str = "p", ns: str = PISMO) -> str:
    """An XPath Filter 2.0 transform of (operation, expression) steps."""
    paths = "".join(
        f'<f:XPath xmlns:f="{F2}" xmlns:{prefix}="{ns}" Filter="{op}">{expr}</f:XPath>'
        for op, expr in steps
    )
    return f'<ds:Transform Algorithm="{F2}">{paths}</ds:Transform>'


def template(form: bytes, transforms: str, uri: str = "") -> bytes:
    """The form with an xmlsec1 signature template appended to its root."""
    signature = (
        f'<ds:Signature xmlns:ds="{DS}" Id="sig"><ds:SignedInfo>'
        f'<ds:CanonicalizationMethod Algorithm="{EXC}"/>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        f'<ds:Reference URI="{uri}"><ds:Transforms>{transforms}'
        f'<ds:Transform Algorithm="{EXC}"/></ds:Transforms>'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        "<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
        "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
    ).encode()
    head, _, tail = form.rstrip().rpartition(b"</")
    return head + signature + b"</" + tail


class Xmlsec1Signer:
    """Signs templates as one signer, with its chain in KeyInfo."""

    def __init__(self, signer: Issued, folder: Path) -> None:
        self.program = require_program("xmlsec1", "xmlsec1")
        self.folder = folder
        key = folder / "key.pem"
        key.write_bytes(
            signer.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.files = [str(key)]
        for number, cert in enumerate((signer.certificate, *signer.chain)):
            pem = folder / f"cert{number}.pem"
            pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            self.files.append(str(pem))

    def sign(self, tmpl: bytes, *options: str) -> bytes:
        """Sign a template; ``options`` go to xmlsec1 (e.g. ``--id-attr``)."""
        source, out = self.folder / "tmpl.xml", self.folder / "signed.xml"
        source.write_bytes(tmpl)
        argv = [self.program, "--sign", "--privkey-pem", ",".join(self.files)]
        argv += ["--output", str(out), *options, str(source)]
        done = subprocess.run(argv, capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
        return out.read_bytes()
