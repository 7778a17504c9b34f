"""The plain-language report on the portal's result page and the desk's document
view, for documents really registered: each outcome, in Polish and English."""

from __future__ import annotations

import hashlib
import re
from html import unescape

from flask.testing import FlaskClient

from app.registry.queries import get_document_by_number
from signing import pki
from signing.asic import ASIC_E, ASIC_NS, ASIC_S
from signing.pades_seal import PdfSealer
from tests import deep_pdfs
from tests.shapes.cmsmaker import make_zip, sign_cms
from tests.shapes.maker import FAKE_PESEL_2, Shape, podpis_zp, sign_xades
from tests.verdicts import documents
from tests.verdicts.conftest import Office, upload

INLINE = re.compile(r"</?(span|strong|code|a|small|em)\b[^>]*>")
BLOCK = re.compile(r"<[^>]+>")


def read(client: FlaskClient, location: str, lang: str) -> str:
    """The page's text as a reader sees it: no tags, spaces folded."""
    answer = client.get(f"{location}&lang={lang}")
    assert answer.status_code == 200
    return text_of(answer.get_data(as_text=True))


def text_of(html: str) -> str:
    """Drop inline tags, turn block tags into spaces, decode entities."""
    words = BLOCK.sub(" ", INLINE.sub("", html))
    return " ".join(unescape(words).split())


def desk_page(office: Office, clerk: FlaskClient, location: str, lang: str) -> str:
    """The desk's view of the document the result page at ``location`` shows."""
    found = re.search(r"/submissions/(\d+)/(\d+)", location)
    assert found
    with office.services.sessions() as session:
        document = get_document_by_number(session, f"RPW/{found[2]}/{found[1]}")
        assert document is not None
        public_id = document.public_id

    answer = clerk.get(f"/desk/documents/{public_id}?lang={lang}")
    assert answer.status_code == 200
    return text_of(answer.get_data(as_text=True))


def test_a_passing_signature_says_who_signed_with_what_and_when(
    office: Office, client: FlaskClient, clerk: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    where = upload(client, documents.enveloped(demo.citizen), "pismo.xml")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert re.search(
        r"Signed by Jan Testowy with an electronic signature \(its qualified status "
        r"is not confirmed by a trusted list\) on \d{4}-\d\d-\d\d \d\d:\d\d "
        r"CES?T\.",
        english,
    )
    assert "Identifier (PESEL or other, from the certificate) PNOPL-44051401458" in (
        english
    )
    assert "only stated by the signer's computer; no time-stamp proves it" in english
    assert "XAdES-BES — B-B: basic signature, without a time-stamp" in english
    assert "the whole signed document" in english
    assert "passed: The signed content has not changed since signing" in english
    assert "passed: The certificate comes from a provider the office trusts" in english
    assert "not checked: The certificate was not revoked" in english
    assert "What to do" not in english
    assert re.search(
        r"Podpisał\(a\): Jan Testowy, podpisem elektronicznym \(status "
        r"kwalifikowany niepotwierdzony w zaufanej liście\), dnia "
        r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T\.",
        polish,
    )
    assert "w porządku: Podpisana treść nie zmieniła się od podpisania" in polish
    assert "nie sprawdzono: Certyfikat nie został unieważniony" in polish
    desk = desk_page(office, clerk, where, "en")
    assert "Signed by Jan Testowy with an electronic signature" in desk
    assert "path to a trust anchor validated" in desk, "clerks see the notes"


def test_a_file_changed_after_signing_says_sign_the_original_again(
    office: Office, client: FlaskClient, clerk: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    body = documents.changed_after_signing(demo.citizen)
    where = upload(client, body, "pismo.xml")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "This signature is not valid. The document was changed after it was" in (
        english
    )
    assert (
        "What to do: The file was changed after signing: sign the original "
        "document again and send it" in english
    )
    assert "failed: The signed content has not changed since signing" in english
    assert "Jan Testowy — identity not confirmed" in english
    assert "Ten podpis jest nieprawidłowy." in polish
    assert "Co zrobić: Plik zmieniono po podpisaniu: podpisz ponownie" in polish
    assert "błąd: Podpisana treść nie zmieniła się od podpisania" in polish
    desk = desk_page(office, clerk, where, "pl")
    assert "Plik zmieniono po podpisaniu" in desk


def test_an_untrusted_certificate_says_sign_with_a_trusted_provider(
    office: Office, client: FlaskClient
) -> None:
    stranger = pki.make_citizen(
        office.untrusted_ca, given_name="Anna", surname="Nieznana", pesel="02070803628"
    )
    where = upload(client, documents.enveloped(stranger), "pismo.xml")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "The electronic signature could not be confirmed." in english
    assert "This signature could not be confirmed." in english
    assert "does not come from a provider the office trusts" in english
    assert (
        "What to do: Sign again with a certificate from a trusted provider" in english
    )
    assert "failed: The certificate comes from a provider the office trusts" in english
    assert "Anna Nieznana — identity not confirmed" in english
    assert "Signed by" not in english, "an unconfirmed name is not said to sign"
    assert "Co zrobić: Podpisz ponownie certyfikatem od zaufanego dostawcy" in polish
    assert "Anna Nieznana — tożsamości nie potwierdzono" in polish


def test_a_signed_pdf_says_which_revision_is_covered(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    signed = PdfSealer.from_issued(demo.citizen).seal(documents.plain_pdf())
    where = upload(client, signed, "pismo.pdf")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "Signed letter (PDF)" in english
    assert "Signed by Jan Testowy with an electronic signature" in english
    assert "the PDF document as it was when signed (revision 2)" in english
    assert "PAdES-B-B — B-B: basic signature" in english
    assert (
        "passed: The PDF was not changed after signing beyond what is allowed"
        in english
    )
    assert "dokument PDF w postaci z chwili podpisu (wersja 2)" in polish
    assert "w porządku: Podpis obejmuje cały plik PDF poza samym sobą" in polish


def test_a_pdf_changed_after_signing_says_it_was_changed_not_badly_built(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    where = upload(client, documents.pdf_changed_after_signing(demo.citizen), "p.pdf")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "The document was changed after it was signed." in english
    assert "not built correctly" not in english
    assert "What to do: The file was changed after signing" in english
    assert "Treść dokumentu zmieniono po złożeniu podpisu." in polish


def test_a_pdf_changed_too_deeply_to_analyse_says_so_not_badly_built(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    signed = PdfSealer.from_issued(demo.citizen).seal(documents.plain_pdf())
    where = upload(client, deep_pdfs.chain(signed), "p.pdf")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "the changes are built in a way that cannot be analysed" in english
    assert "not built correctly" not in english
    assert "cannot be processed" not in english
    assert "What to do: Send the PDF as your signing tool saved it" in english
    assert "zmian nie da się przeanalizować" in polish
    assert "Prześlij plik PDF w postaci zapisanej" in polish


def test_a_detached_signature_names_the_file_it_signs(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    letter = documents.plain_pdf()
    signature = sign_xades(demo.citizen, Shape(files={"pismo.pdf": letter}))
    where = upload(client, signature, "pismo.pdf.xades", payload=letter)

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "Signed by Jan Testowy with an electronic signature" in english
    assert "What the signature covers the file pismo.pdf" in english
    assert "Co obejmuje podpis plik pismo.pdf" in polish


def test_a_counter_signature_is_shown_as_confirming_the_signature(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    body = documents.counter_signed(demo.citizen, demo.seal)
    where = upload(client, body, "pismo.xml")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    seal = demo.seal.certificate.subject.rfc4514_string().split("CN=")[1].split(",")[0]
    assert "Signature 1" in english
    assert "Counter-signature 2, confirming signature 1" in english
    assert f"Counter-signed by {seal} with an electronic signature" in english
    assert "passed: The counter-signature covers the signature it confirms" in english
    assert "the value of the signature it confirms (#value-main)" in english
    assert "Kontrasygnata 2, potwierdzająca podpis 1" in polish
    assert f"Kontrasygnował(a): {seal}, podpisem elektronicznym" in polish


def test_schema_problems_are_listed_with_their_field(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    form = documents.sample(documents.FORM)
    broken = re.sub(rb"<Adresat>.*?</Adresat>", b"", form, count=1, flags=re.S)
    assert broken != form
    signed = sign_xades(demo.citizen, Shape(enveloped_in=broken))
    where = upload(client, signed, "pismo.xml")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "Problems in the form" in english
    assert re.search(r"Field /\S*PismoOgolne\S*:", english), english[-1500:]
    assert "Braki w formularzu" in polish and "Pole /" in polish


def test_a_time_stamp_proves_the_time_and_a_document_time_stamp_is_its_own(
    office: Office, client: FlaskClient
) -> None:
    demo, timestamper = office.services.demo, office.services.timestamper
    assert demo is not None and timestamper is not None
    where = upload(client, documents.stamped_pdf(demo.citizen, timestamper), "t.pdf")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert re.search(
        r"\(proven by a time-stamp of \d{4}-\d\d-\d\d \d\d:\d\d CES?T\)", english
    ), english
    assert "— B-T: with a time-stamp" in english
    assert "passed: A time-stamp proves when the signature existed" in english
    assert "Document time-stamp 2" in english
    assert (
        "Time of the time-stamp " in english
        and "(given by the time-stamp authority, which vouches for it)" in english
    )
    assert re.search(r"Time-stamped by [^.]+ on \d{4}-\d\d-\d\d", english)
    assert "Time-stamp authority" in english
    assert "potwierdzony znacznikiem czasu z " in polish
    assert "Znacznik czasu dokumentu 2" in polish


def test_a_container_lists_its_files_and_what_each_signature_covers(
    office: Office, client: FlaskClient
) -> None:
    demo = office.services.demo
    assert demo is not None
    files = {"pismo.pdf": documents.plain_pdf(), "zal/notatka.txt": b"notatka"}
    wrapper = f"{{{ASIC_NS}}}XAdESSignatures"
    xml = sign_xades(demo.citizen, Shape(files=files, wrapper=wrapper))
    members = [("mimetype", ASIC_E.encode()), *files.items()]
    container = make_zip([*members, ("META-INF/signatures001.xml", xml)])
    where = upload(client, container, "pismo.asice")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "Files in the container pismo.pdf zal/notatka.txt" in english
    assert "the file pismo.pdf the file zal/notatka.txt" in english
    assert "Pliki w kontenerze pismo.pdf zal/notatka.txt" in polish


def test_a_container_time_stamp_is_shown_as_a_time_stamp_not_a_signature(
    office: Office, client: FlaskClient
) -> None:
    demo, timestamper = office.services.demo, office.services.timestamper
    assert demo is not None and timestamper is not None
    letter = documents.plain_pdf()
    token = timestamper.timestamp(hashlib.sha256(letter).digest())
    container = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", letter),
            ("META-INF/signature.p7s", sign_cms(demo.citizen, letter)),
            ("META-INF/timestamp.tst", token),
        ]
    )
    where = upload(client, container, "pismo.asics")

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert "Signed by Jan Testowy" in english
    assert "Document time-stamp 2" in english
    assert re.search(r"Time-stamped by [^.]+ on \d{4}-\d\d-\d\d", english)
    assert "Signed by" not in english.split("Document time-stamp 2", 1)[1]
    assert "Znacznik czasu dokumentu 2" in polish


def test_a_trusted_profile_names_the_person_and_the_platform(
    office: Office, client: FlaskClient
) -> None:
    letter = documents.plain_pdf()
    zp = podpis_zp("Ewa", "Zaufana", FAKE_PESEL_2, "zp-1")
    signature = sign_xades(
        office.platform, Shape(files={"pismo.pdf": letter}, objects=[zp])
    )
    where = upload(client, signature, "pismo.xades", payload=letter)

    english = read(client, where, "en")
    polish = read(client, where, "pl")

    assert re.search(
        r"Signed by Ewa Zaufana with a trusted-profile signature \(podpis zaufany\) "
        r"on \d{4}-",
        english,
    )
    assert f"PNOPL-{FAKE_PESEL_2}" in english
    assert "Made through the platform Testowa Platforma Profilu Zaufanego" in english
    assert "Podpisał(a): Ewa Zaufana, podpisem zaufanym, dnia" in polish
