"""Page languages: every marked message has Polish words; English on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from flask.testing import FlaskClient

from app.i18n import APP_DIR, compile_catalogs, find_catalogs, merge_catalogs

EXTRACTORS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]


def marked_messages() -> set[str]:
    """Every message the code and templates mark for translation."""
    found = set()

    for _file, _line, message, _comments, _context in extract_from_dir(
        str(APP_DIR), EXTRACTORS
    ):
        found.add(message if isinstance(message, str) else message[0])

    return found


def test_every_marked_message_has_a_polish_translation() -> None:
    catalog = merge_catalogs(find_catalogs())
    # A plural message's id is (singular, plural); its singular names it.
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id and message.string and all(message.string)
    }

    missing = sorted(marked_messages() - translated)

    assert marked_messages(), "the extractor found no marked message at all"
    assert missing == [], f"no Polish words for: {missing}"


def test_a_message_translated_two_ways_is_refused(tmp_path: Path) -> None:
    for part, words in (("a", "Formularze"), ("b", "Druki")):
        folder = tmp_path / part / "translations" / "pl" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(
            f'msgid ""\nmsgstr ""\n\nmsgid "Forms"\nmsgstr "{words}"\n',
            encoding="utf-8",
        )

    with pytest.raises(ValueError, match="translated differently"):
        compile_catalogs(find_catalogs(tmp_path), tmp_path / "out")


def test_pages_are_polish_by_default_and_english_on_request(
    client: FlaskClient,
) -> None:
    polish = client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    remembered = client.get("/").get_data(as_text=True)

    assert "Przejdź do treści" in polish and "Skip to content" not in polish
    assert "Skip to content" in english and 'lang="en"' in english
    assert "Skip to content" in remembered, "the chosen language is not kept"
