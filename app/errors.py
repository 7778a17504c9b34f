"""Stable error codes and the JSON error envelope every channel answers with."""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """Machine-readable causes of a refused request; never renamed once published."""

    MALFORMED_XML = "malformed-xml"
    MALFORMED_PDF = "malformed-pdf"
    FORBIDDEN_XML = "forbidden-xml"
    NOT_XML = "not-xml"
    NOT_SIGNED = "not-signed"
    UNSIGNED_CONTENT = "unsigned-content"
    CONTENT_OUTSIDE_SIGNATURE = "content-outside-signature"
    UNKNOWN_FORM = "unknown-form"
    TOO_LARGE = "too-large"
    EMPTY_BODY = "empty-body"
    INCOMPLETE_BODY = "incomplete-body"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    BAD_REQUEST = "bad-request"
    NOT_A_RECEIPT = "not-a-receipt"
    UNAVAILABLE = "unavailable"
    UNAUTHORIZED = "unauthorized"
    CREDENTIAL_REVOKED = "credential-revoked"
    FORBIDDEN_FORM = "forbidden-form"
    RATE_LIMITED = "rate-limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency-key-in-use"
    BAD_IDEMPOTENCY_KEY = "bad-idempotency-key"
    TRANSFER_MALFORMED = "transfer-malformed"
    TRANSFER_UNKNOWN_OFFICE = "transfer-unknown-office"
    TRANSFER_SEAL_INVALID = "transfer-seal-invalid"
    TRANSFER_WRONG_RECIPIENT = "transfer-wrong-recipient"
    TRANSFER_DIGEST_MISMATCH = "transfer-digest-mismatch"
    TRANSFER_DUPLICATE = "transfer-duplicate"
    MISSING_PART = "missing-part"
    DUPLICATE_PART = "duplicate-part"
    UNEXPECTED_PART = "unexpected-part"
    MISSING_PAYLOAD = "missing-payload"
    PAYLOAD_NOT_COVERED = "payload-not-covered"
    MALFORMED_CMS = "malformed-cms"
    BAD_CONTAINER = "bad-container"
    CONTAINER_TOO_LARGE = "container-too-large"
    CONTAINER_BAD_NAME = "container-bad-name"
    CONTAINER_DUPLICATE_NAME = "container-duplicate-name"
    CONTAINER_TOO_MANY_MEMBERS = "container-too-many-members"
    CONTAINER_ENCRYPTED = "container-encrypted"
    OWN_RECEIPT = "own-receipt"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.MALFORMED_XML: "The document is not well-formed XML.",
    ErrorCode.MALFORMED_PDF: "The document starts as a PDF but cannot be read as one.",
    ErrorCode.FORBIDDEN_XML: (
        "The document uses XML features or a structure we never accept (DTD, "
        "entities, XInclude, excessive nesting, size or number of signatures)."
    ),
    ErrorCode.NOT_XML: "The body is not an XML document (nor a PDF).",
    ErrorCode.NOT_SIGNED: "The document carries no electronic signature.",
    ErrorCode.UNSIGNED_CONTENT: (
        "The signature is damaged or does not cover form content we could take in."
    ),
    ErrorCode.CONTENT_OUTSIDE_SIGNATURE: (
        "The document holds content outside what its signature covers; send the "
        "signed form alone."
    ),
    ErrorCode.UNKNOWN_FORM: "The signed content is not one of the office's forms.",
    ErrorCode.TOO_LARGE: "The document is larger than the office accepts.",
    ErrorCode.EMPTY_BODY: "The request carried no document.",
    ErrorCode.INCOMPLETE_BODY: "The upload ended before the announced length.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: (
        "Send the document as application/xml (or text/xml), application/pdf, "
        "an ASiC container (application/vnd.etsi.asic-s+zip, "
        "application/vnd.etsi.asic-e+zip or application/zip), "
        "application/pkcs7-mime, or a detached signature with its file as "
        "multipart/form-data."
    ),
    ErrorCode.NOT_FOUND: "There is nothing at this address.",
    ErrorCode.METHOD_NOT_ALLOWED: "This address does not accept that method.",
    ErrorCode.BAD_REQUEST: "The request could not be understood.",
    ErrorCode.NOT_A_RECEIPT: "The file is not a receipt issued by this system.",
    ErrorCode.UNAVAILABLE: "The service is briefly unavailable; try again shortly.",
    ErrorCode.UNAUTHORIZED: (
        "The request needs a valid API key: send Authorization: Bearer <key>."
    ),
    ErrorCode.CREDENTIAL_REVOKED: "This API key has been revoked or replaced.",
    ErrorCode.FORBIDDEN_FORM: "This API client may not submit this form.",
    ErrorCode.RATE_LIMITED: "Too many requests; wait as Retry-After says and retry.",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: (
        "This Idempotency-Key was already used with a different body."
    ),
    ErrorCode.IDEMPOTENCY_KEY_IN_USE: (
        "A request with this Idempotency-Key is still being processed; retry later."
    ),
    ErrorCode.BAD_IDEMPOTENCY_KEY: (
        "The Idempotency-Key must be 1 to 255 visible ASCII characters."
    ),
    ErrorCode.TRANSFER_MALFORMED: (
        "The transfer package does not match the office's transfer schema."
    ),
    ErrorCode.TRANSFER_UNKNOWN_OFFICE: (
        "The transfer package comes from an office this office does not exchange "
        "packages with."
    ),
    ErrorCode.TRANSFER_SEAL_INVALID: (
        "The seal on the transfer package does not verify against the sending "
        "office's trusted seal."
    ),
    ErrorCode.TRANSFER_WRONG_RECIPIENT: (
        "The transfer package is addressed to another office."
    ),
    ErrorCode.TRANSFER_DIGEST_MISMATCH: (
        "A document in the transfer package does not have the SHA-256 or size "
        "the package states."
    ),
    ErrorCode.TRANSFER_DUPLICATE: "This transfer package was already taken in.",
    ErrorCode.MISSING_PART: (
        "A multipart submission needs both parts: signature and payload."
    ),
    ErrorCode.DUPLICATE_PART: "Send one signature and one payload, each once.",
    ErrorCode.UNEXPECTED_PART: (
        "A multipart submission may carry only the parts signature and payload."
    ),
    ErrorCode.MISSING_PAYLOAD: (
        "This is a detached signature: add the file it signs (the second file "
        "field on the portal, the multipart part payload in the API)."
    ),
    ErrorCode.PAYLOAD_NOT_COVERED: "The signature does not sign the file sent with it.",
    ErrorCode.MALFORMED_CMS: "The signature is not a readable CMS (.p7s) structure.",
    ErrorCode.BAD_CONTAINER: "The container is not a readable ZIP (ASiC) archive.",
    ErrorCode.CONTAINER_TOO_LARGE: "The container unpacks to more than we accept.",
    ErrorCode.CONTAINER_BAD_NAME: (
        "A file in the container has an unsafe name (absolute, '..' or odd)."
    ),
    ErrorCode.CONTAINER_DUPLICATE_NAME: "Two files in the container share a name.",
    ErrorCode.CONTAINER_TOO_MANY_MEMBERS: "The container holds too many files.",
    ErrorCode.CONTAINER_ENCRYPTED: "The container holds an encrypted file.",
    ErrorCode.OWN_RECEIPT: (
        "This is a receipt the office issued, not a letter to it; keep it as your "
        "proof of sending."
    ),
}


MESSAGES_PL: dict[ErrorCode, str] = {
    ErrorCode.MALFORMED_XML: "Dokument nie jest poprawnym plikiem XML.",
    ErrorCode.MALFORMED_PDF: "Dokument wygląda na PDF, ale nie da się go odczytać.",
    ErrorCode.FORBIDDEN_XML: (
        "Dokument zawiera elementy XML, których urząd nie przyjmuje (DTD, encje, "
        "XInclude, zbyt głębokie zagnieżdżenie, zbyt duży rozmiar lub zbyt wiele "
        "podpisów)."
    ),
    ErrorCode.NOT_XML: "Przesłany plik nie jest dokumentem XML ani PDF.",
    ErrorCode.NOT_SIGNED: "Dokument nie ma podpisu elektronicznego.",
    ErrorCode.UNSIGNED_CONTENT: (
        "Podpis jest uszkodzony albo nie obejmuje treści formularza."
    ),
    ErrorCode.CONTENT_OUTSIDE_SIGNATURE: (
        "Dokument zawiera treść, której podpis nie obejmuje; prześlij sam "
        "podpisany formularz."
    ),
    ErrorCode.UNKNOWN_FORM: "Podpisana treść nie jest żadnym z formularzy urzędu.",
    ErrorCode.TOO_LARGE: "Dokument jest większy, niż urząd przyjmuje.",
    ErrorCode.EMPTY_BODY: "Nie przesłano żadnego dokumentu.",
    ErrorCode.INCOMPLETE_BODY: "Przesyłanie przerwano przed końcem pliku.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: (
        "Prześlij dokument jako application/xml (lub text/xml), application/pdf, "
        "kontener ASiC (application/vnd.etsi.asic-s+zip, "
        "application/vnd.etsi.asic-e+zip lub application/zip), "
        "application/pkcs7-mime albo podpis zewnętrzny z podpisanym plikiem jako "
        "multipart/form-data."
    ),
    ErrorCode.NOT_FOUND: "Pod tym adresem nic nie ma.",
    ErrorCode.METHOD_NOT_ALLOWED: "Ten adres nie obsługuje takiego żądania.",
    ErrorCode.BAD_REQUEST: (
        "Nie udało się odczytać żądania. Jeśli formularz był otwarty długo, "
        "odśwież stronę i spróbuj ponownie."
    ),
    ErrorCode.NOT_A_RECEIPT: "Ten plik nie jest potwierdzeniem wydanym przez urząd.",
    ErrorCode.UNAVAILABLE: "Usługa jest chwilowo niedostępna; spróbuj za chwilę.",
    ErrorCode.UNAUTHORIZED: (
        "Żądanie wymaga ważnego klucza API: Authorization: Bearer <klucz>."
    ),
    ErrorCode.CREDENTIAL_REVOKED: "Ten klucz API został unieważniony lub zastąpiony.",
    ErrorCode.FORBIDDEN_FORM: "Ten klient API nie może składać tego formularza.",
    ErrorCode.RATE_LIMITED: (
        "Zbyt wiele żądań; odczekaj tyle, ile podaje Retry-After, i spróbuj ponownie."
    ),
    ErrorCode.IDEMPOTENCY_KEY_REUSED: (
        "Ten Idempotency-Key użyto już z inną treścią żądania."
    ),
    ErrorCode.IDEMPOTENCY_KEY_IN_USE: (
        "Żądanie z tym Idempotency-Key jest jeszcze przetwarzane; spróbuj później."
    ),
    ErrorCode.BAD_IDEMPOTENCY_KEY: (
        "Idempotency-Key musi mieć od 1 do 255 widocznych znaków ASCII."
    ),
    ErrorCode.TRANSFER_MALFORMED: (
        "Paczka przekazania nie jest zgodna ze schematem przekazań urzędu."
    ),
    ErrorCode.TRANSFER_UNKNOWN_OFFICE: (
        "Paczka przekazania pochodzi z urzędu, z którym ten urząd nie wymienia paczek."
    ),
    ErrorCode.TRANSFER_SEAL_INVALID: (
        "Pieczęć paczki przekazania nie jest zgodna z zaufaną pieczęcią urzędu "
        "wysyłającego."
    ),
    ErrorCode.TRANSFER_WRONG_RECIPIENT: (
        "Paczka przekazania jest zaadresowana do innego urzędu."
    ),
    ErrorCode.TRANSFER_DIGEST_MISMATCH: (
        "Dokument w paczce przekazania ma inny skrót SHA-256 lub rozmiar, niż "
        "podaje paczka."
    ),
    ErrorCode.TRANSFER_DUPLICATE: "Tę paczkę przekazania już przyjęto.",
    ErrorCode.MISSING_PART: (
        "Przesyłka wieloczęściowa wymaga obu części: podpisu i podpisanego pliku."
    ),
    ErrorCode.DUPLICATE_PART: "Prześlij jeden podpis i jeden plik, każdy raz.",
    ErrorCode.UNEXPECTED_PART: (
        "Przesyłka wieloczęściowa może zawierać tylko podpis i podpisany plik."
    ),
    ErrorCode.MISSING_PAYLOAD: (
        "To jest podpis zewnętrzny: dołącz plik, który podpisuje (na portalu w "
        "drugim polu pliku, w API jako część payload)."
    ),
    ErrorCode.PAYLOAD_NOT_COVERED: "Podpis nie obejmuje przesłanego z nim pliku.",
    ErrorCode.MALFORMED_CMS: "Podpis nie jest poprawną strukturą CMS (.p7s).",
    ErrorCode.BAD_CONTAINER: "Kontener nie jest poprawnym archiwum ZIP (ASiC).",
    ErrorCode.CONTAINER_TOO_LARGE: "Kontener po rozpakowaniu jest zbyt duży.",
    ErrorCode.CONTAINER_BAD_NAME: (
        "Plik w kontenerze ma niebezpieczną nazwę (bezwzględną, z '..' lub inną)."
    ),
    ErrorCode.CONTAINER_DUPLICATE_NAME: "Dwa pliki w kontenerze mają tę samą nazwę.",
    ErrorCode.CONTAINER_TOO_MANY_MEMBERS: "Kontener zawiera zbyt wiele plików.",
    ErrorCode.CONTAINER_ENCRYPTED: "Kontener zawiera zaszyfrowany plik.",
    ErrorCode.OWN_RECEIPT: (
        "To jest potwierdzenie wydane przez urząd, a nie pismo do urzędu; zachowaj "
        "je jako dowód złożenia."
    ),
}


def message_in(code: ErrorCode, lang: str) -> str:
    """Return the sentence for a code in the page's language."""
    return MESSAGES_PL[code] if lang == "pl" else MESSAGES[code]


class RequestError(Exception):
    """A client's request refused with a stable code and an HTTP status."""

    def __init__(
        self, code: ErrorCode, status: int = 400, message: str | None = None
    ) -> None:
        super().__init__(code.value)
        self.code = code
        self.status = status
        self.message = message or MESSAGES[code]


def envelope(code: ErrorCode, message: str | None = None) -> dict[str, Any]:
    """Return the error envelope: ``{"errors": [{"error", "message"}]}``."""
    return {"errors": [{"error": code.value, "message": message or MESSAGES[code]}]}
