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
