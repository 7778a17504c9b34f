"""PDFs for the tests, and the outside tools that check ours: certutil (NSS), pdfsig."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from reportlab.pdfgen.canvas import Canvas


def letter_pdf(text: str = "Wniosek testowy") -> bytes:
    """A one-page unsigned PDF with ``text`` on it, uncompressed."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pageCompression=0)
    canvas.drawString(100, 700, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def require_tool(name: str, package: str) -> None:
    """Fail, naming the Debian package, when an outside tool is missing."""
    if shutil.which(name) is None:
        pytest.fail(
            f"{name} is missing: install Debian's {package} "
            "(bash tools/install-system-deps.sh)"
        )


def run(command: list[str]) -> str:
    """Run a tool; fail with its output unless it exits 0."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"{command[0]} failed: {done.stderr}{done.stdout}")
    return done.stdout


def make_nss_db(folder: Path, root: x509.Certificate, nickname: str) -> str:
    """An NSS database trusting ``root``, as the clients' make-pki.sh builds one."""
    require_tool("certutil", "libnss3-tools")
    der = folder / "root.der"
    der.write_bytes(root.public_bytes(Encoding.DER))
    db = f"sql:{folder}"
    run(["certutil", "-N", "-d", db, "--empty-password"])
    run(["certutil", "-A", "-d", db, "-n", nickname, "-t", "CT,C,C", "-i", str(der)])
    return db


def pdfsig(nss_db: str, path: Path) -> str:
    """What poppler's pdfsig says of a PDF file (its exit status is not a verdict)."""
    require_tool("pdfsig", "poppler-utils")
    done = subprocess.run(
        ["pdfsig", "-nssdir", nss_db, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout + done.stderr
