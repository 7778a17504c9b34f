"""Real Polish e-government schemas load offline and judge their samples.

The schemas and samples come from ../shared/corpus/forms-real; MANIFEST.tsv
says for each sample whether it is valid (``valid_against`` names the
schema) or not (``INVALID vs ...``). They are loaded through the same
``load_schema`` as our own forms, so the same no-network rule is proven on
schemas with nested imports and includes.
"""

from __future__ import annotations

import csv
import socket
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from app.catalog import SchemaLoadError, load_schema, parse_local, validate_element

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "forms-real"
MANIFEST = CORPUS / "MANIFEST.tsv"
SCHEMAS = {
    "ksef-fa3": "schemat_FA(3)_v1-0E.xsd",
    "edeklaracje-pcc3": "schemat.xsd",
    "jpk-v7m2": "schemat_JPK_V7M(2)_v1-0E.xsd",
}
MISSING = f"{CORPUS} is absent: the shared corpus (../shared) must be checked out"

pytestmark = pytest.mark.corpus


@dataclass(frozen=True)
class Case:
    """One sample of the manifest and the verdict it expects."""

    folder: str
    sample: str
    valid: bool
    notes: str

    @property
    def schema_path(self) -> Path:
        return CORPUS / self.folder / SCHEMAS[self.folder]


def manifest_cases() -> list[Case]:
    """Samples of the three schemas as MANIFEST.tsv describes them."""
    if not MANIFEST.is_file():
        return []

    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))

    cases = []
    for row in rows:
        folder, _, rest = row["file"].partition("/")
        verdict = row["valid_against"]
        if folder not in SCHEMAS or not rest.startswith("samples/"):
            continue

        if verdict.startswith("INVALID vs " + SCHEMAS[folder]):
            cases.append(Case(folder, row["file"], False, verdict))
        elif verdict.split(" ")[0] == SCHEMAS[folder]:
            cases.append(Case(folder, row["file"], True, verdict))

    return cases


CASES = manifest_cases()


def case_params() -> list[object]:
    if not CASES:
        return [pytest.param(None, id="corpus-missing")]

    return [pytest.param(case, id=Path(case.sample).name) for case in CASES]


@pytest.fixture(scope="session")
def compiled() -> dict[str, xmlschema.XMLSchema]:
    """Each real schema compiled once per session through load_schema."""
    if not CORPUS.is_dir():
        pytest.fail(MISSING)

    return {
        folder: load_schema(CORPUS / folder / name) for folder, name in SCHEMAS.items()
    }


def test_shared_corpus_is_present_with_its_manifest() -> None:
    assert MANIFEST.is_file(), MISSING


def test_manifest_lists_the_expected_samples() -> None:
    assert CASES, MISSING

    counts = {
        (folder, valid): sum(1 for c in CASES if (c.folder, c.valid) == (folder, valid))
        for folder in SCHEMAS
        for valid in (True, False)
    }
    assert counts == {
        ("ksef-fa3", True): 5,
        ("ksef-fa3", False): 1,
        ("edeklaracje-pcc3", True): 1,
        ("edeklaracje-pcc3", False): 1,
        ("jpk-v7m2", True): 3,
        ("jpk-v7m2", False): 0,
    }


@pytest.mark.parametrize("case", case_params())
def test_real_sample_gets_the_manifest_verdict(
    case: Case | None, compiled: dict[str, xmlschema.XMLSchema]
) -> None:
    assert case is not None, MISSING

    issues = validate_element(compiled[case.folder], parse_local(CORPUS / case.sample))

    if case.valid:
        assert issues == []
    else:
        assert issues, f"{case.sample} should be invalid: {case.notes}"


@pytest.mark.parametrize("case", case_params())
def test_lxml_agrees_with_the_verdict_offline(case: Case | None) -> None:
    assert case is not None, MISSING
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    schema = etree.XMLSchema(etree.parse(str(case.schema_path), parser))

    assert schema.validate(parse_local(CORPUS / case.sample)) is case.valid


def test_ksef_invoice_of_an_older_revision_is_invalid_at_term_description(
    compiled: dict[str, xmlschema.XMLSchema],
) -> None:
    path = CORPUS / "ksef-fa3/samples"
    sample = path / "FA_3_Przyklad_1_korygujaca_INVALID-vs-current-schema.xml"

    issues = validate_element(compiled["ksef-fa3"], parse_local(sample))

    assert {issue.path for issue in issues} == {
        "/Faktura/Fa/Platnosc/TerminPlatnosci/TerminOpis"
    }
    assert any("Ilosc" in issue.message for issue in issues)


def test_pcc3_with_three_typical_user_errors_reports_each_of_them(
    compiled: dict[str, xmlschema.XMLSchema],
) -> None:
    sample = CORPUS / "edeklaracje-pcc3/samples/pcc3_INVALID_anonymised.xml"

    issues = validate_element(compiled["edeklaracje-pcc3"], parse_local(sample))
    by_path = {issue.path: issue.message for issue in issues}

    assert "2024" in by_path["/Deklaracja/Naglowek/Data"]
    assert "must be one of" in by_path["/Deklaracja/Naglowek/KodUrzedu"]
    assert "\\d{11}" in by_path["/Deklaracja/Podmiot1/OsobaFizyczna/PESEL"]


def test_jpk_gateway_message_is_not_a_jpk_declaration(
    compiled: dict[str, xmlschema.XMLSchema],
) -> None:
    sample = CORPUS / "jpk-v7m2/samples/InitUpload_unsigned.xml"

    issues = validate_element(compiled["jpk-v7m2"], parse_local(sample))

    assert [issue.path for issue in issues] == ["/InitUpload"]


# --- never over the network -------------------------------------------------


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    """A loopback TCP port that records whether anybody connected."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        sock.settimeout(0.2)
        yield sock


def write_schema(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(
        textwrap.dedent(
            f"""\
            <?xml version="1.0" encoding="UTF-8"?>
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                       xmlns:o="urn:other" xmlns="urn:test"
                       targetNamespace="urn:test" elementFormDefault="qualified">
            {body}
            </xs:schema>
            """
        ),
        encoding="utf-8",
    )
    return path


def assert_nobody_connected(sock: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        sock.accept()


def test_schema_importing_an_http_url_fails_instead_of_fetching(
    tmp_path: Path, listener: socket.socket
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/other.xsd"
    path = write_schema(
        tmp_path,
        "remote-import.xsd",
        f'<xs:import namespace="urn:other" schemaLocation="{url}"/>'
        '<xs:element name="A" type="o:T"/>',
    )

    with pytest.raises(SchemaLoadError, match=r"refusing.*remote resource"):
        load_schema(path)

    assert_nobody_connected(listener)


def test_unused_http_import_is_refused_too_rather_than_skipped(
    tmp_path: Path, listener: socket.socket
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/other.xsd"
    path = write_schema(
        tmp_path,
        "unused-import.xsd",
        f'<xs:import namespace="urn:other" schemaLocation="{url}"/>'
        '<xs:element name="A" type="xs:string"/>',
    )

    with pytest.raises(SchemaLoadError, match="cannot be read from local files"):
        load_schema(path)

    assert_nobody_connected(listener)


def test_schema_including_an_http_url_fails_instead_of_fetching(
    tmp_path: Path, listener: socket.socket
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/part.xsd"
    path = write_schema(
        tmp_path,
        "remote-include.xsd",
        f'<xs:include schemaLocation="{url}"/><xs:element name="A" type="T"/>',
    )

    with pytest.raises(SchemaLoadError, match=r"refusing.*remote resource"):
        load_schema(path)

    assert_nobody_connected(listener)


def test_schema_importing_a_file_outside_its_folder_is_refused(
    tmp_path: Path,
) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    other = tmp_path / "other.xsd"
    other.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="urn:other"><xs:simpleType name="T">'
        '<xs:restriction base="xs:string"/></xs:simpleType></xs:schema>',
        encoding="utf-8",
    )
    path = write_schema(
        inner,
        "escape.xsd",
        '<xs:import namespace="urn:other" schemaLocation="../other.xsd"/>'
        '<xs:element name="A" type="o:T"/>',
    )

    with pytest.raises(SchemaLoadError, match="out of sandbox"):
        load_schema(path)

    (inner / "other.xsd").write_bytes(other.read_bytes())
    local = write_schema(
        inner,
        "local.xsd",
        '<xs:import namespace="urn:other" schemaLocation="other.xsd"/>'
        '<xs:element name="A" type="o:T"/>',
    )
    assert load_schema(local).elements["A"].type.name == "{urn:other}T"
