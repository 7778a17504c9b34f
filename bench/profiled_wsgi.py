"""``wsgi:app`` with every request profiled by per-thread CPU time (cProfile).

For ``bench/profile_served.py``: each worker thread keeps a profiler timed
by ``time.thread_time``; at exit each worker writes its merged statistics to
``$KANCELARIA_PROFILE_DIR/<pid>.prof``.
"""

from __future__ import annotations

import atexit
import cProfile
import os
import pstats
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wsgi import app as _app

_local = threading.local()
_profiles: list[cProfile.Profile] = []


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Serve one request under this thread's profiler."""
    profile: cProfile.Profile | None = getattr(_local, "profile", None)
    if profile is None:
        profile = _local.profile = cProfile.Profile(time.thread_time)
        _profiles.append(profile)

    profile.enable()
    try:
        return list(_app(environ, start_response))
    finally:
        profile.disable()


def _dump() -> None:
    folder = os.environ.get("KANCELARIA_PROFILE_DIR")
    if not folder or not _profiles:
        return

    stats = pstats.Stats(_profiles[0])
    for profile in _profiles[1:]:
        stats.add(profile)
    stats.dump_stats(str(Path(folder) / f"{os.getpid()}.prof"))


atexit.register(_dump)
