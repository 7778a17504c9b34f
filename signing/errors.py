"""Processing faults: input that is not a signed document at all.

A signature that does not verify is a result, not an error; these errors are
for input that cannot be judged (not XML, forbidden constructs, no signature).
"""

from __future__ import annotations


class SigningInputError(Exception):
    """Input that cannot be validated; ``code`` is stable and machine-readable."""

    code = "invalid-input"


class MalformedXMLError(SigningInputError):
    """The bytes are not well-formed XML."""

    code = "malformed-xml"


class ForbiddenXMLError(SigningInputError):
    """The XML uses a construct we never process (DTD, entities, XInclude)."""

    code = "forbidden-xml"


class NotSignedError(SigningInputError):
    """The document carries no XML signature."""

    code = "not-signed"


class MissingPayloadError(SigningInputError):
    """A detached signature was given without the data it signs."""

    code = "missing-payload"


class NotPDFError(SigningInputError):
    """The bytes are not a PDF document that can be parsed."""

    code = "not-pdf"


class ContainerError(SigningInputError):
    """A ZIP or ASiC container that cannot be read as one."""

    code = "bad-container"


class UnsafeContainerError(ContainerError):
    """A container refused for safety; ``code`` names the cause."""

    code = "unsafe-container"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


ZIP_BOMB = "container-too-large"
"""Members that inflate past the limits (a ZIP bomb)."""
ZIP_PATH = "container-bad-name"
"""A member name that is absolute, climbs out (``..``) or is not plain."""
ZIP_DUPLICATE = "container-duplicate-name"
"""Two members of the same name."""
ZIP_MEMBERS = "container-too-many-members"
"""More members than a container may hold."""
ZIP_ENCRYPTED = "container-encrypted"
"""An encrypted member (it cannot be validated)."""


class NotCMSError(SigningInputError):
    """The bytes are not a CMS SignedData structure."""

    code = "not-cms"


class NotDetachedError(SigningInputError):
    """What was given as a detached signature is a document signed within itself
    (a PDF or a container): it is validated alone, without a payload."""

    code = "not-detached"


class PayloadNotCoveredError(SigningInputError):
    """A file was given beside a signature that does not sign any file."""

    code = "payload-not-covered"
