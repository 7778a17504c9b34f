"""Transfer packages between offices: build and seal, read and verify, deliver.

A capability module (no HTTP routes): the desk sends packages, the intake
pipeline takes them in (app.intake.transfer). The package format is
``schemas/transfer.xsd``.
"""

TRANSFER_NS = "urn:kancelaria:transfer:1"
TRANSFER_MEDIA_TYPE = "application/vnd.kancelaria.transfer+xml"
