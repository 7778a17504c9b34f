"""Forms in the browser: lay out, compose + validate, render, print, per second.

For our registration form, PCC-3 and the largest KSeF FA(3) sample: the
page's model laid out from posted values, the values composed into XML and
validated against the pinned schema, the fields rendered to HTML, and the
paper copy drawn as PDF. One core, medians of three rounds.

    .venv/bin/python bench/bench_formfill.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.drafts.pdf import PaperCopy, render_paper_copy  # noqa: E402
from app.formfill import compose, layout, values_from_document  # noqa: E402
from app.formfill.summary import summary_rows  # noqa: E402
from tests.formfill.schemas import (  # noqa: E402
    CORPUS,
    FA3,
    FORMS,
    PCC3,
    Case,
    render_fields,
)

CASES = {
    "zameldowanie": Case(
        FORMS / "zameldowanie/1/schema.xsd", FORMS / "zameldowanie/1/sample.xml"
    ),
    "PCC-3": Case(
        CORPUS / PCC3, CORPUS / "edeklaracje-pcc3/samples/pcc3_valid_anonymised.xml"
    ),
    "FA(3)": Case(
        CORPUS / FA3, CORPUS / "ksef-fa3/samples/FA_3_Przyklad_1_podstawowa.xml"
    ),
}


def main() -> None:
    """Print one line of rates per schema."""
    seconds = _seconds()
    heads = ("layout/s", "compose/s", "html/s", "pdf/s")
    print(f"{'schema':14} {'values':>6} " + " ".join(f"{h:>9}" for h in heads))
    for name, case in CASES.items():
        values = values_from_document(case.root(), case.sample())
        rates = [_rate(work, seconds) for work in _works(name, case, values)]
        print(f"{name:14} {len(values):6d} " + " ".join(f"{r:9.1f}" for r in rates))


def _works(name: str, case: Case, values: dict[str, str]) -> list[Callable[[], object]]:
    """The four steps measured, each from the posted values."""
    root, schema = case.root(), case.schema()
    copy = PaperCopy("Urząd", name, "x", "1", "ABCDEFGHJK", datetime.now(UTC))
    return [
        lambda: layout(root, values),
        lambda: compose(layout(root, values), schema),
        lambda: render_fields(layout(root, values)),
        lambda: render_paper_copy(copy, summary_rows(layout(root, values))),
    ]


def _seconds() -> float:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0)
    return float(parser.parse_args().seconds)


def _rate(work: Callable[[], object], seconds: float) -> float:
    """Median calls per second over three rounds of about ``seconds`` each."""
    work()
    rounds = []
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            work()
            count += 1

        rounds.append(count / (time.perf_counter() - start))

    return statistics.median(rounds)


if __name__ == "__main__":
    main()
