"""The form catalog: our three forms, their schemas, samples and lookups."""

from __future__ import annotations

import copy
import shutil
import socket
import time
from pathlib import Path

import pytest
from lxml import etree

from app.catalog import (
    MAX_ISSUES,
    Catalog,
    CatalogError,
    FormVersion,
    load_schema,
    parse_local,
    validate_element,
)

FORMS = Path(__file__).resolve().parents[2] / "forms"
XS = "{http://www.w3.org/2001/XMLSchema}"
DS = "http://www.w3.org/2000/09/xmldsig#"
FORM_IDS = ("pismo-ogolne", "zaswiadczenie-o-niezaleganiu", "zameldowanie")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(FORMS)


def ns_of(form: FormVersion) -> str:
    return "{" + form.namespace + "}"


def sample(form: FormVersion) -> etree._Element:
    return parse_local(form.sample_path)


def find(form: FormVersion, element: etree._Element, path: str) -> etree._Element:
    """Find ``path`` written with local names in the form's namespace."""
    steps = path.split("/")
    qualified = [s if s in ("", ".") else ns_of(form) + s for s in steps]
    found = element.find("/".join(qualified))
    assert found is not None, path
    return found


def test_catalog_loads_our_three_forms_at_version_1(catalog: Catalog) -> None:
    forms = catalog.forms()

    assert sorted(form.form_id for form in forms) == sorted(FORM_IDS)
    for form in forms:
        assert form.version == "1"
        assert form.namespace == f"urn:kancelaria:forms:{form.form_id}:1"
        assert form.folder == FORMS / form.form_id / "1"


def test_forms_are_sorted_by_polish_title(catalog: Catalog) -> None:
    titles = [form.title_pl for form in catalog.forms()]

    assert titles == [
        "Pismo ogólne do urzędu",
        "Wniosek o wydanie zaświadczenia o niezaleganiu w podatkach lokalnych",
        "Zgłoszenie pobytu stałego lub czasowego (zameldowanie)",
    ]


def test_certificate_form_carries_department_deadline_fee_and_jrwa(
    catalog: Catalog,
) -> None:
    form = catalog.get("zaswiadczenie-o-niezaleganiu")

    assert form.root == "WniosekOZaswiadczenie"
    assert (form.department, form.department_name_pl) == ("FN", "Wydział Finansowy")
    assert form.department_name_en == "Finance Department"
    assert form.jrwa == "3120"
    assert form.deadline_days == 7
    assert "21 zł" in form.fee_pl and "PLN 21" in form.fee_en
    assert form.attachments[0][0].startswith("Dowód zapłaty")
    assert form.title_en.startswith("Application for a certificate")
    assert "\n" not in form.description_pl and form.description_en


def test_every_form_has_department_jrwa_and_deadline(catalog: Catalog) -> None:
    departments = {form.form_id: form.department for form in catalog.forms()}

    assert departments == {
        "pismo-ogolne": "OR",
        "zaswiadczenie-o-niezaleganiu": "FN",
        "zameldowanie": "SO",
    }
    for form in catalog.forms():
        assert form.jrwa.isdigit() and len(form.jrwa) == 4
        assert form.deadline_days in (7, 30)


def test_schema_sha256_is_the_digest_of_the_schema_file(catalog: Catalog) -> None:
    import hashlib

    for form in catalog.forms():
        digest = hashlib.sha256(form.schema_path.read_bytes()).hexdigest()
        assert form.schema_sha256 == digest


def test_schema_is_compiled_once_and_cached(catalog: Catalog) -> None:
    form = catalog.get("pismo-ogolne")

    assert form.schema() is form.schema()
    assert catalog.get("pismo-ogolne", "1").schema() is form.schema()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_sample_is_valid_against_its_schema(catalog: Catalog, form_id: str) -> None:
    form = catalog.get(form_id)

    assert catalog.validate(form, sample(form)) == []


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_sample_uses_only_the_fake_person_in_utf8(
    catalog: Catalog, form_id: str
) -> None:
    text = catalog.get(form_id).sample_path.read_bytes().decode("utf-8")

    assert "44051401458" in text
    assert "Testowy" in text and "Testowo" in text and "00-001" in text
    assert any(letter in text for letter in "ąćęłńóśźż")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_sample_without_id_attribute_is_still_valid(
    catalog: Catalog, form_id: str
) -> None:
    form = catalog.get(form_id)
    element = sample(form)
    assert element.get("Id")

    del element.attrib["Id"]

    assert catalog.validate(form, element) == []


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_schema_documents_every_element_in_polish(
    catalog: Catalog, form_id: str
) -> None:
    schema = etree.parse(str(catalog.get(form_id).schema_path))
    elements = list(schema.iter(f"{XS}element"))

    assert len(elements) > 10
    for element in elements:
        doc = element.find(f"{XS}annotation/{XS}documentation")
        assert doc is not None and doc.text, element.get("name")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_schema_never_mentions_xml_signature(catalog: Catalog, form_id: str) -> None:
    schema = etree.parse(str(catalog.get(form_id).schema_path))
    values = [v for el in schema.iter(etree.Element) for v in el.attrib.values()]

    assert schema.find(f"{XS}import") is None
    assert not [v for v in values if "xmldsig" in v or "Signature" in v]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_schema_root_is_qualified_with_optional_id(
    catalog: Catalog, form_id: str
) -> None:
    form = catalog.get(form_id)
    tree = etree.parse(str(form.schema_path)).getroot()
    roots = tree.findall(f"{XS}element")

    assert tree.get("elementFormDefault") == "qualified"
    assert [root.get("name") for root in roots] == [form.root]
    attribute = roots[0].find(f"{XS}complexType/{XS}attribute")
    assert attribute is not None
    assert (attribute.get("name"), attribute.get("type")) == ("Id", "xs:ID")
    assert attribute.get("use") == "optional"


def test_wrong_pesel_is_reported_at_the_pesel_path(catalog: Catalog) -> None:
    form = catalog.get("zaswiadczenie-o-niezaleganiu")
    element = sample(form)
    find(form, element, ".//PESEL").text = "4405140145"

    issues = catalog.validate(form, element)

    assert [issue.path for issue in issues] == [
        "/WniosekOZaswiadczenie/Wnioskodawca/OsobaFizyczna/PESEL"
    ]
    assert "\\d{11}" in issues[0].message
    assert "{" not in issues[0].message.replace("{11}", "")


def test_missing_required_element_names_it_without_namespace(
    catalog: Catalog,
) -> None:
    form = catalog.get("pismo-ogolne")
    element = sample(form)
    find(form, element, "Tresc").remove(find(form, element, "Tresc/Temat"))

    issues = catalog.validate(form, element)

    assert len(issues) == 1
    assert issues[0].path == "/PismoOgolne/Tresc"
    assert "Temat" in issues[0].message and "urn:" not in issues[0].message


def test_unknown_enumeration_value_and_bad_postal_code_are_both_reported(
    catalog: Catalog,
) -> None:
    form = catalog.get("zameldowanie")
    element = sample(form)
    find(form, element, "RodzajPobytu").text = "wakacyjny"
    find(form, element, "AdresNowy/KodPocztowy").text = "00001"

    paths = [issue.path for issue in catalog.validate(form, element)]

    assert paths == [
        "/ZgloszeniePobytu/RodzajPobytu",
        "/ZgloszeniePobytu/AdresNowy/KodPocztowy",
    ]


def test_owner_confirmation_must_be_true(catalog: Catalog) -> None:
    form = catalog.get("zameldowanie")
    element = sample(form)
    find(form, element, ".//PotwierdzamPobyt").text = "false"

    issues = catalog.validate(form, element)

    assert [issue.path for issue in issues] == [
        "/ZgloszeniePobytu/PotwierdzenieWlasciciela/PotwierdzamPobyt"
    ]


def test_company_applicant_with_nip_instead_of_pesel_is_valid(
    catalog: Catalog,
) -> None:
    form = catalog.get("zaswiadczenie-o-niezaleganiu")
    ns = ns_of(form)
    element = sample(form)
    applicant = find(form, element, "Wnioskodawca")
    applicant.remove(find(form, applicant, "OsobaFizyczna"))
    company = etree.Element(f"{ns}Podmiot")
    etree.SubElement(company, f"{ns}Nazwa").text = "Testowa Spółka z o.o."
    etree.SubElement(company, f"{ns}NIP").text = "1234563218"
    applicant.insert(0, company)

    assert catalog.validate(form, element) == []

    both = copy.deepcopy(element)
    person = etree.Element(f"{ns}OsobaFizyczna")
    find(form, both, "Wnioskodawca").insert(1, person)
    assert catalog.validate(form, both) != []


def test_enveloped_signature_left_in_the_form_is_invalid(catalog: Catalog) -> None:
    form = catalog.get("pismo-ogolne")
    element = sample(form)
    etree.SubElement(element, f"{{{DS}}}Signature")

    issues = catalog.validate(form, element)

    assert len(issues) == 1 and "Signature" in issues[0].message


def test_form_inside_an_enveloping_object_validates_as_its_own_root(
    catalog: Catalog,
) -> None:
    form = catalog.get("zameldowanie")
    wrapper = etree.Element(f"{{{DS}}}Signature")
    obj = etree.SubElement(wrapper, f"{{{DS}}}Object")
    obj.append(sample(form))

    assert catalog.identify(obj[0]) is form
    assert catalog.validate(form, obj[0]) == []


def test_schema_named_by_the_document_is_ignored_and_never_fetched(
    catalog: Catalog,
) -> None:
    form = catalog.get("pismo-ogolne")
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.2)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/evil.xsd"
        element = sample(form)
        element.set(f"{{{xsi}}}schemaLocation", f"urn:other {url}")
        element.set(f"{{{xsi}}}noNamespaceSchemaLocation", url)

        find(form, element, ".//PESEL").text = "1"

        issues = catalog.validate(form, element)

        assert [issue.path for issue in issues] == [
            "/PismoOgolne/Nadawca/OsobaFizyczna/PESEL"
        ]
        with pytest.raises(TimeoutError):
            listener.accept()


def test_identify_finds_the_form_by_namespace_and_root(catalog: Catalog) -> None:
    for form in catalog.forms():
        assert catalog.identify(sample(form)) is form


def test_identify_unknown_namespace_returns_none(catalog: Catalog) -> None:
    element = etree.fromstring(b'<PismoOgolne xmlns="urn:kancelaria:forms:x:1"/>')

    assert catalog.identify(element) is None


def test_identify_known_namespace_with_other_root_returns_none(
    catalog: Catalog,
) -> None:
    ns = catalog.get("pismo-ogolne").namespace
    element = etree.fromstring(f'<Tresc xmlns="{ns}"/>'.encode())

    assert catalog.identify(element) is None
    assert catalog.identify(etree.fromstring(b"<PismoOgolne/>")) is None
    assert catalog.identify(etree.Comment("x")) is None


def test_get_unknown_form_or_version_raises_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError):
        catalog.get("nie-ma-takiego")

    with pytest.raises(KeyError):
        catalog.get("pismo-ogolne", "99")

    assert catalog.versions("nie-ma-takiego") == []


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_instructions_exist_in_polish_and_english(
    catalog: Catalog, form_id: str
) -> None:
    form = catalog.get(form_id)

    polish, english = form.instructions("pl"), form.instructions("en")

    assert polish.startswith("# ") and english.startswith("# ")
    assert "profilu zaufanego" in polish and "trusted profile" in english
    with pytest.raises(ValueError, match="de"):
        form.instructions("de")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_blank_form_is_well_formed_and_identified_as_its_form(
    catalog: Catalog, form_id: str
) -> None:
    form = catalog.get(form_id)

    blank = parse_local(form.blank_path)

    assert catalog.identify(blank) is form
    assert catalog.validate(form, blank) != []


def test_validation_of_a_sample_takes_a_few_milliseconds(catalog: Catalog) -> None:
    form = catalog.get("zameldowanie")
    element = sample(form)
    catalog.validate(form, element)
    runs = 50

    start = time.perf_counter()
    for _ in range(runs):
        catalog.validate(form, element)
    average = (time.perf_counter() - start) / runs

    assert average < 0.02, f"{average * 1000:.1f} ms per validation"


def copy_form(tmp_path: Path, form_id: str = "pismo-ogolne") -> Path:
    """Copy one form folder into a fresh catalog folder and return it."""
    target = tmp_path / "forms" / form_id / "1"
    shutil.copytree(FORMS / form_id / "1", target)
    return target


def bump_version(folder: Path, version: str) -> Path:
    """Copy a version folder to a new version with its own namespace."""
    target = folder.parent / version
    shutil.copytree(folder, target)
    old_ns = "urn:kancelaria:forms:pismo-ogolne:1"
    new_ns = f"urn:kancelaria:forms:pismo-ogolne:{version}"
    for name in ("form.toml", "schema.xsd", "sample.xml", "blank.xml"):
        path = target / name
        text = path.read_text(encoding="utf-8").replace(old_ns, new_ns)
        text = text.replace('version = "1"', f'version = "{version}"')
        path.write_text(text, encoding="utf-8")

    return target


def test_latest_version_is_chosen_numerically(tmp_path: Path) -> None:
    first = copy_form(tmp_path)
    for version in ("2", "10"):
        bump_version(first, version)

    catalog = Catalog.load(tmp_path / "forms")

    versions = [form.version for form in catalog.versions("pismo-ogolne")]
    assert versions == ["1", "2", "10"]
    assert catalog.get("pismo-ogolne").version == "10"
    assert [form.version for form in catalog.forms()] == ["10"]
    older = etree.fromstring(
        b'<PismoOgolne xmlns="urn:kancelaria:forms:pismo-ogolne:2"/>'
    )
    assert catalog.identify(older) is catalog.get("pismo-ogolne", "2")


def test_catalog_refuses_to_load_with_an_invalid_sample(tmp_path: Path) -> None:
    folder = copy_form(tmp_path)
    path = folder / "sample.xml"
    text = path.read_text(encoding="utf-8").replace("00-001", "00001")
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CatalogError, match="KodPocztowy"):
        Catalog.load(tmp_path / "forms")


def test_catalog_refuses_to_load_a_schema_that_does_not_compile(
    tmp_path: Path,
) -> None:
    folder = copy_form(tmp_path)
    path = folder / "schema.xsd"
    text = path.read_text(encoding="utf-8").replace('type="TTresc"', 'type="TBrak"')
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CatalogError, match="does not compile"):
        Catalog.load(tmp_path / "forms")


def test_catalog_refuses_a_namespace_that_differs_from_the_schema(
    tmp_path: Path,
) -> None:
    folder = copy_form(tmp_path)
    path = folder / "form.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("pismo-ogolne:1", "pismo-ogolne:7"), "utf-8")

    with pytest.raises(CatalogError, match="namespace"):
        Catalog.load(tmp_path / "forms")


def test_catalog_refuses_form_toml_in_a_folder_of_another_name(
    tmp_path: Path,
) -> None:
    folder = copy_form(tmp_path)
    folder.rename(folder.parent / "2")

    with pytest.raises(CatalogError, match="folder"):
        Catalog.load(tmp_path / "forms")


def test_catalog_refuses_an_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"no form\.toml"):
        Catalog.load(tmp_path)


def test_a_document_with_endless_errors_gets_a_bounded_report(
    tmp_path: Path,
) -> None:
    path = tmp_path / "numbers.xsd"
    path.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:element name="A"><xs:complexType><xs:sequence>'
        '<xs:element name="n" type="xs:int" maxOccurs="unbounded"/>'
        "</xs:sequence></xs:complexType></xs:element></xs:schema>",
        encoding="utf-8",
    )
    element = etree.fromstring(b"<A>" + b"<n>x</n>" * (MAX_ISSUES * 3) + b"</A>")

    issues = validate_element(load_schema(path), element)

    assert len(issues) == MAX_ISSUES
    assert [issues[0].path, issues[-1].path] == ["/A/n[1]", f"/A/n[{MAX_ISSUES}]"]


def test_catalog_refuses_a_form_without_a_positive_deadline(tmp_path: Path) -> None:
    folder = copy_form(tmp_path)
    path = folder / "form.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("deadline_days = 30", "deadline_days = 0"), "utf-8")

    with pytest.raises(CatalogError, match="deadline"):
        Catalog.load(tmp_path / "forms")
