"""Names and identifiers read from certificates, made safe to show (review F26).

Pages and the printed receipt show every bidi, format and control character
of a certificate's text as its code (``\\u202E``), with the same rule as the
validator's own command line (:mod:`signing.display`).
"""

from __future__ import annotations

from signing.display import escape, shown

__all__ = ["escape", "shown"]
