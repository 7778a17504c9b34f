"""A libxml2 copy of a form's schema: the fast first check, xmlschema the judge.

xmlschema compiles each catalog schema from local files and stays the
authority: its messages are the ones a sender reads. libxml2 (through
``lxml.etree.XMLSchema``) is ten times faster, so the catalog asks it first
and takes its "valid" as the answer; whenever libxml2 finds an issue, or
cannot compile a schema at all, the catalog asks xmlschema. That libxml2
says "valid" only where xmlschema does is proven by
tests/app/test_schema_agreement.py over every form's samples, blanks and
mutated documents.

libxml2 reads imports and includes through a resolver that serves only the
files xmlschema itself loaded for the schema; anything else (a remote
location, a file outside that set) makes the libxml2 copy fail to compile,
never fetches anything.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import xmlschema
from lxml import etree

log = logging.getLogger(__name__)


class LibxmlSchema:
    """A schema compiled by libxml2 that answers only "valid" or "not sure"."""

    def __init__(self, compiled: etree.XMLSchema) -> None:
        self._compiled = compiled
        # The compiled schema is read-only, but lxml shares one error log per
        # schema object between callers: one validation at a time.
        self._lock = threading.Lock()

    def passes(self, element: etree._Element) -> bool:
        """True when libxml2 finds ``element`` valid as a document root."""
        with self._lock:
            return bool(self._compiled.validate(element))


def compile_libxml(schema: xmlschema.XMLSchema, path: Path) -> LibxmlSchema | None:
    """Compile ``path`` with libxml2 from the files xmlschema loaded; else None."""
    allowed = _loaded_files(schema)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    parser.resolvers.add(_LoadedOnly(allowed))
    try:
        compiled = etree.XMLSchema(etree.parse(str(path.resolve()), parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        # xmlschema still validates this form: only slower.
        log.info("schema left to xmlschema alone: %s", type(exc).__name__)
        return None

    return LibxmlSchema(compiled)


def _loaded_files(schema: xmlschema.XMLSchema) -> frozenset[Path]:
    """The local schema files xmlschema read to compile ``schema``."""
    files = set()
    for loaded in schema.maps.iter_schemas():
        url = loaded.url
        if url is None:
            continue

        parsed = urlparse(url)
        if parsed.scheme in ("", "file"):
            files.add(Path(unquote(parsed.path)).resolve())

    return frozenset(files)


class _LoadedOnly(etree.Resolver):
    """Serve the files of one schema set; answer anything else with a non-schema."""

    def __init__(self, allowed: frozenset[Path]) -> None:
        super().__init__()
        self._allowed = allowed

    # lxml-stubs describe an older Resolver API than lxml's (no context).
    def resolve(  # type: ignore[override]
        self, system_url: str, public_id: str, context: Any
    ) -> Any:
        """Read an allowed local file; refuse every other location."""
        parsed = urlparse(system_url)
        if parsed.scheme in ("", "file"):
            path = Path(unquote(parsed.path)).resolve()
            if path in self._allowed:
                return self.resolve_filename(str(path), context)  # type: ignore[attr-defined]

        # Not a schema document: libxml2 then refuses to compile the set.
        return self.resolve_string(b"<refused/>", context)  # type: ignore[call-arg]
