"""The published form catalog: forms/<form-id>/<version>/ folders as data.

Each version folder holds ``form.toml`` (titles, department, JRWA class,
deadline, fee), ``schema.xsd`` (the pinned schema), instructions in Polish
and English, ``sample.xml`` and ``blank.xml``. The catalog compiles every
schema when it loads and refuses to start when a schema does not compile or
its sample does not validate. Schemas are read from local files only; a
document is never validated against a schema it names itself.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree
from xmlschema import XMLResource
from xmlschema.exceptions import XMLResourceBlocked
from xmlschema.validators.exceptions import (
    XMLSchemaImportWarning,
    XMLSchemaIncludeWarning,
)

from app.formfill.labels import FormLabels, LabelsError, load_labels
from app.schemafast import LibxmlSchema, compile_libxml

logger = logging.getLogger(__name__)

LANGUAGES = ("pl", "en")
MAX_ISSUES = 100
REFUSED = "refusing a schema whose import or include cannot be read from local files"
_CLARK = re.compile(r"\{[^{}\s]*[:/][^{}\s]*\}")  # {ns}local, not \d{11}
_POLISH_ORDER = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


class CatalogError(Exception):
    """A form folder is inconsistent: bad form.toml, schema or sample."""


class SchemaLoadError(CatalogError):
    """A schema could not be compiled from local files alone."""


@dataclass(frozen=True)
class FormIssue:
    """One reason why a form does not match its schema."""

    path: str
    """Location of the offending element, e.g. ``/PismoOgolne/Tresc/Temat``."""

    message: str
    """Plain sentence saying what is wrong, without namespace noise."""

    line: int | None = None
    """Source line of the element, when the parser recorded one."""


@dataclass(frozen=True)
class FormVersion:
    """One published version of a form, as described by its form.toml."""

    form_id: str
    version: str
    namespace: str
    root: str
    title_pl: str
    title_en: str
    department: str
    department_name_pl: str
    department_name_en: str
    jrwa: str
    deadline_days: int
    fee_pl: str
    fee_en: str
    attachments: tuple[tuple[str, str], ...]
    description_pl: str
    description_en: str
    folder: Path
    schema_sha256: str
    _schemas: dict[Path, xmlschema.XMLSchema] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    # English field labels (labels.en.toml): the schema documents in Polish.
    labels_en: FormLabels | None = field(default=None, repr=False, compare=False)
    _libxml: dict[Path, LibxmlSchema | None] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    @property
    def schema_path(self) -> Path:
        """Path of the pinned schema.xsd."""
        return self.folder / "schema.xsd"

    @property
    def sample_path(self) -> Path:
        """Path of the filled-in sample document."""
        return self.folder / "sample.xml"

    @property
    def blank_path(self) -> Path:
        """Path of the skeleton document to be filled by hand."""
        return self.folder / "blank.xml"

    def schema(self) -> xmlschema.XMLSchema:
        """Return the compiled schema, compiling it on first use."""
        compiled = self._schemas.get(self.schema_path)
        if compiled is None:
            compiled = load_schema(self.schema_path)
            self._schemas[self.schema_path] = compiled

        return compiled

    def libxml_schema(self) -> LibxmlSchema | None:
        """Return libxml2's copy of the schema, or None where it cannot compile."""
        path = self.schema_path
        if path not in self._libxml:
            self._libxml[path] = compile_libxml(self.schema(), path)

        return self._libxml[path]

    def instructions(self, lang: str) -> str:
        """Return the filling instructions (markdown) in ``pl`` or ``en``."""
        if lang not in LANGUAGES:
            raise ValueError(f"no instructions in language {lang!r}")

        return (self.folder / f"instructions.{lang}.md").read_text(encoding="utf-8")

    def title(self, lang: str | None) -> str:
        """Return the form's title in ``en``, else in Polish."""
        return self.title_en if lang == "en" else self.title_pl

    def labels(self, lang: str) -> FormLabels | None:
        """Field labels for a page in ``lang`` beside the schema's; None: none."""
        return self.labels_en if lang == "en" else None

    @property
    def key(self) -> tuple[str, str]:
        """The (namespace, root local name) pair that identifies the form."""
        return (self.namespace, self.root)


class Catalog:
    """Every published form version, indexed by id and by root element."""

    def __init__(self, versions: list[FormVersion]) -> None:
        self._by_id: dict[str, list[FormVersion]] = {}
        self._by_key: dict[tuple[str, str], FormVersion] = {}

        for form in versions:
            if form.key in self._by_key:
                raise CatalogError(f"{form.folder}: namespace and root already used")

            self._by_key[form.key] = form
            self._by_id.setdefault(form.form_id, []).append(form)

        for forms in self._by_id.values():
            forms.sort(key=lambda form: _version_key(form.version))

    @classmethod
    def load(cls, folder: Path) -> Catalog:
        """Read every forms/<id>/<version>/form.toml and compile its schema."""
        cache: dict[Path, xmlschema.XMLSchema] = {}
        libxml: dict[Path, LibxmlSchema | None] = {}
        versions = [
            read_form(toml, cache, libxml)
            for toml in sorted(folder.glob("*/*/form.toml"))
        ]
        if not versions:
            raise CatalogError(f"{folder}: no form.toml found")

        catalog = cls(versions)
        for form in versions:
            _check_form(catalog, form)

        logger.info("form catalog loaded: %d form versions", len(versions))
        return catalog

    def forms(self) -> list[FormVersion]:
        """Return the latest version of each form, sorted by Polish title."""
        latest = [forms[-1] for forms in self._by_id.values()]
        return sorted(latest, key=lambda form: _polish_key(form.title_pl))

    def versions(self, form_id: str) -> list[FormVersion]:
        """Return every version of a form, oldest first."""
        return list(self._by_id.get(form_id, []))

    def get(self, form_id: str, version: str | None = None) -> FormVersion:
        """Return one version of a form (the latest by default)."""
        forms = self._by_id.get(form_id)
        if not forms:
            raise KeyError(form_id)

        if version is None:
            return forms[-1]

        for form in forms:
            if form.version == version:
                return form

        raise KeyError(f"{form_id} {version}")

    def identify(self, element: etree._Element) -> FormVersion | None:
        """Find the form whose root namespace and local name match ``element``."""
        if not isinstance(element.tag, str):
            return None

        name = etree.QName(element)
        return self._by_key.get((name.namespace or "", name.localname))

    def validate(self, form: FormVersion, element: etree._Element) -> list[FormIssue]:
        """Validate ``element`` against the form's pinned schema; [] when valid.

        libxml2's "valid" is taken as it is (app.schemafast); any doubt goes
        to xmlschema, whose messages are the ones reported.
        """
        fast = form.libxml_schema()
        if fast is not None and fast.passes(element):
            return []

        issues = validate_element(form.schema(), element)
        if fast is not None and not issues:
            log_extra = {"form": form.form_id, "version": form.version}
            logger.warning("schema validators disagree", extra=log_extra)

        return issues


def load_schema(path: Path) -> xmlschema.XMLSchema:
    """Compile a schema from local files under its own folder, never the network.

    Imports and includes are resolved relative to the schema file and must
    stay inside its folder; a remote or out-of-folder location makes the load
    fail with :class:`SchemaLoadError` instead of being fetched or skipped.
    """
    path = path.resolve()
    failure: Exception | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            schema = xmlschema.XMLSchema(
                str(path),
                base_url=str(path.parent),
                allow="sandbox",
                defuse="always",
                timeout=1,
            )
        except (xmlschema.XMLSchemaException, OSError) as exc:
            failure = exc

    _refuse_skipped_imports(path, caught)
    if isinstance(failure, XMLResourceBlocked):
        raise SchemaLoadError(f"{path}: {REFUSED}: {failure}")

    if failure is not None:
        raise SchemaLoadError(f"{path}: schema does not compile: {failure}")

    return schema


def validate_element(
    schema: xmlschema.XMLSchema, element: etree._Element
) -> list[FormIssue]:
    """Validate a parsed element as a document root; [] when valid.

    Location hints in the document (xsi:schemaLocation) are ignored and the
    element is never re-read from anywhere, so nothing is fetched. At most
    MAX_ISSUES issues are reported, so a hostile document cannot inflate
    the validation report.
    """
    resource = XMLResource(element, allow="none", defuse="always")
    errors = schema.iter_errors(resource, use_location_hints=False)
    return [_issue(error) for error in itertools.islice(errors, MAX_ISSUES)]


def _refuse_skipped_imports(path: Path, caught: list[warnings.WarningMessage]) -> None:
    """Turn an import or include that was not loaded into a hard error."""
    skipped = (XMLSchemaImportWarning, XMLSchemaIncludeWarning)
    for warning in caught:
        if issubclass(warning.category, skipped):
            raise SchemaLoadError(f"{path}: {REFUSED}: {warning.message}")

        warnings.warn_explicit(
            warning.message, warning.category, warning.filename, warning.lineno
        )


def read_form(
    toml: Path,
    cache: dict[Path, xmlschema.XMLSchema],
    libxml: dict[Path, LibxmlSchema | None] | None = None,
) -> FormVersion:
    """Build a FormVersion from one form.toml, sharing the schema caches."""
    folder = toml.parent.resolve()
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        department = data["department"]
        form = FormVersion(
            form_id=str(data["id"]),
            version=str(data["version"]),
            namespace=str(data["namespace"]),
            root=str(data["root"]),
            title_pl=str(data["title_pl"]),
            title_en=str(data["title_en"]),
            department=str(department["symbol"]),
            department_name_pl=str(department["name_pl"]),
            department_name_en=str(department["name_en"]),
            jrwa=str(data["jrwa"]),
            deadline_days=int(data["deadline_days"]),
            fee_pl=str(data["fee"]["pl"]),
            fee_en=str(data["fee"]["en"]),
            attachments=_attachments(data.get("attachments", [])),
            description_pl=_paragraph(data["description_pl"]),
            description_en=_paragraph(data["description_en"]),
            folder=folder,
            schema_sha256=hashlib.sha256(
                (folder / "schema.xsd").read_bytes()
            ).hexdigest(),
            _schemas=cache,
            labels_en=_labels(folder / "labels.en.toml", "en"),
            _libxml={} if libxml is None else libxml,
        )
    except (KeyError, TypeError, ValueError, OSError, LabelsError) as exc:
        raise CatalogError(f"{toml}: {exc!r}") from exc

    if (form.form_id, form.version) != (folder.parent.name, folder.name):
        raise CatalogError(f"{toml}: id/version do not match the folder names")

    if form.deadline_days <= 0 or not (form.title_pl and form.title_en):
        raise CatalogError(f"{toml}: titles and a positive deadline are required")

    return form


def _labels(path: Path, lang: str) -> FormLabels | None:
    """A version's labels file in ``lang``, when it ships one."""
    return load_labels(path, lang) if path.is_file() else None


def _attachments(items: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """Turn the TOML list of {pl, en} tables into (pl, en) pairs."""
    return tuple((str(item["pl"]), str(item["en"])) for item in items)


def _paragraph(text: object) -> str:
    """Join a multi-line TOML string into one paragraph."""
    return " ".join(str(text).split())


def _check_form(catalog: Catalog, form: FormVersion) -> None:
    """Fail loudly when schema, namespace, root or sample do not agree."""
    schema = form.schema()
    if schema.target_namespace != form.namespace:
        raise CatalogError(f"{form.folder}: namespace differs from the schema's")

    if form.root not in {el.local_name for el in schema.elements.values()}:
        raise CatalogError(f"{form.folder}: root {form.root} not in the schema")

    for name in ("instructions.pl.md", "instructions.en.md", "blank.xml"):
        if not (form.folder / name).is_file():
            raise CatalogError(f"{form.folder}: {name} is missing")

    sample = parse_local(form.sample_path)
    if catalog.identify(sample) is not form:
        raise CatalogError(f"{form.sample_path}: root element is not the form's")

    # xmlschema is the judge of the sample; libxml2 then has to agree.
    issues = validate_element(schema, sample)
    if issues:
        raise CatalogError(f"{form.sample_path}: sample is invalid: {issues[0]}")

    _keep_libxml_if_it_agrees(form, sample)


def _keep_libxml_if_it_agrees(form: FormVersion, sample: etree._Element) -> None:
    """Compile libxml2's copy at load; drop it when it refuses the valid sample."""
    fast = form.libxml_schema()
    if fast is not None and not fast.passes(sample):
        form._libxml[form.schema_path] = None
        logger.warning("schema left to xmlschema: libxml2 refuses the sample")


def parse_local(path: Path) -> etree._Element:
    """Parse one of our own XML files with no DTD, entities or network."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.parse(str(path), parser).getroot()


def _issue(error: xmlschema.XMLSchemaValidationError) -> FormIssue:
    """Convert an xmlschema error into a FormIssue with a readable message."""
    reason = error.reason or error.message
    line = getattr(error, "sourceline", None)
    return FormIssue(
        path=error.path or "/",
        message=_CLARK.sub("", reason).strip(),
        line=line if isinstance(line, int) else None,
    )


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Order versions numerically part by part ("1.10" after "1.9")."""
    parts = re.split(r"[.\-]", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def _polish_key(text: str) -> tuple[int, ...]:
    """Sort key following the Polish alphabet (ą after a, ł after l ...)."""
    size = len(_POLISH_ORDER)
    return tuple(
        _POLISH_ORDER.index(ch) if ch in _POLISH_ORDER else size + ord(ch)
        for ch in text.casefold()
    )
