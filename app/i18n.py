"""Page languages: Polish by default, English on request (Flask-Babel).

Messages are written in English in the code and templates (``_("…")``) and
translated to Polish in gettext catalogs kept beside each blueprint or module
that uses them: ``app/<part>/translations/pl/LC_MESSAGES/messages.po``.
Keeping one catalog per part lets parts change their words independently.

At start the catalogs are merged and compiled into the instance folder, so
nothing compiled is kept in the source tree and an edited ``.po`` takes
effect on the next start. English needs no catalog: it is the source text.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, g, has_app_context, request
from flask_babel import Babel

LANGS = ("pl", "en")
DEFAULT_LANG = "pl"
CATALOG_DOMAIN = "messages"
APP_DIR = Path(__file__).resolve().parent
COOKIE = "lang"

babel = Babel()


def init_i18n(app: Flask, instance: Path) -> None:
    """Compile the Polish catalogs into ``instance`` and set up Flask-Babel."""
    compiled = compile_catalogs(find_catalogs(), instance / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANG
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Warsaw"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=current_lang)
    app.before_request(choose_language)
    app.after_request(remember_language)
    app.context_processor(language_helpers)


def find_catalogs(root: Path = APP_DIR) -> list[Path]:
    """Return every Polish ``messages.po`` under ``root``, in a stable order."""
    pattern = f"**/translations/pl/LC_MESSAGES/{CATALOG_DOMAIN}.po"
    return sorted(root.glob(pattern))


def merge_catalogs(paths: list[Path]) -> Catalog:
    """Read the catalogs into one; a message translated twice must agree."""
    merged = Catalog(locale=DEFAULT_LANG, domain=CATALOG_DOMAIN)

    for path in paths:
        with path.open("rb") as file:
            catalog = read_po(file, locale=DEFAULT_LANG)

        for message in catalog:
            if not message.id:
                continue

            _add_message(merged, message.id, message.string, message.context, path)

    return merged


def compile_catalogs(paths: list[Path], target: Path) -> Path:
    """Write the merged catalog as ``target/pl/LC_MESSAGES/messages.mo``."""
    folder = target / DEFAULT_LANG / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalog = merge_catalogs(paths)

    # Workers start together: each writes its own file and renames it into place.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".mo.tmp")
    with os.fdopen(handle, "wb") as file:
        write_mo(file, catalog)

    os.replace(temporary, folder / f"{CATALOG_DOMAIN}.mo")
    return target


def pick(pl: str, en: str) -> str:
    """Choose between data kept in both languages (catalog titles, names).

    Words of the pages themselves are marked with ``_()`` instead.
    """
    return en if current_lang() == "en" else pl


def language_helpers() -> dict[str, object]:
    """Give every template the page language and :func:`pick`.

    ``t`` is the old name of ``pick``, left while the desk's templates use it.
    """
    return {"lang": current_lang(), "pick": pick, "t": pick, "lang_url": lang_url}


def lang_url(lang: str) -> str:
    """This page's address in ``lang``, keeping its other query parameters."""
    args = [(key, value) for key, value in request.args.items(multi=True)]
    kept = [(key, value) for key, value in args if key != "lang"]
    return f"{request.path}?{urlencode([*kept, ('lang', lang)])}"


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; translate it later."""
    return message


def translate(message: str, lang: str | None = None) -> str:
    """Say an English source message in ``lang`` (default: the page's language).

    Works with or without a request (receipts are drawn in both languages),
    from the same Polish catalogs the pages use.
    """
    if (lang or current_lang()) != DEFAULT_LANG:
        return message

    return _polish().get(message) or message


@lru_cache(maxsize=1)
def _polish() -> dict[str, str]:
    catalog = merge_catalogs(find_catalogs())
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and isinstance(message.id, str)
    }


def current_lang() -> str:
    """Return the language of the page being built (Polish outside a request)."""
    if not has_app_context():
        return DEFAULT_LANG

    return str(g.get("lang", DEFAULT_LANG))


def choose_language() -> None:
    """Pick the page language: ?lang=, then the cookie, then Polish."""
    wanted = request.args.get("lang") or request.cookies.get(COOKIE) or DEFAULT_LANG
    g.lang = wanted if wanted in LANGS else DEFAULT_LANG


def remember_language(response: Response) -> Response:
    """Keep a language chosen with ?lang= for the next pages."""
    if request.args.get("lang") in LANGS:
        response.set_cookie(COOKIE, g.lang, samesite="Lax", max_age=365 * 86400)

    return response


def _add_message(
    merged: Catalog,
    msgid: object,
    string: object,
    context: str | None,
    path: Path,
) -> None:
    existing = merged.get(msgid, context)  # type: ignore[arg-type]

    if existing is not None and existing.string and string != existing.string:
        raise ValueError(f"{path}: {msgid!r} translated differently elsewhere")

    if string:
        merged.add(msgid, string, context=context)  # type: ignore[arg-type]
