"""Inline SVG charts for the HTML report: length histograms and label counts.

Every string that reaches the markup goes through :func:`esc`; numbers are formatted here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from validator.reporters.text import sanitize

__all__ = ["esc", "histogram_svg", "labels_svg", "num", "size"]

# Bidirectional overrides and isolates could make a path or message display as something else.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def esc(value: object) -> str:
    """Text safe anywhere in HTML (element content or a quoted attribute): controls and bidi overrides
    made visible, lone surrogates backslash-escaped, then ``html.escape(quote=True)``."""
    text = sanitize(str(value))
    text = _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return html.escape(text, quote=True)


def num(value: object) -> str:
    """A number with thousands separators (floats to one decimal); anything else escaped."""
    if isinstance(value, bool):
        return esc(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return esc(value)


def size(n: int) -> str:
    """Bytes in B, KiB or MiB."""
    if n < 1024:
        return f"{n:,} B"
    if n < 1024**2:
        return f"{n / 1024:,.1f} KiB"
    return f"{n / 1024**2:,.1f} MiB"


_W, _H = 480, 170  # viewBox of a histogram
_LEFT, _RIGHT, _TOP, _BOTTOM = 36, 12, 22, 24


def histogram_svg(title: str, hist: Mapping[str, Any], limit: int | None, unit: str = "chars") -> str:
    """Bars of ``hist`` (``edges``/``counts``); the limit as a dashed vertical line when inside the
    range, else a ``limit N →`` note. Bars wholly above the limit are drawn in the "over" colour."""
    edges = [e for e in hist.get("edges") or [] if isinstance(e, (int, float))]
    counts = [c for c in hist.get("counts") or [] if isinstance(c, int)]
    if len(edges) != len(counts) + 1 or not counts or edges[-1] <= edges[0]:
        return '<p class="empty">no data</p>'
    lo, hi = edges[0], edges[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    peak = max(counts) or 1

    def x(v: float) -> float:
        return _LEFT + (v - lo) / (hi - lo) * plot_w

    parts = [
        f'<svg class="hist" viewBox="0 0 {_W} {_H}" role="img" aria-label="{esc(title)}">',
        f'<line class="axis" x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_W - _RIGHT}" y2="{_TOP + plot_h}"/>',
        f'<text x="{_LEFT - 6}" y="{_TOP + 4}" text-anchor="end">{num(peak)}</text>',
        f'<text x="{_LEFT - 6}" y="{_TOP + plot_h}" text-anchor="end">0</text>',
    ]
    for i, count in enumerate(counts):
        left, right = edges[i], edges[i + 1]
        h = count / peak * plot_h
        if count and h < 2:
            h = 2.0  # a bucket with any records stays visible next to a tall one
        # Over the limit: a bucket wholly above it, or the last one when the maximum exceeds it.
        over = " over" if limit is not None and (left >= limit or (i == len(counts) - 1 and hi > limit)) else ""
        bx, bw = x(left) + 0.75, max(x(right) - x(left) - 1.5, 0.5)
        parts.append(
            f'<rect class="bar{over}" x="{bx:.1f}" y="{_TOP + plot_h - h:.1f}" width="{bw:.1f}" height="{h:.1f}">'
            f"<title>{num(left)}–{num(right)} {unit}: {num(count)} record{'s' if count != 1 else ''}</title></rect>"
        )
    axis_y = _TOP + plot_h + 15
    parts.append(f'<text x="{_LEFT}" y="{axis_y}" text-anchor="start">{num(lo)}</text>')
    mid = (_LEFT + _W - _RIGHT) / 2
    parts.append(f'<text x="{mid:.0f}" y="{axis_y}" text-anchor="middle">{num((lo + hi) / 2)}</text>')
    parts.append(f'<text x="{_W - _RIGHT}" y="{axis_y}" text-anchor="end">{num(hi)} {esc(unit)}</text>')
    if limit is not None and lo <= limit <= hi:
        lx = x(limit)
        anchor = "end" if lx > _W * 0.6 else "start"
        dx = -5 if anchor == "end" else 5
        parts.append(f'<line class="limit" x1="{lx:.1f}" y1="{_TOP - 6}" x2="{lx:.1f}" y2="{_TOP + plot_h}"/>')
        parts.append(
            f'<text class="limit-label" x="{lx + dx:.1f}" y="{_TOP - 8}" text-anchor="{anchor}">'
            f"limit {num(limit)}</text>"
        )
    elif limit is not None and limit > hi:
        parts.append(
            f'<text class="limit-label limit-beyond" x="{_W - _RIGHT}" y="{_TOP - 8}" text-anchor="end">'
            f"limit {num(limit)} →</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_LABEL_ROWS = 20


def labels_svg(labels: Mapping[str, int]) -> str:
    """Horizontal bars of label counts, most frequent first (the first 20, with a note of the rest)."""
    items = sorted(labels.items(), key=lambda kv: (-kv[1], str(kv[0])))
    shown = items[:_LABEL_ROWS]
    if not shown:
        return '<p class="empty">no labels</p>'
    peak = max(count for _, count in shown) or 1
    row_h, label_w, count_w, width = 22, 150, 56, 480
    bar_w = width - label_w - count_w
    height = row_h * len(shown) + 4
    parts = [f'<svg class="labels" viewBox="0 0 {width} {height}" role="img" aria-label="label counts">']
    for i, (label, count) in enumerate(shown):
        y = 2 + i * row_h
        text = str(label)
        short = text if len(text) <= 22 else text[:21] + "…"
        w = max(count / peak * bar_w, 1.5)
        parts.append(
            f'<g class="label-row"><title>{esc(text)}: {num(count)}</title>'
            f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{esc(short)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" rx="2"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{num(count)}</text></g>'
        )
    parts.append("</svg>")
    if len(items) > len(shown):
        parts.append(f'<p class="stats">… and {num(len(items) - len(shown))} more labels</p>')
    return "".join(parts)
