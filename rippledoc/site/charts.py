"""Charts as inline SVG, made at build time: nothing is fetched, nothing runs.

Each function takes plain numbers and labels and returns ``Markup`` holding
one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words
what the picture shows. Colours come from classes styled in ``site.css``
(presentation attributes, no inline styles, so the CSP's ``style-src 'self'``
holds and dark mode works). Every label is escaped.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable, Mapping, Sequence

from markupsafe import Markup, escape


def _svg(width: int, height: int, title: str, desc: str, body: Iterable[str], cls: str = "") -> Markup:
    head = (f'<svg class="chart {cls}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>")
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: object, cls: str = "lbl", anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(str(text))}</text>'


TRIANGLE_LEVELS = (("for-life", "Clients for life"), ("key", "Key clients"), ("base", "Client base"))


def triangle(counts: Mapping[str, int], moves: Mapping[str, tuple[int, int]] | None = None) -> Markup:
    """The client-for-life triangle: three bands, top to bottom, each with its count; the moves of the
    period into each level (up, down) written beside its band."""
    w, h, band = 420 + (110 if moves else 0), 270, 84
    cx, top, half = 210, 12, 200
    base_y = top + band * 3
    parts = []
    desc = []
    for i, (key, label) in enumerate(TRIANGLE_LEVELS):
        y0, y1 = top + band * i, top + band * (i + 1)
        hw0, hw1 = half * (y0 - top) / (base_y - top), half * (y1 - top) / (base_y - top)
        pts = f"{cx - hw0:.1f},{y0:.1f} {cx + hw0:.1f},{y0:.1f} {cx + hw1:.1f},{y1 - 2:.1f} {cx - hw1:.1f},{y1 - 2:.1f}"
        n = counts.get(key, 0)
        parts.append(f'<polygon points="{pts}" class="tri tri-{key}"><title>{escape(label)}: {n}</title></polygon>')
        ty = y0 + band * (0.66 if i == 0 else 0.5)
        parts.append(_text(cx, ty, n, f"tri-n on-{key}", "middle"))
        parts.append(_text(cx, ty + 18, label, f"tri-l on-{key}", "middle"))
        text = f"{label}: {n}"
        if moves is not None:
            up, down = moves.get(key, (0, 0))
            parts.append(_text(cx + (hw0 + hw1) / 2 + 14, y0 + band * 0.55, f"↑{up} ↓{down}", "tri-m"))
            text += f" ({up} came up into it, {down} came down)"
        desc.append(text)
    return _svg(w, h, "The client-for-life triangle", "; ".join(desc), parts, "triangle")


def bars(items: Sequence[tuple[str, float]], title: str, unit: str = "", fmt: str = "{:,.0f}") -> Markup:
    """Horizontal bars, one per item, labelled with name and value."""
    row, label_w, bar_w = 26, 118, 170
    w, h = label_w + bar_w + 64, max(row * len(items) + 8, 30)
    top = max((v for _, v in items), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        length = max(bar_w * value / top, 1 if value else 0)
        parts.append(_text(label_w - 8, y + 16, label, "lbl", "end"))
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row - 10}" rx="3" class="bar bar-{i % 6}"/>')
        parts.append(_text(label_w + length + 6, y + 16, fmt.format(value) + unit, "val"))
    if not items:
        parts.append(_text(8, 20, "no data yet", "lbl"))
    desc = ", ".join(f"{label}: {fmt.format(v)}{unit}" for label, v in items)
    return _svg(w, h, title, desc or "no data", parts, "bars")


def trend(series: Mapping[str, Sequence[tuple[date, float]]], low: float, high: float, title: str) -> Markup:
    """Lines over time on a fixed scale (low..high): one line per series, a legend below."""
    w, h, left, right, top, bottom = 480, 220, 34, 12, 10, 26
    points = [d for s in series.values() for d, _ in s]
    parts = []
    for v in range(int(low), int(high) + 1):
        y = top + (h - top - bottom) * (high - v) / ((high - low) or 1)
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(_text(left - 8, y + 4, v, "lbl", "end"))
    if not points:
        parts.append(_text(left + 8, h / 2, "no scores yet", "lbl"))
        return _svg(w, h, title, "no scores yet", parts, "trend")
    d0, d1 = min(points), max(points)
    span = max((d1 - d0).days, 1)

    def xy(d: date, v: float) -> tuple[float, float]:
        x = left + (w - left - right - 8) * ((d - d0).days / span) + 4
        y = top + (h - top - bottom) * (high - v) / ((high - low) or 1)
        return x, y

    desc = []
    for i, (name, values) in enumerate(series.items()):
        pts = [xy(d, v) for d, v in sorted(values)]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            parts.append(f'<polyline points="{path}" class="line s{i % 7}"/>')
        for (d, score), (cx, cy) in zip(sorted(values), pts):
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" class="dot s{i % 7}">'
                         f"<title>{escape(name)} {d.isoformat()}: {score:g}</title></circle>")
        if values:
            last = sorted(values)[-1]
            desc.append(f"{name}: {last[1]:g} on {last[0].isoformat()}")
    parts.append(_text(left, h - 6, d0.isoformat(), "lbl"))
    if d1 != d0:
        parts.append(_text(w - right, h - 6, d1.isoformat(), "lbl", "end"))
    return _svg(w, h, title, "latest: " + "; ".join(desc), parts, "trend")


def calendar(counts: Mapping[date, int], end: date, weeks: int = 53, title: str = "Contact coverage") -> Markup:
    """A contribution graph: one square per day for ``weeks`` weeks ending on ``end``, darker for more touches."""
    cell, gap, left, top = 12, 3, 28, 16
    last_monday = end - timedelta(days=end.weekday())
    start = last_monday - timedelta(weeks=weeks - 1)
    w = left + weeks * (cell + gap) + 4
    h = top + 7 * (cell + gap) + 4
    parts = [_text(0, top + 1 * (cell + gap) + 9, "Tue", "lbl sm"), _text(0, top + 3 * (cell + gap) + 9, "Thu", "lbl sm"),
             _text(0, top + 5 * (cell + gap) + 9, "Sat", "lbl sm")]
    top_n = max(counts.values(), default=0)
    total = days_with = 0
    month_seen = None
    for wk in range(weeks):
        monday = start + timedelta(weeks=wk)
        x = left + wk * (cell + gap)
        if monday.month != month_seen and wk < weeks - 2:
            month_seen = monday.month
            if wk > 0 or monday.day <= 7:
                parts.append(_text(x, 10, monday.strftime("%b"), "lbl sm"))
        for dow in range(7):
            d = monday + timedelta(days=dow)
            if d > end:
                break
            n = counts.get(d, 0)
            total += n
            days_with += n > 0
            lvl = 0 if n == 0 else 1 + min(3, (n - 1) * 4 // max(top_n, 1))
            parts.append(f'<rect x="{x}" y="{top + dow * (cell + gap)}" width="{cell}" height="{cell}" rx="2" '
                         f'class="day l{lvl}"><title>{d.isoformat()}: {n} touch{"es" if n != 1 else ""}</title></rect>')
    desc = f"{total} touches on {days_with} days from {start.isoformat()} to {end.isoformat()}"
    return _svg(w, h, title, desc, parts, "calendar")
