"""Small SVG charts drawn on the server: no script, no outside host.

Each chart is an ``<svg role="img">`` with a title and a description; the
page puts a text table with the same figures beside it, which is what
screen readers and printouts use.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

# Colours with at least 3:1 contrast to white, told apart also by position.
PALETTE = ("#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#8d1c1c", "#37474f")
WIDTH, HEIGHT, PAD = 640, 220, 32


def stacked_bars(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> Markup:
    """Vertical bars per label, each stacked from the series' counts."""
    totals = [sum(values[i] for _name, values in series) for i in range(len(labels))]
    top = max([*totals, 1])
    step = (WIDTH - 2 * PAD) / max(len(labels), 1)
    parts: list[Markup] = [_open(chart_id, title, _summary(series))]
    parts.append(_axis(top))

    for i, label in enumerate(labels):
        x, y = PAD + i * step, float(HEIGHT - PAD)
        for n, (_name, values) in enumerate(series):
            height = (HEIGHT - 2 * PAD) * values[i] / top
            y -= height
            parts.append(_rect(x + 1, y, max(step - 2, 1), height, PALETTE[n % 6]))
        if i % 5 == 0 or i == len(labels) - 1:
            parts.append(_text(x + step / 2, HEIGHT - PAD + 14, label, "middle"))

    parts.append(_legend([name for name, _values in series]))
    return _close(parts)


def horizontal_bars(
    chart_id: str, title: str, rows: Sequence[tuple[str, int]]
) -> Markup:
    """One horizontal bar per row, its count written at its end."""
    top = max([count for _label, count in rows] + [1])
    row_height = 26
    height = PAD + row_height * len(rows)
    summary = ", ".join(f"{label}: {count}" for label, count in rows)
    parts: list[Markup] = [_open(chart_id, title, summary, height)]
    left, span = 240, WIDTH - 240 - 60

    for i, (label, count) in enumerate(rows):
        y = PAD / 2 + i * row_height
        parts.append(_text(left - 8, y + 16, label, "end"))
        parts.append(_rect(left, y + 4, span * count / top, 16, PALETTE[0]))
        parts.append(_text(left + span * count / top + 6, y + 16, str(count), "start"))

    return _close(parts)


def _open(chart_id: str, title: str, summary: str, height: int = HEIGHT) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        'id="{cid}" viewBox="0 0 {width} {height}" '
        'aria-labelledby="{cid}-title {cid}-desc" focusable="false">'
        '<title id="{cid}-title">{title}</title>'
        '<desc id="{cid}-desc">{summary}</desc>'
    ).format(cid=chart_id, width=WIDTH, height=height, title=title, summary=summary)


def _close(parts: list[Markup]) -> Markup:
    return Markup("").join(parts) + Markup("</svg>")


def _summary(series: Sequence[tuple[str, Sequence[int]]]) -> str:
    return ", ".join(f"{name}: {sum(values)}" for name, values in series)


def _axis(top: int) -> Markup:
    base = HEIGHT - PAD
    line = Markup(
        '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#333" stroke-width="1"/>'
    ).format(x1=PAD, x2=WIDTH - PAD, y=base)
    top_label = _text(PAD - 4, PAD + 4, str(top), "end")
    return line + top_label + _text(PAD - 4, base, "0", "end")


def _legend(names: Sequence[str]) -> Markup:
    parts: list[Markup] = []
    for n, name in enumerate(names):
        x = PAD + n * 120
        parts.append(_rect(x, 6, 12, 12, PALETTE[n % 6]))
        parts.append(_text(x + 16, 16, name, "start"))
    return Markup("").join(parts)


def _rect(x: float, y: float, width: float, height: float, fill: str) -> Markup:
    return Markup(
        '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{f}"/>'
    ).format(x=x, y=y, w=width, h=height, f=fill)


def _text(x: float, y: float, text: str, anchor: str) -> Markup:
    return Markup(
        '<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="#222" '
        'text-anchor="{a}">{t}</text>'
    ).format(x=x, y=y, a=anchor, t=text)
