"""Small charts as inline SVG, drawn at build time: readable without JavaScript, printable,
and each with a text equivalent (the figures are also in the page's tables)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .progress import Measure

ROW = 34
LABEL_W = 330
BAR_W = 360
WIDTH = LABEL_W + BAR_W + 90


def _cut(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(measures: Sequence[Measure], title: str, chart_id: str) -> str:
    """Horizontal bars, one per measure: the share done, with "done/total" beside it."""
    height = ROW * len(measures) + 10
    summary = "；".join(f"{m.label} {m.done}/{m.total}（{m.percent}%）" for m in measures)
    out = [
        f'<svg class="p365-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>',
    ]
    for i, m in enumerate(measures):
        y = 5 + i * ROW
        done_w = round(BAR_W * m.percent / 100)
        state = "full" if m.total and m.done >= m.total else "part"
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 20}" text-anchor="end">{escape(_cut(m.label))}</text>')
        out.append(f'<rect class="track" x="{LABEL_W}" y="{y + 4}" width="{BAR_W}" height="22"/>')
        out.append(f'<rect class="bar {state}" x="{LABEL_W}" y="{y + 4}" width="{done_w}" height="22"/>')
        out.append(f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 20}">{m.done}/{m.total}</text>')
    out.append("</svg>")
    return "\n".join(out)
