"""The TS 119 102-2 subset schema, loaded once, with no network reachable.

``tests/signing/data/etsi-19102-2-subset.xsd`` transcribes the content models
of the elements our reports emit; its header says where each was read.
"""

from __future__ import annotations

import functools
import socket
from pathlib import Path
from typing import Any
from unittest import mock

import xmlschema

SCHEMA = Path(__file__).resolve().parents[1] / "signing/data/etsi-19102-2-subset.xsd"


def schema_errors(report: bytes) -> list[str]:
    """Return the schema's complaints about ``report``; empty when valid."""
    resource = xmlschema.XMLResource(report, allow="none", defuse="always")
    return [f"{e.path}: {e.reason}" for e in _schema().iter_errors(resource)]


@functools.cache
def _schema() -> xmlschema.XMLSchema10:
    assert SCHEMA.is_file(), f"{SCHEMA} is missing"

    def refuse(self: socket.socket, address: Any) -> None:
        raise AssertionError(f"network access attempted: {address!r}")

    # The ds namespace comes from xmlschema's bundled copy; nothing remote.
    with mock.patch.object(socket.socket, "connect", refuse):
        return xmlschema.XMLSchema10(str(SCHEMA), allow="local", defuse="always")
