"""README lists every refusal code the server can answer with (review F16)."""

from __future__ import annotations

from pathlib import Path

from app.errors import ErrorCode

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_names_every_error_code_in_its_refusal_list() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("Refusals carry a stable code")
    section = text[start : text.index("\n## ", start)]

    missing = [code.value for code in ErrorCode if f"`{code.value}`" not in section]

    assert missing == []
