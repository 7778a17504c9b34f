"""The page's buttons without JavaScript: add or remove a repeated part.

Every button is a submit button named ``_op``; the server changes the
posted values and lays the form out again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from werkzeug.datastructures import MultiDict

from app.formfill.nodes import CHOICE, COUNT

ADD = "add:"
REMOVE = "remove:"


def values_from_post(
    posted: MultiDict[str, str], control: Collection[str] = ()
) -> dict[str, str]:
    """One value per key, the last non-empty one: a checkbox posts "" first."""
    values: dict[str, str] = {}
    for key in posted:
        if key in control:
            continue

        chosen = [v for v in posted.getlist(key) if v]
        values[key] = chosen[-1] if chosen else ""

    return values


def apply_action(values: Mapping[str, str], action: str) -> dict[str, str]:
    """Return the values after ``add:<key>`` or ``remove:<key>.<n>``."""
    changed = dict(values)
    if action.startswith(ADD):
        base = action[len(ADD) :]
        current = changed.get(COUNT + base, "0")
        count = int(current) if current.isdigit() else 0
        changed[COUNT + base] = str(count + 1)
        return changed

    if action.startswith(REMOVE):
        base, _, index = action[len(REMOVE) :].rpartition(".")
        if base and index.isdigit():
            return _remove(changed, base, int(index))

    return changed


def _remove(values: dict[str, str], base: str, index: int) -> dict[str, str]:
    """Drop instance ``index`` of ``base`` and renumber the ones after it."""
    result: dict[str, str] = {}
    for name, value in values.items():
        marker, key = _split_marker(name)
        moved = _renumber(key, base, index)
        if moved is not None:
            result[marker + moved] = value

    current = result.get(COUNT + base, "0")
    if current.isdigit() and int(current) > 0:
        result[COUNT + base] = str(int(current) - 1)

    return result


def _split_marker(name: str) -> tuple[str, str]:
    for marker in (COUNT, CHOICE):
        if name.startswith(marker):
            return marker, name[len(marker) :]

    return "", name


def _renumber(key: str, base: str, index: int) -> str | None:
    """The key after removing instance ``index``; None if it goes away."""
    head = base + "."
    if not key.startswith(head):
        return key

    number, sep, rest = key[len(head) :].partition("/")
    if not number.isdigit():
        return key

    if int(number) == index:
        return None

    if int(number) > index:
        number = str(int(number) - 1)

    return f"{head}{number}{sep}{rest}"
