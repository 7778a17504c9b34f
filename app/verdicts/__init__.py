"""What the validator found, in words people read (a capability, no HTTP).

The portal, the kiosk, the desk and the printable receipt share these words:
``wording`` names verdicts, reasons and kinds; ``names`` makes names from
certificates safe to show; ``view`` turns a stored validation report into
the plain-language report pages render.
"""
