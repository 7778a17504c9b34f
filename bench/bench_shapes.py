"""Validations per second, in process, for the shapes beyond enveloped XAdES.

Signs a 100 KiB file with the Polish-shaped test PKI (tests/shapes/maker.py)
as: detached XAdES-BES (.xades beside the file), CAdES-BES detached (.p7s),
an ASiC-E container with XAdES and an ASiC-S container with CAdES, then
measures ``validate_detached`` / ``validate_container`` with path validation
to a cached anchor; the enveloped XAdES-BES of a small form is the baseline.
Run: ``.venv/bin/python bench/bench_shapes.py [seconds]``.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signing.asic import ASIC_E, ASIC_NS, ASIC_S, validate_container  # noqa: E402
from signing.detached import validate_detached  # noqa: E402
from signing.result import Indication, ValidationResult  # noqa: E402
from signing.validate import validate_xml  # noqa: E402
from tests.shapes.cmsmaker import make_zip, sign_cms  # noqa: E402
from tests.shapes.maker import FORM, Shape, make_polish_pki, sign_xades  # noqa: E402


def rate(work: Callable[[], ValidationResult], seconds: float) -> float:
    """Run ``work`` for about ``seconds``; return runs per second."""
    assert work().indication is Indication.TOTAL_PASSED
    runs, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        work()
        runs += 1
    return runs / elapsed


def main(seconds: float = 3.0) -> None:
    """Print validations per second for each shape."""
    logging.disable(logging.WARNING)
    pki = make_polish_pki()
    policy = pki.policy()
    payload = os.urandom(100 * 1024)
    enveloped = sign_xades(pki.qualified, Shape(enveloped_in=FORM))
    xades = sign_xades(pki.qualified, Shape(files={"pismo.bin": payload}))
    p7s = sign_cms(pki.qualified, payload)
    wrapper = f"{{{ASIC_NS}}}XAdESSignatures"
    inner = sign_xades(
        pki.qualified, Shape(files={"pismo.bin": payload}, wrapper=wrapper)
    )
    asic_e = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            ("pismo.bin", payload),
            ("META-INF/signatures001.xml", inner),
        ]
    )
    asic_s = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.bin", payload),
            ("META-INF/signature.p7s", p7s),
        ]
    )
    cases: dict[str, Callable[[], ValidationResult]] = {
        "enveloped XAdES-BES (form, baseline)": lambda: validate_xml(enveloped, policy),
        "detached XAdES-BES over 100 KiB": lambda: validate_detached(
            xades, payload, policy
        ),
        "detached CAdES-BES over 100 KiB": lambda: validate_detached(
            p7s, payload, policy
        ),
        "ASiC-E with XAdES, 100 KiB file": lambda: (
            validate_container(asic_e, policy).validation
        ),
        "ASiC-S with CAdES, 100 KiB file": lambda: (
            validate_container(asic_s, policy).validation
        ),
    }
    for name, work in cases.items():
        print(f"{name:<40} {rate(work, seconds):8.0f} /s")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
