"""The printable paper copy holds every character of a long letter, page by page."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from app.drafts.pdf import PaperCopy, render_paper_copy
from app.formfill.summary import Row
from tests.app.test_fill_pages import filled, post, sample_values
from tests.pdftools import require_tool

LIMIT = 20_000
"""The schema's maxLength of pismo-ogolne's Tekst."""


def test_a_maximal_letter_is_printed_whole_in_order_with_its_paragraphs(
    app: Flask, client: FlaskClient
) -> None:
    require_tool("pdftotext", "poppler-utils")
    letter, count, paragraphs = _maximal_letter()
    location = _draft_with_text(app, client, letter)
    code = location.rsplit("/", 1)[1]

    text = _pdftotext_bytes(client.get(location + "/paper.pdf").data)

    assert len(letter) == LIMIT
    assert re.findall(r"słowo(\d+)", text) == [str(n) for n in range(count)]
    assert text.index("KONIEC-TEKSTU") > text.index(f"słowo{count - 1}")
    assert _paragraph_starts(text) == list(range(paragraphs))
    pages = text.split("\f")[:-1]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"{code[:5]}-{code[5:]}" in page
        assert f"Strona {number} z {len(pages)} / Page {number} of {len(pages)}" in page


def test_a_word_longer_than_a_page_is_printed_whole() -> None:
    require_tool("pdftotext", "poppler-utils")
    word = ("zażółćgęśląjaźń" * 400)[:5000]
    copy = PaperCopy(
        office="Urząd Testowy",
        title="Pismo ogólne",
        form_id="pismo-ogolne",
        version="1",
        code="ABCDEFGHJK",
        created_at=datetime(2026, 12, 4, 22, 59, tzinfo=UTC),
    )

    pdf = render_paper_copy(copy, [Row(0, "Treść", word)])

    text = _pdftotext_bytes(pdf)
    pieces = [line.split()[-1] for line in text.splitlines() if line.strip()]
    printed = "".join(p for p in pieces if set(p) <= set(word))
    assert printed == word
    assert "Wypełniono / Filled in: 2026-12-04 23:59 CET" in text


def _maximal_letter() -> tuple[str, int, int]:
    """A letter of exactly LIMIT characters: numbered words in paragraphs."""
    paragraphs: list[str] = []
    count = 0
    end = "\n\nKONIEC-TEKSTU"
    while True:
        words = [f"słowo{count + n}" for n in range(40)]
        paragraph = f"AKAPIT{len(paragraphs)} " + " ".join(words)
        if len("\n".join([*paragraphs, paragraph])) + len(end) > LIMIT - 10:
            break

        paragraphs.append(paragraph)
        count += len(words)

    body = "\n".join(paragraphs)
    padding = "x" * (LIMIT - len(body) - len(end) - 1)
    return f"{body} {padding}{end}", count, len(paragraphs)


def _draft_with_text(app: Flask, client: FlaskClient, letter: str) -> str:
    """Fill pismo-ogolne as the sample, with ``letter`` as its text; the draft URL."""
    sample_text = next(
        v for v in sample_values(app, "pismo-ogolne").values() if "Szanowni" in v
    )
    fields = [
        (name, letter if value == sample_text else value)
        for name, value in filled(client, app, "pismo-ogolne")
    ]
    answer = post(client, "pismo-ogolne", fields, "build")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return str(answer.headers["Location"])


def _paragraph_starts(text: str) -> list[int]:
    """Numbers of the AKAPIT words that begin a printed line of the letter."""
    starts = []
    for line in text.splitlines():
        words = line.split()
        for n, word in enumerate(words):
            found = re.fullmatch(r"AKAPIT(\d+)", word)
            if found and not (n and words[n - 1].startswith("słowo")):
                starts.append(int(found.group(1)))

    return starts


def _pdftotext_bytes(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")
