"""gunicorn's access log without the secrets some addresses carry.

A draft's short code is the only key to a resident's filled form (name,
PESEL, address), and it stands in the portal's draft paths
(``/drafts/<code>``; the kiosk's old ``/kiosk/drafts/<code>`` opens nothing
now, but a typed address is masked all the same); access codes stand in
query strings. ``make run`` logs with this class, so the
log keeps the route and the status but neither kind of secret.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from gunicorn.glogging import Logger

MASK = "…"
# Kept as they are: RFC 3986 path characters and existing %-escapes.
SAFE = "/:@!$&'()*+,;=-._~%"
# Any segment after a "drafts" segment, under any prefix, however the client
# spelled the slashes: the router merges repeated ones.
SECRET_SEGMENTS = re.compile(r"(/drafts/+)[^/?]+")
HIDDEN_ATOMS = (
    "{raw_uri}e",
    "{path_info}e",
    "{query_string}e",
    "{request_uri}e",
    "{http_referer}e",
    "{referer}i",
)


def mask_path(path: str | None) -> str:
    """Return ``path`` printable, with any secret segment replaced by a mark.

    Control characters and spaces are percent-encoded, so a request cannot
    write a line of its own into the log.
    """
    # Decoded first, so that "/%64rafts/CODE", which routes as a draft, is
    # masked too; then encoded again for printing.
    printable = quote(unquote(path or "-"), safe=SAFE)
    return SECRET_SEGMENTS.sub(rf"\g<1>{MASK}", printable)


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger whose path atoms never hold a secret code."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        """Build the format atoms, then mask the path, query and request line."""
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        raw = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "-")
        path = mask_path(raw.split("?", 1)[0])
        atoms["U"] = path
        atoms["q"] = "-"
        atoms["r"] = (
            f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        )
        atoms["f"] = "-"
        # The same address also stands in the environ and header atoms.
        for name in HIDDEN_ATOMS:
            if name in atoms:
                atoms[name] = "-"

        return atoms
