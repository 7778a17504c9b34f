"""``python -m signing validate`` prints certificate text with hidden characters
as codes (review F26: an ESC or a bidi control from a subject name never
reaches the terminal), and names each signature's level and coverage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from signing import pki
from signing.display import baseline_level, shown
from tests.verdicts import documents

ROOT = Path(__file__).resolve().parents[2]


def test_a_bidi_name_reaches_the_terminal_as_codes(tmp_path: Path) -> None:
    root = pki.make_root("Testowe Centrum CLI")
    citizen = documents.bidi_citizen(pki.make_intermediate(root, "Testowy CA CLI"))
    signed = tmp_path / "pismo.xml"
    signed.write_bytes(documents.enveloped(citizen))
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(root.certificate.public_bytes(Encoding.PEM))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "signing",
            "validate",
            str(signed),
            "--trust",
            str(anchor),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "signer: Jan \\u202Ecod.exe\\u202C Testowy [PNOPL-44051401458\\u202E\\u0007]"
        in (done.stdout)
    )
    assert not any(c in done.stdout for c in ("\u202e", "\u202c", "\x07", "\x1b"))
    assert "  level: B-B" in done.stdout
    assert "  covers: document" in done.stdout


def test_escape_sequences_and_every_level_are_named() -> None:
    assert shown("Jan\x1b[31mRed") == "Jan\\u001B[31mRed"
    assert shown("Zażółć Gęślą") == "Zażółć Gęślą"
    forms = ["XAdES-BES", "XAdES-T", "XAdES-LT", "XAdES-LTA", "PAdES-B-LTA", "CAdES-T"]
    assert [baseline_level(f) for f in forms] == [
        "B-B",
        "B-T",
        "B-LT",
        "B-LTA",
        "B-LTA",
        "B-T",
    ]
    assert [baseline_level(f) for f in ("XMLDSig", "PDF-TS", "CMS (x)", None)] == [
        None,
        None,
        None,
        None,
    ]
