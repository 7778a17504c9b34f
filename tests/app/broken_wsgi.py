"""``gunicorn tests.app.broken_wsgi:app``: the app, and one address that crashes.

Flask turns every error of a view into a 500 page, so gunicorn's own
"Error handling request" line never shows in normal serving; this entry
raises past Flask on one address to make gunicorn write it. It imports
:mod:`wsgi`, so logging is configured exactly as ``make run`` configures it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wsgi import app as kancelaria

BROKEN_PATH = "/broken-on-purpose"


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Serve the app, except for :data:`BROKEN_PATH`, which raises."""
    if environ.get("PATH_INFO") == BROKEN_PATH:
        raise RuntimeError("broken on purpose")

    return kancelaria(environ, start_response)  # type: ignore[no-any-return]
