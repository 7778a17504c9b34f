"""A WSGI app that only reads and hashes the body: the HTTP ceiling to compare."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
    """Answer 201 with the SHA-256 of the request body."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    digest = hashlib.sha256(environ["wsgi.input"].read(size)).hexdigest().encode()
    start("201 Created", [("Content-Type", "text/plain"), ("Content-Length", "64")])
    return [digest]
