"""Read a ZIP container safely: every member's exact bytes, or a refusal.

Refused with a stable code (:mod:`signing.errors`): more than
``MAX_MEMBERS`` members, a member name that is absolute, has ``..``, a
backslash, a drive letter or control characters, or repeats another (also
after Unicode and case folding, which would collide on extraction), an
encrypted member, and inflation past ``max_total`` bytes in all, past
``MAX_RATIO`` times a member's compressed size (for members above
``RATIO_FLOOR`` bytes) or past a member's declared size.  Members are read
in bounded chunks, so a lying header cannot make us inflate more than the
limits.  Nothing is ever written to disk.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from signing.errors import (
    ZIP_BOMB,
    ZIP_DUPLICATE,
    ZIP_ENCRYPTED,
    ZIP_MEMBERS,
    ZIP_PATH,
    ContainerError,
    UnsafeContainerError,
)

MAX_MEMBERS = 1000
MAX_TOTAL = 64 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Member:
    """One file of the container."""

    name: str
    data: bytes
    compressed: bool


def looks_like_zip(data: bytes) -> bool:
    """Tell whether the bytes start like a ZIP archive."""
    return data.startswith(ZIP_MAGIC)


def read_members(data: bytes, max_total: int = MAX_TOTAL) -> list[Member]:
    """Return every file member in archive order, or raise a container error."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ContainerError("the container is not a readable ZIP archive") from exc

    if len(infos) > MAX_MEMBERS:
        raise UnsafeContainerError(ZIP_MEMBERS, "the container has too many members")

    # zipfile cuts a name at its first NUL; judge the name as the archive has it.
    _check_names([i.orig_filename for i in infos])
    members: list[Member] = []
    budget = max_total
    for info in infos:
        if info.is_dir():
            continue

        body = _read_one(archive, info, budget)
        budget -= len(body)
        stored = info.compress_type == zipfile.ZIP_STORED
        members.append(Member(info.filename, body, not stored))

    return members


def _check_names(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if not _plain(name):
            raise UnsafeContainerError(
                ZIP_PATH, "a container member has an unsafe name"
            )

        folded = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
        if folded in seen:
            raise UnsafeContainerError(
                ZIP_DUPLICATE, "two container members share a name"
            )

        seen.add(folded)


def _plain(name: str) -> bool:
    """A relative name of plain segments: no ``..``, root, drive or controls.

    Invisible format characters (bidi overrides such as U+202E, zero-width
    spaces) are controls too: they make a name read as another one.
    """
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False

    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return False

    segments = name.rstrip("/").split("/")
    if len(segments[0]) >= 2 and segments[0][1] == ":":
        return False

    return all(s not in ("", ".", "..") for s in segments)


def _read_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    if info.flag_bits & 0x1:
        raise UnsafeContainerError(ZIP_ENCRYPTED, "a container member is encrypted")

    limit = min(budget, info.file_size)
    if info.file_size > budget or _ratio_too_high(info):
        raise UnsafeContainerError(ZIP_BOMB, "the container inflates past the limits")

    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UnsafeContainerError(
                        ZIP_BOMB, "the container inflates past the limits"
                    )
                parts.append(chunk)
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise ContainerError("a container member cannot be read") from exc

    return b"".join(parts)


def _ratio_too_high(info: zipfile.ZipInfo) -> bool:
    if info.file_size <= RATIO_FLOOR:
        return False

    return info.file_size > MAX_RATIO * max(info.compress_size, 1)
