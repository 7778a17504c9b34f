"""How desk pages show a moment: the office's time, zone named (app.timeshow).

The filter is registered for the whole application by ``app.timeshow``; the
name stays importable here for the desk's own code and tests.
"""

from __future__ import annotations

from app.timeshow import office_time

__all__ = ["office_time"]
