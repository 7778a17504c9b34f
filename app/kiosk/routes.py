"""Kiosk pages: departments, their forms, a form's summary and its paper sheet."""

from __future__ import annotations

import re
from typing import Any

import markdown
from flask import abort, g, render_template
from lxml import etree
from markupsafe import Markup

from app.catalog import FormVersion
from app.kiosk import bp
from app.kiosk.opened import forget
from app.services import current_services as services

# Links in instructions would lead out of the kiosk: keep their words only.
ANCHOR = re.compile(r"</?a\b[^>]*>", re.IGNORECASE)


@bp.app_context_processor
def kiosk_helpers() -> dict[str, Any]:
    """Give kiosk templates the idle time after which a page returns home."""
    return {"kiosk_idle": services().settings.kiosk_idle_seconds}


@bp.get("/")
def home() -> str:
    """Start: one tile per department that has forms; nothing left open."""
    # "Done" and the idle reset both lead here: close the previous person's draft.
    forget()
    return render_template("kiosk/home.html", departments=_departments())


@bp.get("/d/<symbol>")
def department(symbol: str) -> str:
    """One tile per form of a department."""
    forms = [form for form in services().catalog.forms() if form.department == symbol]
    if not forms:
        abort(404)

    return render_template("kiosk/department.html", forms=forms, first=forms[0])


@bp.get("/forms/<form_id>")
def form(form_id: str) -> str:
    """What a form is for, what it needs, and a button to print it."""
    found = form_or_404(form_id)
    return render_template("kiosk/form.html", form=found)


@bp.get("/forms/<form_id>/print")
def print_blank(form_id: str) -> str:
    """A paper sheet of the form with its instructions, to print and fill by hand."""
    found = form_or_404(form_id)
    html = markdown.markdown(found.instructions(g.lang), output_format="html")
    instructions = Markup(ANCHOR.sub("", html))  # noqa: S704 (our own files)
    return render_template("kiosk/print.html", form=found, instructions=instructions)


def _departments() -> list[tuple[str, str, str, int]]:
    """Symbol, Polish and English name, and number of forms of each department."""
    counts: dict[tuple[str, str, str], int] = {}
    for form in services().catalog.forms():
        key = (form.department, form.department_name_pl, form.department_name_en)
        counts[key] = counts.get(key, 0) + 1

    return [(*key, count) for key, count in sorted(counts.items())]


def form_or_404(form_id: str, version: str | None = None) -> FormVersion:
    """The catalog form (latest version unless named), or a 404."""
    try:
        return services().catalog.get(form_id, version)
    except KeyError:
        abort(404)


def parse_own_xml(xml: bytes) -> etree._Element:
    """Parse XML this server composed (no DTD, entities or network)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.fromstring(xml, parser)
